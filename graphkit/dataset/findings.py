"""Record new findings: validate, append to the dataset's findings file, upsert into the store.

>>> acme = Reference("https://example.org/acme", "Acme won the contract; it advised the DCLG")
>>> add_entity(tiny_dataset, label="Organisation", kind="consultancy", name="Acme Ltd", reference=acme).created
['acme-ltd']
>>> add_relation(tiny_dataset, "Acme Ltd", "ADVISES", "DCLG", reference=acme).created  # a name, an alias
['acme-ltd -ADVISES-> dclg']
>>> read_dataset([tiny_dataset]).counts()
{'sources': 4, 'entities': 12, 'relationships': 15}
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow.compute as pc
import yaml
from pydantic import ValidationError

from . import Dataset, display_path, kept_as_read, read_dataset
from ..files import dataset_lock, write_text_atomic
from ..model.tables import entity_schema, relationship_ids, relationship_schema, rows_to_table, source_schema
from ..model.ontology import Ontology, load_ontology
from ..errors import GraphkitError
from ..model.records import describe_error, entity_model, relationship_model, source_model
from ..resolve.sources import Index, build_index
from ..stores import Store, last_load
from ..model.values import slugify

FINDINGS_FILE = "findings.yaml"
DEFAULT_EVIDENCE = "reported"  # a claim read in a document; `documented` for primary records, `alleged` for partisan ones
HEADER = ("# Findings added with `graphkit add`. The same format as every dataset file;\n"
          "# edit by hand if you like: entries are kept sorted so diffs stay small.\n")


@dataclass
class Added:
    """What an add did: ids created or matched, and the store's report."""

    created: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    file: str = ""
    stored: bool = False


@dataclass
class Reference:
    """What a finding rests on, as a researcher gives it: a source (a URL or a recorded source's id),
    a verbatim quote from it, and for a new URL the source's title, publisher and date.

    Each claim the finding adds cites it as a `records.Citation` (the source's id and the quote).
    """

    source: str  # a URL or an existing source id
    quote: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None


class _PlainDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter where PyYAML has it
    """Writes shared objects out in full: dataset files never use YAML anchors or aliases."""

    def ignore_aliases(self, data):
        return True


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)


def _read_findings(path: Path) -> dict[str, list[dict]]:
    if not path.exists():
        return {"sources": [], "entities": [], "relationships": []}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
    return {k: list(data.get(k) or []) for k in ("sources", "entities", "relationships")}


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML has it: the same data


def _write_findings(path: Path, text: str) -> None:
    """Rewrite the findings file atomically (temp file + rename) with `text` (`_findings_text`)."""
    write_text_atomic(path, text)


def _findings_text(data: dict[str, list[dict]]) -> str:
    """The findings file's text: a header, then the entries sorted."""
    ordered = {
        "sources": sorted(data["sources"], key=lambda r: r["id"]),
        "entities": sorted(data["entities"], key=lambda r: r["id"]),
        "relationships": sorted(data["relationships"], key=lambda r: (r["source"], r["type"], r["target"], str(r))),
    }
    return HEADER + _dump({k: v for k, v in ordered.items() if v})


def _require_vat(amount, vat, option: str) -> None:
    """An amount means nothing without its VAT basis: refuse `--amount-gbp` without `--vat`."""
    if amount is not None and not vat:
        raise GraphkitError(f"{option} needs --vat (excluded, included or unknown): ex-VAT and inc-VAT "
                            "figures are never added together")


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, [], "")}


def _source_record(cite: Reference, index: Index, onto: Ontology) -> tuple[str, dict | None]:
    """The id of the reference's source, and a new source record if it is new."""
    if not cite.source.lower().startswith(("http://", "https://")):
        if index.has_source(cite.source):
            return cite.source, None
        raise GraphkitError(f"--source {cite.source!r} is neither an http(s) URL nor a known source id")
    existing = index.source_by_url.get(cite.source)
    if existing:
        return existing, None
    host = urlsplit(cite.source).hostname or "source"
    sid = f"{slugify(host)[:40]}-{hashlib.sha1(cite.source.encode()).hexdigest()[:8]}"
    record = {"id": sid, "url": cite.source, "title": cite.title or cite.source,
              "publisher": cite.publisher, "date": cite.date}
    _validated(source_model(onto), _clean(record), "source")
    return sid, _clean(record)


def _validated(model, record: dict, what: str) -> dict:
    try:
        return model.model_validate(record).model_dump()
    except ValidationError as exc:
        where, msg = describe_error(exc.errors()[0])
        raise GraphkitError(f"{what}: {where} {msg}") from None


def add_entity(dataset_dir: str | Path, *, label: str, kind: str, name: str, reference: Reference,
               id: str | None = None, aliases: list[str] | None = None, description: str | None = None,
               evidence: str = DEFAULT_EVIDENCE, fields: dict[str, Any] | None = None,
               store: Store | None = None) -> Added:
    """Add an actor (or any entity); an existing one matched by id, name or alias gains the citation."""
    dataset_dir = Path(dataset_dir)
    onto = load_ontology()
    evidence = evidence or DEFAULT_EVIDENCE
    _require_vat((fields or {}).get("value_gbp"), (fields or {}).get("vat"), "--field value_gbp")
    if label not in onto.labels:
        raise GraphkitError(f"--label {label!r} is not a known label ({', '.join(onto.labels)})")
    with _locked(dataset_dir):
        index = build_index(dataset_dir, store)
        sid, new_source = _source_record(reference, index, onto)
        match = index.find(id or name)
        if match and match.label != label:
            raise GraphkitError(f"{name!r} is already recorded as {match.label} {match.id!r}")
        base = {"id": match.id, "label": label, "kind": match.kind, "name": match.name} if match else {
            "id": id or index.free_id(slugify(name)), "label": label, "kind": kind, "name": name,
            "aliases": aliases, "description": description, "evidence": evidence, **(fields or {})}
        record = _clean({**base, "sources": [{"source": sid, "quote": reference.quote}]})
        _validated(entity_model(label, onto), record, f"{label} {record['id']}")
        result = Added(matched=[match.id] if match else [], created=[] if match else [record["id"]])
        return _commit(dataset_dir, store, index, new_source, [record], [], result)


def add_relation(dataset_dir: str | Path, source: str, rel_type: str, target: str, *, reference: Reference,
                 props: dict[str, Any] | None = None, store: Store | None = None) -> Added:
    """Add a link between two recorded actors, found by id, name or alias (evidence `reported` unless given)."""
    dataset_dir = Path(dataset_dir)
    onto = load_ontology()
    props = {**(props or {})}
    props["evidence"] = props.get("evidence") or DEFAULT_EVIDENCE
    _require_vat(props.get("amount_gbp"), props.get("vat"), "--amount-gbp")
    rel_type = rel_type.upper()
    if rel_type not in onto.relationships:
        raise GraphkitError(f"{rel_type!r} is not a known relationship type ({', '.join(onto.relationships)})")
    with _locked(dataset_dir):
        index = build_index(dataset_dir, store)
        a, b = index.require(source), index.require(target)
        if not onto.allows(a.label, rel_type, b.label):
            spec = onto.relationships[rel_type]
            raise GraphkitError(f"{rel_type} goes from {'/'.join(spec.from_labels)} to {'/'.join(spec.to_labels)}; "
                                f"{a.id!r} is a {a.label} and {b.id!r} is a {b.label}")
        sid, new_source = _source_record(reference, index, onto)
        record = _clean({"source": a.id, "type": rel_type, "target": b.id, **props,
                         "sources": [{"source": sid, "quote": reference.quote}]})
        _validated(relationship_model(onto), record, f"relationship {rel_type}")
        result = Added(created=[f"{a.id} -{rel_type}-> {b.id}"])
        return _commit(dataset_dir, store, index, new_source, [], [record], result, {a.id: a.label, b.id: b.label})


def add_source(dataset_dir: str | Path, url: str, *, title: str | None = None, publisher: str | None = None,
               date: str | None = None, store: Store | None = None) -> Added:
    """Record a source document on its own, to cite it later by id."""
    dataset_dir = Path(dataset_dir)
    with _locked(dataset_dir):
        index = build_index(dataset_dir, store)
        sid, new_source = _source_record(Reference(url, "-", title, publisher, date), index, load_ontology())
        result = Added(created=[sid] if new_source else [], matched=[] if new_source else [sid])
        return _commit(dataset_dir, store, index, new_source, [], [], result)


def _locked(dataset_dir: Path) -> dataset_lock:
    return dataset_lock(dataset_dir, "findings", "another `graphkit add` is writing")


def _commit(dataset_dir: Path, store: Store | None, index: Index, new_source: dict | None,
            entities: list[dict], rels: list[dict], result: Added, labels: dict[str, str] | None = None) -> Added:
    path = dataset_dir / FINDINGS_FILE
    data = _read_findings(path)
    if new_source:
        data["sources"].append(new_source)
    for ent in entities:
        _merge_into(data["entities"], ent)
    data["relationships"].extend(rels)
    text = _findings_text(data)  # dumped once: checked, then written
    checked = _check_whole(dataset_dir, path, text, index)
    _write_findings(path, text)
    result.file = str(path)
    if store is not None:  # the files as now written: the check's dataset, its file shown by its own name
        written = kept_as_read(checked[0], [dataset_dir], {checked[1]: display_path(path)}) if checked else None
        _upsert(store, index, new_source, entities, rels, labels or {}, written)
        result.stored = True
    return result


def _merge_into(records: list[dict], ent: dict) -> None:
    for rec in records:
        if rec["id"] == ent["id"]:
            for key, value in ent.items():
                rec.setdefault(key, value)
            for cite in ent["sources"]:
                if cite not in rec["sources"]:
                    rec["sources"].append(cite)
            return
    records.append(ent)


def _check_whole(dataset_dir: Path, path: Path, text: str, index: Index) -> tuple[Dataset, str] | None:
    """Validate the new findings file (its `text`) with the dataset it joins, before it replaces the old one.

    Returns the dataset so read and the name it showed the new file by (read in the place the
    findings file takes among the files, so that it is the dataset the files will hold), or None
    when the store served as index.
    """
    if not index.from_dataset:
        return None  # the store served as index: the dataset is too large to re-read for one finding
    fd, tmp = tempfile.mkstemp(dir=dataset_dir, prefix=".findings-check-", suffix=".yaml")
    os.close(fd)
    try:
        Path(tmp).write_text(text, encoding="utf-8")  # the very text the file will hold
        others = [Path(f).resolve() for f in index.files if Path(f).resolve() != path.resolve()]
        place = sorted([*others, path.resolve()]).index(path.resolve())
        return read_dataset([*others[:place], Path(tmp), *others[place:]]), display_path(Path(tmp))
    finally:
        Path(tmp).unlink(missing_ok=True)


def _upsert(store: Store, index: Index, new_source, entities, rels, labels, written: Dataset | None) -> None:
    """Write one finding into the store as the files now state it.

    The store's update replaces a row, citations and all, so each entity or link the finding
    touches is sent whole: as the files (`written`, read again after the finding) state it, or,
    when the dataset is too large to re-read, as the store holds it with the finding added.
    """
    onto = load_ontology()
    # a store that holds exactly the files read before the finding holds nothing the files do not: no need to ask it
    held = written is not None and store.engine == "ladybug" and last_load.recall(store.path, index.digest) is not None
    ent_rows = [_store_row(ent, None if held else index.stored_entity(store, ent["label"], ent["id"]),
                           None if written is None else written.entity(ent["id"])) for ent in entities]
    rel_rows = []
    for rel in rels:
        rid = _link_id(rel, onto)
        rel_rows.append(_store_row(rel, None if held else index.stored_link(store, rel["type"], rid),
                                   None if written is None else _link(written, rid)))
    rel_table = rows_to_table(rel_rows, relationship_schema(onto))
    if rel_table.num_rows:
        rel_table = rel_table.set_column(0, "rid", relationship_ids(rel_table))
    ds = Dataset(rows_to_table(ent_rows, entity_schema(onto)), rel_table,
                 rows_to_table([new_source] if new_source else [], source_schema(onto)))
    ds.known_labels = labels
    if written is not None and index.digest and written.digest:  # a store that held the files now holds them still
        ds.follows = (index.digest, written.digest)
    store.load(ds, sync=False)  # one finding: the rest of the store stays


def _store_row(record: dict, stored: dict | None, in_files: dict | None) -> dict:
    """The row to store for `record` (a findings entry): its row in the files, else the stored row
    with the record's fields; either way with every citation the store already holds.

    >>> _store_row({"id": "a", "sources": [{"source": "s2", "quote": "q2"}, {"source": "s1", "quote": "q1"}]},
    ...            {"id": "a", "name": "A", "source_ids": ["s1"], "quotes": ["q1"]}, None)
    {'id': 'a', 'name': 'A', 'source_ids': ['s1', 's2'], 'quotes': ['q1', 'q2']}
    """
    if in_files is not None:
        row, first, then = dict(in_files), in_files, stored or {}
    else:
        fields = {k: v for k, v in record.items() if k != "sources"}
        cites = record["sources"]
        cited = {"source_ids": [c["source"] for c in cites], "quotes": [c["quote"] for c in cites]}
        row, first, then = {**(stored or {}), **fields}, stored or {}, cited
    pairs = list(zip(first.get("source_ids") or [], first.get("quotes") or []))
    pairs += [p for p in zip(then.get("source_ids") or [], then.get("quotes") or []) if p not in pairs]
    row["source_ids"], row["quotes"] = [p[0] for p in pairs], [p[1] for p in pairs]
    return row


def _link_id(rel: dict, onto: Ontology) -> str:
    """The relationship id (`rid`) under which the files and the store keep `rel`."""
    return relationship_ids(rows_to_table([rel], relationship_schema(onto)))[0].as_py()


def _link(ds: Dataset, rid: str) -> dict | None:
    rows = ds.relationships.filter(pc.equal(ds.relationships.column("rid"), rid)).to_pylist()
    return rows[0] if rows else None


def add_contract(dataset_dir: str | Path, buyer: str, supplier: str, *, title: str, reference: Reference,
                 value_gbp: float | None = None, vat: str | None = None, start_date: str | None = None,
                 procedure: str | None = None, evidence: str = DEFAULT_EVIDENCE, store: Store | None = None) -> Added:
    """Add a contract with its buyer and supplier in one finding.

    A contract already recorded between the same buyer and supplier under the same title
    (after normalisation) is that contract: it gains the citation and any field it lacks;
    a field it records differently is refused, naming the contract, so nothing is counted twice.
    """
    dataset_dir = Path(dataset_dir)
    onto = load_ontology()
    evidence = evidence or DEFAULT_EVIDENCE
    _require_vat(value_gbp, vat, "--value-gbp")
    fields = _clean({"value_gbp": value_gbp, "vat": vat, "start_date": start_date, "procedure": procedure})
    with _locked(dataset_dir):
        index = build_index(dataset_dir, store)
        a, b = index.require(buyer), index.require(supplier)
        sid, new_source = _source_record(reference, index, onto)
        cite = [{"source": sid, "quote": reference.quote}]
        existing = _same_contract(index, a.id, b.id, title)
        if existing:
            return _update_contract(dataset_dir, store, index, new_source, existing, fields, cite, onto)
        cid = index.free_id("contract-" + slugify(f"{b.id} {title}")[:80])
        contract = _clean({"id": cid, "label": "Contract", "kind": onto.kind("contract"), "name": title, "title": title,
                           **fields, "evidence": evidence, "sources": cite})
        _validated(entity_model("Contract", onto), contract, f"Contract {cid}")
        rels = [_contract_link(onto, a, "COMMISSIONED", cid, start_date, evidence, cite),
                _contract_link(onto, b, "AWARDED_TO", cid, start_date, evidence, cite)]
        result = Added(created=[cid, f"{a.id} -COMMISSIONED-> {cid}", f"{cid} -AWARDED_TO-> {b.id}"])
        return _commit(dataset_dir, store, index, new_source, [contract], rels, result,
                       {a.id: a.label, b.id: b.label, cid: "Contract"})


def _contract_link(onto: Ontology, who, rtype: str, cid: str, start_date, evidence, cite) -> dict:
    """buyer -COMMISSIONED-> contract, or contract -AWARDED_TO-> supplier, checked against the ontology."""
    buying = rtype == "COMMISSIONED"
    if not (onto.allows(who.label, rtype, "Contract") if buying else onto.allows("Contract", rtype, who.label)):
        raise GraphkitError(f"{who.id!r} is a {who.label}; it cannot be the {'buyer' if buying else 'supplier'}")
    src, dst = (who.id, cid) if buying else (cid, who.id)
    rel = _clean({"source": src, "type": rtype, "target": dst, "start_date": start_date,
                  "evidence": evidence, "sources": cite})
    _validated(relationship_model(onto), rel, f"relationship {rtype}")
    return rel


def _same_contract(index: Index, buyer: str, supplier: str, title: str) -> dict | None:
    """The recorded contract from `buyer` to `supplier` whose title normalises as `title` does."""
    from ..resolve.index import normalise_name

    key = normalise_name(title)
    for contract in index.contracts:
        if buyer in contract["buyers"] and supplier in contract["suppliers"] and key in (
                normalise_name(contract.get("title") or ""), normalise_name(contract.get("name") or "")):
            return contract
    return None


def _update_contract(dataset_dir: Path, store: Store | None, index: Index, new_source: dict | None,
                     existing: dict, fields: dict, cite: list[dict], onto: Ontology) -> Added:
    cid = existing["id"]
    differ = {k: (existing[k], v) for k, v in fields.items() if existing.get(k) not in (None, v)}
    if differ:
        what = ", ".join(f"{k} {old!r} (given {new!r})" for k, (old, new) in differ.items())
        raise GraphkitError(f"contract {cid!r} ({existing['name']}, {existing['_file']}:{existing['_line']}) "
                            f"already records {what}; edit that file to correct it, or give another --title "
                            "for a separate contract")
    record = _clean({"id": cid, "label": "Contract", "kind": existing["kind"], "name": existing["name"],
                     "title": existing.get("title"), **fields, "sources": cite})
    _validated(entity_model("Contract", onto), record, f"Contract {cid}")
    result = Added(matched=[f"{cid} (same buyer, supplier and title: citation added)"])
    return _commit(dataset_dir, store, index, new_source, [record], [], result, {cid: "Contract"})
