"""Clusters of actors more linked to each other than to the rest: seeded, so reruns agree."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx

from ..errors import GraphkitError
from .brokers import simple_graph

METHODS = ("louvain", "label_propagation")


@dataclass
class Community:
    """One cluster: its members, the best-linked of them, and its mix of labels and kinds."""

    index: int
    size: int
    members: list[str]
    top_members: list[str]  # names, most links first
    labels: dict[str, int]
    kinds: dict[str, int]


def _detect(simple: nx.Graph, method: str, seed: int) -> list[set]:
    if method == "louvain":
        return nx.community.louvain_communities(simple, seed=seed)
    if method == "label_propagation":
        return list(nx.community.asyn_lpa_communities(simple, seed=seed))
    raise GraphkitError(f"unknown community method {method!r}; use one of: {', '.join(METHODS)}")


def _mix(simple: nx.Graph, members, attr: str) -> dict[str, int]:
    counts = Counter(simple.nodes[m].get(attr) or "?" for m in members)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def communities(graph: nx.MultiDiGraph, method: str = "louvain", seed: int = 42, top: int = 5) -> list[Community]:
    """Communities of the undirected, simple view of the graph, largest first.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> [c.members for c in communities(g)]
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    simple = simple_graph(graph)
    if not len(simple):
        return []
    found = sorted((sorted(c) for c in _detect(simple, method, seed)), key=lambda c: (-len(c), c[0]))
    result = []
    for i, members in enumerate(found, start=1):
        best = sorted(members, key=lambda m: (-simple.degree(m), m))[:top]
        result.append(Community(index=i, size=len(members), members=members,
                                top_members=[simple.nodes[m].get("name") or m for m in best],
                                labels=_mix(simple, members, "label"), kinds=_mix(simple, members, "kind")))
    return result
