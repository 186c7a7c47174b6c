"""What the last load left in an embedded store, kept beside it: a load of the same files into the
same untouched file then answers "nothing changed" without opening the store.

The record (`.<store>.loaded`, JSON) holds the digest of the dataset files the load read (their
bytes, names, merge decisions, the ontology and the reading code), the store file's size, times
and inode as they were after the store was closed, a digest of the store code, and the rows each
table held. It is written only after a load that made the store equal the files (a sync load
or a rebuild) and removed before anything writes the store. Any other write to the file (by a
query, another program, a copy over it) changes its change time, and a log beside it means
writes not yet checkpointed, so the record no longer matches and a load compares row by row.
`graphkit doctor` never uses it.

>>> import tempfile, pathlib
>>> store = pathlib.Path(tempfile.mkdtemp()) / "g.lbug"
>>> _ = store.write_bytes(b"x")
>>> remember(store, "dataset-1", {"Organisation": 3})
>>> recall(store, "dataset-1")
{'Organisation': 3}
>>> _ = store.write_bytes(b"xy")   # written since: the record no longer holds
>>> recall(store, "dataset-1") is None
True
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

FORMAT = 1


def record_path(store: Path) -> Path:
    return store.with_name(f".{store.name}.loaded")


def remember(store: Path, digest: str, rows: dict[str, int]) -> None:
    """Keep what the store holds after a load of the files with `digest` (call after the store is closed)."""
    state = _file_state(store)
    if state is None:
        return
    record = {"format": FORMAT, "dataset": digest, "code": code_digest(), "store": state, "rows": rows}
    tmp = record_path(store).with_name(record_path(store).name + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, record_path(store))
    except OSError:
        tmp.unlink(missing_ok=True)


def recall(store: Path, digest: str | None) -> dict[str, int] | None:
    """The rows of each table when the store still holds exactly what a load of `digest` left; else None."""
    if digest is None:
        return None
    try:
        record = json.loads(record_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT or record.get("dataset") != digest:
        return None
    if record.get("store") != _file_state(store) or record.get("code") != code_digest():
        return None
    rows = record.get("rows")
    return rows if isinstance(rows, dict) else None


def followed(digest: str, held: dict[str, int], report) -> tuple[str, dict[str, int]]:
    """(digest, rows) a store holds after a finding's rows were written (`report`, a LoadReport) into a store that
    held exactly the files of the last load (`held`, its rows): the files with the finding (`digest`), one more
    row per row created. (`add` writes the finding's rows as the files now state them.)

    >>> from graphkit.stores.base import LoadReport
    >>> report = LoadReport(); report.add("ADVISES", 1, 0, 0); report.add("Source", 0, 1, 0)
    >>> followed("dataset-2", {"Source": 3, "Organisation": 2}, report)
    ('dataset-2', {'Source': 3, 'Organisation': 2, 'ADVISES': 1})
    """
    rows = dict(held)
    for name, created in report.created.items():
        rows[name] = rows.get(name, 0) + created
    return digest, rows


def forget(store: Path) -> None:
    """Remove the record: the store is about to be written."""
    try:
        record_path(store).unlink(missing_ok=True)
    except OSError:
        pass


def _file_state(store: Path) -> list[int] | None:
    """Size, modification and change times and inode of the store file; None when absent or logged writes wait."""
    if store.with_name(store.name + ".wal").exists():
        return None
    try:
        st = store.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The store code (graphkit/stores) and the engine's version, as far as they shape what a load writes."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    spec = find_spec("ladybug")
    if spec is not None and spec.origin:
        digest.update(f"{spec.origin}:{os.stat(spec.origin).st_mtime_ns}".encode())
    return digest.hexdigest()[:16]
