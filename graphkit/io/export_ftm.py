"""Export the store as FollowTheMoney entities, one JSON object per line.

Entities are built with `followthemoney`'s own proxies, so every value is cleaned and
checked by FtM and the file reads back with `model.get_proxy`. Ids are graphkit ids.

| graphkit | FtM |
| --- | --- |
| Person | Person |
| Organisation (company, consultancy) | Company |
| Organisation (public bodies, councils, departments, health, police, fire) | PublicBody |
| other Organisation | Organization |
| Contract | Contract (title, amount + GBP, contractDate, procedure; COMMISSIONED → authority) |
| Report | Document (Article for articles) |
| Programme | Project |
| AWARDED_TO | ContractAward |
| PAID | Payment |
| DIRECTOR_OF / EMPLOYED_BY / MEMBER_OF | Directorship / Employment / Membership |
| ADVISES | Representation |
| ABOUT | Documentation |
| any other relationship | UnknownLink, role = the relationship type |

Each entity's citations become `sourceUrl` and `publisher` (of the cited sources) and
`notes` (the quotes). FOIRequest and Place have no FtM counterpart and are left out;
relationships touching them are left out too (the report counts both).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..dataset import Dataset
from .report import ExportReport
from .targets import prepare_file, write_export_file

FORMAT = "ftm"
PUBLIC_KINDS = {"public_body", "government_department", "council", "pilot_area", "health_body", "police",
                "fire_service", "regional_body"}
COMPANY_KINDS = {"company", "consultancy"}
EDGES = {  # relationship type -> (FtM schema, property of the start, property of the end)
    "AWARDED_TO": ("ContractAward", "contract", "supplier"),
    "PAID": ("Payment", "payer", "beneficiary"),
    "DIRECTOR_OF": ("Directorship", "director", "organization"),
    "EMPLOYED_BY": ("Employment", "employee", "employer"),
    "MEMBER_OF": ("Membership", "member", "organization"),
    "ADVISES": ("Representation", "agent", "client"),
    "ABOUT": ("Documentation", "document", "entity"),
}


def entity_schema_name(label: str, kind: str | None) -> str | None:
    if label == "Person":
        return "Person"
    if label == "Organisation":
        return "Company" if kind in COMPANY_KINDS else "PublicBody" if kind in PUBLIC_KINDS else "Organization"
    if label == "Contract":
        return "Contract"
    if label == "Report":
        return "Article" if kind == "article" else "Document"
    if label == "Programme":
        return "Project"
    return None


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
    for row in ds.entities.to_pylist():
        name = entity_schema_name(row["label"], row["kind"])
        if name is None:
            report.dropped[f"{row['label']} (no FtM counterpart)"] += 1
            continue
        proxy = model.make_entity(name)
        proxy.id = row["id"]
        _entity_props(proxy, row)
        if name == "Contract":
            proxy.add("authority", [a for a in authorities.get(row["id"], [])], quiet=True)
        _cite(proxy, row, sources)
        schemata[row["id"]] = name
        lines.append(proxy.to_dict())
        report.written[name] += 1
    for row in ds.relationships.to_pylist():
        edge = _edge(model, row, schemata, sources, report)
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
            proxy.add("amount", str(row["value_gbp"]))
            proxy.add("currency", "GBP")
        proxy.add("contractDate", row.get("start_date"), quiet=True)
        proxy.add("procedure", row.get("procedure"), quiet=True)
    elif label == "Report":
        proxy.add("title", row["name"])
        proxy.add("publishedAt", row.get("date"), quiet=True)
    proxy.add("name", row["name"])
    proxy.add("alias", row.get("aliases") or [], quiet=True)
    proxy.add("description", row.get("description"), quiet=True)


def _cite(proxy, row: dict, sources: dict[str, dict]) -> None:
    cited = [sources.get(s) or {} for s in row.get("source_ids") or []]
    proxy.add("sourceUrl", [s.get("url") for s in cited if s.get("url")], quiet=True)
    proxy.add("publisher", [s.get("publisher") for s in cited if s.get("publisher")], quiet=True)
    proxy.add("notes", list(dict.fromkeys(row.get("quotes") or [])), quiet=True)


def _edge(model, row: dict, schemata: dict[str, str], sources: dict[str, dict], report: ExportReport):
    rtype = row["type"]
    if rtype == "COMMISSIONED" and schemata.get(row["target"]) == "Contract":
        return None  # the contract's authority
    if row["source"] not in schemata or row["target"] not in schemata:
        report.dropped[f"{rtype} with an end that has no FtM counterpart"] += 1
        return None
    schema, start, end = EDGES.get(rtype, ("UnknownLink", "subject", "object"))
    if not _fits(model, schema, start, schemata[row["source"]]) or not _fits(model, schema, end, schemata[row["target"]]):
        schema, start, end = "UnknownLink", "subject", "object"  # e.g. MEMBER_OF a programme
    proxy = model.make_entity(schema)
    proxy.id = _edge_id(row)
    proxy.add(start, row["source"])
    proxy.add(end, row["target"])
    if not proxy.get(start) or not proxy.get(end):
        report.dropped[f"{rtype} whose ends FtM's {schema} does not accept"] += 1
        return None
    role = row.get("role")
    if schema == "UnknownLink":
        role = f"{rtype}: {role}" if role else rtype
    proxy.add("role", role, quiet=True)
    proxy.add("startDate", row.get("start_date"), quiet=True)
    proxy.add("endDate", row.get("end_date"), quiet=True)
    if row.get("amount_gbp") is not None and "amount" in proxy.schema.properties:
        proxy.add("amount", str(row["amount_gbp"]))
        proxy.add("currency", "GBP")
    proxy.add("description", row.get("description"), quiet=True)
    _cite(proxy, row, sources)
    return proxy


def _fits(model, schema: str, prop: str, end_schema: str) -> bool:
    return model.get(end_schema).is_a(model.get(schema).get(prop).range)


def _edge_id(row: dict) -> str:
    import hashlib

    digest = hashlib.sha1(row["rid"].encode("utf-8")).hexdigest()[:16]
    return f"{row['type'].lower()}-{digest}"
