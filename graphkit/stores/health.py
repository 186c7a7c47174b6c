"""Is the store healthy: does it open, and does it hold exactly what the dataset files hold?

`graphkit doctor` prints this and says what to run. A store that cannot be read is rebuilt
by `graphkit load --reset`; one that opens but differs from the files (an interrupted or
partial load, edits since, damaged pages that read back wrong values) by `graphkit load`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from ..dataset import Dataset
from ..errors import GraphkitError
from .base import LoadReport


@dataclass
class StoreHealth:
    where: str
    files: dict[str, int]  # the dataset's counts
    problem: str | None = None  # why the store cannot be read or compared
    differences: LoadReport = field(default_factory=LoadReport)

    @property
    def ok(self) -> bool:
        return self.problem is None and self.differences.changed_nothing

    def advice(self) -> str:
        """The command that makes the store equal the files, or that nothing is needed."""
        if self.problem is None and self.ok:
            return "nothing to do: the store equals the files"
        if self.problem and self.problem.startswith("no store"):
            return "run `graphkit load` to build it"
        if self.problem:
            return "run `graphkit load --reset` to rebuild it from the files (a damaged file is set aside)"
        return "run `graphkit load` to make it equal the files"

    def lines(self) -> list[str]:
        f = self.files
        out = [f"store: {self.where}",
               f"files: {f['entities']} entities, {f['relationships']} relationships, {f['sources']} sources"]
        if self.problem:
            return [*out, f"problem: {self.problem}", self.advice()]
        t = self.differences.totals()
        out.append(f"differences: {t['created']} missing, {t['updated']} with other values, "
                   f"{t['deleted']} no longer in the files")
        return [*out, self.advice()]


def check_store(dataset: Dataset, open_store, where: str) -> StoreHealth:
    """Open the store read-only with `open_store()` and compare it with `dataset`, row by row."""
    health = StoreHealth(where, dataset.counts())
    try:
        store = open_store()
    except GraphkitError as exc:
        health.problem = str(exc)
        return health
    try:
        health.differences = store.differences(dataset)
    except (GraphkitError, RuntimeError) as exc:
        health.problem = " ".join(str(exc).split())
    finally:
        store.close()
    return health
