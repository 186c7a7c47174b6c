"""Values numbered in the order they are first seen, and the rows that see a value first.

Both are hash passes over Arrow columns (dictionary encoding numbers values by first
appearance): no sort, and no query engine to start for a few rows.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def first_seen_codes(values: pa.Array | pa.ChunkedArray | np.ndarray) -> np.ndarray:
    """A number per row that is the same exactly when the values are (null is a value), counted from 0 in
    the order the values first appear.

    >>> first_seen_codes(pa.array(["b", "a", "b", None, None])).tolist()
    [0, 1, 0, 2, 2]
    >>> first_seen_codes(pa.DictionaryArray.from_arrays(pa.array([1, 0, 1]), pa.array(["a", "b"]))).tolist()
    [0, 1, 0]
    """
    return first_seen_values(values)[0]


def first_seen_values(values: pa.Array | pa.ChunkedArray | np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """(`first_seen_codes` of the values, the distinct values in that order: code i names value i).

    >>> codes, distinct = first_seen_values(pa.chunked_array([["b", "a"], ["c", "b"]]))
    >>> codes.tolist(), distinct.to_pylist()
    ([0, 1, 2, 0], ['b', 'a', 'c'])
    """
    if isinstance(values, (pa.Array, pa.ChunkedArray)) and pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)  # its own codes are in the dictionary's order
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    codes = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks]
    # the chunks of one encoding share its dictionary, which holds every value seen
    distinct = chunks[-1].dictionary if chunks else pa.array([], encoded.type.value_type)
    return (np.concatenate(codes) if codes else np.zeros(0, np.int32)), distinct


def first_seen(first: pa.Array | pa.ChunkedArray | np.ndarray,
               *more: pa.Array | pa.ChunkedArray | np.ndarray) -> np.ndarray:
    """Per row, whether no earlier row holds the same values in every one of the columns (of equal length).

    >>> first_seen(np.array([1, 1, 2, 1]), pa.array(["a", "a", "a", "b"])).tolist()
    [True, False, True, True]
    >>> first_seen(np.array([7, 3, 7])).tolist(), first_seen(pa.array([None, "x", None])).tolist()
    ([True, True, False], [True, True, False])
    """
    key, width = _numbered(first)
    for column in more:
        codes, column_width = _numbered(column)
        if width * column_width >= 2**62:  # renumber densely first: both widths are then at most the row count
            key = first_seen_codes(key).astype(np.int64)
            width = int(key.max()) + 1
        key, width = key * column_width + codes, width * column_width
    codes = key if not more and not isinstance(first, np.ndarray) else first_seen_codes(key)
    # numbered by first appearance, a row sees its values first when its number passes every earlier one
    earlier_max = np.maximum.accumulate(np.concatenate([[-1], codes[:-1]])) if len(codes) else codes
    return codes > earlier_max


def _numbered(column: pa.Array | pa.ChunkedArray | np.ndarray) -> tuple[np.ndarray, int]:
    """(a number per row, equal exactly when the values are; how many numbers there may be: at most the
    row count, unless the column is of whole numbers already that small, which are kept as they are).

    >>> _numbered(np.array([5, 2**62, 5]))[1], _numbered(np.array([2, 0, 1]))[1]
    (2, 3)
    """
    if isinstance(column, np.ndarray) and column.dtype.kind in "iu" and len(column) \
            and column.min() >= 0 and column.max() < len(column):
        codes = column.astype(np.int64)
    else:
        codes = first_seen_codes(column).astype(np.int64)
    return codes, int(codes.max()) + 1 if len(codes) else 1
