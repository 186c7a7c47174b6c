"""Write dataset files atomically: a temp file in the target folder, then a rename.

A reader (or a crash) never sees half a file: either the old version or the new one.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

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
                           "evidence", "sources"}  # and the further columns of each section (csv_reader)


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


@dataclass
class CsvFile:
    """A CSV file to write, its rows made as it is written (never held as text)."""

    header: list[str]
    rows: Callable[[], Iterator[list]]  # a row may be the last one refilled: use each before the next

    def write(self, path: Path) -> None:
        """Write the file (in a staging folder: the folder, not the file, is swapped in)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(self.header)
                writer.writerows(self.rows())  # None is written as an empty field
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None

    @property
    def text(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows())
        return buf.getvalue()


def record_files(sections: dict[str, list[dict]], header: str) -> dict[str, CsvFile | str]:
    """Dataset records as RECORD_FILES: CSV files with one row per citation, YAML text for the rest
    (records.yaml only when some record needs it).

    >>> files = record_files({"entities": [{"id": "c1", "label": "Contract", "kind": "contract", "name": "C",
    ...     "value_gbp": 93007.0, "sources": [{"source": "s1", "quote": "q"}]}]}, "")
    >>> files["entities.csv"].text.splitlines()
    ['id,label,kind,name,aliases,description,source_id,quote,value_gbp', 'c1,Contract,contract,C,,,s1,q,93007']
    >>> "records.yaml" in files
    False
    """
    from ..dataset.csv_reader import further_columns
    from ..model.ontology import load_ontology

    onto = load_ontology()
    further = {section: further_columns(section, onto) for section in ("entities", "relationships")}
    fields = {**further["entities"], **further["relationships"]}  # name -> type: how `_citation_rows` writes a value
    detailed: dict[str, list[dict]] = {"entities": [], "relationships": []}
    fitting: dict[str, Callable[[], Iterator[dict]]] = {}
    used: dict[str, set[str]] = {"entities": set(), "relationships": set()}
    for section, fits in (("entities", _entity_fits_csv(further["entities"])),
                          ("relationships", _relationship_fits_csv(further["relationships"]))):
        records = sections.get(section, [])  # a list, or records streamed each time they are read
        for record in records:
            if not fits(record):
                detailed[section].append(record)
            else:
                used[section].update(k for k in record if k in further[section])
        fitting[section] = lambda records=records, fits=fits: (r for r in records if fits(r))
    headers = {**HEADERS, **{section: HEADERS[section] + [f for f in further[section] if f in used[section]]
                             for section in further}}
    sources = sections.get("sources", [])
    files: dict[str, CsvFile | str] = {
        "sources.csv": CsvFile(HEADERS["sources"], lambda: ([src.get(h) for h in HEADERS["sources"]] for src in sources))}
    for section, records in fitting.items():
        files[f"{section}.csv"] = CsvFile(headers[section], _citation_rows(records, headers[section], fields))
    body = {k: v for k, v in detailed.items() if v}
    if body:
        files["records.yaml"] = header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
    return files


def _citation_rows(records: Callable[[], Iterator[dict]], head: list[str], fields: dict[str, str]) -> Callable[[], Iterator[list]]:
    """One row per citation of each record, made when asked for."""
    cite_at = head.index("source_id")
    numeric = [i for i, h in enumerate(head) if fields.get(h) == "number" or h == "amount_gbp"]
    aliases_at = head.index("aliases") if "aliases" in head else None

    def rows() -> Iterator[list]:
        for record in records():
            base = [record.get(h) for h in head]
            for i in numeric:
                base[i] = _plain_number(base[i])
            if aliases_at is not None:
                base[aliases_at] = "|".join(record.get("aliases") or [])
            for cite in record["sources"]:
                base[cite_at] = cite["source"]
                base[cite_at + 1] = cite["quote"]
                yield base  # the same list, refilled: a csv writer writes each row before asking for the next
    return rows


def _entity_fits_csv(fields: dict[str, str]):
    allowed = CSV_ENTITY_FIELDS | set(fields)

    def fits(record: dict) -> bool:
        return record.keys() <= allowed and not any("|" in a for a in record.get("aliases") or ())
    return fits


def _relationship_fits_csv(fields: dict[str, str]):
    allowed = CSV_RELATIONSHIP_FIELDS | set(fields)

    def fits(record: dict) -> bool:
        return record.keys() <= allowed
    return fits


def _plain_number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
