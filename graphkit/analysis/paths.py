"""How two actors are connected, link by link with its sources, and who is around an actor."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice, product

import networkx as nx

from ..errors import GraphkitError
from .brokers import simple_graph


@dataclass
class Step:
    """One link on a chain, as recorded: `subject TYPE object`; `forward` when the chain walks it that way."""

    subject: str
    subject_name: str
    type: str
    object: str
    object_name: str
    forward: bool
    evidence: str | None = None
    amount_gbp: float | None = None
    sources: list[dict] = field(default_factory=list)  # {id, quote, url, title}

    @property
    def walk(self) -> tuple[str, str]:
        """(from, to) in the order the chain walks this link."""
        return (self.subject, self.object) if self.forward else (self.object, self.subject)


@dataclass
class Path:
    """A chain of links from one actor to another."""

    nodes: list[str]
    steps: list[Step]

    def __len__(self) -> int:
        return len(self.steps)


def resolve(graph: nx.MultiDiGraph, text: str) -> str:
    """A node id from an id, name or alias, normalised as entity resolution does (`resolve.find_in_graph`).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("dclg", name="Department for Communities and Local Government", aliases=["DCLG"])
    >>> resolve(g, "dclg"), resolve(g, "communities & local government"), resolve(g, "DCLG")
    ('dclg', 'dclg', 'dclg')
    """
    from ..resolve.sources import find_in_graph

    return find_in_graph(graph, text)


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node].get("name") or node


def _sources(graph: nx.MultiDiGraph, props: dict) -> list[dict]:
    known = graph.graph.get("sources", {})
    quotes = list(props.get("quotes") or [])
    cited = []
    for i, sid in enumerate(props.get("source_ids") or []):
        meta = known.get(sid, {})
        cited.append({"id": sid, "quote": quotes[i] if i < len(quotes) else None,
                      "url": meta.get("url"), "title": meta.get("title")})
    return cited


def _steps_between(graph: nx.MultiDiGraph, a: str, b: str) -> list[Step]:
    """Every recorded link between two adjacent nodes, in either direction."""
    steps = []
    for subject, obj, forward in ((a, b, True), (b, a, False)):
        for props in (graph.get_edge_data(subject, obj) or {}).values():
            steps.append(Step(subject=subject, subject_name=_name(graph, subject), type=props.get("type"),
                              object=obj, object_name=_name(graph, obj), forward=forward,
                              evidence=props.get("evidence"), amount_gbp=props.get("amount_gbp"),
                              sources=_sources(graph, props)))
    return steps


def paths(graph: nx.MultiDiGraph, a: str, b: str, max_paths: int = 5) -> list[Path]:
    """The shortest chains between two actors, ignoring direction to find them but reporting it per link.

    Parallel links (A advises B and A paid B) give separate chains.

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("dept", {"name": "Dept"}), ("c1", {"name": "Contract"}), ("firm", {"name": "Firm"})])
    >>> _ = g.add_edge("dept", "c1", type="COMMISSIONED", source_ids=["s"], quotes=["commissioned"])
    >>> _ = g.add_edge("c1", "firm", type="AWARDED_TO", source_ids=["s"], quotes=["awarded"])
    >>> [(s.walk, s.type, s.forward) for s in paths(g, "Firm", "dept")[0].steps]
    [(('firm', 'c1'), 'AWARDED_TO', False), (('c1', 'dept'), 'COMMISSIONED', False)]
    """
    start, end = resolve(graph, a), resolve(graph, b)
    if start == end:
        raise GraphkitError(f"{a!r} and {b!r} are the same actor")
    try:
        chains = list(islice(nx.all_shortest_paths(simple_graph(graph), start, end), max_paths))
    except nx.NetworkXNoPath:
        return []
    found = []
    for nodes in chains:
        hops = [_steps_between(graph, x, y) for x, y in zip(nodes, nodes[1:])]
        chosen = islice(product(*hops), max_paths - len(found))
        found += [Path(nodes=list(nodes), steps=list(steps)) for steps in chosen]
        if len(found) >= max_paths:
            break
    return found


def ego(graph: nx.MultiDiGraph, actor: str, hops: int = 1) -> nx.MultiDiGraph:
    """The actor with everything within `hops` links of it (either direction), with all links among them.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(ego(g, "b", hops=1))
    ['a', 'b', 'c']
    """
    node = resolve(graph, actor)
    return nx.ego_graph(graph, node, radius=hops, undirected=True)
