"""FtM import of the bench dataset's own FtM export, as a ratio to the json parse measured in the same run.

The file is `graphkit export ftm` of a store loaded from the run's dataset (written once under
bench/data/ftm/, never committed), and its first 10k and 40k lines where it is longer. For each:

- `graphkit import ftm FILE` as a child process in a scratch folder with an empty `seeds/` (load
  into a new embedded store included), against reading the same file line by line with Python's
  `json` module in this process (best of one run before and one after the import);
- the child's peak memory (getrusage of a fresh wrapper: the child's own ru_maxrss).

`python -m bench.ftm FILE [FILE …]` measures given files (for before/after figures; `--src` another
checkout's code, its folder first on PYTHONPATH).
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
from pathlib import Path

from .figure import Context, Row
from .ocds import json_parse_seconds
from .timing import run_child, run_child_peak

DATA_DIR = Path(__file__).resolve().parent / "data" / "ftm"
PREFIXES = {"10k": 10_000, "40k": 40_000, "250k": 250_000}  # the export's first lines, where it is twice as long
MAX_WHOLE = 250_000  # lines: a longer export (at 1m) is measured by its prefixes only
GOALS = {"import": 20.0, "memory_mb": 1024.0}  # the OCDS import's goals (issue 21)


def export_file(ctx: Context) -> Path:
    """bench/data/ftm/export-<size>.ftm.json: the run's dataset as FtM (written once)."""
    path = DATA_DIR / f"export-{ctx.size}.ftm.json"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    done = run_child([sys.executable, "-m", "graphkit", "export", "ftm", str(tmp), "--store", str(ctx.loaded_store())],
                     timeout_s=3600)
    if done.returncode != 0:
        raise RuntimeError(f"export ftm exited {done.returncode}: {(done.stderr or done.stdout)[-400:]}")
    os.replace(tmp, path)
    return path


def prefix_file(path: Path, name: str, lines: int) -> Path | None:
    """The first `lines` lines of `path` beside it (written once); None unless `path` is twice as long."""
    out = path.with_name(f"{path.name.removesuffix('.ftm.json')}-{name}.ftm.json")
    if out.exists():
        return out
    with open(path, "rb") as src:
        head = list(itertools.islice(src, 2 * lines))
    if len(head) < 2 * lines:
        return None
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(b"".join(head[:lines]))
    os.replace(tmp, out)
    return out


def measure(path: Path, work: Path, src: Path | None = None) -> dict:
    """One import into an empty dataset, and the json parse of the same file before and after it."""
    if work.exists():
        shutil.rmtree(work)
    (work / "seeds").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])} if src else None
    parses = [json_parse_seconds(path)]
    imported = run_child_peak([sys.executable, "-m", "graphkit", "import", "ftm", str(path), "--store",
                               str(work / "graph.lbug")], cwd=str(work), env=env, timeout_s=7200)
    if imported.returncode != 0:
        raise RuntimeError(f"import exited {imported.returncode}: {(imported.stderr or imported.stdout)[-400:]}")
    parses.append(json_parse_seconds(path))
    with open(path, "rb") as fh:
        entities = sum(1 for line in fh if line.strip())
    parse, parse_cpu = min(parses)
    return {"entities": entities, "bytes": path.stat().st_size, "json_parse_s": parse, "json_parse_cpu_s": parse_cpu,
            "import_s": imported.wall_s, "import_cpu_s": imported.cpu_s, "peak_mb": imported.max_rss_mb,
            "files": {str(p.relative_to(work)): p.stat().st_size for p in sorted((work / "seeds").rglob("*"))
                      if p.is_file()}}


def rows_for(m: dict) -> list[Row]:
    """The import's time as a multiple of the json parse, and its peak memory."""
    label = f"{m['entities'] / 1000:,.0f}k entities"
    ratio, cpu_ratio = m["import_s"] / m["json_parse_s"], m["import_cpu_s"] / m["json_parse_cpu_s"]
    return [
        Row(f"import ftm {label} (child, load included)", m["import_s"], "s", "json module parse", m["json_parse_s"],
            ratio, f"<= {GOALS['import']:g}x", ratio <= GOALS["import"],
            note=f"{m['entities'] / m['import_s']:,.0f} entities/s, {m['bytes'] / 1e6:.1f} MB; CPU "
                 f"{m['import_cpu_s']:.1f} s = {cpu_ratio:.1f}x the parse's CPU", detail={"files": m["files"]}),
        Row(f"peak RSS of the FtM import, {label}", m["peak_mb"], "MB", goal=f"< {GOALS['memory_mb']:g} MB",
            met=m["peak_mb"] < GOALS["memory_mb"]),
    ]


def run(ctx: Context) -> list[Row]:
    """The export's prefixes, smallest first, and the whole export."""
    whole = export_file(ctx)
    files = [f for f in (prefix_file(whole, name, n) for name, n in PREFIXES.items()) if f]
    with open(whole, "rb") as fh:
        if sum(1 for _ in fh) <= MAX_WHOLE:
            files.append(whole)
    rows = []
    for path in files:
        rows += rows_for(measure(path, ctx.work_dir(f"ftm-{path.stem.removesuffix('.ftm')}")))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ftm", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="FtM JSON lines files to import")
    parser.add_argument("--src", type=Path, help="a checkout whose graphkit to measure (default: this one)")
    parser.add_argument("--work", type=Path, default=DATA_DIR / "work")
    args = parser.parse_args(argv)
    for n, path in enumerate(args.files):
        for row in rows_for(measure(path, args.work / str(n), args.src)):
            ratio = f"  {row.ratio:.2f}x {row.baseline} ({row.baseline_value:.2f} s)" if row.ratio else ""
            print(f"{row.name}: {row.value:.2f} {row.unit}{ratio} goal {row.goal} met={row.met} {row.note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
