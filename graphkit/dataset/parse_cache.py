"""The parsed form of dataset files, kept beside the store and reused while the files are unchanged.

Two levels: a whole small dataset (its three validated tables, keyed by every file's path
and bytes, merge decisions included) and, below that, each YAML file on its own.

An entry is the Arrow tables clean files were read into, keyed by the SHA-256 of their bytes
together with a fingerprint of what reading depends on (the ontology and the code that reads
and checks), so an edited file, an edited ontology or changed code is read again. Only
files without a problem are kept: a file with problems is parsed, and reported, every time.
Entries unused for a month are removed when a new one is written.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

FOLDER = "parse-cache"
FORMAT = "1"  # bump when the entry layout changes
KEEP_UNUSED_S = 30 * 24 * 3600
DEPENDS_ON = ("records.py", "values.py", "ontology.py", "resolution.py")  # and every module of graphkit/dataset


def cache_folder() -> Path | None:
    """`parse-cache/` in the folder of the default embedded store, once that folder exists (after a first load)."""
    from ..config import store_path

    store = store_path()
    return store.parent / FOLDER if store.parent.is_dir() else None


@lru_cache(maxsize=8)
def fingerprint(ontology_text: str) -> str:  # the ontology's repr: its dataclasses, field by field
    """What a parse depends on besides the file: the ontology and the reader's code."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(FORMAT.encode() + ontology_text.encode())
    for path in [*(package / name for name in DEPENDS_ON), *sorted((package / "dataset").glob("*.py"))]:
        digest.update(path.read_bytes() if path.exists() else path.name.encode())
    return digest.hexdigest()[:16]


def entry_key(raw: bytes, ontology_text: str) -> str:
    return hashlib.sha256(raw).hexdigest()[:32] + "-" + fingerprint(ontology_text)


def read_entry(folder: Path, key: str, display: str) -> list[tuple[str, pa.Table]] | None:
    """The tables of a cached parse, with `_file` naming the file as this run shows it; None when absent."""
    entry = folder / key
    try:
        sections = (entry / "sections").read_text(encoding="utf-8").split()
        tables = [(section, _read_table(entry / f"{section}.arrow", display)) for section in sections]
    except (OSError, pa.ArrowInvalid):
        return None
    os.utime(entry)  # used: kept
    return tables


def _read_table(path: Path, display: str) -> pa.Table:
    with ipc.open_file(pa.memory_map(str(path))) as reader:
        table = reader.read_all()
    at = table.schema.get_field_index("_file")
    if at >= 0:
        table = table.set_column(at, table.schema.field(at), pa.array([display] * table.num_rows, table.schema.field(at).type))
    return table


def write_entry(folder: Path, key: str, tables: list[tuple[str, pa.Table]]) -> None:
    """Keep a parse: one Arrow file per section in a folder renamed into place when complete."""
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for section, table in tables:
            with ipc.new_file(str(tmp / f"{section}.arrow"), table.schema) as writer:
                writer.write_table(table)
        (tmp / "sections").write_text(" ".join(section for section, _ in tables), encoding="utf-8")
        os.replace(tmp, folder / key)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    cutoff = time.time() - KEEP_UNUSED_S
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


WHOLE_MAX_BYTES = 8 * 2**20  # above this, hashing every byte on each run costs more than it saves


def whole_key(files: list[Path], displays: list[str], extra: list[Path], ontology_text: str) -> str | None:
    """The key of a whole dataset: each file's name as shown and bytes, plus `extra` files (merges.csv)."""
    paths = [*files, *extra]
    if sum(p.stat().st_size for p in paths) > WHOLE_MAX_BYTES:
        return None
    digest = hashlib.sha256(b"dataset")
    for name, path in zip([*displays, *map(str, extra)], paths):
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return "dataset-" + digest.hexdigest()[:32] + "-" + fingerprint(ontology_text)


def read_tables(folder: Path, key: str) -> dict[str, pa.Table] | None:
    """The tables kept under `key` by name, as written (no renaming); None when absent."""
    entry = folder / key
    try:
        names = (entry / "sections").read_text(encoding="utf-8").split()
        tables = {}
        for name in names:
            with ipc.open_file(pa.memory_map(str(entry / f"{name}.arrow"))) as reader:
                tables[name] = reader.read_all()
    except (OSError, pa.ArrowInvalid):
        return None
    os.utime(entry)
    return tables
