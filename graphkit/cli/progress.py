"""The one progress bar of the command line, over the library's one load path."""
from __future__ import annotations

from ..dataset import Dataset
from ..stores import LoadReport, Store
from ..stores.loading import ROWS_AHEAD, load_dataset

BAR_FROM_BYTES = 5 * 2**20  # smaller inputs are read before a bar is worth drawing
BAR_FROM_ROWS = 20_000  # smaller loads finish before a bar is worth drawing


class ProgressBar:
    """A rich bar for long work, drawn only when it is long: bytes read, then rows loaded.

    Called as a store's progress function: ("reading" or "validated", bytes), (ROWS_AHEAD, rows),
    then (table, rows written) for each step.
    """

    def __init__(self, read_bytes: int = 0):
        self.read_bytes = read_bytes
        self.bar = None
        self.reading = self.loading = None

    def __enter__(self) -> "ProgressBar":
        if self.read_bytes >= BAR_FROM_BYTES:
            self.reading = self._start().add_task("reading", total=self.read_bytes)
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, what: str, n: int) -> None:
        if what in ("reading", "validated"):
            if self.reading is not None:
                self.bar.update(self.reading, advance=n)
        elif what == ROWS_AHEAD:
            if n >= BAR_FROM_ROWS or self.bar is not None:
                self.loading = self._start().add_task("loading", total=n)
        elif self.bar is not None:
            if self.loading is None:
                self.loading = self.bar.add_task("loading", total=None)
            self.bar.update(self.loading, advance=n, description=f"loading {what}")

    def _start(self):
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), transient=True)
            self.bar.start()
        return self.bar


def load_with_progress(ds: Dataset, store: Store, *, reset: bool = False) -> LoadReport:
    """`stores.loading.load_dataset` with the bar (drawn when the load is long)."""
    with ProgressBar() as bar:
        return load_dataset(ds, store, reset=reset, progress=bar)
