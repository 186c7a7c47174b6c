"""Who advised: consultancies, think tanks, academics and people with advice links, whom and when.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("firm", label="Organisation", kind="consultancy", name="Firm")
>>> g.add_node("tp", label="Programme", kind="programme", name="Total Place")
>>> _ = g.add_edge("firm", "tp", type="ADVISES", start_date="2009-06", evidence="reported", source_ids=["s"], quotes=["q"])
>>> [(a.name, a.links[0].target_name, a.when, a.grade) for a in advisers(g)]
[('Firm', 'Total Place', '2009', 'reported')]
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .roles import load_roles


@dataclass
class AdviceLink:
    rtype: str
    target: str
    target_name: str
    date: str | None
    grade: str | None
    cites: list[tuple[str, str]]


@dataclass
class Adviser:
    id: str
    name: str
    kind: str | None
    label: str
    links: list[AdviceLink] = field(default_factory=list)

    @property
    def grade(self) -> str | None:
        """The strongest grade among its advice links: how well its role is established."""
        order = load_roles().evidence_order
        known = [link.grade for link in self.links if link.grade in order]
        return min(known, key=order.index) if known else None

    @property
    def when(self) -> str | None:
        years = sorted({link.date[:4] for link in self.links if link.date})
        if not years:
            return None
        return years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"

    @property
    def source_ids(self) -> list[str]:
        return sorted({s for link in self.links for s, _ in link.cites})


def _cites(props: dict) -> list[tuple[str, str]]:
    return list(zip(props.get("source_ids") or [], props.get("quotes") or []))


def advisers(graph: nx.MultiDiGraph) -> list[Adviser]:
    """Advisers ranked by advice links of the strongest type first, then by number of links, then name."""
    roles = load_roles()
    found: dict[str, Adviser] = {}
    for a, b, props in graph.edges(data=True):
        if props.get("type") not in roles.advice_types or not roles.is_adviser(graph.nodes[a]):
            continue
        node = graph.nodes[a]
        row = found.setdefault(a, Adviser(a, node.get("name") or a, node.get("kind"), node.get("label") or ""))
        row.links.append(AdviceLink(props["type"], b, graph.nodes[b].get("name") or b,
                                    props.get("start_date") or props.get("end_date"), props.get("evidence"),
                                    _cites(props)))
    order = {t: i for i, t in enumerate(roles.advice_types)}
    for row in found.values():
        row.links.sort(key=lambda link: (order[link.rtype], link.date or "9999", link.target_name))

    def rank(row: Adviser):
        counts = [sum(1 for link in row.links if link.rtype == t) for t in roles.advice_types]
        return (*(-c for c in counts), row.name)
    return sorted(found.values(), key=rank)
