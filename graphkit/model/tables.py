"""Column layout of the three dataset tables (entities, relationships, sources).

The in-memory form of a dataset is three Arrow tables, so bulk files are checked
and loaded column by column, never row by row.
"""
from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from .ontology import Ontology, load_ontology
from .value_types import STR_LIST, value_type
ORIGIN = [pa.field("_file", pa.string()), pa.field("_line", pa.int64())]
CITATIONS = [pa.field("source_ids", STR_LIST), pa.field("quotes", STR_LIST)]


@lru_cache(maxsize=4)
def entity_schema(onto: Ontology | None = None) -> pa.Schema:
    onto = onto or load_ontology()
    fields = [pa.field("id", pa.string()), pa.field("label", pa.string()), pa.field("kind", pa.string())]
    fields += [pa.field(n, value_type(f.type).arrow) for n, f in onto.node_fields.items()]
    fields += [pa.field(n, value_type(f.type).arrow) for n, f in onto.extra_node_fields.items()
               if n not in onto.node_fields]
    return pa.schema(fields + CITATIONS + ORIGIN)


@lru_cache(maxsize=4)
def relationship_schema(onto: Ontology | None = None) -> pa.Schema:
    onto = onto or load_ontology()
    fields = [pa.field(n, pa.string()) for n in ("rid", "source", "type", "target")]
    fields += [pa.field(n, value_type(f.type).arrow) for n, f in onto.relationship_fields.items()]
    return pa.schema(fields + CITATIONS + ORIGIN)


@lru_cache(maxsize=4)
def source_schema(onto: Ontology | None = None) -> pa.Schema:
    onto = onto or load_ontology()
    fields = [pa.field("id", pa.string())]
    fields += [pa.field(n, value_type(f.type).arrow) for n, f in onto.source_fields.items()]
    return pa.schema(fields + ORIGIN)


def rows_to_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Build a table of `schema` from dicts; missing keys become nulls."""
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.table(columns, schema=schema)


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Add missing columns as nulls and order columns as in `schema`."""
    cols = []
    for fld in schema:
        if fld.name in table.column_names:
            cols.append(table.column(fld.name).cast(fld.type))
        else:
            cols.append(pa.nulls(table.num_rows, fld.type))
    return pa.Table.from_arrays(cols, schema=schema)


def relationship_ids(table: pa.Table) -> pa.Array:
    """Stable id of each relationship: what makes two rows the same claim.

    Two rows with the same endpoints, type, dates, role and amount state one
    claim (their citations are merged); any difference makes a second claim.
    """
    def text(name: str) -> pa.ChunkedArray:
        col = table.column(name)
        return pc.cast(col, pa.string()) if pa.types.is_floating(col.type) else col

    parts = [text(n) for n in ("source", "type", "target", "start_date", "end_date", "role", "amount_gbp", "vat")]
    return pc.binary_join_element_wise(*parts, "|", null_handling="replace", null_replacement="")


def with_relationship_ids(table: pa.Table, recompute: bool = False) -> pa.Table:
    """Relationships with the rid column filled where it is null (everywhere with `recompute`)."""
    given = table.column("rid")
    if not table.num_rows or (given.null_count == 0 and not recompute):
        return table
    ids = relationship_ids(table)
    rid = ids if recompute or given.null_count == len(given) else pc.coalesce(given, ids)
    return table.set_column(table.schema.get_field_index("rid"), "rid", rid)
