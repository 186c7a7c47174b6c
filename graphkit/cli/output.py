"""How the CLI shows results: rich tables on a terminal, or JSON / CSV for pipes."""
from __future__ import annotations

import codecs
import csv
import json
import sys
from contextvars import ContextVar
from typing import Annotated, Any, Iterable

import typer
from rich.console import Console
from rich.table import Table

from ..files import FORMULA_START, guard_cell as safe_cell  # the one spreadsheet-formula guard
from ..stores.base import ArrowBatches

console = Console()
err_console = Console(stderr=True)

WideOpt = Annotated[bool, typer.Option("--wide", help="Show long table cells whole instead of cutting them with ….")]
_FORMAT_GIVEN: ContextVar[bool] = ContextVar("format_given", default=False)


def _note_format(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    """--format's callback, run for every command that has it: notes whether it was given or left at its default."""
    source = ctx.get_parameter_source(param.name)
    _FORMAT_GIVEN.set(source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP"))
    return value


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.", callback=_note_format)]


def _plain(value: Any) -> Any:
    if isinstance(value, list) and all(type(v) is str for v in value):
        return "; ".join(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_plain(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value


def render(columns: list[str], rows: Iterable[Iterable[Any]], fmt: str = "table", title: str | None = None,
           wide: bool = False) -> None:
    """Print rows as a table on a terminal, plain text when piped (unless --format says otherwise), JSON or CSV.

    Table cells never wrap: a long one is cut with … unless `wide`, which shows every cell whole.
    """
    if fmt in ("json", "csv"):
        write_rows(columns, [rows], fmt)
        return
    rows = [list(r) for r in rows]
    if not console.is_terminal and not _format_given():
        sys.stdout.write(plain_lines(columns, rows))
        return
    cells = [[_cell(v) for v in r] for r in rows]
    natural = [max([len(str(c))] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(r[i], (int, float)) or r[i] is None for r in rows) for i in range(len(columns))]
    floors = [n if whole else min(n, MIN_CELL) for n, whole in zip(natural, numeric)]  # a number is never cut
    widths = natural if wide else fit_widths(natural, console.width - 3 * len(columns) - 1, floors)
    table = Table(title=title, show_lines=False)
    for col, width in zip(columns, widths):
        table.add_column(str(col), no_wrap=True, overflow="ellipsis", width=width)
    for line in cells:
        table.add_row(*line)
    Console(width=max(console.width, sum(widths) + 3 * len(widths) + 1)).print(table)
    if not rows:
        console.print("[dim](no rows)[/dim]")


def write_rows(columns: list[str], batches: Iterable[Iterable[Iterable[Any]]], fmt: str, out=None) -> int:
    """Write rows as CSV or JSON batch by batch as they come (the same text as one write of them all);
    returns how many rows were written.

    >>> import io; buf = io.StringIO()
    >>> write_rows(["id", "ids"], [[["=a", ["s1", "s2"]]], [["b", None]]], "csv", buf), buf.getvalue()
    (2, "id,ids\\r\\n'=a,s1; s2\\r\\nb,\\r\\n")
    """
    out = out or sys.stdout
    written = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for text, rows, n in _pieces(batches, "csv_text"):
            if text is not None:
                _put(out, text)
            else:
                writer.writerows(_csv_cells(rows))
            written += n
        return written
    encode = json.JSONEncoder(default=str, ensure_ascii=False, indent=2).encode
    for text, rows, n in _pieces(batches, "json_text"):
        if text is not None:  # each row after ",\n  ": the first after "[\n  "
            _put(out, b"[" + text[1:] if written == 0 and n else text)
            written += n
            continue
        for row in rows:
            text = encode(dict(zip(columns, row))).replace("\n", "\n  ")
            out.write(("[\n  " if written == 0 else ",\n  ") + text)
            written += 1
    out.write("\n]\n" if written else "[]\n")
    return written


def _pieces(batches: Iterable[Iterable[Iterable[Any]]], text_of: str):
    """(text, [], rows in it) for each batch written column by column (an engine's Arrow batches, see
    graphkit/query/columnar.py), else (None, its rows, how many)."""
    if not isinstance(batches, ArrowBatches):
        for batch in batches:
            rows = batch if isinstance(batch, list) else list(batch)
            yield None, rows, len(rows)
        return
    from ..query import columnar

    for record_batch in batches.record_batches:
        text = getattr(columnar, text_of)(record_batch, batches.cited)
        if text is None:
            rows = batches.rows_of(record_batch)
            yield None, rows, len(rows)
        else:
            yield text, [], record_batch.num_rows


def _put(out, text: bytes) -> None:
    """UTF-8 text as it is to a UTF-8 stream's bytes (no decoding), else as text."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None and codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8":
        out.flush()
        buffer.write(text)
    else:
        out.write(text.decode("utf-8"))


_NUMBERS = {int, float, bool, type(None)}
_GUARDED = ("'", *FORMULA_START)  # first characters `safe_cell` may change


def _csv_cells(batch: Iterable[Iterable[Any]]) -> list:
    """A batch of rows as CSV cells (lists joined with "; ", formulas guarded), column by column: a column
    of numbers, or of texts none of which starts like a formula, is left as it is.

    >>> _csv_cells([[1, "=x", ["a", "b"]], [2.5, "y", None]])
    [(1, "'=x", 'a; b'), (2.5, 'y', None)]
    """
    rows = [r if isinstance(r, list) else list(r) for r in batch]
    if not rows:
        return rows
    return list(zip(*(_csv_column(list(col)) for col in zip(*rows))))


def _csv_column(values: list) -> list:
    kinds = set(map(type, values))
    if kinds <= _NUMBERS:
        return values
    if kinds <= {str, type(None)}:
        return [safe_cell(v) for v in values] if any(v and v[0] in _GUARDED for v in values) else values
    return [safe_cell(_plain(v)) for v in values]


MAX_CELL = 60  # characters of a table cell before it is cut with … (--wide shows it whole)
MIN_CELL = 10  # a text column is cut no narrower than this; the line runs on instead


def plain_lines(columns: list[str], rows: list[list[Any]]) -> str:
    r"""A header line, then one line per row, cells separated by tabs (tabs and newlines in cells become spaces).

    >>> plain_lines(["id", "£"], [["tribal", 60000.0], ["a\tb", None]])
    'id\t£\ntribal\t60,000\na b\t\n'
    """
    def text(value: Any) -> str:
        return " ".join(_format(value).split()) if value is not None else ""

    return "".join("\t".join(text(v) for v in line) + "\n" for line in [columns, *rows])


def _format_given() -> bool:
    """Whether the running command was given --format on its command line (not left at its default)."""
    return _FORMAT_GIVEN.get()


def fit_widths(natural: list[int], room: int, floors: list[int] | None = None) -> list[int]:
    """Column widths within `room` characters: cells cut at MAX_CELL, then the widest cut first, none below its floor.

    >>> fit_widths([6, 80, 30], 60)
    [6, 27, 27]
    >>> fit_widths([12, 12, 12], 20, [12, 10, 10])  # too narrow for all: each keeps its floor, the line runs on
    [12, 10, 10]
    """
    floors = floors or [min(w, MIN_CELL) for w in natural]
    widths = [max(min(w, MAX_CELL), f) for w, f in zip(natural, floors)]
    while sum(widths) > room:  # one character at a time from the widest cuttable column: an even cut
        cuttable = [i for i, (w, f) in enumerate(zip(widths, floors)) if w > f]
        if not cuttable:
            break
        widths[max(cuttable, key=lambda j: widths[j])] -= 1
    return widths


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(_plain(value))


def _cell(value: Any) -> str:
    from rich.markup import escape

    if value is None:
        return ""
    return escape(_format(value))
