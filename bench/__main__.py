"""python -m bench [--size 10k|100k|1m] [--only GROUP ...] [--repeat N] [--json FILE]

Generates the size's dataset when missing, runs each figure group, prints a table and
writes JSON (default bench/results/latest-<size>.json). The Neo4j groups start a server
and take minutes: they run only when named (`--only neo4j neo4j-csv`).
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

from rich.console import Console

from .figure import Context, Pending, Skipped
from .generate import SIZES, ensure_dataset
from .report import machine, markdown_table, print_table, write_json

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# group name -> module; run in this order (load leaves the store that queries and add reuse)
GROUPS = {"validate": "bench.validate", "load": "bench.load", "memory": "bench.memory", "queries": "bench.queries",
          "paging": "bench.paging", "add": "bench.add", "maps": "bench.maps", "neo4j": "bench.neo4j_load",
          "neo4j-csv": "bench.neo4j_csv",
          "workflow": "bench.workflow", "ocds": "bench.ocds", "ftm": "bench.ftm"}


OPT_IN = {"neo4j", "neo4j-csv"}  # run only when named with --only


def selected_groups(only: list[str] | None) -> list[str]:
    """The groups a run measures, in order: those named, or every group but the opt-in ones.

    >>> "neo4j" in selected_groups(None), selected_groups(["neo4j", "validate"])
    (False, ['validate', 'neo4j'])
    """
    return [name for name in GROUPS if (name in only if only else name not in OPT_IN)]


def run_group(name: str, ctx: Context, console: Console) -> dict:
    t0 = time.perf_counter()
    console.print(f"[bold]{name}[/] …", highlight=False)
    try:
        rows = importlib.import_module(GROUPS[name]).run(ctx)
        body = {"status": "ok", "rows": [r.as_json() for r in rows]}
    except Pending as exc:
        body = {"status": "pending", "reason": str(exc)}
    except Skipped as exc:
        body = {"status": "skipped", "reason": str(exc)}
    except Exception as exc:  # a broken figure must not hide the others
        body = {"status": "failed", "reason": f"{type(exc).__name__}: {str(exc)[:300]}",
                "traceback": traceback.format_exc()}
    body["seconds"] = round(time.perf_counter() - t0, 1)
    console.print(f"  {body['status']} in {body['seconds']} s", highlight=False)
    return body


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="graphkit benchmarks")
    parser.add_argument("--size", choices=list(SIZES), default="10k")
    parser.add_argument("--only", nargs="+", action="extend", choices=list(GROUPS), metavar="GROUP",
                        help=f"run only these groups ({', '.join(GROUPS)}; without it, all but {', '.join(sorted(OPT_IN))})")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the median is reported")
    parser.add_argument("--json", type=Path, help="results file (default bench/results/latest-<size>.json)")
    parser.add_argument("--neo4j-rows", type=int, default=100_000,
                        help="relationships loaded over Bolt per batch size (cap; default 100000)")
    parser.add_argument("--neo4j-batches", default="1000,5000,10000,50000", help="Bolt batch sizes to compare")
    parser.add_argument("--map-nodes", type=int, default=2000, help="nodes in the map figure")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other groups already in the results file (re-run some groups only)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(stderr=True)
    t0 = time.perf_counter()
    manifest = ensure_dataset(args.size)
    console.print(f"dataset {args.size}: {manifest['rows']} in bench/data/{args.size}/", highlight=False)
    ctx = Context(args.size, max(1, args.repeat), manifest, {
        "neo4j_rows": args.neo4j_rows, "neo4j_batches": [int(b) for b in args.neo4j_batches.split(",")],
        "map_nodes": args.map_nodes})
    results = {"size": args.size, "repeat": ctx.repeat, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
               "machine": machine(), "dataset": {k: manifest[k] for k in ("rows", "distinct", "bytes", "seed")},
               "groups": {}}
    for name in selected_groups(args.only):
        results["groups"][name] = run_group(name, ctx, console)
    results["seconds"] = round(time.perf_counter() - t0, 1)
    results["machine"]["load_avg_end"] = [round(x, 2) for x in __import__("os").getloadavg()]
    path = args.json or RESULTS_DIR / f"latest-{args.size}.json"
    if args.merge and path.exists():
        kept = json.loads(path.read_text())
        results["groups"] = {**kept.get("groups", {}), **results["groups"]}
        results["merged_from"] = kept.get("started")
    write_json(results, path)
    print_table(results, Console() if sys.stdout.isatty() else Console(width=220))
    if args.markdown:
        print(markdown_table(results))
    console.print(f"written {path} in {results['seconds']} s", highlight=False)
    return 1 if any(g["status"] == "failed" for g in results["groups"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
