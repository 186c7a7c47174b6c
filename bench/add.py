"""`graphkit add relation` of one finding, as a child process, into the loaded store and an empty one.

Each run records a new finding (its own source URL and role), so every run writes.
The large case uses a copy of the loaded store and a dataset folder of links to the
generated files (the findings file is written beside them, never into bench/data/<size>/).
"""
from __future__ import annotations

import os
import shutil
import statistics
import sys
from pathlib import Path

import yaml

from .figure import Context, Row
from .timing import run_child

GOAL_S = 1.0
GOAL_RATIO = 1.5


def _cmd(dataset: Path, store: Path, src: str, dst: str, i: int) -> list[str]:
    return [sys.executable, "-m", "graphkit", "add", "relation", src, "ADVISES", dst,
            "--source", f"https://example.org/bench/add/{os.getpid()}/{i}", "--quote", f"Finding number {i}.",
            "--role", f"adviser {i}", "--dataset", str(dataset), "--store", str(store)]


def _time_adds(dataset: Path, store: Path, src: str, dst: str, repeat: int) -> list[float]:
    walls = []
    for i in range(repeat + 1):  # the first run warms the file cache
        run = run_child(_cmd(dataset, store, src, dst, i), cwd=str(dataset.parent))
        if run.returncode != 0:
            raise RuntimeError(f"graphkit add exited {run.returncode}: {(run.stderr or run.stdout).strip()[-400:]}")
        if i:
            walls.append(run.wall_s)
    return walls


def _small_dataset(folder: Path, src: str, dst: str) -> None:
    def cite():  # a new list each time: a shared one would become a YAML alias, which datasets refuse
        return [{"source": "bench-source", "quote": "Recorded for the benchmark."}]

    data = {
        "sources": [{"id": "bench-source", "url": "https://example.org/bench", "title": "Benchmark"}],
        "entities": [{"id": src, "label": "Organisation", "kind": "consultancy", "name": "Bench Adviser", "sources": cite()},
                     {"id": dst, "label": "Organisation", "kind": "council", "name": "Bench Council", "sources": cite()}],
    }
    (folder / "actors.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def _load_small(folder: Path, store_path: Path) -> None:
    """The two actors' store, built in this process by graphkit's one load path (the store and the record of
    its load beside it, as `graphkit load` leaves them; a child process here would time nothing)."""
    from graphkit.stores import LadybugStore
    from graphkit.stores.loading import load

    load([folder], lambda: LadybugStore(store_path))


def _large_dataset(ctx: Context, folder: Path, store: Path) -> None:
    for f in ctx.csv_files:
        (folder / f.name).symlink_to(f)
    source = ctx.loaded_store()
    shutil.copyfile(source, store)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, store.with_name(store.name + ".wal"))


def run(ctx: Context) -> list[Row]:
    pick = ctx.manifest["params"]["_add"]
    src, dst = pick["source"], pick["target"]
    work = ctx.work_dir("add")
    small, large = work / "empty-dataset", work / "large-dataset"
    small.mkdir()
    large.mkdir()
    _small_dataset(small, src, dst)
    small_store, large_store = work / "empty.lbug", work / "large.lbug"
    _load_small(small, small_store)
    _large_dataset(ctx, large, large_store)
    start = [run_child([sys.executable, "-m", "graphkit", "--help"]).wall_s for _ in range(ctx.repeat)]
    empty = statistics.median(_time_adds(small, small_store, src, dst, ctx.repeat))
    walls = _time_adds(large, large_store, src, dst, ctx.repeat)
    full = statistics.median(walls)
    rels = ctx.manifest["distinct"]["relationships"]
    return [
        Row("process start (`graphkit --help`)", statistics.median(start), "s", note="the floor of any command"),
        Row("add into an empty store", empty, "s"),
        Row(f"add into the {rels:,}-relationship store", full, "s", "empty store", empty, full / empty,
            f"< {GOAL_S:g} s and <= {GOAL_RATIO:g}x empty", full < GOAL_S and full / empty <= GOAL_RATIO,
            detail={"runs_s": [round(w, 3) for w in walls]}),
    ]
