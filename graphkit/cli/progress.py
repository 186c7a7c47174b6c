"""A rich progress bar for loads that take more than a moment."""
from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..dataset import Dataset
from ..stores import LoadReport, Store

QUIET_BELOW_ROWS = 20_000  # small loads finish before a bar is worth drawing


def load_with_progress(ds: Dataset, store: Store, *, reset: bool = False) -> LoadReport:
    counts = ds.counts()
    total = counts["entities"] + counts["relationships"] + counts["sources"]
    if total < QUIET_BELOW_ROWS:
        return store.load(ds, reset=reset)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("loading", total=total)

        def step(what: str, rows: int) -> None:
            bar.update(task, advance=rows, description=f"loading {what}")

        return store.load(ds, reset=reset, progress=step)
