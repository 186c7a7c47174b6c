"""What a figure module gets (Context) and gives back (Row), and how it says it cannot run."""
from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .generate import dataset_dir

STORE_RECORD = ".bench-store.json"  # beside a store built for the figures: what it was built from


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
        built from the same files with the same loading code, untouched since (the record beside it), else
        one built here."""
        path = self._cache.get("store")
        if path and Path(path).exists():
            return Path(path)
        path = self.data_dir.parent / "work" / self.size / "store" / "graph.lbug"
        record = path.with_name(STORE_RECORD)
        if not (record.exists() and record.read_text(encoding="utf-8") == self._built_from(path)):
            from graphkit.stores import LadybugStore

            path = self.work_dir("store") / "graph.lbug"
            store = LadybugStore(path)
            try:
                store.load(self.dataset())
            finally:
                store.close()
            path.with_name(STORE_RECORD).write_text(self._built_from(path), encoding="utf-8")
        self._cache["store"] = path
        return path

    def _built_from(self, store: Path) -> str:
        """What a store built here depends on: the dataset files, graphkit's reading and store code, the
        ontology, the engine; and the store file as the build left it (a write since changes its times)."""
        from graphkit.dataset import parse_cache
        from graphkit.model.ontology import load_ontology
        from graphkit.stores import last_load

        files = [[f.name, f.stat().st_size, f.stat().st_mtime_ns] for f in self.csv_files]
        st = store.stat() if store.exists() and not store.with_name(store.name + ".wal").exists() else None
        return json.dumps({"files": files, "store_code": last_load.code_digest(),
                           "reader": parse_cache.fingerprint(parse_cache.ontology_text(load_ontology())),
                           "store": st and [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]})

    def keep_store(self, path: Path) -> None:
        self._cache["store"] = path
