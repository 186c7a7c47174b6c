"""Who received and who paid how much: contract values, payments and funding, each figure sourced.

Every amount is one *item*: a Contract's value (or, for a contract without one, each
AWARDED_TO link's `amount_gbp`), a PAID edge or a FUNDS edge. An item is
attributed to every actor on each side of it (all suppliers of a contract, all its buyers),
so per-actor rows may share an item; `money_summary` counts each item once. Contract values,
payments and funding stay apart, as do VAT bases, so nothing is added to something unlike it.

Figures that may be the same money are never added together either. Two payments or funding
links *overlap* when they come from different sources, share a payer, go to the same payee or to a
body and a part of it (PART_OF, PARTICIPATES_IN), and their periods meet (an item without dates
may meet any). An award link that gives a contract another value on another source's word is the
same contract as that source tells it: it overlaps the contract. Overlapping items are held apart, one row each, with
`overlaps` naming the others, so they are read side by side instead of summed.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from ..errors import GraphkitError
from ..model.ontology import load_ontology
GROUPINGS = ("actor", "programme", "year")
CEILING = "framework_ceiling"  # a framework's or purchasing system's ceiling: a share of it, not money paid
MONEY_WORDS = {"contract": "contract values", "payment": "payments", "funding": "funding",
               CEILING: "framework ceilings"}
EDGE_MONEY = {"PAID": "payment", "FUNDS": "funding"}


@dataclass
class MoneyItem:
    """One sourced amount: a contract's value or one payment or funding link."""

    id: str
    money: str  # contract | framework_ceiling | payment | funding
    vat: str  # excluded | included | unknown
    amount_gbp: float
    payers: list[str]
    payees: list[str]
    source_ids: list[str]
    programmes: list[str]
    year: str | None
    period: tuple[str | None, str | None] = (None, None)
    overlaps: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class MoneyLine:
    """One line of money: a kind of money on one VAT basis, its total and the items and sources behind it.

    `amounts` maps each item's id to its GBP amount; `overlaps` names the items these may overlap.
    """

    money: str
    vat: str
    total_gbp: float
    items: int
    source_ids: list[str]
    programme_id: str | None = None
    programme: str | None = None
    year: str | None = None
    overlaps: list[str] = field(default_factory=list)
    amounts: dict[str, float] = field(default_factory=dict)

    @property
    def ceiling(self) -> bool:
        """A framework's ceiling: a share of it may be spent, it is no money paid."""
        return self.money == CEILING


@dataclass(kw_only=True)
class MoneyRow(MoneyLine):
    """What one actor received or paid, for one kind of money on one VAT basis.

    `shared_with` is how many other actors on the same side share at least one of its items
    (a shared contract, a framework); `held_apart` marks one item that may be the same money as
    another of its kind, never summed with it.
    """

    actor_id: str
    actor: str
    direction: str  # received | paid
    shared_with: int = 0
    held_apart: bool = False


@dataclass(kw_only=True)
class MoneyTotal(MoneyLine):
    """A grand total for one kind of money on one VAT basis, each item counted once."""


def _sourced(props: dict) -> bool:
    return bool(props.get("source_ids"))


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _year(*dates) -> str | None:
    for value in dates:
        if value:
            return str(value)[:4]
    return None


def _vat(value) -> str:
    return value if value in ("excluded", "included") else "unknown"


def _links(graph: nx.MultiDiGraph, node: str, rtype: str, outgoing: bool):
    """(other end, edge props) for each edge of a type leaving (or entering) a node."""
    edges = graph.out_edges(node, data=True) if outgoing else graph.in_edges(node, data=True)
    for a, b, props in edges:
        if props.get("type") == rtype:
            yield (b if outgoing else a), props


def _programmes(graph: nx.MultiDiGraph, ids) -> list[str]:
    return sorted({i for i in ids if graph.nodes[i].get("label") == "Programme"})


def _merge_sources(*lists) -> list[str]:
    return sorted({s for ids in lists for s in (ids or [])})


def _contract_items(graph: nx.MultiDiGraph, cid: str, props: dict) -> list[MoneyItem]:
    """A contract's value as one item shared by all its suppliers; a contract without a value
    counts each AWARDED_TO link's `amount_gbp` instead, as that supplier's own item."""
    buyers = list(_links(graph, cid, "COMMISSIONED", outgoing=False))
    awards = [(s, k, p) for _, s, k, p in graph.out_edges(cid, keys=True, data=True) if p.get("type") == "AWARDED_TO"]
    parents = [p for p, _ in _links(graph, cid, "PART_OF", outgoing=True)]
    ceiling = props.get("kind") in load_ontology().group("ceilings")
    shared = dict(money=CEILING if ceiling else "contract",
                  payers=sorted({b for b, _ in buyers}), programmes=_programmes(graph, parents))
    value = _number(props.get("value_gbp"))
    if value is None:
        return _award_items(props, awards, shared)
    if not _sourced(props):
        return []
    plain = [(s, k, p) for s, k, p in awards if not _other_figure(props, p, value)]
    sources = _merge_sources(props["source_ids"], *(p.get("source_ids") for _, p in buyers),
                             *(p.get("source_ids") for _, _, p in plain))
    item = MoneyItem(id=cid, vat=_vat(props.get("vat")), amount_gbp=value, payees=sorted({s for s, _, _ in awards}),
                     source_ids=sources, year=_year(props.get("start_date"), props.get("date")),
                     period=_period(props), **shared)
    others = _award_items(props, [a for a in awards if a not in plain], shared)
    for other in others:
        other.overlaps, item.overlaps = [cid], item.overlaps + [other.id]
    return [item] + others


def _other_figure(contract: dict, award: dict, value: float) -> bool:
    """Whether an award link gives a different amount for a valued contract on another source's word:
    the same contract as another source tells it, not a second sum (the contract's own sources' figure wins)."""
    amount = _number(award.get("amount_gbp"))
    return (amount is not None and amount != value and _sourced(award)
            and not set(award["source_ids"]) & set(contract.get("source_ids") or []))


def _award_items(contract: dict, awards: list[tuple], shared: dict) -> list[MoneyItem]:
    """One item per sourced award link with an amount; the contract fills in VAT basis and year."""
    items = []
    for supplier, key, award in awards:
        amount = _number(award.get("amount_gbp"))
        if amount is None or not _sourced(award):
            continue
        items.append(MoneyItem(id=str(key), vat=_vat(award.get("vat") or contract.get("vat")), amount_gbp=amount,
                               payees=[supplier], source_ids=_merge_sources(award["source_ids"]),
                               year=_year(award.get("start_date"), contract.get("start_date"), contract.get("date")),
                               period=_period(award if award.get("start_date") else contract), **shared))
    return items


def _period(props: dict) -> tuple[str | None, str | None]:
    """(first, last) date of a figure; a single date is both ends, no date is (None, None)."""
    start, end = props.get("start_date") or props.get("date"), props.get("end_date")
    return (str(start) if start else None, str(end or start) if (end or start) else None)


def _edge_item(graph: nx.MultiDiGraph, a: str, b: str, key, props: dict) -> MoneyItem | None:
    amount = _number(props.get("amount_gbp"))
    if props.get("type") not in EDGE_MONEY or amount is None or not _sourced(props):
        return None
    return MoneyItem(
        id=str(key), money=EDGE_MONEY[props["type"]], vat=_vat(props.get("vat")), amount_gbp=amount,
        payers=[a], payees=[b], source_ids=_merge_sources(props["source_ids"]),
        programmes=_programmes(graph, [b]), year=_year(props.get("start_date")), period=_period(props))


def money_items(graph: nx.MultiDiGraph) -> list[MoneyItem]:
    """Every sourced amount in the graph: contract values, payments and funding (unsourced ones are left out),
    each with the items it may overlap."""
    items = [i for n, p in graph.nodes(data=True) if p.get("label") == "Contract" for i in _contract_items(graph, n, p)]
    edges = [_edge_item(graph, a, b, k, p) for a, b, k, p in graph.edges(keys=True, data=True)]
    items += [i for i in edges if i is not None]
    _mark_overlaps(graph, items)
    return items


PART_TYPES = ("PART_OF", "PARTICIPATES_IN")  # money to a part may be counted again in money to the whole


def _wholes(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """The node and every body, area or programme it is part of, however far up."""
    found, todo = {node}, [node]
    while todo:
        for _, whole, props in graph.out_edges(todo.pop(), data=True):
            if props.get("type") in PART_TYPES and whole not in found:
                found.add(whole)
                todo.append(whole)
    return found


def _meet(a: tuple, b: tuple) -> bool:
    """Whether two periods may share a day; an open end meets anything."""
    if None in a or None in b:
        return True
    return a[0] <= b[1] and b[0] <= a[1]


def _mark_overlaps(graph: nx.MultiDiGraph, items: list[MoneyItem]) -> None:
    """Fill `overlaps` for payments and funding of one payer whose payees nest, whose periods meet, told by
    different sources. Contracts are distinct agreements: only another source's figure for the same one overlaps."""
    by_payer_payee: dict[tuple, list[MoneyItem]] = defaultdict(list)
    for item in (i for i in items if i.money in EDGE_MONEY.values()):
        for payer in item.payers:
            for payee in item.payees:
                by_payer_payee[payer, payee].append(item)
    wholes = {}
    for (payer, payee), group in by_payer_payee.items():
        ups = wholes.get(payee) or wholes.setdefault(payee, _wholes(graph, payee) if payee in graph else {payee})
        for whole in ups:
            if whole == payee and len({tuple(i.source_ids) for i in group}) == 1:
                continue  # one source listing several figures (a spend file) tells them apart itself
            for item in group:
                for other in by_payer_payee.get((payer, whole), ()):
                    if other is not item and _overlap(item, other):
                        _link(item, other)


def _overlap(a: MoneyItem, b: MoneyItem) -> bool:
    return not set(a.source_ids) & set(b.source_ids) and _meet(a.period, b.period)


def _link(a: MoneyItem, b: MoneyItem) -> None:
    if b.id not in a.overlaps:
        a.overlaps.append(b.id)
    if a.id not in b.overlaps:
        b.overlaps.append(a.id)


def held_apart(items: list[MoneyItem]) -> set[str]:
    """Ids of the items that overlap another of their own kind of money and VAT basis: each must stand
    on its own line, never summed with the others."""
    kind_of = {i.id: (i.money, i.vat) for i in items}
    return {i.id for i in items if any(kind_of.get(other) == (i.money, i.vat) for other in i.overlaps)}


def _groups(item: MoneyItem, by: str) -> list[str | None]:
    if by == "programme":
        return list(item.programmes) or [None]
    if by == "year":
        return [item.year]
    return [None]


def money_totals(graph: nx.MultiDiGraph, by: str = "actor") -> list[MoneyRow]:
    """Per actor: what it received and paid, split by kind of money, VAT basis and (optionally) programme or year.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("dept", label="Organisation", name="Dept")
    >>> g.add_node("firm", label="Organisation", name="Firm")
    >>> g.add_node("c1", label="Contract", kind="contract", value_gbp=1000, vat="excluded", source_ids=["s1"])
    >>> _ = g.add_edge("dept", "c1", type="COMMISSIONED", source_ids=["s1"])
    >>> _ = g.add_edge("c1", "firm", type="AWARDED_TO", source_ids=["s1"])
    >>> [(r.actor, r.direction, r.money, r.vat, r.total_gbp) for r in money_totals(g)]
    [('Dept', 'paid', 'contract', 'excluded', 1000.0), ('Firm', 'received', 'contract', 'excluded', 1000.0)]
    """
    if by not in GROUPINGS:
        raise GraphkitError(f"cannot group money by {by!r}; use one of: {', '.join(GROUPINGS)}")
    rows: dict[tuple, MoneyRow] = {}
    partners: dict[tuple, set[str]] = defaultdict(set)
    items = money_items(graph)
    apart_ids = held_apart(items)
    for item in items:
        apart = item.id if item.id in apart_ids else None
        for direction, side in (("received", item.payees), ("paid", item.payers)):
            for actor in side:
                for group in _groups(item, by):
                    key = (actor, direction, item.money, item.vat, group, apart)
                    row = rows.get(key) or rows.setdefault(key, _new_row(graph, key, by))
                    row.amounts[item.id] = item.amount_gbp
                    row.source_ids = _merge_sources(row.source_ids, item.source_ids)
                    row.overlaps = sorted(set(row.overlaps) | set(item.overlaps))
                    partners[key].update(a for a in side if a != actor)
    for key, row in rows.items():
        row.total_gbp = sum(row.amounts.values())
        row.items = len(row.amounts)
        row.shared_with = len(partners[key])
    return sorted(rows.values(), key=_row_order)


def _name(graph: nx.MultiDiGraph, node: str | None) -> str | None:
    if node is None or node not in graph:
        return node
    return graph.nodes[node].get("name") or node


def _new_row(graph: nx.MultiDiGraph, key: tuple, by: str) -> MoneyRow:
    actor, direction, money, vat, group, apart = key
    row = MoneyRow(actor_id=actor, actor=_name(graph, actor), direction=direction, money=money, vat=vat,
                   total_gbp=0.0, items=0, source_ids=[], held_apart=apart is not None)
    if by == "programme":
        row.programme_id, row.programme = group, _name(graph, group)
    elif by == "year":
        row.year = group
    return row


def _row_order(row: MoneyRow):
    return (row.programme or "", row.year or "", -row.total_gbp, row.actor_id, row.direction, row.money, row.vat,
            sorted(row.amounts))


def money_summary(rows: list[MoneyRow]) -> list[MoneyTotal]:
    """Grand totals by kind of money and VAT basis (and programme or year), each item counted once.

    A contract shared by several suppliers, or a framework ceiling repeated on each supplier's row,
    adds its value once; ex-VAT and inc-VAT figures stay in separate totals; an item that overlaps
    another of its kind is a total of its own, with `overlaps` naming the others.

    >>> line = dict(direction="received", money="framework_ceiling", vat="excluded", total_gbp=5e6, items=1,
    ...             source_ids=["s"], amounts={"fw": 5e6})
    >>> rows = [MoneyRow(actor_id="a", actor="A", **line), MoneyRow(actor_id="b", actor="B", **line)]
    >>> [(t.money, t.total_gbp, t.items) for t in money_summary(rows)]
    [('framework_ceiling', 5000000.0, 1)]
    """
    amounts: dict[tuple, dict[str, float]] = defaultdict(dict)
    sources: dict[tuple, set[str]] = defaultdict(set)
    overlaps: dict[tuple, set[str]] = defaultdict(set)
    names: dict[tuple, str | None] = {}
    for row in rows:
        apart = next(iter(row.amounts)) if row.held_apart else None
        key = (row.programme_id, row.year, row.money, row.vat, apart)
        amounts[key].update(row.amounts)
        sources[key].update(row.source_ids)
        overlaps[key].update(row.overlaps if apart else ())
        names[key] = row.programme
    totals = []
    for key, by_item in amounts.items():
        programme_id, year, money, vat, _ = key
        totals.append(MoneyTotal(money=money, vat=vat, total_gbp=sum(by_item.values()), items=len(by_item),
                                 source_ids=sorted(sources[key]), programme_id=programme_id,
                                 programme=names[key], year=year, overlaps=sorted(overlaps[key]),
                                 amounts=dict(by_item)))
    return sorted(totals, key=lambda t: (t.programme or "", t.year or "", t.money, t.vat, t.overlaps))
