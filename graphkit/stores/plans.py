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

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ..model.ontology import Ontology
from .columns import GroupKey, RelGroup, node_columns, rel_columns, signature


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
    at = pc.index_in(incoming.column(key), value_set=_flat(existing.column(key)).cast(incoming.schema.field(key).type))
    is_new = pc.is_null(at)  # each incoming row's stored row, by key (a hash look-up, no join)
    old = pc.take(signature(existing, cols), pc.fill_null(at, 0))
    is_changed = pc.and_(pc.invert(is_new), pc.not_equal(signature(incoming, cols), old))
    new, changed = incoming.filter(is_new), incoming.filter(is_changed)
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


Existing = Callable[[str, dict], pa.Table]  # (Cypher, parameters) -> the store's rows as Arrow


def store_plans(existing: Existing, onto: Ontology, nodes: Mapping[str, pa.Table],
                groups: Mapping[GroupKey, RelGroup], sync: bool) -> Iterator[TablePlan]:
    """Per node label and relationship group: what a load adds, sets and (with sync) deletes;
    `existing(cypher, parameters)` reads the store's rows as Arrow. Without sync only the stored
    rows the load may set are read (those with an incoming key), so a finding added to a large
    store does not read whole tables: nodes by their ids, links by the ids of the nodes they leave
    (both looked up by the node tables' primary key; `x.id IN $list` would compare every row with
    every item). Each table of `nodes` and `groups` is asked for once."""
    for label in onto.all_labels:
        if label in nodes:
            cols, table = [n for n, _ in node_columns(onto, label)], nodes[label]
            among, keys = _among(table, "id", sync)
            stored = existing(f"{among}MATCH (n:{label}{' {id: k}' if among else ''}) RETURN "
                              + ", ".join(f"n.{c} AS {c}" for c in cols), keys)
            yield TablePlan.compare(label, "id", table, stored, cols, sync)
        elif sync:
            yield TablePlan.only_gone(label, "id", existing(f"MATCH (n:{label}) RETURN n.id AS id", {}).column("id"))
    cols = [n for n, _ in rel_columns(onto)]
    for group in groups.values():
        t, a, b = group.type, group.from_label, group.to_label
        among, keys = _among(group.table, "source", sync)
        stored = existing(f"{among}MATCH (:{a}{' {id: k}' if among else ''})-[r:{t}]->(:{b}) RETURN "
                          + ", ".join(f"r.{c} AS {c}" for c in cols), keys)
        yield TablePlan.compare(t, "rid", group.table, stored, cols, sync, (a, b))
    if sync:
        yield from _absent_groups(existing, onto, set(groups))


def _among(incoming: pa.Table, column: str, sync: bool) -> tuple[str, dict]:
    """(the clause that keeps an unsynced load's read to the nodes `column` names, its parameters);
    ("", {}) for a synced load, which reads the whole table to find what is gone."""
    if sync:
        return "", {}
    return "UNWIND $keys AS k ", {"keys": pc.unique(_flat(incoming.column(column))).to_pylist()}


def _absent_groups(existing: Existing, onto: Ontology, present: set[GroupKey]) -> Iterator[TablePlan]:
    """Relationships of (type, from, to) groups the files no longer hold at all: all gone."""
    for rtype, spec in onto.relationships.items():
        if all((rtype, a, b) in present for a, b in spec.pairs):
            continue
        found = existing(f"MATCH (x)-[r:{rtype}]->(y) RETURN label(x) AS a, label(y) AS b, r.rid AS rid", {})
        for a, b in spec.pairs:
            if (rtype, a, b) in present:
                continue
            gone = found.filter(pc.and_(pc.equal(found.column("a"), a), pc.equal(found.column("b"), b))).column("rid")
            if len(gone):
                yield TablePlan.only_gone(rtype, "rid", gone, (a, b))
