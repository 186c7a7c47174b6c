"""The active store (or a slice of it) as a networkx MultiDiGraph with every property."""
from __future__ import annotations

import networkx as nx

from ..model.ontology import load_ontology
from ..stores import Store


def store_graph(store: Store) -> nx.MultiDiGraph:
    """Every entity as a node and every relationship as an edge, with all properties.

    Node attributes: `label` plus the node's properties (id, name, kind, …,
    source_ids, quotes). Edge keys are relationship ids (`rid`); edge attributes:
    `type` plus the properties. `graph.graph["sources"]` maps source ids to their
    properties (url, title, publisher, date).
    """
    onto = load_ontology()
    graph = nx.MultiDiGraph()
    for label in onto.labels:
        for (props,) in store.query(f"MATCH (n:{label}) RETURN n").rows:
            props["label"] = label
            graph.add_node(props["id"], **props)
    for rtype in onto.relationships:
        rows = store.query(f"MATCH (a)-[r:{rtype}]->(b) RETURN a.id AS a, b.id AS b, r").rows
        for a, b, props in rows:
            props["type"] = rtype
            graph.add_edge(a, b, key=props.get("rid"), **props)
    graph.graph["sources"] = {
        props["id"]: props for (props,) in store.query(f"MATCH (s:{onto.source_label}) RETURN s").rows
    }
    return graph


def result_graph(store: Store, cypher: str, params: dict | None = None) -> nx.MultiDiGraph:
    """The part of the store's graph induced on the ids a query returns (any text column)."""
    ids = {v for row in store.query(cypher, params or {}).rows for v in row if isinstance(v, str)}
    graph = store_graph(store)
    return graph.subgraph(ids & set(graph)).copy()
