"""Load dataset files into a store: validate everything first, then write in one go."""
from __future__ import annotations

from pathlib import Path

from ..dataset import Dataset, read_dataset
from . import LoadReport, Store


def load(paths: list[str | Path], store: Store, *, reset: bool = False, progress=None) -> LoadReport:
    """Validate the dataset files under `paths` and upsert them into `store`.

    Nothing is written when any file is invalid (InvalidDataset lists every problem).
    """
    dataset = read_dataset(paths)
    return load_dataset(dataset, store, reset=reset, progress=progress)


def load_dataset(dataset: Dataset, store: Store, *, reset: bool = False, progress=None) -> LoadReport:
    return store.load(dataset, reset=reset, progress=progress)
