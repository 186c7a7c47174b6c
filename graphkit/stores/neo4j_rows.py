"""What a Neo4j load sends: each table's rows split against what graphkit already wrote there.

graphkit marks every node and relationship it writes with `_sig`, a digest of its columns.
Reading the marks of one label (or relationship type) first lets a load send only new rows
(as CREATE, with no per-row lookup), changed rows (as SET by element id) and, with sync,
the element ids to delete; unchanged rows are never sent. Nodes are keyed by id,
relationships by (rid, from label, from id, to label, to id).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyarrow as pa

from ..model.ontology import Ontology
from .columns import RelGroup, node_columns, rel_columns, signature

Key = tuple
Stored = dict[Key, tuple[str, str]]  # key → (element id, signature)


@dataclass
class RowSplit:
    new: list[dict] = field(default_factory=list)  # {"props", "sig"} (+ "src", "dst" for relationships)
    changed: list[dict] = field(default_factory=list)  # the same, with "eid"
    same: int = 0
    keys: set[Key] = field(default_factory=set)  # every key the files hold


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def node_rows(onto: Ontology, label: str, table: pa.Table, stored: Stored) -> RowSplit:
    cols = [n for n, _ in node_columns(onto, label)]
    keys = [(i,) for i in table.column("id").to_pylist()]
    return _split(table, cols, keys, stored, {})


def rel_rows(onto: Ontology, group: RelGroup, stored: Stored) -> RowSplit:
    cols = [n for n, _ in rel_columns(onto)]
    src, dst = group.table.column("source").to_pylist(), group.table.column("target").to_pylist()
    keys = [(rid, group.from_label, a, group.to_label, b)
            for rid, a, b in zip(group.table.column("rid").to_pylist(), src, dst)]
    return _split(group.table, cols, keys, stored, {"src": src, "dst": dst})


def _split(table: pa.Table, cols: list[str], keys: list[Key], stored: Stored, ends: dict[str, list]) -> RowSplit:
    out = RowSplit(keys=set(keys))
    sigs = [digest(s) for s in signature(table, cols).to_pylist()]
    props = table.select(cols).to_pylist()
    for i, key in enumerate(keys):
        have = stored.get(key)
        if have is not None and have[1] == sigs[i]:
            out.same += 1
            continue
        row = {"props": props[i], "sig": sigs[i], **{k: v[i] for k, v in ends.items()}}
        if have is None:
            out.new.append(row)
        else:
            out.changed.append({**row, "eid": have[0]})
    return out


def create_nodes(label: str) -> str:
    return f"UNWIND $rows AS row CREATE (n:{label}) SET n = row.props, n._sig = row.sig RETURN count(*) AS n"


def create_rels(rtype: str, a: str, b: str) -> str:
    return (f"UNWIND $rows AS row MATCH (x:{a} {{id: row.src}}) MATCH (y:{b} {{id: row.dst}}) "
            f"CREATE (x)-[r:{rtype}]->(y) SET r = row.props, r._sig = row.sig RETURN count(*) AS n")


def set_nodes() -> str:
    return ("UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.eid "
            "SET n = row.props, n._sig = row.sig RETURN count(*) AS n")


def set_rels() -> str:
    return ("UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.eid "
            "SET r = row.props, r._sig = row.sig RETURN count(*) AS n")


def stored_statement(onto: Ontology, name: str) -> str:
    """Read the marks graphkit left under a label or relationship type."""
    if name in onto.relationships:
        return (f"MATCH (a)-[r:{name}]->(b) WHERE r._sig IS NOT NULL RETURN [r.rid, labels(a)[0], a.id, "
                "labels(b)[0], b.id] AS key, elementId(r) AS eid, r._sig AS sig")
    return f"MATCH (n:{name}) WHERE n._sig IS NOT NULL RETURN [n.id] AS key, elementId(n) AS eid, n._sig AS sig"


def delete_statement(onto: Ontology, name: str) -> str:
    """Delete by element id: relationships, or nodes that nothing links to any more."""
    if name in onto.relationships:
        return "UNWIND $ids AS eid MATCH ()-[r]->() WHERE elementId(r) = eid DELETE r RETURN count(*) AS n"
    return ("UNWIND $ids AS eid MATCH (n) WHERE elementId(n) = eid AND NOT EXISTS { (n)--() } "
            "DELETE n RETURN count(*) AS n")
