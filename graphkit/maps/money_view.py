"""Money received, split the way a reader must see it: who profited, public funding, framework ceilings.

Built on `analysis.money` (its items and per-actor rows, unchanged). What this module adds,
from the graph and roles.yaml: which recipients are public bodies or programmes (their money is
public funding, never ranked with suppliers'), and the evidence grade of every item (the weakest
grade among the claims it rests on).

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("dept", label="Organisation", kind="government_department", name="Dept")
>>> g.add_node("firm", label="Organisation", kind="consultancy", name="Firm")
>>> g.add_node("pilot", label="Organisation", kind="pilot_area", name="Pilot")
>>> _ = g.add_edge("dept", "firm", key="p1", type="PAID", amount_gbp=500, vat="excluded", evidence="alleged", source_ids=["s"])
>>> _ = g.add_edge("dept", "pilot", key="f1", type="FUNDS", amount_gbp=9000, evidence="documented", source_ids=["s"])
>>> view = money_view(g)
>>> [(r.actor, r.lines[0].grade) for r in view.profited], [r.actor for r in view.public]
([('Firm', 'alleged')], ['Pilot'])
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from ..analysis.money import CEILING, MoneyItem, held_apart, money_items
from .roles import load_roles



@dataclass
class MoneyLine:
    """One kind of money on one VAT basis received by one actor, with its items and their grade."""

    money: str
    vat: str
    total_gbp: float
    items: list[str]
    grade: str | None
    source_ids: list[str]
    payers: list[str]
    overlaps: list[str] = field(default_factory=list)  # items on other lines that may be the same money


@dataclass
class Recipient:
    actor_id: str
    actor: str
    kind: str | None
    lines: list[MoneyLine] = field(default_factory=list)

    @property
    def top_gbp(self) -> float:
        """The largest single-basis total (never a sum across VAT bases or kinds of money)."""
        return max((line.total_gbp for line in self.lines), default=0.0)

    @property
    def grade(self) -> str | None:
        return load_roles().weakest(line.grade for line in self.lines)

    @property
    def source_ids(self) -> list[str]:
        return sorted({s for line in self.lines for s in line.source_ids})


@dataclass
class MoneyView:
    profited: list[Recipient]
    public: list[Recipient]
    ceilings: list[Recipient]
    grades: dict[str, str | None]  # money item id -> evidence grade
    items: dict[str, MoneyItem] = field(default_factory=dict)  # money item id -> the item


def item_grades(graph: nx.MultiDiGraph) -> dict[str, str | None]:
    """Evidence grade per money item id: the weakest among the contract and its award and commission links."""
    roles = load_roles()
    edges = {str(k): (a, b, p) for a, b, k, p in graph.edges(keys=True, data=True)}
    grades = {}
    for item in money_items(graph):
        claims = []
        if item.id in edges:
            a, _, props = edges[item.id]
            claims.append(props)
            if props.get("type") == "AWARDED_TO" and a in graph:
                claims.append(graph.nodes[a])
        elif item.id in graph:
            claims.append(graph.nodes[item.id])
            claims += [p for _, _, p in [*graph.in_edges(item.id, data=True), *graph.out_edges(item.id, data=True)]
                       if p.get("type") in ("AWARDED_TO", "COMMISSIONED")]
        grades[item.id] = roles.weakest(c.get("evidence") for c in claims)
    return grades


def _section(graph: nx.MultiDiGraph, payee: str, money: str) -> str:
    if money == CEILING:
        return "ceilings"
    return "public" if payee in graph and load_roles().is_public(graph.nodes[payee]) else "profited"


def money_view(graph: nx.MultiDiGraph) -> MoneyView:
    """Recipients of money in three separate rankings, each by its largest single-basis total."""
    roles = load_roles()
    grades = item_grades(graph)
    lines: dict[tuple, dict] = {}
    items = money_items(graph)
    apart = held_apart(items)  # figures that may be the same money: a line each, never summed
    for item in items:
        for payee in item.payees:
            key = (_section(graph, payee, item.money), payee, item.money, item.vat, item.id if item.id in apart else None)
            entry = lines.setdefault(key, {"amounts": {}, "sources": set(), "payers": set(), "grades": [],
                                           "overlaps": set()})
            entry["amounts"][item.id] = item.amount_gbp
            entry["sources"].update(item.source_ids)
            entry["payers"].update(item.payers)
            entry["grades"].append(grades.get(item.id))
            entry["overlaps"].update(item.overlaps)
    sections: dict[str, dict[str, Recipient]] = defaultdict(dict)
    for (section, payee, money, vat, _), entry in lines.items():
        props = graph.nodes[payee] if payee in graph else {}
        row = sections[section].setdefault(payee, Recipient(payee, props.get("name") or payee, props.get("kind")))
        row.lines.append(MoneyLine(money, vat, sum(entry["amounts"].values()), sorted(entry["amounts"]),
                                   roles.weakest(entry["grades"]), sorted(entry["sources"]), sorted(entry["payers"]),
                                   sorted(entry["overlaps"] - set(entry["amounts"]))))
    ranked = {}
    for section in ("profited", "public", "ceilings"):
        rows = list(sections[section].values())
        for row in rows:
            row.lines = side_by_side(sorted(row.lines, key=lambda line: (-line.total_gbp, line.money, line.vat)))
        ranked[section] = sorted(rows, key=lambda r: (-r.top_gbp, r.actor))
    return MoneyView(ranked["profited"], ranked["public"], ranked["ceilings"], grades, {i.id: i for i in items})


def side_by_side(lines: list[MoneyLine]) -> list[MoneyLine]:
    """The lines in their order, except that a line that may be the same money as an earlier one follows it.

    >>> a, b, c = (MoneyLine("contract", "unknown", t, [i], None, [], [], o)
    ...            for t, i, o in ((350, "a", ["c"]), (200, "b", []), (150, "c", ["a"])))
    >>> [line.total_gbp for line in side_by_side([a, b, c])]
    [350, 150, 200]
    """
    placed: dict[int, MoneyLine] = {}  # by identity, in order
    for line in lines:
        for follower in (line, *(o for o in lines if set(o.items) & set(line.overlaps))):
            placed.setdefault(id(follower), follower)
    return list(placed.values())


def actor_grades(graph: nx.MultiDiGraph, view: MoneyView | None = None) -> dict[str, str | None]:
    """Weakest grade of the money each actor received, for map labels and tooltips."""
    view = view or money_view(graph)
    return {r.actor_id: r.grade for rows in (view.profited, view.public, view.ceilings) for r in rows}
