"""Write dataset files atomically: a temp file in the target folder, then a rename.

A reader (or a crash) never sees half a file: either the old version or the new one.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

import yaml

from ..dataset.csv_reader import HEADERS
from ..files import _umask

YAML_HEADER = ("# Written by `graphkit import {fmt}` from {inputs}.\n"
               "# Re-running the import rewrites this file; record corrections as merges or findings.\n")
# What an import writes: CSV read back column by column (an entity's fields, a contract's value
# and dates, as further columns), and YAML only for the rare record the columns cannot hold
# (an alias holding '|', a field no column has); records.yaml is written only then.
RECORD_FILES = ("sources.csv", "entities.csv", "relationships.csv", "records.yaml")
CSV_ENTITY_FIELDS = {"id", "label", "kind", "name", "aliases", "description", "sources"}
CSV_RELATIONSHIP_FIELDS = {"source", "type", "target", "amount_gbp", "vat", "start_date", "end_date", "role",
                           "evidence", "sources"}


def copy_atomic(source: Path, path: Path) -> None:
    """Copy a file byte for byte (no parsing) under its final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def move_atomic(source: Path, path: Path) -> None:
    """Move a finished file into place (a rename when both are on one file system)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, path)
    except OSError:
        copy_atomic(source, path)
        source.unlink(missing_ok=True)


def dataset_yaml(section: str, records: Iterable[dict], header: str = "") -> str:
    """One section of a dataset file as YAML text, records in the given order."""
    body = yaml.safe_dump({section: list(records)}, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def record_files(sections: dict[str, list[dict]], header: str) -> dict[str, str]:
    """Dataset records as the texts of RECORD_FILES: one CSV row per citation, YAML for the rest
    (records.yaml only when some record needs it).

    >>> texts = record_files({"entities": [{"id": "c1", "label": "Contract", "kind": "contract", "name": "C",
    ...     "value_gbp": 93007.0, "sources": [{"source": "s1", "quote": "q"}]}]}, "")
    >>> texts["entities.csv"].splitlines()
    ['id,label,kind,name,aliases,description,source_id,quote,value_gbp', 'c1,Contract,contract,C,,,s1,q,93007']
    >>> "records.yaml" in texts
    False
    """
    from ..dataset.csv_reader import field_columns
    from ..model.ontology import load_ontology

    fields = field_columns(load_ontology())
    rows: dict[str, list[list]] = {"sources": [], "entities": [], "relationships": []}
    detailed: dict[str, list[dict]] = {"entities": [], "relationships": []}
    used: set[str] = set()
    for src in sections.get("sources", []):
        rows["sources"].append([src.get(h) for h in HEADERS["sources"]])
    fitting: dict[str, list[dict]] = {"entities": [], "relationships": []}
    for section, fits in (("entities", _entity_fits_csv(fields)), ("relationships", _relationship_fits_csv)):
        for record in sections.get(section, []):
            (fitting if fits(record) else detailed)[section].append(record)
            if section == "entities" and fits(record):
                used.update(k for k in record if k in fields)
    headers = {**HEADERS, "entities": HEADERS["entities"] + [f for f in fields if f in used]}
    for section in fitting:
        head = headers[section]
        cite_at = head.index("source_id")
        numeric = [i for i, h in enumerate(head) if fields.get(h) == "number" or h == "amount_gbp"]
        for record in fitting[section]:
            base = [record.get(h) for h in head]
            for i in numeric:
                base[i] = _plain_number(base[i])
            if section == "entities":
                base[head.index("aliases")] = "|".join(record.get("aliases") or [])
            for cite in record["sources"]:
                base[cite_at:cite_at + 2] = cite["source"], cite["quote"]
                rows[section].append(list(base))
    texts = {f"{section}.csv": _csv_text(headers[section], rows[section]) for section in rows}
    body = {k: v for k, v in detailed.items() if v}
    if body:
        texts["records.yaml"] = header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
    return texts


def _entity_fits_csv(fields: dict[str, str]):
    allowed = CSV_ENTITY_FIELDS | set(fields)

    def fits(record: dict) -> bool:
        return set(record) <= allowed and not any("|" in a for a in record.get("aliases") or [])
    return fits


def _relationship_fits_csv(record: dict) -> bool:
    return set(record) <= CSV_RELATIONSHIP_FIELDS


def _csv_text(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)  # None is written as an empty field
    return buf.getvalue()


def _plain_number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
