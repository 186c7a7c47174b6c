"""The everyday path on the seed dataset, as multiples of `graphkit --help` measured in the same run.

Each figure is the best of `repeat` runs of a child process in a scratch folder holding a copy
of the seeds, loaded once before timing as a researcher's folder is: `validate seeds/`, a
`load` that changes nothing, one `add relation` (a new finding each run), and `demo`. Process start (`graphkit --help`) is the floor of any command,
so the ratios say how much work each command adds on top of starting Python.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from .figure import Context, Row
from .timing import run_child

GOALS = {"validate": 2.5, "load": 3.0, "add": 3.0, "demo": 6.0}
ADD_PAIR = ("tribal", "pilot-croydon")  # two actors of the seed dataset; ADVISES may link them


def _graphkit(*args: str) -> list[str]:
    return [sys.executable, "-m", "graphkit", *args]


def _best(cmd_for_run, repeat: int, cwd: Path) -> tuple[float, list[float]]:
    walls = []
    for i in range(max(1, repeat)):
        run = run_child(cmd_for_run(i), cwd=str(cwd))
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd_for_run(i)[2:])} exited {run.returncode}: "
                               f"{(run.stderr or run.stdout).strip()[-400:]}")
        walls.append(run.wall_s)
    return min(walls), walls


def _add_cmd(i: int) -> list[str]:
    src, dst = ADD_PAIR
    return _graphkit("add", "relation", src, "ADVISES", dst, "--source", f"https://example.org/bench/workflow/{i}",
                     "--quote", f"Workflow finding {i}.", "--role", f"adviser {i}")


def workflow_folder(work: Path) -> Path:
    """A folder with a copy of the seeds under `seeds/`, as a researcher's checkout has."""
    from graphkit.resources import seed_dataset_dir

    shutil.copytree(seed_dataset_dir(), work / "seeds" / "total_place")
    return work


def measure_workflow(work: Path, repeat: int) -> dict[str, tuple[float, list[float]]]:
    """Best wall time (and every run) of each everyday command, with process start first."""
    first = run_child(_graphkit("load"), cwd=str(work))  # a researcher's folder: the store (and parse cache) exist
    if first.returncode != 0:
        raise RuntimeError(f"the first load failed: {first.stderr.strip()[-400:]}")
    out = {"help": _best(lambda i: _graphkit("--help"), repeat, work)}
    out["validate"] = _best(lambda i: _graphkit("validate", "seeds/"), repeat, work)
    out["load"] = _best(lambda i: _graphkit("load"), repeat, work)
    out["add"] = _best(_add_cmd, repeat, work)
    out["demo"] = _best(lambda i: _graphkit("demo"), repeat, work)
    return out


def run(ctx: Context) -> list[Row]:
    work = workflow_folder(ctx.work_dir("workflow"))
    times = measure_workflow(work, ctx.repeat)
    start, start_runs = times["help"]
    rows = [Row("process start (`graphkit --help`)", start, "s", note="best of the runs; the unit of the ratios",
                detail={"runs_s": [round(w, 3) for w in start_runs]})]
    names = {"validate": "validate seeds/", "load": "load that changes nothing", "add": "add relation",
             "demo": "demo"}
    for key, label in names.items():
        best, walls = times[key]
        ratio = best / start
        rows.append(Row(f"{label} (seeds)", best, "s", "graphkit --help", start, ratio, f"<= {GOALS[key]:g}x",
                        ratio <= GOALS[key], detail={"runs_s": [round(w, 3) for w in walls]}))
    return rows
