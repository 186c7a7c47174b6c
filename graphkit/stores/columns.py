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

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import Dataset
from ..model.ontology import Ontology
from ..model.value_types import STR_LIST, value_type

CITATION_COLUMNS = [("source_ids", "list"), ("quotes", "list")]


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


def node_tables(ds: Dataset, onto: Ontology) -> dict[str, pa.Table]:
    """One table per node label (sources included), in store column order."""
    out = {}
    labels = ds.entities.column("label")
    for label in onto.labels:
        part = ds.entities.filter(pc.equal(labels, label))
        if part.num_rows:
            out[label] = select_columns(part, node_columns(onto, label))
    if ds.sources.num_rows:
        out[onto.source_label] = select_columns(ds.sources, node_columns(onto, onto.source_label))
    return out


def rel_groups(ds: Dataset, onto: Ontology) -> list[RelGroup]:
    """Relationships split by (type, from label, to label)."""
    rels = ds.relationships
    if not rels.num_rows:
        return []
    ids, labels = ds.entities.column("id").combine_chunks(), ds.entities.column("label").combine_chunks()
    if ds.known_labels:
        ids = pa.concat_arrays([ids, pa.array(list(ds.known_labels), pa.string())])
        labels = pa.concat_arrays([labels, pa.array(list(ds.known_labels.values()), pa.string())])
    src_label = pc.take(labels, pc.index_in(rels.column("source"), ids))
    dst_label = pc.take(labels, pc.index_in(rels.column("target"), ids))
    key = pc.binary_join_element_wise(rels.column("type"), src_label, dst_label, "|")
    groups = []
    for combo in pc.unique(key).to_pylist():
        rtype, a, b = combo.split("|")
        part = rels.filter(pc.equal(key, combo))
        body = select_columns(part, rel_columns(onto))
        table = pa.table({"source": part.column("source"), "target": part.column("target"),
                          **{n: body.column(n) for n in body.column_names}})
        groups.append(RelGroup(rtype, a, b, table))
    return groups


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
