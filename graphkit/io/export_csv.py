"""Export the store as a dataset folder of CSV files that re-imports unchanged.

`entities.csv`, `relationships.csv` and `sources.csv` have the documented headers of
graphkit/dataset/csv_reader.py: one row per citation (rows of one id merge again on
reading), aliases joined with `|`. What those columns cannot hold (a contract's value,
a report's date and URL, an entity's evidence, a relationship's description) goes to
`fields.yaml` beside them, an ordinary dataset file that repeats the id and adds the
fields. The folder is a dataset: `graphkit import csv DIR` or `graphkit load DIR` reads it.

Formula guard: a text cell that starts with = + - @ tab or CR would run as a formula in
a spreadsheet; such cells get a leading `'` (and a cell that already starts with `'`
followed by one of those gets one more). The guard is reversible: `graphkit import csv`
removes exactly one leading `'` before those characters, so "-Foo" survives the round
trip. It applies to text columns only; ids, dates and amounts never start with them.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from ..dataset import Dataset
from ..dataset.csv_reader import HEADERS, UNGUARD
from .report import ExportReport
from ..files import guard_cell, unguard_cell, write_text_atomic  # noqa: F401 - the guard pair lives in files.py
from .targets import StagedFolder, check_folder_target, writing

FORMAT = "csv"
FIELDS_FILE = "fields.yaml"
FILES = ("entities.csv", "relationships.csv", "sources.csv", FIELDS_FILE)


def unguard_column(col: pa.Array) -> pa.Array:
    """`unguard_cell` over a whole column (as every dataset CSV is read: graphkit/dataset/csv_reader.py)."""
    return pc.replace_substring_regex(col, *UNGUARD)


def export_csv(ds: Dataset, target: str | Path, **guard) -> ExportReport:
    """Write `ds` as a CSV dataset folder at `target`, built aside and swapped in whole.

    `guard` (store, datasets, force) says what the folder may not hold (graphkit/io/targets.py).
    """
    target = Path(target)
    check_folder_target(target, list(FILES), **guard)
    with StagedFolder(target, keep_other_files=True, replaces=list(FILES)) as staged:
        report = _write_csv_folder(ds, staged.path, target)
        staged.swap_in([Path(f).name for f in report.files])
    return report


def _write_csv_folder(ds: Dataset, folder: Path, target: Path) -> ExportReport:
    report = ExportReport(FORMAT, str(target))
    extra_entities, extra_rels = [], []
    entity_rows, rel_rows = [], []
    csv_entity = set(HEADERS["entities"]) | {"source_ids", "quotes"}
    csv_rel = set(HEADERS["relationships"]) | {"source_ids", "quotes", "rid"}
    for row in ds.entities.to_pylist():
        entity_rows += _cited_rows(row, HEADERS["entities"], aliases=True)
        extra = {k: v for k, v in row.items() if k not in csv_entity and not k.startswith("_") and v is not None}
        if extra:
            extra_entities.append({"id": row["id"], "label": row["label"], "kind": row["kind"], "name": row["name"],
                                   **extra, "sources": _citations(row)[:1]})
            report.written["entities with fields beyond the CSV columns"] += 1
    for row in ds.relationships.to_pylist():
        rel_rows += _cited_rows(row, HEADERS["relationships"])
        extra = {k: v for k, v in row.items() if k not in csv_rel and not k.startswith("_") and v is not None}
        if extra:
            key = {k: row[k] for k in ("source", "type", "target", "start_date", "end_date", "role", "amount_gbp", "vat")
                   if row.get(k) is not None}
            extra_rels.append({**key, **extra, "sources": _citations(row)[:1]})
    source_rows = [[guard_cell(r.get(h)) if h in ("title", "publisher") else r.get(h) for h in HEADERS["sources"]]
                   for r in ds.sources.to_pylist()]
    for name, header, rows in (("entities.csv", HEADERS["entities"], entity_rows),
                               ("relationships.csv", HEADERS["relationships"], rel_rows),
                               ("sources.csv", HEADERS["sources"], source_rows)):
        with writing(target):
            write_text_atomic(folder / name, _csv(header, rows))
        report.files.append(str(target / name))
    body = {k: v for k, v in (("entities", extra_entities), ("relationships", extra_rels)) if v}
    if body:
        text = ("# Fields the CSV columns cannot hold; read together with the CSV files beside it.\n"
                + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100))
        with writing(target):
            write_text_atomic(folder / FIELDS_FILE, text)
        report.files.append(str(target / FIELDS_FILE))
    report.written.update({"entities": ds.entities.num_rows, "relationships": ds.relationships.num_rows,
                           "sources": ds.sources.num_rows})
    return report


def _citations(row: dict) -> list[dict]:
    return [{"source": s, "quote": q} for s, q in zip(row.get("source_ids") or [], row.get("quotes") or [])]


TEXT_COLUMNS = {"name", "aliases", "description", "quote", "role", "title", "publisher"}


def _cited_rows(row: dict, header: list[str], aliases: bool = False) -> list[list]:
    base = dict(row)
    if aliases:
        base["aliases"] = "|".join(row.get("aliases") or [])
    out = []
    for cite in _citations(row) or [{"source": None, "quote": None}]:
        full = {**base, "source_id": cite["source"], "quote": cite["quote"]}
        out.append([guard_cell(full.get(h)) if h in TEXT_COLUMNS else full.get(h) for h in header])
    return out


def _csv(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _number(v) for v in row])
    return buf.getvalue()


def _number(value):
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return value
