"""Records an import has finished with, kept on disk in sorted runs until the dataset files are written.

An import of hundreds of thousands of releases would otherwise hold every contract and claim
until the end, since the files are sorted. Finished records go to a buffer; a full buffer is
sorted and written to a temporary file (a run); reading merges the runs and what is left in
memory back into one sorted stream, so the files come out as if everything had been held.

>>> runs = SortedRuns(limit=2)
>>> for key in ("c", "a", "d", "b", "a"):
...     runs.add(key, {"id": key})
>>> [key for key, _ in runs]
['a', 'a', 'b', 'c', 'd']
>>> [key for key, _ in runs.merged([("b", {})])]
['a', 'a', 'b', 'b', 'c', 'd']
"""
from __future__ import annotations

import heapq
import marshal
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

LIMIT = 50_000  # records held before a run is written: about 100 MB of contracts and claims
BLOCK = 1_000  # records read back at once (marshal reading a file object asks it for every few bytes)


class SortedRuns:
    """(sort key, record) pairs added in any order; iterated in key order (ties in order of adding)."""

    def __init__(self, limit: int | None = None):
        self.limit = limit or LIMIT
        self.count = 0
        self._held: list[tuple[Any, dict]] = []
        self._files: list[Path] = []
        self._folder: tempfile.TemporaryDirectory | None = None  # removed with this object

    def add(self, key: Any, record: dict) -> None:
        self._held.append((key, record))
        self.count += 1
        if len(self._held) >= self.limit:
            self._spill()

    def _spill(self) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="graphkit-import-runs-")
        path = Path(self._folder.name) / f"run-{len(self._files)}"
        self._held.sort(key=_first)
        with open(path, "wb") as fh:
            for start in range(0, len(self._held), BLOCK):
                _write_block(fh, self._held[start:start + BLOCK])
        self._files.append(path)
        self._held = []

    def __iter__(self) -> Iterator[tuple[Any, dict]]:
        return self.merged(())

    def merged(self, more: Iterable[tuple[Any, dict]]) -> Iterator[tuple[Any, dict]]:
        """The runs, then what is held, then `more` (sorted), merged in key order."""
        return heapq.merge(*[_read(p) for p in self._files], sorted(self._held, key=_first), more, key=_first)


def _first(item: tuple) -> Any:
    return item[0]


def _write_block(fh, items: list) -> None:
    """Items marshalled one by one (no object shared between two), gathered in one block whose
    length comes first: read back whole, not piece by piece from the file."""
    data = marshal.dumps([marshal.dumps(item) for item in items])
    fh.write(len(data).to_bytes(8, "little"))
    fh.write(data)


def _read(path: Path) -> Iterator[tuple[Any, dict]]:
    """A run's items in order, one block in memory at a time."""
    with open(path, "rb") as fh:
        while True:
            size = fh.read(8)
            if not size:
                return
            for item in marshal.loads(fh.read(int.from_bytes(size, "little"))):
                yield marshal.loads(item)
