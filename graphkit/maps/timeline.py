"""Dates on a map and in the briefing: when each claim happened, and the dated events a briefing relies on.

>>> earliest("2009"), earliest("2009-11"), earliest("2009-11-28"), earliest(None)
('2009-01-01', '2009-11-01', '2009-11-28', None)
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from .roles import load_roles
from .style import money_full, words

NODE_DATE_FIELDS = ("date", "start_date", "end_date")
EDGE_DATE_FIELDS = ("start_date", "end_date")


def earliest(value) -> str | None:
    """The first day an ISO date (year, month or day) can mean."""
    if not value:
        return None
    text = str(value)
    return text + "-01-01"[len(text) - 4:] if len(text) < 10 else text[:10]


def node_date(props: dict) -> str | None:
    """When a node came to be: its date, else its start, else its end (first day of each)."""
    return next((earliest(props[f]) for f in NODE_DATE_FIELDS if props.get(f)), None)


def edge_date(props: dict) -> str | None:
    return next((earliest(props[f]) for f in EDGE_DATE_FIELDS if props.get(f)), None)


@dataclass
class Event:
    date: str  # as written in the data (2009, 2009-11 or 2009-11-28)
    sort_key: str
    text: str
    grade: str | None
    cites: list[tuple[str, str]]


def _cites(props: dict) -> list[tuple[str, str]]:
    return list(zip(props.get("source_ids") or [], props.get("quotes") or []))


def _money(amount, vat) -> str:
    """' · £218,000 ex VAT' for an amount, '' for none."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount != amount:
        return ""
    return f" · {money_full(amount, vat)}"


def _name(graph: nx.MultiDiGraph, node) -> str:
    return graph.nodes[node].get("name") or str(node)


def _is_programme_document(graph: nx.MultiDiGraph, node) -> bool:
    roles = load_roles()
    props = graph.nodes[node]
    if props.get("label") != "Report" or props.get("kind") not in roles.timeline_report_kinds:
        return False
    linked = [*graph.successors(node), *graph.predecessors(node)]
    return any(graph.nodes[n].get("label") == "Programme" for n in linked)


def dated_events(graph: nx.MultiDiGraph, limit: int | None = None) -> tuple[list[Event], int]:
    """The dated events worth a timeline, oldest first, at most `limit` (roles.yaml's by default); and how many in all."""
    roles = load_roles()
    limit = roles.timeline_limit if limit is None else limit
    events = []
    for node, props in graph.nodes(data=True):
        when = next((props[f] for f in NODE_DATE_FIELDS if props.get(f)), None)
        if when and (props.get("label") == "Contract" or _is_programme_document(graph, node)):
            kind = words(props.get("kind") or props.get("label"))
            text = f"{_name(graph, node)} ({kind}){_money(props.get('value_gbp'), props.get('vat'))}"
            events.append(Event(str(when), earliest(when), text, props.get("evidence"), _cites(props)))
    for a, b, props in graph.edges(data=True):
        when = next((props[f] for f in EDGE_DATE_FIELDS if props.get(f)), None)
        if when and props.get("type") in roles.timeline_types:
            text = (f"{_name(graph, a)} {words(props['type'])} {_name(graph, b)}"
                    f"{_money(props.get('amount_gbp'), props.get('vat'))}")
            events.append(Event(str(when), earliest(when), text, props.get("evidence"), _cites(props)))
    events.sort(key=lambda e: (e.sort_key, e.text))
    if len(events) <= limit:
        return events, len(events)
    # Keep the spread through time: every k-th event rather than only the first ones.
    step = len(events) / limit
    return [events[int(i * step)] for i in range(limit)], len(events)
