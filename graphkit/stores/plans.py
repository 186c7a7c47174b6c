"""What a load changes in one store table: rows to add, rows to set, rows unchanged, rows gone.

A row is keyed by `id` (nodes) or `rid` (relationships) and compared by a signature of its
columns. Gone rows are in the store and no longer in the files: a synced load deletes them,
so the store equals the record.

>>> import pyarrow as pa
>>> files = pa.table({"id": ["a", "b"], "name": ["A", "B2"]})
>>> store = pa.table({"id": ["b", "c"], "name": ["B", "C"]})
>>> plan = TablePlan.compare("Organisation", "id", files, store, ["id", "name"], sync=True)
>>> plan.new["id"].to_pylist(), plan.changed["id"].to_pylist(), plan.same, plan.gone.to_pylist()
(['a'], ['b'], 0, ['c'])
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from .columns import signature


@dataclass
class TablePlan:
    name: str  # node label or relationship type
    key: str  # "id" or "rid"
    new: pa.Table
    changed: pa.Table
    same: int
    gone: pa.Array  # keys of rows to delete
    endpoints: tuple[str, str] | None = None  # (from label, to label) of a relationship group

    @classmethod
    def compare(cls, name: str, key: str, incoming: pa.Table, existing: pa.Table, cols: list[str], sync: bool,
                endpoints: tuple[str, str] | None = None) -> "TablePlan":
        new, changed, same = split_rows(incoming, existing, key, cols)
        gone = gone_keys(incoming.column(key), existing.column(key)) if sync else pa.array([], pa.string())
        return cls(name, key, new, changed, same, gone, endpoints)

    @classmethod
    def only_gone(cls, name: str, key: str, gone: pa.Array | pa.ChunkedArray,
                  endpoints: tuple[str, str] | None = None) -> "TablePlan":
        empty = pa.table({key: pa.array([], pa.string())})
        return cls(name, key, empty, empty, 0, _flat(gone), endpoints)


def split_rows(incoming: pa.Table, existing: pa.Table, key: str, cols: list[str]) -> tuple[pa.Table, pa.Table, int]:
    """Rows of `incoming` that are new, rows that changed, and how many are unchanged."""
    if existing.num_rows == 0:
        return incoming, incoming.slice(0, 0), 0
    existing = existing.cast(pa.schema([(n, incoming.schema.field(n).type) for n in existing.column_names]))
    old = pa.table({key: existing.column(key), "_old": signature(existing, cols)})
    mine = pa.table({key: incoming.column(key), "_new": signature(incoming, cols), "_row": pa.array(range(incoming.num_rows))})
    joined = mine.join(old, key, join_type="left outer")
    is_new = pc.is_null(joined.column("_old"))
    is_changed = pc.and_kleene(pc.invert(is_new), pc.not_equal(joined.column("_new"), joined.column("_old")))
    rows = joined.column("_row")
    new = incoming.take(pc.filter(rows, is_new))
    changed = incoming.take(pc.filter(rows, is_changed))
    return new, changed, incoming.num_rows - new.num_rows - changed.num_rows


def gone_keys(incoming: pa.ChunkedArray | pa.Array, existing: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Keys in the store that the files no longer hold."""
    existing = _flat(existing)
    if not len(existing):
        return existing
    return existing.filter(pc.invert(pc.is_in(existing, value_set=_flat(incoming).cast(existing.type))))


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return values.cast(pa.string())
