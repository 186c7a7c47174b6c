"""What a store holds, read back as a Dataset (three Arrow tables): what every exporter writes from."""
from __future__ import annotations

import pyarrow as pa

from ..dataset import Dataset
from ..model.tables import conform, entity_schema, relationship_schema, source_schema
from ..model.value_types import value_type
from ..model.ontology import Ontology, load_ontology
from ..stores import Store
from ..stores.columns import node_columns, rel_columns


def store_dataset(store: Store, onto: Ontology | None = None) -> Dataset:
    """Every entity, relationship and source in `store`, in the dataset's column layout.

    Rows come back sorted by id (relationships by source, type, target, rid), so an
    export of the same store is the same file every time.
    """
    onto = onto or load_ontology()
    entities = [_nodes(store, label, onto) for label in onto.labels]
    sources = _nodes(store, onto.source_label, onto)
    rels = [_rels(store, rtype, onto) for rtype in onto.relationships]
    ent = pa.concat_tables([conform(t, entity_schema(onto)) for t in entities if t.num_rows] or [entity_schema(onto).empty_table()])
    rel = pa.concat_tables([conform(t, relationship_schema(onto)) for t in rels if t.num_rows] or [relationship_schema(onto).empty_table()])
    src = conform(sources, source_schema(onto)) if sources.num_rows else source_schema(onto).empty_table()
    return Dataset(ent.combine_chunks(), rel.combine_chunks(), src.combine_chunks())


def _nodes(store: Store, label: str, onto: Ontology) -> pa.Table:
    columns = node_columns(onto, label)
    returns = ", ".join(f"n.{name} AS {name}" for name, _ in columns)
    result = store.query(f"MATCH (n:{onto.check_label(label)}) RETURN {returns} ORDER BY n.id")
    table = _table(result.rows, columns)
    if label != onto.source_label:
        table = table.append_column("label", pa.array([label] * table.num_rows, pa.string()))
    return table


def _rels(store: Store, rtype: str, onto: Ontology) -> pa.Table:
    columns = [("source", "string"), ("target", "string"), *rel_columns(onto)]
    returns = ", ".join(["a.id AS source", "b.id AS target", *[f"r.{name} AS {name}" for name, _ in rel_columns(onto)]])
    result = store.query(f"MATCH (a)-[r:{onto.check_type(rtype)}]->(b) RETURN {returns} "
                         "ORDER BY source, target, r.rid")
    table = _table(result.rows, columns)
    return table.append_column("type", pa.array([rtype] * table.num_rows, pa.string()))


def _table(rows: list[list], columns: list[tuple[str, str]]) -> pa.Table:
    arrays = {}
    for i, (name, ftype) in enumerate(columns):
        vtype = value_type(ftype)
        arrays[name] = pa.array([vtype.from_store(row[i]) for row in rows], vtype.arrow)
    return pa.table(arrays)
