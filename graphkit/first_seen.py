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
    """
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    codes = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks]
    return np.concatenate(codes) if codes else np.zeros(0, np.int32)


def first_seen(*columns: pa.Array | pa.ChunkedArray | np.ndarray) -> np.ndarray:
    """Per row, whether no earlier row holds the same values in every one of `columns` (of equal length;
    a NumPy column holds non-negative integers).

    >>> first_seen(np.array([1, 1, 2, 1]), pa.array(["a", "a", "a", "b"])).tolist()
    [True, False, True, True]
    >>> first_seen(np.array([7, 3, 7])).tolist(), first_seen(pa.array([None, "x", None])).tolist()
    ([True, True, False], [True, True, False])
    """
    key, width = _numbered(columns[0])
    for column in columns[1:]:
        more, more_width = _numbered(column)
        if width * more_width >= 2**62:  # renumber densely first: a key stays below the row count squared
            key = first_seen_codes(key).astype(np.int64)
            width = int(key.max()) + 1
        key, width = key * more_width + more, width * more_width
    codes = key if len(columns) == 1 and not isinstance(columns[0], np.ndarray) else first_seen_codes(key)
    # numbered by first appearance, a row sees its values first when its number passes every earlier one
    earlier_max = np.maximum.accumulate(np.concatenate([[-1], codes[:-1]])) if len(codes) else codes
    return codes > earlier_max


def _numbered(column: pa.Array | pa.ChunkedArray | np.ndarray) -> tuple[np.ndarray, int]:
    """(a number per row, equal exactly when the values are; how many numbers there may be)."""
    codes = column.astype(np.int64) if isinstance(column, np.ndarray) else first_seen_codes(column).astype(np.int64)
    return codes, int(codes.max()) + 1 if len(codes) else 1
