"""Named queries as users run them on the loaded store: the first page, the default answer and every row.

- paged: query time of the first page (`run_named` with a window of 100 rows, its count
  included), in this process; goal under 300 ms.
- default answer: `graphkit run NAME` as a child process (process start included), as a
  multiple of `graphkit query "MATCH (n) RETURN count(n)"` run next to it (on a shared machine
  the load moves within minutes, so each is measured side by side: one count(n) run just before
  every second query serves it and the query after it); goal <= 2x.
- full: `graphkit run NAME --all --format csv` into a file, rows written per second of the
  child's wall time; goal >= 200,000 rows/s. Only answers of 10,000 rows or more: on shorter
  ones process start is all a rate would say.

The child processes run once each (the first page `repeat` times), so this group stays
within the smoke run's budget at 10k; the unit of the rates is the best of the count(n) runs.
"""
from __future__ import annotations

import csv
import sys

from .figure import Context, Row
from .timing import measure, run_child

PAGE = 100
PAGE_GOAL_MS = 300
DEFAULT_GOAL = 2.0
STREAM_GOAL = 200_000
STREAM_MIN_ROWS = 10_000  # below this, process start dominates and a rate says nothing
COUNT = "MATCH (n) RETURN count(n)"


def _graphkit(store: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "graphkit", *args, "--store", store]


def _best_child(cmd: list[str], repeat: int, out_path=None) -> float:
    walls = []
    for _ in range(max(1, repeat)):
        run = run_child(cmd) if out_path is None else _to_file(cmd, out_path)
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[2:])} exited {run.returncode}: {run.stderr.strip()[-300:]}")
        walls.append(run.wall_s)
    return min(walls)


def _to_file(cmd: list[str], out_path):
    return run_child(["sh", "-c", '"$@" > "$0"', str(out_path), *cmd])


def run(ctx: Context) -> list[Row]:
    from graphkit.query.named import named_queries, run_named
    from graphkit.stores import LadybugStore

    params = ctx.manifest["params"]
    store_path = str(ctx.loaded_store())
    work = ctx.work_dir("paging")
    store = LadybugStore(store_path, read_only=True)
    try:
        pages = {name: measure(lambda: run_named(store, name, params.get(name, {}), timeout_s=120, window=(0, PAGE)),
                               ctx.repeat, warmup=1) for name in named_queries()}
    finally:
        store.close()
    rows, counts, streamed = [], [], []
    for i, (name, t) in enumerate(pages.items()):
        given = params.get(name, {})
        flags = [a for k, v in given.items() for a in ("--param", f"{k}={v}")]
        ms = t.wall_s * 1000
        rows.append(Row(f"{name}: first page", ms, "ms", goal=f"< {PAGE_GOAL_MS} ms", met=ms < PAGE_GOAL_MS,
                        note=f"{len(t.result.rows)} of {t.result.total:,} rows", detail=t.as_json()))
        if i % 2 == 0 or not counts:
            counts.append(_best_child(_graphkit(store_path, "query", COUNT), 1))
        beside = counts[-1]
        wall = _best_child(_graphkit(store_path, "run", name, *flags), 1)
        rows.append(Row(f"{name}: default answer (CLI)", wall, "s", "count(n) query", beside, wall / beside,
                        f"<= {DEFAULT_GOAL:g}x", wall / beside <= DEFAULT_GOAL, note=f"count(n) beside it: {beside:.2f} s"))
        if (t.result.total or len(t.result.rows)) >= STREAM_MIN_ROWS:
            out = work / f"{name}.csv"
            wall = _best_child(_graphkit(store_path, "run", name, *flags, "--all", "--format", "csv"), 1, out)
            with open(out, encoding="utf-8", newline="") as f:
                streamed.append((len(rows), name, sum(1 for _ in csv.reader(f)) - 1, wall))
    base = min(counts)
    for at, name, written, wall in reversed(streamed):
        rate = written / wall
        rows.insert(at, Row(f"{name}: every row to a CSV file (CLI)", rate, "rows/s", goal=f">= {STREAM_GOAL:,} rows/s",
                            met=rate >= STREAM_GOAL,
                            note=f"{written:,} rows in {wall:.2f} s (process start included); "
                                 f"{written / max(wall - base, 1e-3):,.0f} rows/s beyond the count(n) command"
                                 + ("" if wall > base else " (shorter than count(n): not a rate)")))
    return [Row("`graphkit query` count(n) (process start included)", base, "s",
                note=f"the unit of the default ratios; best of {len(counts)} runs, one beside every second query"),
            *rows]
