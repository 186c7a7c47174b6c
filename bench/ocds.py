"""OCDS import at 2k, 20k and 200k releases, as ratios to baselines measured in the same run.

The files are the 200 Contracts Finder releases of ../shared/data/ocds/ repeated with new ocids
and release ids (written once under bench/data/ocds/, never committed). For each size:

- `graphkit import ocds FILE` as a child process in a scratch folder with an empty `seeds/`
  (load into a new embedded store included), against reading the same file line by line with
  Python's `json` module in this process;
- the child's peak memory (getrusage of a fresh wrapper: the child's own ru_maxrss);
- a following `graphkit validate seeds/` of that dataset, and (at 20k) an `add relation` between two
  of the imported organisations (best of three), against `graphkit --help`.

`python -m bench.ocds --sizes 2k,20k --src /tmp/old-checkout` measures another checkout's code
(its folder first on PYTHONPATH), for before/after figures.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from .figure import Context, Row
from .timing import run_child, run_child_peak

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocds" / "contracts-finder.releases.jsonl"
DATA_DIR = Path(__file__).resolve().parent / "data" / "ocds"
SIZES = {"2k": 2_000, "20k": 20_000, "200k": 200_000}
GOALS = {"import": 20.0, "memory_mb": 1024.0, "validate": 8.0, "add": 3.0}
ADD_SIZES = ("20k",)  # the size the add goal is set at
GOAL_SIZE = "20k"  # the size the import, memory and validate goals are set at; smaller files are mostly process start


def releases_file(size: str, sample: Path = SAMPLE) -> Path:
    """bench/data/ocds/contracts-finder-<size>.jsonl: the sample repeated with new ocids (written once)."""
    import orjson

    path = DATA_DIR / f"contracts-finder-{size}.jsonl"
    if path.exists():
        return path
    if not sample.exists():
        from .figure import Skipped
        raise Skipped(f"{sample} is absent")
    lines = [orjson.loads(line) for line in sample.read_bytes().splitlines() if line.strip()]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        for n in range(SIZES[size]):
            copy, release = divmod(n, len(lines))
            data = dict(lines[release])
            data["ocid"] = f"{data['ocid']}-b{copy}"
            if data.get("id"):
                data["id"] = f"{data['id']}-b{copy}"
            out.write(orjson.dumps(data) + b"\n")
    os.replace(tmp, path)
    return path


def json_parse_seconds(path: Path) -> tuple[float, float]:
    """Reading the file line by line with the standard `json` module, the floor of any import:
    (wall, CPU) seconds."""
    t0, c0 = time.perf_counter(), time.process_time()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                json.loads(line)
    return time.perf_counter() - t0, time.process_time() - c0


def _env(src: Path | None) -> dict | None:
    if src is None:
        return None
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}


def measure(size: str, work: Path, src: Path | None = None) -> dict:
    """One import, one validate and the baselines, for one size."""
    path = releases_file(size)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / "seeds").mkdir(exist_ok=True)
    env, py = _env(src), sys.executable
    parse, parse_cpu = min(json_parse_seconds(path) for _ in range(2))
    imported = run_child_peak([py, "-m", "graphkit", "import", "ocds", str(path), "--store", str(work / "graph.lbug")],
                              cwd=str(work), env=env, timeout_s=7200)
    if imported.returncode != 0:
        raise RuntimeError(f"import exited {imported.returncode}: {(imported.stderr or imported.stdout)[-400:]}")
    help_s = min(run_child([py, "-m", "graphkit", "--help"], cwd=str(work), env=env).wall_s for _ in range(3))
    validate = [run_child([py, "-m", "graphkit", "validate", "seeds/"], cwd=str(work), env=env) for _ in range(2)]
    if validate[-1].returncode != 0:
        raise RuntimeError(f"validate exited {validate[-1].returncode}: {validate[-1].stderr[-400:]}")
    files = sorted(p for p in (work / "seeds").rglob("*") if p.is_file())
    add_s = min(_added(work, env, n) for n in range(3)) if size in ADD_SIZES else None
    return {"size": size, "releases": SIZES[size], "bytes": path.stat().st_size, "json_parse_s": parse,
            "json_parse_cpu_s": parse_cpu,
            "import_s": imported.wall_s, "import_cpu_s": imported.cpu_s, "peak_mb": imported.max_rss_mb,
            "help_s": help_s, "validate_s": min(v.wall_s for v in validate), "add_s": add_s,
            "files": {str(p.relative_to(work)): p.stat().st_size for p in files}}


def _two_organisations(work: Path) -> tuple[str, str]:
    """The ids of the first two organisations the import wrote (its entities CSV, in file order)."""
    import csv

    found = []
    for path in sorted((work / "seeds").rglob("entities*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            found += [row["id"] for row in csv.DictReader(fh) if row["label"] == "Organisation"][:2]
    if len(found) < 2:
        raise RuntimeError("the import wrote fewer than two organisations")
    return found[0], found[1]


def _added(work: Path, env: dict | None, n: int) -> float:
    """Wall seconds of one `graphkit add relation` (a new finding each time) into the imported dataset."""
    a, b = _two_organisations(work)
    run = run_child([sys.executable, "-m", "graphkit", "add", "relation", a, "ADVISES", b,
                     "--source", f"https://example.org/bench/ocds/{n}", "--quote", f"Finding {n}.",
                     "--store", str(work / "graph.lbug")], cwd=str(work), env=env)
    if run.returncode != 0:
        raise RuntimeError(f"add exited {run.returncode}: {(run.stderr or run.stdout)[-400:]}")
    return run.wall_s


def _index_of(m: dict) -> str:
    """Where `add` looked the actors up: the files, or the store once the dataset is too large to re-read."""
    from graphkit.resolve.sources import SMALL_DATASET_BYTES

    return "store" if sum(m["files"].values()) > SMALL_DATASET_BYTES else "dataset files"


def _goal_at_size(size: str, goal: str, ratio: float) -> tuple[str | None, bool | None]:
    """(goal, met) of a ratio the issue sets at `GOAL_SIZE` only; nothing at other sizes."""
    return (f"<= {GOALS[goal]:g}x", ratio <= GOALS[goal]) if size == GOAL_SIZE else (None, None)


def _memory_goal(size: str, peak_mb: float) -> dict:
    """The memory goal of one size: under 1 GB at 20k; at 200k, flat (its own row, the 200k / 20k ratio)."""
    if size == GOAL_SIZE:
        return {"goal": f"< {GOALS['memory_mb']:g} MB", "met": peak_mb < GOALS["memory_mb"]}
    return {"note": "goal: flat from 20k (the 200k / 20k row)"} if size == "200k" else {}


def rows_for(m: dict) -> list[Row]:
    size, imp, ratio_v = m["size"], m["import_s"] / m["json_parse_s"], m["validate_s"] / m["help_s"]
    rate = m["releases"] / m["import_s"]
    cpu_ratio = m["import_cpu_s"] / m["json_parse_cpu_s"]
    return [
        Row(f"import ocds {size} releases (child, load included)", m["import_s"], "s", "json module parse",
            m["json_parse_s"], imp, *_goal_at_size(size, "import", imp),
            note=f"{rate:,.0f} releases/s; CPU {m['import_cpu_s']:.1f} s = {cpu_ratio:.1f}x the parse's CPU "
                 f"(the steadier ratio on a busy machine)", detail={"files": m["files"]}),
        Row(f"peak RSS of the import, {size}", m["peak_mb"], "MB", **_memory_goal(size, m["peak_mb"])),
        Row(f"validate after the import, {size}", m["validate_s"], "s", "graphkit --help", m["help_s"], ratio_v,
            *_goal_at_size(size, "validate", ratio_v)),
    ] + ([] if m["add_s"] is None else [
        Row(f"add relation after the import, {size}", m["add_s"], "s", "graphkit --help", m["help_s"],
            m["add_s"] / m["help_s"], f"<= {GOALS['add']:g}x", m["add_s"] / m["help_s"] <= GOALS["add"],
            note=f"best of three; actors looked up in the {_index_of(m)}")])


RUN_SIZES = {"10k": ("2k", "20k")}  # the smoke size leaves out the 200k file (minutes); larger sizes run all


def run(ctx: Context) -> list[Row]:
    rows, peaks = [], {}
    for size in RUN_SIZES.get(ctx.size, tuple(SIZES)):
        m = measure(size, ctx.work_dir(f"ocds-{size}"))
        peaks[size] = m["peak_mb"]
        rows += rows_for(m)
    if "200k" in peaks:
        growth = peaks["200k"] / peaks["20k"]
        rows.append(Row("peak RSS 200k / 20k", growth, "x", goal="flat (<= 1.25x)", met=growth <= 1.25))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ocds", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2k,20k,200k")
    parser.add_argument("--src", type=Path, help="a checkout whose graphkit to measure (default: this one)")
    parser.add_argument("--work", type=Path, default=DATA_DIR / "work")
    args = parser.parse_args(argv)
    for size in args.sizes.split(","):
        m = measure(size, args.work / size, args.src)
        for row in rows_for(m):
            ratio = f"  {row.ratio:.2f}x {row.baseline} ({row.baseline_value:.2f} s)" if row.ratio else ""
            print(f"{row.name}: {row.value:.2f} {row.unit}{ratio} goal {row.goal} met={row.met} {row.note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
