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
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Arrow only to read or write tables: an entry's row counts need none
    import pyarrow as pa

FOLDER = "parse-cache"
FORMAT = "2"  # bump when the entry layout changes (2: each entry's row counts in `rows`)
KEEP_UNUSED_S = 30 * 24 * 3600
DEPENDS_ON = ("model", "resolve", "dataset")  # the folders whose modules decide a parse


def cache_folder() -> Path | None:
    """`parse-cache/` in the folder of the embedded store in use, once that folder exists (after a first load)."""
    from ..config import store_in_use

    store = store_in_use()
    return store.parent / FOLDER if store.parent.is_dir() else None


@lru_cache(maxsize=8)
def fingerprint(ontology_text: str) -> str:  # `ontology_text`: its dataclasses, field by field
    """What a parse depends on besides the file: the ontology and the reader's code."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(FORMAT.encode() + ontology_text.encode())
    for path in sorted(path for folder in DEPENDS_ON for path in (package / folder).glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ontology_text(onto) -> str:
    """The ontology as text that is the same from run to run (sets sorted), for `fingerprint`.

    >>> from graphkit.model.ontology import load_ontology
    >>> ontology_text(load_ontology()) == ontology_text(load_ontology())
    True
    """
    kept = _TEXTS.get(id(onto))
    if kept is None or kept[0] is not onto:
        kept = _TEXTS[id(onto)] = (onto, repr(_stable(onto)))  # the ontology kept with it: its id stays its own
    return kept[1]


_TEXTS: dict[int, tuple[object, str]] = {}


def _stable(value):
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, _stable(getattr(value, f.name))) for f in fields(value)))
    if isinstance(value, dict):
        return tuple(sorted(((repr(k), _stable(v)) for k, v in value.items()), key=repr))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((_stable(v) for v in value), key=repr))
    if isinstance(value, (list, tuple)):
        return tuple(_stable(v) for v in value)
    return repr(value)


def entry_key(raw: bytes, ontology_text: str) -> str:
    return hashlib.sha256(raw).hexdigest()[:32] + "-" + fingerprint(ontology_text)


def read_entry(folder: Path, key: str, display: str) -> list[tuple[str, pa.Table]] | None:
    """The tables of a cached parse, with `_file` naming the file as this run shows it; None when absent."""
    import pyarrow as pa

    entry = folder / key
    try:
        sections = (entry / "sections").read_text(encoding="utf-8").split()
        tables = [(section, _read_table(entry / f"{section}.arrow", display)) for section in sections]
    except (OSError, pa.ArrowInvalid):
        return None
    os.utime(entry)  # used: kept
    return tables


def _read_table(path: Path, display: str) -> pa.Table:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with ipc.open_file(pa.memory_map(str(path))) as reader:
        table = reader.read_all()
    at = table.schema.get_field_index("_file")
    if at >= 0:
        table = table.set_column(at, table.schema.field(at), pa.array([display] * table.num_rows, table.schema.field(at).type))
    return table


def write_entry(folder: Path, key: str, tables: list[tuple[str, pa.Table]]) -> None:
    """Keep a parse: one Arrow file per section in a folder renamed into place when complete."""
    import pyarrow.ipc as ipc

    tmp = folder / f".{key}.{os.getpid()}.tmp"
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for section, table in tables:
            with ipc.new_file(str(tmp / f"{section}.arrow"), table.schema) as writer:
                writer.write_table(table)
        (tmp / "sections").write_text(" ".join(section for section, _ in tables), encoding="utf-8")
        (tmp / "rows").write_text(" ".join(f"{section}={table.num_rows}" for section, table in tables), encoding="utf-8")
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
    import pyarrow as pa
    import pyarrow.ipc as ipc

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


def read_counts(folder: Path, key: str) -> dict[str, int] | None:
    """The row count of each table kept under `key` (no table is read); None when absent."""
    entry = folder / key
    try:
        text = (entry / "rows").read_text(encoding="utf-8")
        counts = {name: int(rows) for name, rows in (part.split("=") for part in text.split())}
        if not (entry / "sections").is_file():
            return None
        os.utime(entry)
    except (OSError, ValueError):
        return None
    return counts
