"""List properties (aliases, source_ids, quotes) as text on the embedded store.

Ladybug copies and checkpoints a STRING[] column at about half the speed of a
STRING column, and citations are on every row. So the embedded store keeps each
list as its items, each one followed by U+001F (the unit separator). Dataset
text never holds control characters (validation refuses them), which makes the
mark unambiguous: any text read back that ends in U+001F is a list, and query
results turn it into one, so `RETURN r.source_ids` gives a list on both engines.

Inside a Ladybug query, split the text yourself; the last item is empty:

    WITH r, string_split(r.source_ids, '\\u001f') AS ids
    UNWIND range(1, size(ids) - 1) AS i ...

>>> import pyarrow as pa
>>> encode_lists(pa.table({"ids": [["a", "b"], [], None]})).column("ids").to_pylist()
['a\\x1fb\\x1f', None, None]
>>> decode_value({"ids": "a\\x1fb\\x1f", "name": "Tribal"})
{'ids': ['a', 'b'], 'name': 'Tribal'}
>>> decode_value([("ids", "a\\x1f")])
[('ids', ['a'])]
"""
from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

MARK = "\x1f"


def encode_lists(table: pa.Table) -> pa.Table:
    """The same table with every list-of-text column as marked text (empty lists become null)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            table = table.set_column(i, pa.field(field.name, pa.string()), encode_column(table.column(i)))
    return table


def encode_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each list as its items followed by MARK; null and empty lists as null."""
    empty = pc.equal(pc.fill_null(pc.list_value_length(col), 0), 0)
    joined = pc.binary_join_element_wise(pc.binary_join(col, MARK), "", MARK)
    return pc.if_else(empty, pa.scalar(None, pa.string()), joined)


def decode_text(text: str) -> str | list[str]:
    """A marked text as its list; any other text as it is."""
    return text[:-1].split(MARK) if text.endswith(MARK) else text


def decode_value(value: Any) -> Any:
    """Marked texts anywhere inside a result value (a node, a list, a map) turned into lists."""
    if isinstance(value, str):
        return decode_text(value)
    if isinstance(value, dict):
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if isinstance(value, tuple):  # a MAP value arrives as (key, value) pairs
        return tuple(decode_value(v) for v in value)
    return value


def column_values(col: pa.ChunkedArray) -> list[Any] | None:
    """A result column's Python values with marked texts as lists, split in Arrow; None when only a
    value-by-value `decode_value` can do it (nodes, maps, a column mixing marked and plain texts).

    >>> column_values(pa.chunked_array([[["a\\x1fb\\x1f"], None, []]]))
    [[['a', 'b']], None, []]
    """
    if _is_text(col.type):
        texts = col
    elif (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)) and _is_text(col.type.value_type):
        texts = pc.list_flatten(col)
    else:
        return None if _holds_text(col.type) else col.to_pylist()
    marked = pc.sum(pc.ends_with(texts, MARK)).as_py() or 0
    if marked == 0:
        return col.to_pylist()
    if marked != len(texts) - texts.null_count:
        return None
    if texts is col:
        return _split_marked(col).to_pylist()
    return pa.chunked_array([_split_items(chunk) for chunk in col.chunks]).to_pylist()


def arrow_rows(table: pa.Table | pa.RecordBatch) -> list[list[Any]]:
    """Result rows as plain Python, converted column by column through Arrow (far faster than per value),
    marked texts as lists, nodes and relationships as dicts.

    >>> arrow_rows(pa.table({"id": ["a", "b"], "ids": ["s1\\x1fs2\\x1f", None]}))
    [['a', ['s1', 's2']], ['b', None]]
    """
    from .plain import plain_value

    if table.num_rows == 0:
        return []
    columns = []
    for col in table.columns:
        col = col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col], col.type)
        values = column_values(col)
        if values is None:
            values = col.to_pylist()
            if pa.types.is_struct(col.type) or pa.types.is_list(col.type) and pa.types.is_struct(col.type.value_type):
                values = [plain_value(v) for v in values]
            values = [decode_value(v) for v in values]
        columns.append(values)
    return [list(row) for row in zip(*columns)]


def _split_marked(texts):
    return pc.split_pattern(pc.utf8_slice_codeunits(texts, 0, -1), MARK)


def _split_items(lists: pa.Array) -> pa.Array:
    """A list-of-text chunk with each (marked) text split into its list."""
    offsets = lists.offsets
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    mask = lists.is_null() if lists.null_count else None
    return type(lists).from_arrays(pc.subtract(offsets, start), _split_marked(lists.values.slice(start, end - start)),
                                   mask=mask)


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _holds_text(t: pa.DataType) -> bool:
    if _is_text(t):
        return True
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _holds_text(t.value_type)
    if pa.types.is_struct(t):
        return any(_holds_text(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_map(t):
        return _holds_text(t.key_type) or _holds_text(t.item_type)
    return pa.types.is_union(t)
