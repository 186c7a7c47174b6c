"""How the ontology maps onto stored properties, the same for every engine, and Neo4j's
constraints and indexes (the embedded store's tables are created in ladybug_file.py).

Each entity label is a node table with the common node fields, the label's own
fields and its citations; sources are nodes of the source label; each
relationship type holds the common relationship fields and its citations. A
claim's citations are two parallel lists, `source_ids` and `quotes`, so Cypher
joins any node or edge to the Source nodes that back it. (The embedded store
keeps lists as marked text: see list_text.py.)
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import Dataset
from ..model.ontology import Ontology
from ..model.value_types import STR_LIST, value_type

CITATION_COLUMNS = [("source_ids", "list"), ("quotes", "list")]
K, V = TypeVar("K"), TypeVar("V")


def node_columns(onto: Ontology, label: str) -> list[tuple[str, str]]:
    """(name, field type) of the properties of one node label, in table order."""
    if label == onto.source_label:
        return [("id", "string"), *[(n, f.type) for n, f in onto.source_fields.items()]]
    spec = onto.labels[label]
    cols = [("id", "string"), ("kind", "string")]
    cols += [(n, f.type) for n, f in onto.node_fields.items()]
    cols += [(n, f.type) for n, f in spec.fields.items() if n not in onto.node_fields]
    return cols + CITATION_COLUMNS


def rel_columns(onto: Ontology) -> list[tuple[str, str]]:
    """(name, field type) of every relationship's properties, in table order."""
    return [("rid", "string"), *[(n, f.type) for n, f in onto.relationship_fields.items()], *CITATION_COLUMNS]


def neo4j_schema_statements(onto: Ontology) -> list[str]:
    """The constraints and indexes of a Neo4j store: unique ids, relationship ids, names.

    >>> from graphkit.model.ontology import load_ontology
    >>> neo4j_schema_statements(load_ontology())[0]
    'CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE'
    """
    stmts = [f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
             for label in onto.all_labels]
    stmts += [f"CREATE INDEX {t.lower()}_rid IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.rid)" for t in onto.relationships]
    stmts += [f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)" for label in onto.labels]
    return stmts


@dataclass(frozen=True)
class RelGroup:
    """Relationships of one type between one pair of labels: one COPY / one batch shape."""

    type: str
    from_label: str
    to_label: str
    table: pa.Table  # columns: source, target, then rel_columns


def _blank_to_null(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        return pc.if_else(pc.equal(col, ""), None, col)
    if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
        return pc.if_else(pc.equal(pc.fill_null(pc.list_value_length(col), 0), 0), None, col)
    return col


def select_columns(table: pa.Table, columns: list[tuple[str, str]]) -> pa.Table:
    """A new table holding exactly `columns` in order, with blanks as nulls."""
    arrays = {}
    for name, ftype in columns:
        arrow = value_type(ftype).arrow
        col = table.column(name) if name in table.column_names else pa.nulls(table.num_rows, arrow)
        arrays[name] = _blank_to_null(col.cast(arrow))
    return pa.table(arrays)


class BuiltOnRequest(Mapping[K, V]):
    """Values by key, each built when asked for and never kept: a load that takes the store's
    tables one at a time holds one beside the dataset, not a second copy of all of it.

    >>> squares = BuiltOnRequest([2, 3], lambda n: n * n)
    >>> list(squares.items()), 4 in squares, len(squares)
    ([(2, 4), (3, 9)], False, 2)
    """

    def __init__(self, keys: list[K], build: Callable[[K], V]):
        self._keys, self._build = list(keys), build
        self._known = set(self._keys)

    def __getitem__(self, key: K) -> V:
        if key not in self._known:
            raise KeyError(key)
        return self._build(key)

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def node_tables(ds: Dataset, onto: Ontology) -> BuiltOnRequest[str, pa.Table]:
    """One table per node label (sources included), in store column order, built as each is asked for."""
    labels = ds.entities.column("label")
    present = set(pc.unique(labels).to_pylist())
    names = [label for label in onto.labels if label in present]
    names += [onto.source_label] if ds.sources.num_rows else []

    def table(label: str) -> pa.Table:
        if label == onto.source_label:
            return select_columns(ds.sources, node_columns(onto, label))
        return select_columns(ds.entities.filter(pc.equal(labels, label)), node_columns(onto, label))

    return BuiltOnRequest(names, table)


GroupKey = tuple[str, str, str]  # (relationship type, from label, to label)


def rel_groups(ds: Dataset, onto: Ontology) -> BuiltOnRequest[GroupKey, RelGroup]:
    """Relationships split by (type, from label, to label), each group built as it is asked for."""
    rels = ds.relationships
    if not rels.num_rows:
        return BuiltOnRequest([], lambda key: None)
    ids, labels = ds.entities.column("id").combine_chunks(), ds.entities.column("label").combine_chunks()
    if ds.known_labels:
        ids = pa.concat_arrays([ids, pa.array(list(ds.known_labels), pa.string())])
        labels = pa.concat_arrays([labels, pa.array(list(ds.known_labels.values()), pa.string())])
    src_label = pc.take(labels, pc.index_in(rels.column("source"), ids))
    dst_label = pc.take(labels, pc.index_in(rels.column("target"), ids))
    joined = pc.binary_join_element_wise(rels.column("type"), src_label, dst_label, "|")

    def group(key: GroupKey) -> RelGroup:
        part = rels.filter(pc.equal(joined, "|".join(key)))
        body = select_columns(part, rel_columns(onto))
        table = pa.table({"source": part.column("source"), "target": part.column("target"),
                          **{n: body.column(n) for n in body.column_names}})
        return RelGroup(*key, table)

    return BuiltOnRequest([tuple(combo.split("|")) for combo in pc.unique(joined).to_pylist()], group)


def signature(table: pa.Table, columns: list[str]) -> pa.Array:
    """One text per row that changes whenever any of `columns` changes (for updated/unchanged)."""
    parts = []
    for name in columns:
        col = table.column(name)
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
            col = pc.binary_join(col.cast(STR_LIST), "\x1f")
        elif not pa.types.is_string(col.type):
            col = pc.cast(col, pa.string())
        parts.append(pc.fill_null(col.cast(pa.string()), "\x00"))
    return pc.binary_join_element_wise(*parts, "\x1e")
