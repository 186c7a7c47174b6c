"""Validation of the whole dataset (read_dataset), against a bare pyarrow parse of the same files."""
from __future__ import annotations

import pyarrow.csv as pacsv

from .figure import Context, Row
from .timing import measure

GOAL_ROWS_PER_S = 1_000_000


def bare_parse(files) -> int:
    """Parse every file with pyarrow's defaults: the floor for any reader."""
    return sum(pacsv.read_csv(f).num_rows for f in files)


def run(ctx: Context) -> list[Row]:
    from graphkit.dataset import read_dataset

    parse = measure(lambda: bare_parse(ctx.csv_files), ctx.repeat, warmup=1)
    check = measure(lambda: read_dataset([ctx.data_dir]), ctx.repeat)
    ctx._cache["dataset"] = check.result
    rows = ctx.total_rows
    rate = rows / check.wall_s
    cpu_rate = rows / check.cpu_s
    return [
        Row("bare parse (pyarrow)", parse.wall_s, "s", note=f"{rows / parse.wall_s:,.0f} rows/s",
            detail=parse.as_json()),
        Row("validate (read_dataset)", check.wall_s, "s", "bare parse", parse.wall_s, check.wall_s / parse.wall_s,
            note=f"{rows:,} rows", detail=check.as_json()),
        Row("validate rate", rate, "rows/s", goal=f">= {GOAL_ROWS_PER_S:,} rows/s", met=rate >= GOAL_ROWS_PER_S,
            note=f"CPU-time rate {cpu_rate:,.0f} rows/s"),
    ]
