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
# What an import writes: the bulk as CSV (fast to read back), and as YAML only the records
# with fields the CSV columns cannot hold (a contract's value, a report's date …).
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
    """Dataset records as the texts of RECORD_FILES: one CSV row per citation, YAML for the rest."""
    rows: dict[str, list[list]] = {"sources": [], "entities": [], "relationships": []}
    detailed: dict[str, list[dict]] = {"entities": [], "relationships": []}
    for src in sections.get("sources", []):
        rows["sources"].append([src.get(h) for h in HEADERS["sources"]])
    for section, fits in (("entities", _entity_fits_csv), ("relationships", _relationship_fits_csv)):
        for record in sections.get(section, []):
            if not fits(record):
                detailed[section].append(record)
                continue
            base = {**record, "aliases": "|".join(record.get("aliases") or [])}
            for cite in record["sources"]:
                row = {**base, "source_id": cite["source"], "quote": cite["quote"]}
                rows[section].append([row.get(h) for h in HEADERS[section]])
    texts = {f"{section}.csv": _csv_text(HEADERS[section], rows[section]) for section in rows}
    body = {k: v for k, v in detailed.items() if v}
    texts["records.yaml"] = header + (yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100) if body else "{}\n")
    return texts


def _entity_fits_csv(record: dict) -> bool:
    return set(record) <= CSV_ENTITY_FIELDS and not any("|" in a for a in record.get("aliases") or [])


def _relationship_fits_csv(record: dict) -> bool:
    return set(record) <= CSV_RELATIONSHIP_FIELDS


def _csv_text(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else _plain_number(v) for v in row] for row in rows])
    return buf.getvalue()


def _plain_number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
