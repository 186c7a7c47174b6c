"""What a figure module gets (Context) and gives back (Row), and how it says it cannot run."""
from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .generate import dataset_dir


class Skipped(Exception):
    """A dependency is missing here (Chromium, Java, a graphkit module): the figure is not measured."""


class Pending(Skipped):
    """The graphkit feature the figure measures does not exist yet."""


@dataclass
class Row:
    """One measured figure: value, the baseline it is compared with, and the goal."""

    name: str
    value: float | None
    unit: str
    baseline: str | None = None
    baseline_value: float | None = None
    ratio: float | None = None          # value / baseline_value (or the inverse where the goal says "faster than")
    goal: str | None = None
    met: bool | None = None
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", {})}


@dataclass
class Context:
    """One run of the runner: the dataset size, repeats, and what figures share (dataset, store)."""

    size: str
    repeat: int
    manifest: dict
    options: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return dataset_dir(self.size)

    @property
    def csv_files(self) -> list[Path]:
        return [self.data_dir / f for f in self.manifest["files"]]

    @property
    def total_rows(self) -> int:
        return sum(self.manifest["rows"].values())

    def work_dir(self, name: str) -> Path:
        """An empty scratch folder under bench/data/work/<size>/ (gitignored; outside the dataset folder)."""
        path = self.data_dir.parent / "work" / self.size / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def dataset(self):
        """The validated dataset (read once per run)."""
        if "dataset" not in self._cache:
            from graphkit.dataset import read_dataset

            self._cache["dataset"] = read_dataset([self.data_dir])
        return self._cache["dataset"]

    def loaded_store(self) -> Path:
        """A store file holding the whole dataset: the one the load figure leaves, else the one an earlier run
        built when it still holds exactly these files as this code loads them (the record of its load beside
        it says so), else one built here."""
        path = self._cache.get("store")
        if path and Path(path).exists():
            return Path(path)
        path = self.data_dir.parent / "work" / self.size / "store" / "graph.lbug"
        if not self._holds_dataset(path):
            from graphkit.stores import LadybugStore

            path = self.work_dir("store") / "graph.lbug"
            store = LadybugStore(path)
            try:
                store.load(self.dataset())
            finally:
                store.close()
        self._cache["store"] = path
        return path

    def _holds_dataset(self, path: Path) -> bool:
        """Whether the store at `path` is untouched since a load of exactly this dataset by this code."""
        from graphkit.stores import last_load

        return path.exists() and last_load.recall(path, self.dataset().digest) is not None

    def keep_store(self, path: Path) -> None:
        self._cache["store"] = path
