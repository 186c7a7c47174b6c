"""The store interface: what every engine offers to the layers above it."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol

from ..dataset import Dataset

ProgressFn = Callable[[str, int], None]  # (what, rows done) after each step


@dataclass
class LoadReport:
    """What a load did, per node label and relationship type."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)  # in the store, no longer in the files
    notes: list[str] = field(default_factory=list)  # what the user should know (a damaged store set aside)

    def add(self, name: str, created: int, updated: int, unchanged: int, deleted: int = 0) -> None:
        for bucket, n in ((self.created, created), (self.updated, updated), (self.unchanged, unchanged),
                          (self.deleted, deleted)):
            if n or bucket is not self.deleted:
                bucket[name] = bucket.get(name, 0) + n

    def totals(self) -> dict[str, int]:
        return {"created": sum(self.created.values()), "updated": sum(self.updated.values()),
                "unchanged": sum(self.unchanged.values()), "deleted": sum(self.deleted.values())}

    @property
    def changed_nothing(self) -> bool:
        t = self.totals()
        return t["created"] == 0 and t["updated"] == 0 and t["deleted"] == 0


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    total: int | None = None  # rows the query returned, when `rows` holds only a window of them

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]


@dataclass
class QueryStream:
    """A result handed out as it comes: the columns, then the rows in batches (lists of rows)."""

    columns: list[str]
    batches: Iterable[list[list[Any]]]

    def rows(self):
        for batch in self.batches:
            yield from batch


class ArrowBatches:
    """An answer as the Arrow record batches an engine hands out, read once: iterated, each batch comes
    as Python rows (`arrow_rows`: marked texts as lists, then `tidy`); a writer that works column by
    column reads `record_batches` instead and applies the same rules to the `cited` columns itself.

    >>> import pyarrow as pa
    >>> batch = pa.record_batch({"id": ["a"], "sources": ["s1\x1fs2\x1f"]})
    >>> list(ArrowBatches(["id", "sources"], [batch]))
    [[['a', ['s1', 's2']]]]
    """

    def __init__(self, columns: list[str], record_batches: Iterable[Any], cited: tuple[str, ...] = (),
                 tidy: Callable[[list[list[Any]]], list[list[Any]]] | None = None):
        self.columns = columns
        self.record_batches = iter(record_batches)
        self.cited = cited
        self.tidy = tidy

    @classmethod
    def handing_out(cls, columns: list[str], table: Any) -> "ArrowBatches":
        """A table's record batches (none for None), each let go with its memory once the next is read."""
        return cls(columns, _handed_out(deque(table.to_batches()) if table is not None else deque()))

    def citing(self, cited: tuple[str, ...], tidy: Callable[[list[list[Any]]], list[list[Any]]]) -> "ArrowBatches":
        """The same batches whose `cited` columns list each source once: `tidy` does it to Python rows."""
        return ArrowBatches(self.columns, self.record_batches, tuple(c for c in cited if c in self.columns), tidy)

    def __iter__(self):
        for batch in self.record_batches:
            yield self.rows_of(batch)

    def rows_of(self, batch: Any) -> list[list[Any]]:
        """One record batch as the Python rows iteration hands out."""
        from .list_text import arrow_rows

        rows = arrow_rows(batch)
        return self.tidy(rows) if self.tidy else rows


class Store(Protocol):
    """A graph store. Implementations: LadybugStore (embedded), Neo4jStore."""

    engine: str  # "ladybug" or "neo4j": picks a named query's dialect variant

    def load(self, dataset: Dataset, *, reset: bool = False, sync: bool = True,
             progress: ProgressFn | None = None) -> LoadReport:
        """Make the store hold `dataset`: with sync (the default) exactly, removing what the files no longer
        hold; without it, only add and update (one finding into a large store)."""
        ...

    def differences(self, dataset: Dataset) -> LoadReport:
        """What a load of `dataset` would create, update and delete, without writing anything."""
        ...

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False,
              timeout_s: float | None = None, window: tuple[int, int] | None = None) -> QueryResult:
        """Run one statement; with `window` (offset, limit) only those rows are converted and returned,
        and `total` says how many there were."""
        ...

    def stream(self, cypher: str, params: dict[str, Any] | None = None, *,
               timeout_s: float | None = None, batch_rows: int = 10_000) -> QueryStream:
        """Run one read-only statement; its rows are converted batch by batch as they are read."""
        ...

    def close(self) -> None: ...


def _handed_out(batches: deque) -> Iterator[Any]:
    while batches:
        yield batches.popleft()
