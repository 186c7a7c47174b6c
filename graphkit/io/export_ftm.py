"""Export the store as FollowTheMoney entities, one JSON object per line.

Entities are built with `followthemoney`'s own proxies, so every value is cleaned and
checked by FtM and the file reads back with `model.get_proxy`. Ids are graphkit ids.

The mapping is the ontology's `ftm` section (graphkit/model/ontology.yaml): `export` names
the schema of each label (organisations by kind group: companies, public bodies, others),
`links` the link schema of each relationship type; any other relationship type is written as
the last link (UnknownLink) with role = the relationship type. A Contract carries title,
amount + GBP, contractDate, procedure and its buyers (COMMISSIONED) as `authority`.

Each entity's citations become `sourceUrl` and `publisher` (of the cited sources) and
`notes` (the quotes). What an FtM import kept in the description's last line
(`FtM: {…}`: the schema, the FtM id, percentages, shares, amounts in other currencies)
is written back as those properties, so an imported FtM file is exported whole: an
Organization stays an Organization, an entity keeps its FtM id. Identifiers kept as
aliases (`ftm:…`, `ocds:…`, `GB-COH-…`) are never written as names. FOIRequest and Place have no FtM counterpart and are left out;
relationships touching them are left out too (the report counts both).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..dataset import Dataset
from ..model.ontology import load_ontology
from .ftm_values import ftm_tail
from .report import ExportReport
from .targets import prepare_file, write_export_file

FORMAT = "ftm"
IDENTIFIER = re.compile(r"^(ftm:|ocds:|[A-Z]{2}-[A-Z]{2,6}-)")


def entity_schema_name(label: str, kind: str | None) -> str | None:
    """The FtM schema of an entity (the ontology's `ftm.export`); None: no counterpart.

    >>> entity_schema_name("Organisation", "consultancy"), entity_schema_name("Place", "city")
    ('Company', None)
    """
    return load_ontology().vocabulary.ftm.export_schema(label, kind)


def export_ftm(ds: Dataset, target: str | Path, **guard) -> ExportReport:
    """Write `ds` as FtM JSON lines to the file `target` (or `target/entities.ftm.json` for a folder).

    `guard` (store, datasets, force) says what the file may not overwrite (graphkit/io/targets.py).
    """
    from followthemoney import model

    path = prepare_file(target, "entities.ftm.json", **guard)
    report = ExportReport(FORMAT, str(path))
    sources = {row["id"]: row for row in ds.sources.to_pylist()}
    schemata: dict[str, str] = {}
    lines = []
    authorities: dict[str, list[str]] = {}
    for rel in ds.relationships.select(["source", "type", "target"]).to_pylist():
        if rel["type"] == "COMMISSIONED":
            authorities.setdefault(rel["target"], []).append(rel["source"])
    ids = _ftm_ids(ds)
    kept = load_ontology().vocabulary.ftm.kept_schemata
    for row in ds.entities.to_pylist():
        text, tail = ftm_tail(row.get("description"))
        name = entity_schema_name(row["label"], row["kind"])
        if name is None:
            report.dropped[f"{row['label']} (no FtM counterpart)"] += 1
            continue
        if tail.get("schema") in kept.get(row["label"], ()):
            name = tail["schema"]
        proxy = model.make_entity(name)
        proxy.id = ids[row["id"]]
        _entity_props(proxy, {**row, "description": text})
        _add_kept(proxy, tail)
        _registration(proxy, row.get("aliases") or [])
        if name == "Contract":
            proxy.add("authority", [ids.get(a, a) for a in authorities.get(row["id"], [])], quiet=True)
        _cite(proxy, row, sources)
        schemata[row["id"]] = name
        lines.append(proxy.to_dict())
        report.written[name] += 1
    for row in ds.relationships.to_pylist():
        edge = _edge(model, row, schemata, sources, report, ids)
        if edge is not None:
            lines.append(edge.to_dict())
            report.written[edge.schema.name] += 1
    text = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)
    write_export_file(path, text)
    report.files.append(str(path))
    return report


def _entity_props(proxy, row: dict) -> None:
    label = row["label"]
    if label == "Contract":
        proxy.add("title", row.get("title") or row["name"])
        if row.get("value_gbp") is not None:
            proxy.add("amount", _number_text(row["value_gbp"]))
            proxy.add("currency", "GBP")
        elif row.get("value_original") is not None:  # another currency, or a value not counted as money
            proxy.add("amount", _number_text(row["value_original"]))
            proxy.add("currency", row.get("currency"), quiet=True)
        proxy.add("contractDate", row.get("start_date"), quiet=True)
        proxy.add("procedure", row.get("procedure"), quiet=True)
    elif label == "Report":
        proxy.add("title", row["name"])
        proxy.add("publishedAt", row.get("date"), quiet=True)
    proxy.add("name", row["name"])
    aliases = row.get("aliases") or []
    proxy.add("alias", [a for a in aliases if not IDENTIFIER.match(a)], quiet=True)
    proxy.add("description", row.get("description"), quiet=True)


def _registration(proxy, aliases: list[str]) -> None:
    """A UK company number kept as the alias GB-COH-…, unless the FtM record gave its own."""
    numbers = [a.removeprefix("GB-COH-") for a in aliases if a.startswith("GB-COH-")]
    if numbers and "registrationNumber" in proxy.schema.properties and not proxy.get("registrationNumber"):
        proxy.add("registrationNumber", numbers, quiet=True)
        proxy.add("jurisdiction", "gb", quiet=True)


def _ftm_ids(ds: Dataset) -> dict[str, str]:
    """graphkit id -> FtM id: the id an FtM import came with (kept in the description or an alias), else graphkit's."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    rows = ds.entities.select(["id", "aliases", "description"]).to_pylist()
    for row in rows:
        tail = ftm_tail(row["description"])[1]
        alias = next((a[4:] for a in row["aliases"] or [] if a.startswith("ftm:")), None)
        candidate = tail.get("id") if isinstance(tail.get("id"), str) else alias
        if candidate and candidate not in taken:
            out[row["id"]] = candidate
            taken.add(candidate)
    for row in rows:
        if row["id"] not in out:
            gid = row["id"] if row["id"] not in taken else f"graphkit-{row['id']}"
            out[row["id"]] = gid
            taken.add(gid)
    return out


def _add_kept(proxy, tail: dict) -> None:
    """Properties an FtM import kept in the description, back in their place."""
    for prop, found in tail.items():
        if prop in ("schema", "id") or prop not in proxy.schema.properties:
            continue
        proxy.add(prop, [str(v) for v in (found if isinstance(found, list) else [found])], quiet=True)


def _cite(proxy, row: dict, sources: dict[str, dict]) -> None:
    cited = [sources.get(s) or {} for s in row.get("source_ids") or []]
    proxy.add("sourceUrl", [s.get("url") for s in cited if s.get("url")], quiet=True)
    proxy.add("publisher", [s.get("publisher") for s in cited if s.get("publisher")], quiet=True)
    proxy.add("notes", list(dict.fromkeys(row.get("quotes") or [])), quiet=True)


def _edge(model, row: dict, schemata: dict[str, str], sources: dict[str, dict], report: ExportReport,
          ids: dict[str, str]):
    rtype = row["type"]
    if rtype == "COMMISSIONED" and schemata.get(row["target"]) == "Contract":
        return None  # the contract's authority
    if row["source"] not in schemata or row["target"] not in schemata:
        report.dropped[f"{rtype} with an end that has no FtM counterpart"] += 1
        return None
    mapping = load_ontology().vocabulary.ftm
    link, fallback = mapping.link_by_type(rtype), mapping.fallback_link
    schema, start, end = link.schema, link.start, link.end
    if not _fits(model, schema, start, schemata[row["source"]]) or not _fits(model, schema, end, schemata[row["target"]]):
        schema, start, end = fallback.schema, fallback.start, fallback.end  # e.g. MEMBER_OF a programme
    text, tail = ftm_tail(row.get("description"))
    proxy = model.make_entity(schema)
    proxy.id = tail["id"] if tail.get("schema") == schema and isinstance(tail.get("id"), str) else _edge_id(row)
    proxy.add(start, ids.get(row["source"], row["source"]))
    proxy.add(end, ids.get(row["target"], row["target"]))
    if not proxy.get(start) or not proxy.get(end):
        report.dropped[f"{rtype} whose ends FtM's {schema} does not accept"] += 1
        return None
    role = row.get("role")
    if schema == fallback.schema:
        role = f"{rtype}: {role}" if role else rtype
    proxy.add("role", role, quiet=True)
    proxy.add("startDate", row.get("start_date"), quiet=True)
    proxy.add("endDate", row.get("end_date"), quiet=True)
    if row.get("amount_gbp") is not None and "amount" in proxy.schema.properties:
        proxy.add("amount", _number_text(row["amount_gbp"]))
        proxy.add("currency", "GBP")
    if tail.get("amount") and text:  # the import's own "amount 99 EUR" line: the properties say it
        first, _, rest = text.partition("\n")
        text = rest or None if first.startswith("amount ") else text
    _add_kept(proxy, tail)
    proxy.add("description", text, quiet=True)
    _cite(proxy, row, sources)
    return proxy


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _fits(model, schema: str, prop: str, end_schema: str) -> bool:
    return model.get(end_schema).is_a(model.get(schema).get(prop).range)


def _edge_id(row: dict) -> str:
    import hashlib

    digest = hashlib.sha1(row["rid"].encode("utf-8")).hexdigest()[:16]
    return f"{row['type'].lower()}-{digest}"
