"""Who sits between others: betweenness, reach into the pilots, bridges from councils to Whitehall."""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..model.ontology import load_ontology


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


def _pilots_near(simple: nx.Graph, node: str, pilots: tuple[str, ...]) -> int:
    near = nx.single_source_shortest_path_length(simple, node, cutoff=2)
    return sum(1 for other in near if other != node and simple.nodes[other].get("kind") in pilots)


def _rows(simple: nx.Graph, betweenness: dict, labels) -> list[BrokerRow]:
    degree = nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)
    pilots = load_ontology().group("pilots")
    rows = []
    for node, props in simple.nodes(data=True):
        if labels and props.get("label") not in labels:
            continue
        rows.append(BrokerRow(id=node, name=props.get("name") or node, label=props.get("label"),
                              kind=props.get("kind"), betweenness=betweenness.get(node, 0.0),
                              degree=degree.get(node, 0.0), pilots=_pilots_near(simple, node, pilots)))
    return sorted(rows, key=lambda r: (-r.betweenness, -r.degree, -r.pilots, r.id))


def brokers(graph: nx.MultiDiGraph, top: int = 20, labels=None) -> list[BrokerRow]:
    """The actors most often on the shortest chains between others (contracts and reports count as links).

    Rows are of the ontology's actor labels unless `labels` names others (`()`: every label);
    `pilots` counts the nodes of the ontology's `pilots` kinds within two hops.

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("a", {"label": "Organisation", "kind": "pilot_area"}),
    ...                   ("hub", {"label": "Organisation", "kind": "consultancy"}),
    ...                   ("b", {"label": "Organisation", "kind": "pilot_area"})])
    >>> _ = g.add_edges_from([("hub", "a"), ("hub", "b")])
    >>> [(r.id, r.betweenness, r.pilots) for r in brokers(g, top=1)]
    [('hub', 1.0, 2)]
    """
    simple = simple_graph(graph)
    labels = load_ontology().actor_labels if labels is None else labels
    return _rows(simple, nx.betweenness_centrality(simple, normalized=True), labels)[:top]


def _members(simple: nx.Graph, group) -> list[str]:
    """Nodes of a group named by kinds and ids (`pilot_area`, `hm-treasury`)."""
    names = set(group)
    return [n for n, kind in simple.nodes(data="kind") if kind in names or n in names]


def _connected_pairs(simple: nx.Graph, sources: list[str], targets: list[str]) -> int:
    """How many (source, target) pairs of distinct nodes a chain links."""
    component = {n: i for i, nodes in enumerate(nx.connected_components(simple)) for n in nodes}
    pairs = 0
    for s in sources:
        pairs += sum(1 for t in targets if t != s and component[t] == component[s])
    return pairs


def bridges_between(graph: nx.MultiDiGraph, group_a_kinds=None, group_b_kinds=None, top: int = 20,
                    labels=None) -> list[BrokerRow]:
    """Who sits on the shortest chains between two groups, each named by kinds or ids.

    By default from the ontology's `councils` kinds to its `whitehall` kinds.

    `betweenness` here is the share of the shortest chains from a member of one group to a
    member of the other that pass through the node (1.0: on every one); nodes on none are
    left out. Every label is kept by default, since a programme or a contract is often what
    links a pilot to Whitehall.

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("pilot", {"label": "Organisation", "kind": "pilot_area"}),
    ...                   ("firm", {"label": "Organisation", "kind": "consultancy"}),
    ...                   ("dept", {"label": "Organisation", "kind": "government_department"})])
    >>> _ = g.add_edges_from([("firm", "pilot"), ("firm", "dept")])
    >>> [(r.id, r.betweenness) for r in bridges_between(g, ["pilot_area"], ["dept"])]
    [('firm', 1.0)]
    """
    onto = load_ontology()
    group_a_kinds = onto.group("councils") if group_a_kinds is None else group_a_kinds
    group_b_kinds = onto.group("whitehall") if group_b_kinds is None else group_b_kinds
    simple = simple_graph(graph)
    sources, targets = _members(simple, group_a_kinds), _members(simple, group_b_kinds)
    pairs = _connected_pairs(simple, sources, targets) if sources and targets else 0
    if not pairs:
        return []
    between = nx.betweenness_centrality_subset(simple, sources, targets, normalized=False)
    share = {n: 2 * v / pairs for n, v in between.items()}  # networkx halves each chain of an undirected graph
    return [r for r in _rows(simple, share, labels) if r.betweenness > 0][:top]
