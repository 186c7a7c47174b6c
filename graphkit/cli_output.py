"""How the CLI shows results: rich tables on a terminal, or JSON / CSV for pipes."""
from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any, Iterable

from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ tab or CR gets a leading quote.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell(-5), safe_cell("ok")
    ("'=HYPERLINK(1)", -5, 'ok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_plain(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value


def render(columns: list[str], rows: Iterable[Iterable[Any]], fmt: str = "table", title: str | None = None) -> None:
    rows = [list(r) for r in rows]
    if fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, r)) for r in rows], default=str, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(columns)
        writer.writerows([[safe_cell(_plain(v)) for v in r] for r in rows])
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(str(col), overflow="fold")
    for r in rows:
        table.add_row(*[_cell(v) for v in r])
    console.print(table)
    if not rows:
        console.print("[dim](no rows)[/dim]")


def _cell(value: Any) -> str:
    from rich.markup import escape

    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return escape(str(_plain(value)))
