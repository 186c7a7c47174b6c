"""The rules a CSV column is checked by, each a vectorised compute over the whole column.

Rows are only visited to word the problems found (at most MAX_REPORTED per column and rule).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..model import values
from .checks import is_blank

CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
MAX_REPORTED = 50  # per column and rule: enough to act on, not a flood


def invalid_ids(col):
    """True where a non-null value breaks values.ID_PATTERN: 1 to 200 of values.ID_CHARS, not
    starting with one of values.ID_NOT_FIRST. Null stays null.

    >>> invalid_ids(pa.array(["tribal", "x.y_z:1-2", "-a", "A", "a b", "a" * 200, "a" * 201, "", "é", None])).to_pylist()
    [False, False, True, True, True, False, True, True, True, None]
    """
    length = pc.binary_length(col)
    foreign = pc.greater(pc.binary_length(pc.ascii_trim(col, values.ID_CHARS)), 0)
    bad_start = pc.starts_with(col, values.ID_NOT_FIRST[0])
    for char in values.ID_NOT_FIRST[1:]:
        bad_start = pc.or_(bad_start, pc.starts_with(col, char))
    bad_length = pc.or_(pc.equal(length, 0), pc.greater(length, values.ID_MAX_LENGTH))
    return pc.or_(pc.or_(foreign, bad_start), bad_length)


ROW_WORDS = {"sources": "source", "entities": "entity", "relationships": "relationship"}  # what one row is


class Checker:
    """Runs one rule over one column and reports the rows that break it."""

    def __init__(self, table, lines, display, context_col, section, problems):
        self.table, self.lines, self.display = table, lines, display
        self.context_col, self.section, self.problems = context_col, section, problems

    def context(self, i: int) -> str:
        value = self.table.column(self.context_col)[i].as_py()
        return f"{ROW_WORDS.get(self.section, self.section)} {value}"

    def report(self, bad_mask, column: str, message) -> None:
        rows = pc.indices_nonzero(pc.fill_null(bad_mask, False)).to_pylist()
        self.report_rows(rows, [self.table.column(column)[i].as_py() for i in rows[:MAX_REPORTED]], column, message)

    def report_given(self, bad_mask, given_rows: np.ndarray, given_values, column: str, message) -> None:
        """`report` for a check run on the rows that give a value only (`given_rows`, with `given_values`)."""
        at = pc.indices_nonzero(pc.fill_null(bad_mask, False)).to_numpy()
        values = pc.take(given_values, pa.array(at[:MAX_REPORTED])).to_pylist()
        self.report_rows(given_rows[at].tolist(), values, column, message)

    def report_rows(self, rows: list[int], values: list, column: str, message) -> None:
        """Report the rows (the first MAX_REPORTED with their values), then how many more there are."""
        for i, value in zip(rows[:MAX_REPORTED], values):
            self.problems.add(self.display, self.lines[i].as_py(), self.context(i), column,
                              message(value) if callable(message) else message)
        if len(rows) > MAX_REPORTED:
            self.problems.add(self.display, self.lines[rows[MAX_REPORTED]].as_py(), self.section, column,
                              f"… and {len(rows) - MAX_REPORTED} more rows with the same problem")

    def required(self, column: str) -> None:
        self.report(is_blank(self.table.column(column)), column, "is required")

    def pattern(self, column: str, regex: str, message) -> None:
        col = self.table.column(column)
        bad = pc.and_kleene(pc.is_valid(col), pc.invert(pc.match_substring_regex(col, regex)))
        self.report(bad, column, message)

    def plain_text(self, column: str) -> None:
        """Report values holding control characters (tab, newline and carriage return are allowed)."""
        col = self.table.column(column)
        self.report(pc.match_substring_regex(col, CONTROL_CHARACTERS), column, "contains control characters")

    def ids(self, column: str, message) -> None:
        """`pattern` with values.ID_PATTERN, checked without a regular expression."""
        self.report(invalid_ids(self.table.column(column)), column, message)

    def distinct(self, column: str) -> pa.Array:
        """The distinct non-null values of the column."""
        return pc.drop_null(pc.unique(self.table.column(column)))

    def report_values(self, column: str, distinct: pa.Array, is_bad, message) -> None:
        """Report the rows whose value is_bad, judging each of the column's `distinct` values once."""
        bad_values = distinct.filter(pc.fill_null(is_bad(distinct), False))
        if len(bad_values):
            self.report(pc.is_in(self.table.column(column), bad_values), column, message)

    def one_of(self, column: str, allowed, message) -> None:
        col = self.table.column(column)
        bad = pc.and_kleene(pc.is_valid(col), pc.invert(pc.is_in(col, pa.array(list(allowed), pa.string()))))
        self.report(bad, column, message)


def check_dates(chk: Checker, columns: list[str]) -> None:
    for col in columns:
        distinct = chk.distinct(col)
        chk.report_values(col, distinct, not_iso_dates,
                          lambda v: f"{v!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        chk.report_values(col, distinct, not_calendar_days, lambda v: f"{v!r} is not a real calendar date")


def not_iso_dates(text: pa.Array) -> pa.Array:
    return pc.invert(pc.match_substring_regex(text, values.DATE_PATTERN))


def not_calendar_days(full: pa.Array) -> pa.Array:
    """True for YYYY-MM-29/30/31 values that name no real day (2010-02-30); null or false otherwise."""
    # days 01-28 exist in every month (the pattern checked the month): only 29-31 need the calendar
    is_full = pc.and_kleene(pc.is_valid(full), pc.match_substring_regex(full, r"^\d{4}-(0[1-9]|1[0-2])-(29|30|31)$"))
    parsed = pc.strptime(pc.if_else(is_full, full, None), format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2010-02-30 over to March: a real day prints back as itself
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), full)
    return pc.and_kleene(is_full, pc.invert(pc.fill_null(same, False)))


def numbers(chk: "Checker", name: str = "amount_gbp") -> pa.Array:
    """A column of amounts as numbers, '£' and thousands separators dropped; only the rows that give one are read."""
    column = chk.table.column(name)
    given = pc.is_valid(column)
    given_rows = np.flatnonzero(given.to_numpy(zero_copy_only=False))
    cleaned = pc.replace_substring(pc.replace_substring(column.filter(given), ",", ""), "£", "")
    cleaned = pc.if_else(pc.equal(pc.utf8_trim_whitespace(cleaned), ""), None, cleaned)
    is_number = pc.match_substring_regex(pc.fill_null(cleaned, ""), values.NUMBER_PATTERN)
    chk.report_given(pc.and_kleene(pc.is_valid(cleaned), pc.invert(is_number)), given_rows, cleaned, name,
                     lambda v: f"{v!r} is not a number")
    number = pc.cast(pc.utf8_trim_whitespace(pc.if_else(is_number, cleaned, None)), pa.float64())
    chk.report_given(pc.less(number, 0), given_rows, cleaned, name, lambda v: f"{v} is negative")
    chk.report_given(pc.greater(number, values.MAX_AMOUNT), given_rows, cleaned, name,
                     lambda v: f"{v} is implausibly large")
    return pc.replace_with_mask(pa.nulls(len(column), pa.float64()), given.combine_chunks(), number.combine_chunks())


def field_column(chk: Checker, name: str, kind: str, onto) -> pa.ChunkedArray | pa.Array:
    """An entities CSV's field column (`value_gbp`, `start_date` …) checked by its ontology type;
    a value on a row whose label has no such field is reported."""
    holders = [lab for lab, spec in onto.labels.items() if name in onto.node_fields or name in spec.fields]
    given = pc.is_valid(chk.table.column(name))
    chk.report(pc.and_kleene(given, pc.invert(pc.is_in(chk.table.column("label"), pa.array(holders, pa.string())))),
               name, lambda v: f"is not a field of this label ({', '.join(holders)} only)")
    return typed_column(chk, name, kind, onto)


def typed_column(chk: Checker, name: str, kind: str, onto) -> pa.ChunkedArray | pa.Array:
    """A further CSV column (an entity's or a relationship's field) checked by its ontology type."""
    if kind == "number":
        return numbers(chk, name)
    if kind == "date":
        check_dates(chk, [name])
    elif kind in onto.enums:
        chk.one_of(name, onto.enums[kind], lambda v: f"{v!r} must be one of {', '.join(onto.enums[kind])}")
    elif kind == "url":
        chk.pattern(name, values.URL_PATTERN, lambda v: f"{v!r} is not an http(s) URL")
    else:
        chk.plain_text(name)
    return chk.table.column(name)
