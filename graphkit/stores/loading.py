"""Load dataset files into a store: validate everything first, then write in one go.

The one load path: `graphkit load` wraps `load`, adding only a progress bar.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Union

from ..dataset import Dataset, read_dataset
from .base import LoadReport, ProgressFn, Store

ROWS_AHEAD = "rows to load"  # the first progress step: (ROWS_AHEAD, rows the store is about to take)
StoreOrOpener = Union[Store, Callable[[], Store], None]


def load(paths: list[str | Path], store: StoreOrOpener = None, *, reset: bool = False,
         progress: ProgressFn | None = None) -> LoadReport:
    """Validate the dataset files under `paths`, then upsert them into `store`; the store then holds exactly the files.

    Nothing is written when any file is invalid (InvalidDataset lists every problem). `store`
    is an open Store, or a function that opens one (None: the active store, a damaged file
    set aside): a store it opens is opened only once the files are valid, and closed after.
    `progress(what, rows)` hears (ROWS_AHEAD, total) first, then each table as it is written.
    """
    dataset = read_dataset(paths)
    if hasattr(store, "load"):  # an open store: the caller closes it
        return load_dataset(dataset, store, reset=reset, progress=progress)
    opened = store() if store is not None else _active_store()
    try:
        return load_dataset(dataset, opened, reset=reset, progress=progress)
    finally:
        opened.close()


def load_dataset(dataset: Dataset, store: Store, *, reset: bool = False, progress: ProgressFn | None = None) -> LoadReport:
    """Upsert a validated dataset into `store` (see `load`)."""
    if progress is not None:
        counts = dataset.counts()
        progress(ROWS_AHEAD, counts["entities"] + counts["relationships"] + counts["sources"])
    return store.load(dataset, reset=reset, progress=progress)


def _active_store() -> Store:
    from . import open_store

    return open_store(set_aside_damaged=True)
