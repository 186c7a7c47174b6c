"""Read the documented CSV files column by column with pyarrow.

entities*.csv:      id,label,kind,name,aliases,description,source_id,quote
relationships*.csv: source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote
sources*.csv:       id,url,title,publisher,date

Aliases are separated by '|'. Every check is a vectorised compute over a whole
column; rows are only visited to word the problems found.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import values
from ..ontology import Ontology
from ..problems import ProblemList
from .tables import conform, entity_schema, relationship_schema, source_schema
from .yaml_reader import decode_text

HEADERS = {
    "entities": ["id", "label", "kind", "name", "aliases", "description", "source_id", "quote"],
    "relationships": ["source", "type", "target", "amount_gbp", "vat", "start_date", "end_date",
                      "role", "evidence", "source_id", "quote"],
    "sources": ["id", "url", "title", "publisher", "date"],
}
REQUIRED = {
    "entities": ["id", "label", "kind", "name", "source_id", "quote"],
    "relationships": ["source", "type", "target", "source_id", "quote"],
    "sources": ["id"],
}
MAX_REPORTED = 50  # per column and rule: enough to act on, not a flood


def csv_section(path: Path) -> str | None:
    """Which table a CSV file holds, from its name (entities*.csv …)."""
    for section in HEADERS:
        if path.name.startswith(section) and path.suffix.lower() == ".csv":
            return section
    return None


def read_csv_table(path: Path, display: str, onto: Ontology, problems: ProblemList) -> tuple[str, pa.Table | None]:
    section = csv_section(path) or "entities"
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if decode_text(raw, display, problems) is None:
        return section, None
    if not raw.strip():
        problems.add(display, 1, "", "", f"is empty; expected the header {','.join(HEADERS[section])}")
        return section, None
    table = _parse(raw, display, section, problems)
    if table is None:
        return section, None
    return section, _check(table, raw, display, section, onto, problems)


def _parse(raw: bytes, display: str, section: str, problems: ProblemList) -> pa.Table | None:
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(autogenerate_column_names=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in HEADERS[section]},
                strings_can_be_null=True, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        line, msg = _locate_csv_fault(raw)
        problems.add(display, line, "", "", msg or f"is not valid CSV: {exc}")
        return None
    header = table.column_names
    unknown = [h for h in header if h not in HEADERS[section]]
    missing = [h for h in REQUIRED[section] if h not in header]
    for h in unknown:
        problems.add(display, 1, "header", h, f"is not a column of {section} CSV ({','.join(HEADERS[section])})")
    for h in missing:
        problems.add(display, 1, "header", h, "column is missing")
    if unknown or missing:
        return None
    for h in HEADERS[section]:
        if h not in header:
            table = table.append_column(h, pa.nulls(table.num_rows, pa.string()))
    return table


def _locate_csv_fault(raw: bytes) -> tuple[int, str]:
    """Find the first malformed row with the stdlib reader, which counts lines."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    try:
        width = len(next(reader))
        for row in reader:
            if row and len(row) != width:
                return reader.line_num, f"has {len(row)} fields, the header has {width}"
    except csv.Error as exc:
        return reader.line_num, f"is not valid CSV: {exc}"
    return 0, ""


def _line_numbers(table: pa.Table, raw: bytes) -> pa.Array:
    """Line of each row: header is line 1; quoted newlines push later rows down."""
    base = pa.array(range(2, table.num_rows + 2), pa.int64())
    if raw.count(b"\n") <= table.num_rows + 1:
        return base
    extra = None
    for col in table.columns:
        n = pc.fill_null(pc.count_substring(col, "\n"), 0)
        extra = n if extra is None else pc.add(extra, n)
    shifted = pc.cumulative_sum(extra.combine_chunks())
    before = pc.subtract(shifted, extra.combine_chunks())
    return pc.add(base, pc.cast(before, pa.int64()))


class _Checker:
    """Runs one rule over one column and reports the rows that break it."""

    def __init__(self, table, lines, display, context_col, section, problems):
        self.table, self.lines, self.display = table, lines, display
        self.context_col, self.section, self.problems = context_col, section, problems

    def context(self, i: int) -> str:
        value = self.table.column(self.context_col)[i].as_py()
        return f"{self.section[:-1]} {value}"

    def report(self, bad_mask, column: str, message) -> None:
        idx = pc.indices_nonzero(pc.fill_null(bad_mask, False)).to_pylist()
        for i in idx[:MAX_REPORTED]:
            value = self.table.column(column)[i].as_py()
            self.problems.add(self.display, self.lines[i].as_py(), self.context(i), column,
                              message(value) if callable(message) else message)
        if len(idx) > MAX_REPORTED:
            self.problems.add(self.display, self.lines[idx[MAX_REPORTED]].as_py(), self.section, column,
                              f"… and {len(idx) - MAX_REPORTED} more rows with the same problem")

    def required(self, column: str) -> None:
        col = self.table.column(column)
        self.report(pc.or_kleene(pc.is_null(col), pc.equal(pc.utf8_trim_whitespace(col), "")), column, "is required")

    def pattern(self, column: str, regex: str, message) -> None:
        col = self.table.column(column)
        bad = pc.and_kleene(pc.is_valid(col), pc.invert(pc.match_substring_regex(col, regex)))
        self.report(bad, column, message)

    def one_of(self, column: str, allowed, message) -> None:
        col = self.table.column(column)
        bad = pc.and_kleene(pc.is_valid(col), pc.invert(pc.is_in(col, pa.array(list(allowed), pa.string()))))
        self.report(bad, column, message)


def _check(table, raw, display, section, onto, problems) -> pa.Table:
    lines = _line_numbers(table, raw)
    ctx = {"entities": "id", "relationships": "type", "sources": "id"}[section]
    table = table.set_column(table.column_names.index(ctx), ctx, pc.utf8_trim_whitespace(table.column(ctx)))
    chk = _Checker(table, lines, display, ctx, section, problems)
    for col in REQUIRED[section]:
        chk.required(col)
    if section == "sources":
        chk.pattern("id", values.ID_PATTERN, lambda v: f"{v!r} is not a valid id")
        chk.pattern("url", values.URL_PATTERN, lambda v: f"{v!r} is not an http(s) URL")
        _check_dates(chk, ["date"])
        out = table.select(HEADERS["sources"])
        out = out.append_column("_file", pa.array([display] * table.num_rows, pa.string()))
        return conform(out.append_column("_line", lines), source_schema(onto))
    if section == "entities":
        return _entities(table, lines, display, onto, chk)
    return _relationships(table, lines, display, onto, chk)


def _check_dates(chk: _Checker, columns: list[str]) -> None:
    for col in columns:
        chk.pattern(col, values.DATE_PATTERN, lambda v: f"{v!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        full = chk.table.column(col)
        # days 01-28 exist in every month (the pattern checked the month): only 29-31 need the calendar
        is_full = pc.and_kleene(pc.is_valid(full), pc.match_substring_regex(full, r"^\d{4}-(0[1-9]|1[0-2])-(29|30|31)$"))
        parsed = pc.strptime(pc.if_else(is_full, full, None), format="%Y-%m-%d", unit="s", error_is_null=True)
        # strptime rolls 2010-02-30 over to March: a real day prints back as itself
        same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), full)
        chk.report(pc.and_kleene(is_full, pc.invert(pc.fill_null(same, False))), col,
                   lambda v: f"{v!r} is not a real calendar date")


def _citations(table: pa.Table) -> tuple[pa.Array, pa.Array]:
    ids = pc.utf8_trim_whitespace(table.column("source_id")).combine_chunks()
    quotes = table.column("quote").combine_chunks()
    offsets = pa.array(range(table.num_rows + 1), pa.int32())
    return pa.ListArray.from_arrays(offsets, ids), pa.ListArray.from_arrays(offsets, quotes)


def _entities(table, lines, display, onto, chk) -> pa.Table:
    chk.pattern("id", values.ID_PATTERN, lambda v: f"{v!r} is not a valid id (lowercase letters, digits, '-', '.', '_', ':')")
    chk.one_of("label", onto.labels, lambda v: f"{v!r} is not a known label ({', '.join(onto.labels)})")
    pairs = [f"{lab}:{k}" for lab, spec in onto.labels.items() for k in spec.kinds]
    label_kind = pc.binary_join_element_wise(table.column("label"), table.column("kind"), ":")
    known_label = pc.is_in(table.column("label"), pa.array(list(onto.labels)))
    bad_kind = pc.and_kleene(pc.and_kleene(known_label, pc.is_valid(table.column("kind"))),
                       pc.invert(pc.is_in(label_kind, pa.array(pairs))))
    chk.report(bad_kind, "kind", lambda v: f"{v!r} is not a kind of this label")
    for col in ("name", "description", "quote"):
        chk.pattern(col, r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", "contains control characters")
    source_ids, quotes = _citations(table)
    out = pa.table({
        "id": table.column("id"), "label": pc.utf8_trim_whitespace(table.column("label")),
        "kind": pc.utf8_trim_whitespace(table.column("kind")), "name": pc.utf8_trim_whitespace(table.column("name")),
        "aliases": _aliases(table.column("aliases")), "description": table.column("description"),
        "source_ids": source_ids, "quotes": quotes,
        "_file": pa.array([display] * table.num_rows, pa.string()), "_line": lines,
    })
    return conform(out, entity_schema(onto))


def _aliases(col) -> pa.Array:
    """'a | b||c' → ['a', 'b', 'c']; blank → null."""
    text = pc.replace_substring_regex(pc.fill_null(col, ""), r"\s*\|[\s|]*", "|")
    text = pc.utf8_trim(text, characters="| \t")
    return pc.split_pattern(pc.if_else(pc.equal(text, ""), None, text), "|")


def _relationships(table, lines, display, onto, chk) -> pa.Table:
    chk.one_of("type", onto.relationships, lambda v: f"{v!r} is not a known relationship type")
    for col in ("source", "target"):
        chk.pattern(col, values.ID_PATTERN, lambda v: f"{v!r} is not a valid id")
    chk.one_of("vat", onto.enums["vat"], lambda v: f"{v!r} must be one of {', '.join(onto.enums['vat'])}")
    chk.one_of("evidence", onto.enums["evidence"], lambda v: f"{v!r} must be one of {', '.join(onto.enums['evidence'])}")
    _check_dates(chk, ["start_date", "end_date"])
    amount = _amounts(chk)
    source_ids, quotes = _citations(table)
    cols = {n: table.column(n) for n in ("source", "type", "target", "start_date", "end_date", "role", "vat", "evidence")}
    out = pa.table({**cols, "amount_gbp": amount, "source_ids": source_ids, "quotes": quotes,
                    "_file": pa.array([display] * table.num_rows, pa.string()), "_line": lines})
    return conform(out, relationship_schema(onto))


def _amounts(chk: _Checker) -> pa.Array:
    col = pc.replace_substring(pc.replace_substring(chk.table.column("amount_gbp"), ",", ""), "£", "")
    col = pc.if_else(pc.equal(pc.utf8_trim_whitespace(col), ""), None, col)
    chk.table = chk.table.set_column(chk.table.column_names.index("amount_gbp"), "amount_gbp", col)
    chk.pattern("amount_gbp", values.NUMBER_PATTERN, lambda v: f"{v!r} is not a number")
    numeric = pc.if_else(pc.match_substring_regex(pc.fill_null(col, ""), values.NUMBER_PATTERN), col, None)
    number = pc.cast(pc.utf8_trim_whitespace(numeric), pa.float64())
    chk.report(pc.less(number, 0), "amount_gbp", lambda v: f"{v} is negative")
    chk.report(pc.greater(number, values.MAX_AMOUNT), "amount_gbp", lambda v: f"{v} is implausibly large")
    return number
