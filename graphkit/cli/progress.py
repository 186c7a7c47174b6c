"""The one progress bar of the command line, and how it reports a load."""
from __future__ import annotations

from ..stores import LoadReport
from ..stores.loading import ROWS_AHEAD
from .output import console, err_console

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


def print_load(report: LoadReport) -> None:
    """What a load did, as `graphkit load` and `graphkit import` say it: notes (on stderr), then the counts."""
    for note in report.notes:
        err_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    t = report.totals()
    note = " (nothing changed)" if report.changed_nothing else ""
    gone = " (no longer in the files)" if t["deleted"] else ""
    console.print(f"loaded: {t['created']} created, {t['updated']} updated, {t['deleted']} deleted{gone}, "
                  f"{t['unchanged']} unchanged{note}", highlight=False, soft_wrap=True)
