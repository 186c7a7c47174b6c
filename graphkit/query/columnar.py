"""Answers written column by column: an engine's Arrow record batches as the very CSV and JSON text that
`graphkit.cli.output.write_rows` writes for the same rows one by one, and sorted in Arrow by a named
query's declared order. No Python object is made per cell, save for decimals (Python's `repr` of a float
is the text both formats must hold).

The cell rules are the row path's: marked list texts (`stores/list_text.py`) and lists joined with "; "
in CSV, lists in JSON; citation columns flattened with each source once; every text cell guarded
against spreadsheet formulas (`files.guard_cell`); CSV quoted as Python's `csv` module quotes. A
function returns None for a batch it cannot write exactly (a node, a map, a list of lists outside the
citation columns, a control character): the caller writes that batch row by row.

>>> import pyarrow as pa
>>> batch = pa.record_batch({"id": ["=a", "b,c"], "n": [1, None], "ids": ["s1\\x1fs2\\x1f", None]})
>>> csv_text(batch, ()).decode()
'\\'=a,1,s1; s2\\r\\n"b,c",,\\r\\n'
"""
from __future__ import annotations

import json
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..files import FORMULA_START
from ..first_seen import first_seen
from ..stores.list_text import MARK

_FORMULA = "^'*[" + "".join("\\" + c if c in "-" else c for c in FORMULA_START) + "]"
_GUARDED = ("'" + "".join(FORMULA_START)).encode()  # first bytes of a cell the guard may change
_MARK_BYTE = MARK.encode()
_JSON_SPECIAL = bytes(range(0x20)) + b'\\"'  # what JSON escapes
_TABLES: dict[bytes, np.ndarray] = {}  # bytes sought -> which of the 256 byte values they are
_NEEDS_QUOTES = '[,"\r\n]'  # what Python's csv module quotes (delimiter, quote, line ends)
_JSON_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\b", "\\b"),
                 ("\f", "\\f"))


def csv_text(batch: pa.RecordBatch, cited: tuple[str, ...]) -> bytes | None:
    """The batch's rows as CSV lines (UTF-8), or None when only the row path can write them."""
    fields = []
    for name, col in zip(batch.schema.names, batch.columns):
        cell = _csv_cell(col, name in cited)
        if cell is None:
            return None
        fields.append(cell)
    if not fields or batch.num_rows == 0:
        return None if not fields else b""
    if len(fields) == 1:  # Python's csv writes a row of one empty cell as "" (else it would be a blank line)
        fields[0] = pc.if_else(pc.equal(fields[0], ""), '""', fields[0])
    return _joined_bytes(pc.binary_join_element_wise(*fields, ","), "\r\n")


def json_text(batch: pa.RecordBatch, cited: tuple[str, ...]) -> bytes | None:
    """The batch's rows as JSON objects, each preceded by ",\\n  " and indented as `write_rows` writes them."""
    parts: list[Any] = []
    for i, (name, col) in enumerate(zip(batch.schema.names, batch.columns)):
        cell = _json_cell(col, name in cited)
        if cell is None:
            return None
        parts += [(",\n  {\n    " if i == 0 else ",\n    ") + json.dumps(name, ensure_ascii=False) + ": ", cell]
    if not parts or batch.num_rows == 0:
        return None if not parts else b""
    return _joined_bytes(pc.binary_join_element_wise(*parts, "\n  }", ""), "")


def sorted_batches(batches, order: list[tuple[str, bool]], columns: list[str], rows: int) -> list | None:
    """Every batch, sorted by `order` as `sort_rows` sorts (empty cells last, stable), in record batches
    of `rows`; None when an order column holds what Python compares otherwise (lists, NaN)."""
    if not batches:
        return []
    table = pa.Table.from_batches(batches)
    if any(c not in columns for c, _ in order):
        return None
    for column, _ in order:
        values = table.column(column)
        kind = values.type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_string(kind)
                or pa.types.is_date(kind) or pa.types.is_boolean(kind) or pa.types.is_null(kind)):
            return None
        if pa.types.is_string(kind) and pc.any(pc.ends_with(values, MARK)).as_py():
            return None
        if pa.types.is_floating(kind) and pc.any(pc.is_nan(values)).as_py():
            return None
    keys = [(c, "descending" if desc else "ascending") for c, desc in order]
    try:  # empty cells last for each key (pyarrow 25 and later)
        indices = pc.sort_indices(table, sort_keys=[key + ("at_end",) for key in keys])
    except (TypeError, ValueError):  # before 25: one placement for all keys
        indices = pc.sort_indices(table, sort_keys=keys, null_placement="at_end")
    return table.take(indices).to_batches(rows)


def _joined_bytes(lines: pa.Array, end: str) -> bytes:
    """Each line followed by `end`, all of them as one piece of UTF-8."""
    if end:
        lines = pc.binary_join_element_wise(lines, end, "")
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)[lines.offset:lines.offset + len(lines) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    return lines.buffers()[2].slice(start, end - start).to_pybytes()


def _csv_cell(col: pa.Array, cited: bool) -> pa.Array | None:
    """A column's CSV fields (quoted where needed; empty for null), or None."""
    kind = col.type
    if pa.types.is_null(kind):
        return pa.array([""] * len(col), pa.string())
    if pa.types.is_boolean(kind):
        return pc.fill_null(pc.if_else(col, "True", "False"), "")
    if pa.types.is_integer(kind) or pa.types.is_date(kind):
        return pc.fill_null(col.cast(pa.string()), "")
    if pa.types.is_floating(kind):
        return _python_texts(col, repr, "")
    texts = _joined_lists(col, cited)
    if texts is None:
        return None
    if _may_start_with(texts, _GUARDED):
        texts = pc.if_else(pc.match_substring_regex(texts, _FORMULA), pc.binary_join_element_wise("'", texts, ""), texts)
    if _holds_any(texts, b',"\r\n'):
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(texts, '"', '""'), '"', "")
        texts = pc.if_else(pc.match_substring_regex(texts, _NEEDS_QUOTES), quoted, texts)
    return pc.fill_null(texts, "") if texts.null_count else texts


def _json_cell(col: pa.Array, cited: bool) -> pa.Array | None:
    """A column's JSON values as `json.dumps(..., indent=2)` writes them inside a row, or None."""
    kind = col.type
    if pa.types.is_null(kind):
        return pa.array(["null"] * len(col), pa.string())
    if pa.types.is_boolean(kind):
        return pc.fill_null(pc.if_else(col, "true", "false"), "null")
    if pa.types.is_integer(kind):
        return pc.fill_null(col.cast(pa.string()), "null")
    if pa.types.is_date(kind):
        return pc.fill_null(pc.binary_join_element_wise('"', col.cast(pa.string()), '"', ""), "null")
    if pa.types.is_floating(kind):
        return _python_texts(col, json.dumps, "null")
    lists = _item_lists(col, cited)
    if lists is None:
        return None
    kept, is_list = lists
    quoted = _json_strings(kept.values if is_list is not None else kept)
    if quoted is None:
        return None
    if is_list is None:
        return pc.fill_null(quoted, "null")
    items = type(kept).from_arrays(kept.offsets, pc.fill_null(quoted, "null"), mask=kept.is_null())
    joined = pc.binary_join_element_wise("[\n      ", pc.binary_join(items, ",\n      "), "\n    ]", "")
    listed = pc.if_else(pc.equal(pc.list_value_length(kept), 0), "[]", joined)
    if is_list is True:
        return pc.fill_null(listed, "null")
    plain = _json_strings(pc.if_else(is_list, pa.scalar(None, col.type), col))
    if plain is None:
        return None
    return pc.fill_null(pc.if_else(is_list, listed, plain), "null")


def _python_texts(col: pa.Array, text: Callable[[Any], str], empty: str) -> pa.Array:
    """Each value's text as Python writes it (floats: the shortest text that reads back the same)."""
    return pa.array([empty if v is None else text(v) for v in col.to_pylist()], pa.string())


def _json_strings(texts: pa.Array) -> pa.Array | None:
    """Texts as JSON strings (ensure_ascii=False), or None for a control character JSON writes as \\u00XX."""
    if not _holds_any(texts, _JSON_SPECIAL):
        return pc.binary_join_element_wise('"', texts, '"', "")
    for raw, escaped in _JSON_ESCAPES:
        texts = pc.replace_substring(texts, raw, escaped)
    if pc.any(pc.match_substring_regex(texts, "[\\x00-\\x1f]")).as_py():
        return None
    return pc.binary_join_element_wise('"', texts, '"', "")


def _joined_lists(col: pa.Array, cited: bool) -> pa.Array | None:
    """A text or list column's cells as the row path writes them in CSV: lists joined with "; "."""
    if pa.types.is_string(col.type) and _holds_any(col, _MARK_BYTE):
        marked = pc.fill_null(pc.ends_with(col, MARK), False)
        if _holds_any(col, _MARK_BYTE, at_most=pc.sum(marked).as_py() or 0):  # one item in each list: the item
            return pc.if_else(marked, pc.utf8_slice_codeunits(col, 0, -1), col)
    lists = _item_lists(col, cited)
    if lists is None:
        return None
    kept, is_list = lists
    if is_list is None:
        return kept
    items = type(kept).from_arrays(kept.offsets, pc.fill_null(kept.values, "None"), mask=kept.is_null())
    return pc.binary_join(items, "; ")  # a null item is written "None", as Python joins str(None)


def _item_lists(col: pa.Array, cited: bool):
    """(cells, which are lists): a text column as itself and None when nothing in it is marked; else
    a list array of texts and a mask (True: every cell) of the cells the row path holds as lists. Marked
    texts are split; a cited column is flattened, its empty items dropped and each item kept once."""
    kind = col.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        if not _holds_any(col, _MARK_BYTE):
            return col, None
        marked = pc.fill_null(pc.ends_with(col, MARK), False)
        if not pc.any(marked).as_py():
            return None if pc.any(pc.match_substring(col, MARK)).as_py() else (col, None)
        if pc.any(pc.and_(pc.invert(marked), pc.fill_null(pc.match_substring(col, MARK), False))).as_py():
            return None
        split = pc.split_pattern(pc.if_else(marked, pc.utf8_slice_codeunits(col, 0, -1), col), MARK)
        return (_unique_lists(split) if cited else split), marked
    if not ((pa.types.is_list(kind) or pa.types.is_large_list(kind)) and pa.types.is_string(kind.value_type)):
        return None
    offsets = np.asarray(_offsets(col), dtype=np.int64)
    items = col.values.slice(int(col.offsets[0].as_py()), int(offsets[-1]))
    marked = pc.fill_null(pc.ends_with(items, MARK), False)
    if not cited:
        if _holds_any(items, _MARK_BYTE) and pc.any(pc.match_substring(items, MARK)).as_py():
            return None  # a list of marked lists: nested lists, the row path writes them
        return type(col).from_arrays(pa.array(offsets, col.offsets.type), items, mask=col.is_null()), True
    if pc.any(pc.and_(pc.invert(marked), pc.fill_null(pc.match_substring(items, MARK), False))).as_py():
        return None
    split = pc.split_pattern(pc.if_else(marked, pc.utf8_slice_codeunits(items, 0, -1), items), MARK)
    rows = np.repeat(np.arange(len(col)), np.diff(offsets))[np.asarray(pc.list_parent_indices(split))]
    return _unique_lists(split.flatten(), rows, len(col), col.is_null()), True


def _text_bytes(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(the bytes of a text array's values, where each value starts in them)."""
    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    offsets = np.frombuffer(texts.buffers()[1], dtype=width)[texts.offset:texts.offset + len(texts) + 1]
    data = texts.buffers()[2]
    if data is None or not len(texts):
        return np.zeros(0, np.uint8), np.zeros(0, np.int64)
    return np.frombuffer(data, np.uint8)[offsets[0]:offsets[-1]], offsets[:-1] - offsets[0]


def _holds_any(texts: pa.Array, chars: bytes, at_most: int | None = None) -> bool:
    """Whether any byte of the texts is one of `chars`; with `at_most`, whether there are that many or fewer."""
    data, _ = _text_bytes(texts)
    found = _byte_table(chars)[data]
    return bool(found.any()) if at_most is None else int(np.count_nonzero(found)) <= at_most


def _may_start_with(texts: pa.Array, chars: bytes) -> bool:
    data, starts = _text_bytes(texts)
    starts = starts[starts < len(data)]
    return bool(_byte_table(chars)[data[starts]].any())


def _byte_table(chars: bytes) -> np.ndarray:
    """Which of the 256 byte values are in `chars`."""
    if chars not in _TABLES:
        _TABLES[chars] = np.isin(np.arange(256), list(chars))
    return _TABLES[chars]


def _offsets(col: pa.Array) -> pa.Array:
    offsets = col.offsets
    return pc.subtract(offsets, offsets[0])


def _unique_lists(values, rows=None, n=None, mask=None) -> pa.Array:
    """Lists of texts with each item kept once per list, in first-listed order. Given a list array, its
    own lists; given flat `values` and the `rows` they belong to, `n` lists (null where `mask`)."""
    if rows is None:
        lists = values
        values, rows, n, mask = lists.flatten(), pc.list_parent_indices(lists), len(lists), lists.is_null()
    rows = np.asarray(rows, dtype=np.int64)
    if len(values) and (np.diff(rows) == 0).any():  # some list has two items or more: drop repeats
        keep = np.flatnonzero(first_seen(rows, values))
        values, rows = values.take(pa.array(keep)), rows[keep]
    counts = np.bincount(rows, minlength=n) if len(rows) else np.zeros(n, dtype=np.int64)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, values, mask=mask)
