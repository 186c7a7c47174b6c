"""The store interface: what every engine offers to the layers above it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from ..dataset import Dataset

ProgressFn = Callable[[str, int], None]  # (what, rows done) after each step


@dataclass
class LoadReport:
    """What a load did, per node label and relationship type."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, created: int, updated: int, unchanged: int) -> None:
        for bucket, n in ((self.created, created), (self.updated, updated), (self.unchanged, unchanged)):
            bucket[name] = bucket.get(name, 0) + n

    def totals(self) -> dict[str, int]:
        return {"created": sum(self.created.values()), "updated": sum(self.updated.values()),
                "unchanged": sum(self.unchanged.values())}

    @property
    def changed_nothing(self) -> bool:
        t = self.totals()
        return t["created"] == 0 and t["updated"] == 0


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]


class Store(Protocol):
    """A graph store. Implementations: LadybugStore (embedded), Neo4jStore."""

    engine: str  # "ladybug" or "neo4j": picks a named query's dialect variant

    def load(self, dataset: Dataset, *, reset: bool = False, progress: ProgressFn | None = None) -> LoadReport: ...

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False,
              timeout_s: float | None = None) -> QueryResult: ...

    def close(self) -> None: ...
