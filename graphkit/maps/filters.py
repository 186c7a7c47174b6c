"""Which part of the graph a map shows: options, their checks, and the filtered graph."""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..dataset.checks import suggest
from ..model.ontology import load_ontology
from ..errors import GraphkitError
from ..model.values import check_date

WEAK_EVIDENCE = ("alleged", "inferred")
CONTRACT_LABEL = "Contract"
DEFAULT_MAX_NODES = 5000
NARROWING = "--focus ID --hops N, --kinds, --types, --min-amount or --since/--until"


@dataclass
class MapOptions:
    """What a map shows and how it is titled.

    Filters compose: kinds, evidence and dates drop nodes; types, evidence, dates and
    min_amount drop links; then `focus` keeps what lies within `hops` links of one actor.
    Undated items are kept by a date window (nothing says they fall outside it).
    """

    title: str = "Who advises, supplies and profits"
    focus: str | None = None
    hops: int = 2
    kinds: tuple[str, ...] = ()  # node kinds or labels, e.g. consultancy, Contract
    types: tuple[str, ...] = ()  # relationship types, e.g. AWARDED_TO, PAID
    min_amount: float | None = None
    since: str | None = None
    until: str | None = None
    evidence: tuple[str, ...] = ()
    max_nodes: int = DEFAULT_MAX_NODES
    max_edges: int | None = None  # default: four links per node allowed
    seed: int = 7

    @property
    def edge_limit(self) -> int:
        return self.max_edges if self.max_edges is not None else 4 * self.max_nodes


class MapTooLarge(GraphkitError):
    """The map would hold more than a browser can draw fluidly."""


def check_options(options: MapOptions) -> MapOptions:
    """Raise GraphkitError for names the ontology does not know or dates that are not ISO."""
    onto = load_ontology()
    known_kinds = sorted({k for spec in onto.labels.values() for k in spec.kinds} | set(onto.labels))
    _check_names(options.kinds, known_kinds, "kind")
    _check_names(options.types, sorted(onto.relationships), "relationship type")
    _check_names(options.evidence, list(onto.enums["evidence"]), "evidence level")
    for name in ("since", "until"):
        value = getattr(options, name)
        if value is None:
            continue
        try:
            check_date(value)
        except ValueError as exc:
            raise GraphkitError(f"--{name}: {exc}") from None
    if options.hops < 0:
        raise GraphkitError("--hops must be 0 or more")
    if options.max_nodes < 1:
        raise GraphkitError("--max-nodes must be at least 1")
    return options


def _check_names(values, known: list[str], what: str) -> None:
    for value in values:
        if value not in known:
            raise GraphkitError(f"unknown {what} {value!r}{suggest(value, known)}; known: {', '.join(known)}")


def resolve_focus(graph: nx.MultiDiGraph, text: str) -> str:
    """The node id for an id, a name or an alias, found as every command finds an actor (`resolve.find_in_graph`)."""
    from ..resolve.sources import find_in_graph

    return find_in_graph(graph, text, what="--focus:")


# -- dates -------------------------------------------------------------------------------------
def _earliest(value) -> str:
    text = str(value)
    return text + "-01-01"[len(text) - 4:] if len(text) < 10 else text


def _latest(value) -> str:
    text = str(value)
    return text + "-12-31"[len(text) - 4:] if len(text) < 10 else text


def _in_window(props: dict, since: str | None, until: str | None, fields=("start_date", "end_date", "date")) -> bool:
    dates = [props.get(f) for f in fields if props.get(f)]
    if not dates or (since is None and until is None):
        return True
    start = props.get("start_date") or props.get("date") or props.get("end_date")
    end = props.get("end_date") or start
    if since is not None and _latest(end) < _earliest(since):
        return False
    return until is None or _earliest(start) <= _latest(until)


# -- filters -----------------------------------------------------------------------------------
def _evidence_ok(props: dict, levels: tuple[str, ...]) -> bool:
    return not levels or not props.get("evidence") or props["evidence"] in levels


def _node_ok(props: dict, options: MapOptions) -> bool:
    if options.kinds and props.get("kind") not in options.kinds and props.get("label") not in options.kinds:
        return False
    return _evidence_ok(props, options.evidence) and _in_window(props, options.since, options.until)


def _amount(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


def _big_contract(graph: nx.MultiDiGraph, node, minimum: float) -> bool:
    props = graph.nodes[node]
    value = _amount(props.get("value_gbp"))
    return props.get("label") == CONTRACT_LABEL and value is not None and value >= minimum


def _edge_ok(graph: nx.MultiDiGraph, a, b, props: dict, options: MapOptions) -> bool:
    if options.types and props.get("type") not in options.types:
        return False
    if not _evidence_ok(props, options.evidence) or not _in_window(props, options.since, options.until):
        return False
    if options.min_amount is None:
        return True
    amount = _amount(props.get("amount_gbp"))
    if amount is not None:
        return amount >= options.min_amount
    return _big_contract(graph, a, options.min_amount) or _big_contract(graph, b, options.min_amount)


def filter_graph(graph: nx.MultiDiGraph, options: MapOptions) -> nx.MultiDiGraph:
    """The part of `graph` the options ask for, as a new graph (sources carried over).

    Raises MapTooLarge when the result is bigger than `options.max_nodes` (or the link limit).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="Organisation", kind="consultancy", name="A")
    >>> g.add_node("b", label="Organisation", kind="council", name="B")
    >>> g.add_node("c", label="Organisation", kind="union", name="C")
    >>> _ = g.add_edge("b", "a", type="PAID", amount_gbp=5000)
    >>> _ = g.add_edge("c", "b", type="CRITICISES")
    >>> sorted(filter_graph(g, MapOptions(min_amount=1000)).nodes)
    ['a', 'b']
    """
    check_options(options)
    focus = resolve_focus(graph, options.focus) if options.focus else None
    keep = {n for n, p in graph.nodes(data=True) if n == focus or _node_ok(p, options)}
    before = graph.subgraph(keep)
    edges = [(a, b, k) for a, b, k, p in before.edges(keys=True, data=True) if _edge_ok(graph, a, b, p, options)]
    linked = {n for a, b, _ in edges for n in (a, b)}
    edge_filters = options.types or options.evidence or options.since or options.until
    keep = {n for n in keep if n == focus or n in linked
            or (options.min_amount is None and not (edge_filters and before.degree(n)))
            or (options.min_amount is not None and _big_contract(graph, n, options.min_amount))}
    result = nx.MultiDiGraph(graph.edge_subgraph(edges))
    result.add_nodes_from((n, graph.nodes[n]) for n in keep)
    if focus is not None:
        near = nx.single_source_shortest_path_length(result.to_undirected(as_view=True), focus, cutoff=options.hops)
        result = nx.MultiDiGraph(result.subgraph(near))
    result.graph.update(graph.graph)
    result.graph["focus"] = focus
    _check_size(result, options)
    return result


def _check_size(graph: nx.MultiDiGraph, options: MapOptions) -> None:
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    if nodes > options.max_nodes:
        raise MapTooLarge(f"the map would show {nodes:,} nodes, over the limit of {options.max_nodes:,} "
                          f"(--max-nodes) that stays fluid in a browser; narrow it with {NARROWING}")
    if edges > options.edge_limit:
        raise MapTooLarge(f"the map would show {edges:,} links, over the limit of {options.edge_limit:,} "
                          f"(four per node allowed by --max-nodes); narrow it with {NARROWING}")
