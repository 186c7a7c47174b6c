"""What to say when a map's filters leave no link: what was asked, and which links the data does hold.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("firm", label="Organisation", kind="consultancy", name="Firm")
>>> g.add_node("tp", label="Programme", kind="programme", name="Total Place")
>>> _ = g.add_edge("firm", "tp", type="ADVISES")
>>> from graphkit.maps.filters import MapOptions
>>> empty_note(g, MapOptions(kinds=("consultancy", "pilot_area"), types=("ADVISES",), since="2009"), links_shown=0)
'0 links of type ADVISES between consultancy and pilot_area since 2009; ADVISES links exist between consultancy and programme (1)'
"""
from __future__ import annotations

from collections import Counter

import networkx as nx

from .filters import MapOptions
from .style import words

PAIRS_NAMED = 4


def _asked(options: MapOptions) -> str:
    parts = ["0 links"]
    if options.types:
        parts.append(f"of type {', '.join(options.types)}")
    if options.kinds:
        parts.append(f"between {' and '.join(options.kinds)}" if len(options.kinds) > 1 else f"of {options.kinds[0]}")
    if options.since:
        parts.append(f"since {options.since}")
    if options.until:
        parts.append(f"until {options.until}")
    if options.evidence:
        parts.append(f"with evidence {', '.join(options.evidence)}")
    if options.min_amount is not None:
        parts.append(f"of at least £{options.min_amount:,.0f}")
    if options.focus:
        parts.append(f"within {options.hops} links of {options.focus}")
    return " ".join(parts)


def _kind(props: dict) -> str:
    return props.get("kind") or props.get("label") or "?"


def _available(graph: nx.MultiDiGraph, types: tuple[str, ...]) -> str:
    pairs: dict[str, Counter] = {}
    for a, b, rtype in graph.edges(data="type"):
        if not types or rtype in types:
            pairs.setdefault(rtype, Counter())[(_kind(graph.nodes[a]), _kind(graph.nodes[b]))] += 1
    if not pairs:
        return f"the data holds no {', '.join(types)} links at all" if types else "the data holds no links"
    lines = []
    for rtype in sorted(pairs, key=lambda t: -sum(pairs[t].values()))[:PAIRS_NAMED if not types else None]:
        named = ", ".join(f"{words(x)} and {words(y)} ({n})" for (x, y), n in pairs[rtype].most_common(PAIRS_NAMED))
        lines.append(f"{rtype} links exist between {named}")
    return "; ".join(lines)


def empty_note(graph: nx.MultiDiGraph, options: MapOptions, links_shown: int) -> str | None:
    """One line when the options leave no link although the data has some; None otherwise."""
    if links_shown or not graph.number_of_edges():
        return None
    return f"{_asked(options)}; {_available(graph, options.types)}"
