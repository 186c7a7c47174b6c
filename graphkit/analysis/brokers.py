"""Who sits between others: betweenness, reach into the pilots, bridges from councils to Whitehall."""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

ACTOR_LABELS = ("Organisation", "Person")
PILOT_KIND = "pilot_area"


@dataclass
class BrokerRow:
    """One node's position: normalised betweenness and degree centrality, and pilots within two hops."""

    id: str
    name: str
    label: str
    kind: str | None
    betweenness: float
    degree: float
    pilots: int


def simple_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The graph with directions and parallel links dropped: who is linked to whom at all."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    simple.add_edges_from((a, b) for a, b in graph.edges() if a != b)
    return simple


def _pilots_near(simple: nx.Graph, node: str) -> int:
    near = nx.single_source_shortest_path_length(simple, node, cutoff=2)
    return sum(1 for other in near if other != node and simple.nodes[other].get("kind") == PILOT_KIND)


def _rows(simple: nx.Graph, betweenness: dict, labels) -> list[BrokerRow]:
    degree = nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)
    rows = []
    for node, props in simple.nodes(data=True):
        if labels and props.get("label") not in labels:
            continue
        rows.append(BrokerRow(id=node, name=props.get("name") or node, label=props.get("label"),
                              kind=props.get("kind"), betweenness=betweenness.get(node, 0.0),
                              degree=degree.get(node, 0.0), pilots=_pilots_near(simple, node)))
    return sorted(rows, key=lambda r: (-r.betweenness, -r.degree, -r.pilots, r.id))


def brokers(graph: nx.MultiDiGraph, top: int = 20, labels=ACTOR_LABELS) -> list[BrokerRow]:
    """The actors most often on the shortest chains between others (contracts and reports count as links).

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("a", {"label": "Organisation", "kind": "pilot_area"}),
    ...                   ("hub", {"label": "Organisation", "kind": "consultancy"}),
    ...                   ("b", {"label": "Organisation", "kind": "pilot_area"})])
    >>> _ = g.add_edges_from([("hub", "a"), ("hub", "b")])
    >>> [(r.id, r.betweenness, r.pilots) for r in brokers(g, top=1)]
    [('hub', 1.0, 2)]
    """
    simple = simple_graph(graph)
    return _rows(simple, nx.betweenness_centrality(simple, normalized=True), labels)[:top]


def _kind_members(simple: nx.Graph, kinds) -> list[str]:
    return [n for n, kind in simple.nodes(data="kind") if kind in kinds]


def bridges_between(graph: nx.MultiDiGraph, group_a_kinds=("council", "pilot_area"),
                    group_b_kinds=("government_department",), top: int = 20, labels=None) -> list[BrokerRow]:
    """Who sits on the shortest chains between two groups (by default councils and pilots vs. departments).

    `betweenness` here counts only chains that start in one group and end in the other; nodes
    on none of them are left out. Every label is kept by default, since a programme or a
    contract is often what links a pilot to Whitehall.

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("pilot", {"label": "Organisation", "kind": "pilot_area"}),
    ...                   ("firm", {"label": "Organisation", "kind": "consultancy"}),
    ...                   ("dept", {"label": "Organisation", "kind": "government_department"})])
    >>> _ = g.add_edges_from([("firm", "pilot"), ("firm", "dept")])
    >>> [r.id for r in bridges_between(g)]
    ['firm']
    """
    simple = simple_graph(graph)
    sources, targets = _kind_members(simple, group_a_kinds), _kind_members(simple, group_b_kinds)
    if not sources or not targets:
        return []
    between = nx.betweenness_centrality_subset(simple, sources, targets, normalized=True)
    return [r for r in _rows(simple, between, labels) if r.betweenness > 0][:top]
