"""The everyday path on the seed dataset, as multiples of `graphkit --help` measured in the same run.

Each figure is the best of `repeat` runs of a child process in a scratch folder holding a copy
of the seeds, loaded once before timing as a researcher's folder is: `validate seeds/`, a
`load` that changes nothing, one `add relation` (a new finding each run), and `demo` of unchanged
data (also reported, without a goal, right after an add, when its pages are built). Process start (`graphkit --help`) is the floor of any command,
so the ratios say how much work each command adds on top of starting Python. Where the shared OCDS
files are present, `validate` and a no-op `load` are also timed in a second folder after
`graphkit import ocds` of them (reported, no goal). The commands take turns, round after round, so a
busy spell on a shared machine weighs on all of them alike.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .figure import Context, Row
from .timing import run_child

GOALS = {"validate": 2.5, "load": 3.0, "add": 3.0, "demo": 6.0}
OCDS_FILES = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocds"  # the real releases, when present
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


def _demo_cmd(i: int) -> list[str]:
    return _graphkit("demo")


def workflow_folder(work: Path) -> Path:
    """A folder with a copy of the seeds under `seeds/`, as a researcher's checkout has."""
    from graphkit.resources import seed_dataset_dir

    shutil.copytree(seed_dataset_dir(), work / "seeds" / "total_place")
    return work


def compiled_package() -> None:
    """Write graphkit's bytecode where it is missing or stale, as `pip install .` leaves an installed package.

    An editable install has none, and with PYTHONDONTWRITEBYTECODE set (as on some machines) Python
    then compiles every module it imports on every run: the figures would time the compiler.
    """
    import compileall

    import graphkit

    compileall.compile_dir(Path(graphkit.__file__).parent, quiet=1)


def measure_workflow(work: Path, repeat: int) -> dict[str, tuple[float, list[float]]]:
    """Best wall time (and every run) of each everyday command, with process start first.

    The commands take turns, round after round (`--help`, validate, load, demo, add, demo again,
    then again), so a busy spell on a shared machine falls on all of them rather than on one.
    """
    compiled_package()
    first = run_child(_graphkit("load"), cwd=str(work))  # a researcher's folder: the store (and parse cache) exist
    if first.returncode != 0:
        raise RuntimeError(f"the first load failed: {first.stderr.strip()[-400:]}")
    # `demo` finds the data as the round before left it (after its first round: unchanged since the last demo);
    # `demo_built` follows an add, so the data changed and its pages are built
    commands = {"help": lambda i: _graphkit("--help"), "validate": lambda i: _graphkit("validate", "seeds/"),
                "load": lambda i: _graphkit("load"), "demo": _demo_cmd, "add": _add_cmd, "demo_built": _demo_cmd}
    return _rounds(commands, repeat, work)


def _rounds(commands: dict, repeat: int, cwd: Path) -> dict[str, tuple[float, list[float]]]:
    walls: dict[str, list[float]] = {key: [] for key in commands}
    for i in range(max(1, repeat)):
        for key, cmd_for_run in commands.items():
            walls[key].append(_best(lambda _: cmd_for_run(i), 1, cwd)[0])
    return {key: (min(runs), runs) for key, runs in walls.items()}


def measure_after_import(work: Path, repeat: int) -> dict[str, tuple[float, list[float]]] | None:
    """Best validate and no-op load times in a folder whose seeds gained an import of the OCDS files."""
    files = sorted(OCDS_FILES.glob("*.jsonl"))
    if not files:
        return None
    run = run_child(_graphkit("import", "ocds", *map(str, files)), cwd=str(work))
    if run.returncode != 0:
        raise RuntimeError(f"import ocds failed: {(run.stderr or run.stdout).strip()[-400:]}")
    run_child(_graphkit("load"), cwd=str(work))  # the state a researcher's folder is in after the import
    return _rounds({"validate": lambda i: _graphkit("validate", "seeds/"), "load": lambda i: _graphkit("load")},
                   repeat, work)


def run(ctx: Context) -> list[Row]:
    folders = [ctx.work_dir(f"{name}-{os.getpid()}") for name in ("workflow", "workflow-ocds")]  # a run of its own
    try:  # (another run at the same time on a shared machine would empty a folder of the same name)
        times = measure_workflow(workflow_folder(folders[0]), ctx.repeat)
        imported = measure_after_import(workflow_folder(folders[1]), ctx.repeat)
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    start, start_runs = times["help"]
    rows = [Row("process start (`graphkit --help`)", start, "s", note="best of the runs; the unit of the ratios",
                detail={"runs_s": [round(w, 3) for w in start_runs]})]
    names = {"validate": "validate seeds/", "load": "load that changes nothing", "add": "add relation",
             "demo": "demo"}
    best, walls = times["demo_built"]
    rows_after = [Row("demo right after an add (seeds; its pages built)", best, "s", "graphkit --help", start, best / start,
                      note="the data changed since the last demo", detail={"runs_s": [round(w, 3) for w in walls]})]
    for key, label in names.items():
        best, walls = times[key]
        ratio = best / start
        rows.append(Row(f"{label} (seeds)", best, "s", "graphkit --help", start, ratio, f"<= {GOALS[key]:g}x",
                        ratio <= GOALS[key], detail={"runs_s": [round(w, 3) for w in walls]}))
    rows += rows_after
    for key, (best, walls) in (imported or {}).items():
        rows.append(Row(f"{names[key]} (seeds + OCDS import)", best, "s", "graphkit --help", start, best / start,
                        note=f"after `graphkit import ocds` of {OCDS_FILES.name}/*.jsonl",
                        detail={"runs_s": [round(w, 3) for w in walls]}))
    return rows
