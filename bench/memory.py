"""Peak memory (and wall time, process start included) of `graphkit load` in a child process."""
from __future__ import annotations

import statistics
import sys

from .figure import Context, Row
from .timing import run_child_peak

GOAL_MB = 2048


def run(ctx: Context) -> list[Row]:
    work = ctx.work_dir("memory")
    store = work / "graph.lbug"
    runs = []
    for _ in range(ctx.repeat):
        for p in (store, store.with_name(store.name + ".wal")):
            p.unlink(missing_ok=True)
        run = run_child_peak([sys.executable, "-m", "graphkit", "load", str(ctx.data_dir), "--store", str(store)])
        if run.returncode != 0:
            raise RuntimeError(f"graphkit load exited {run.returncode}: {run.stderr.strip()[-400:]}")
        runs.append(run)
    check = run_child_peak([sys.executable, "-m", "graphkit", "validate", str(ctx.data_dir)])
    peak = max(r.max_rss_mb for r in runs)
    wall = statistics.median(r.wall_s for r in runs)
    cpu = statistics.median(r.cpu_s for r in runs)
    return [
        Row("peak RSS of `graphkit load` (child)", peak, "MB", goal=f"< {GOAL_MB} MB", met=peak < GOAL_MB,
            note="getrusage(RUSAGE_CHILDREN).ru_maxrss in a fresh wrapper process, max over runs",
            detail={"max_rss_mb": [round(r.max_rss_mb, 1) for r in runs]}),
        Row("peak RSS of `graphkit validate` (child)", check.max_rss_mb, "MB",
            note="the dataset in memory, before any store"),
        Row("`graphkit load` CLI wall, process start included", wall, "s", note=f"CPU {cpu:.2f} s",
            detail={"runs_s": [round(r.wall_s, 3) for r in runs]}),
    ]
