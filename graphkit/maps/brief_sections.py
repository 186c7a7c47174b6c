"""The briefing's answers as HTML: who profited, who advised, public funding, framework ceilings, the timeline.

Each figure shows its VAT basis, its evidence grade as a badge and its sources one click away.
Money received by suppliers, public funding and framework ceilings are separate tables, never
one ranking.
"""
from __future__ import annotations

import networkx as nx

from .advice import Adviser, advisers
from .cites import Evidence, esc, grade_badge
from ..analysis.money import MONEY_WORDS, MoneyItem
from .money_view import MoneyLine, MoneyView, Recipient
from .roles import load_roles
from .style import VAT_WORDS, money_full, money_short, words
from .timeline import dated_events

LEAD_ROWS = 6  # rows of each answer shown above the fold; the rest fold away
NOT_STATED = '<span class="n">not stated</span>'
OVERLAPS_SHOWN = 2


def _name(graph, node: str) -> str:
    return (graph.nodes[node].get("name") or node) if graph is not None and node in graph else node


def _overlap_note(line: MoneyLine, row: Recipient, items: dict[str, MoneyItem], graph) -> str:
    """'may be the same money as £320,000,000 (VAT basis unknown) from another source', naming the kind of
    money and the recipient when they differ from the line's."""
    others = sorted((items[i] for i in line.overlaps if i in items), key=lambda i: (-i.amount_gbp, i.id))
    if not others:
        return ""
    told = []
    for other in others[:OVERLAPS_SHOWN]:
        to = ", ".join(_name(graph, p) for p in other.payees if p != row.actor_id)
        kind = "" if other.money == line.money else f" {MONEY_WORDS.get(other.money, other.money)}"
        told.append(money_full(other.amount_gbp, other.vat) + kind + (f" to {to}" if to else ""))
    more = f" and {len(others) - OVERLAPS_SHOWN} more" if len(others) > OVERLAPS_SHOWN else ""
    sources, them = ("another source", "it") if len(others) == 1 else ("other sources", "them")
    return (f"<span class=\"overlap\">may be the same money as {esc('; '.join(told))}{more} from {sources}, "
            f"so not added to {them}</span>")


def _figure_lines(row: Recipient, evidence: Evidence, payer_names: bool = False, graph=None,
                  items: dict[str, MoneyItem] | None = None) -> str:
    lines, previous = [], None
    for line in row.lines:
        noun = "item" if len(line.items) == 1 else "items"
        what = MONEY_WORDS.get(line.money, line.money)
        if payer_names and graph is not None:
            names = ", ".join((graph.nodes[p].get("name") or p) if p in graph else p for p in line.payers)
            what += f" from {names}" if names else ""
        badge = grade_badge(line.grade) if len(row.lines) > 1 else ""  # one line: the row's badge says it
        note = _overlap_note(line, row, items or {}, graph)
        joined = previous is not None and set(previous.items) & set(line.overlaps)  # same group as the line above
        marks = (" overlapping" if note else "") + (" joined" if joined else "")
        previous = line
        lines.append(f"<div class=\"figure{marks}\"><strong>"
                     f"{esc(money_full(line.total_gbp, line.vat))}</strong> {badge} "
                     f"<span class=\"n\">{esc(what)} · {len(line.items)} {noun}</span>{note}</div>")
    return "".join(lines)


def _row_cites(row: Recipient, evidence: Evidence) -> list[tuple[str, str]]:
    return [c for line in row.lines for item in line.items for c in evidence.item(item)]


def _money_rows(rows: list[Recipient], evidence: Evidence, graph: nx.MultiDiGraph, payers: bool, start: int = 1,
                items: dict[str, MoneyItem] | None = None) -> str:
    body = []
    for rank, row in enumerate(rows, start):
        body.append(f"<tr><td class=\"rank\">{rank}</td><th scope=\"row\">{esc(row.actor)}"
                    f"<div class=\"kind\">{esc(words(row.kind))}</div></th>"
                    f"<td>{_figure_lines(row, evidence, payers, graph, items)}</td>"
                    f"<td>{grade_badge(row.grade) or NOT_STATED}</td>"
                    f"<td>{evidence.folded(_row_cites(row, evidence))}</td></tr>")
    return "".join(body)


def money_table(rows: list[Recipient], evidence: Evidence, graph: nx.MultiDiGraph, *, who: str,
                lead: int | None = None, payers: bool = False, items: dict[str, MoneyItem] | None = None) -> str:
    """A ranking of recipients: name, amounts with VAT basis, evidence grade, sources; past `lead` rows folded.

    With `items` (a money view's), a figure that may be the same money as another says which.
    """
    head = (f"<thead><tr><th>#</th><th>{esc(who)}</th><th>Amount (VAT basis)</th><th>Evidence</th>"
            f"<th>Sources</th></tr></thead>")
    shown = rows if lead is None else rows[:lead]
    table = f"<table class=\"money\">{head}<tbody>{_money_rows(shown, evidence, graph, payers, 1, items)}</tbody></table>"
    rest = rows[len(shown):]
    if rest:
        more = f"<table class=\"money\">{head}<tbody>{_money_rows(rest, evidence, graph, payers, len(shown) + 1, items)}</tbody></table>"
        table += f"<details class=\"more\"><summary>{len(rest)} more</summary>{more}</details>"
    return table


def _elsewhere(view: MoneyView) -> str:
    """Where the money not ranked here is: counted, labelled, one click away."""
    parts = []
    if view.public:
        parts.append(f"<a href=\"#public-funding\">public funding between public bodies</a> ({len(view.public)} recipients)")
    if view.ceilings:
        parts.append(f"<a href=\"#framework-ceilings\">framework ceilings</a> ({len(view.ceilings)} suppliers)")
    return f"<p class=\"n elsewhere\">Not ranked here: {' and '.join(parts)}.</p>" if parts else ""


def who_profited(view: MoneyView, evidence: Evidence, graph: nx.MultiDiGraph) -> str:
    if not view.profited:
        return ("<p class=\"none\">No sourced money received by suppliers or other non-public recipients in the data.</p>"
                + _elsewhere(view))
    return money_table(view.profited, evidence, graph, who="Recipient", lead=LEAD_ROWS, items=view.items) + _elsewhere(view)


def _adviser_whom(row: Adviser) -> str:
    parts = []
    for link in row.links[:3]:
        when = f" ({esc(link.date)})" if link.date else ""
        parts.append(f"{esc(words(link.rtype))} <b>{esc(link.target_name)}</b>{when}{grade_badge(link.grade)}")
    more = f" · and {len(row.links) - 3} more" if len(row.links) > 3 else ""
    return "; ".join(parts) + more


def _adviser_rows(rows: list[Adviser], evidence: Evidence, start: int = 1) -> str:
    body = []
    for rank, row in enumerate(rows, start):
        cites = [c for link in row.links for c in link.cites]
        kind = words(row.kind) if row.label == "Organisation" else words(row.label)
        body.append(f"<tr><td class=\"rank\">{rank}</td><th scope=\"row\">{esc(row.name)}"
                    f"<div class=\"kind\">{esc(kind)}</div></th><td>{_adviser_whom(row)}</td>"
                    f"<td>{esc(row.when or 'undated')}</td><td>{evidence.folded(cites)}</td></tr>")
    return "".join(body)


def who_advised(graph: nx.MultiDiGraph, evidence: Evidence) -> str:
    rows = advisers(graph)
    if not rows:
        return "<p class=\"none\">No advice links from consultancies, think tanks, academics or people in the data.</p>"
    head = "<thead><tr><th>#</th><th>Adviser</th><th>Whom (evidence)</th><th>When</th><th>Sources</th></tr></thead>"
    table = f"<table class=\"advice\">{head}<tbody>{_adviser_rows(rows[:LEAD_ROWS], evidence)}</tbody></table>"
    rest = rows[LEAD_ROWS:]
    if rest:
        table += (f"<details class=\"more\"><summary>{len(rest)} more</summary><table class=\"advice\">{head}"
                  f"<tbody>{_adviser_rows(rest, evidence, LEAD_ROWS + 1)}</tbody></table></details>")
    return table


def public_funding(view: MoneyView, evidence: Evidence, graph: nx.MultiDiGraph) -> str:
    if not view.public:
        return "<p class=\"none\">No sourced funding between public bodies in the data.</p>"
    return money_table(view.public, evidence, graph, who="Received by", payers=True, items=view.items)


def framework_ceilings(view: MoneyView, evidence: Evidence, graph: nx.MultiDiGraph) -> str:
    if not view.ceilings:
        return "<p class=\"none\">No framework ceilings in the data.</p>"
    return money_table(view.ceilings, evidence, graph, who="Supplier on the framework", items=view.items)


def timeline(graph: nx.MultiDiGraph, evidence: Evidence) -> str:
    events, total = dated_events(graph)
    if not events:
        return "<p class=\"none\">No dated claims in the data.</p>"
    items = "".join(f"<li><time>{esc(e.date)}</time><span class=\"what\">{esc(e.text)} {grade_badge(e.grade)}</span>"
                    f"{evidence.folded(e.cites)}</li>" for e in events)
    note = (f"<p class=\"n\">{len(events)} of {total} dated claims, spread through time; the map's time slider "
            "shows them all.</p>") if total > len(events) else ""
    return f"<ol class=\"timeline\">{items}</ol>{note}"


def weak_note() -> str:
    weak = " and ".join(load_roles().weak_evidence)
    return (f"Evidence grades: documented, reported, {weak}. Figures marked {weak} rest on a partisan source, "
            "a blog or an inference, not on a document.")


GLANCE_ROWS = 3


def at_a_glance(view: MoneyView, graph: nx.MultiDiGraph) -> str:
    """The top recipients and advisers in a few lines, for a phone's first screen (hidden on wider screens)."""
    money = []
    for row in view.profited[:GLANCE_ROWS]:
        line = row.lines[0]
        vat = VAT_WORDS.get(line.vat, "VAT basis unknown")
        money.append(f"<li><b>{esc(row.actor)}</b> {esc(money_short(line.total_gbp))} <span class=\"n\">{esc(vat)}</span>"
                     f"{grade_badge(line.grade)}</li>")
    advice = []
    for row in advisers(graph)[:GLANCE_ROWS]:
        link = row.links[0]
        advice.append(f"<li><b>{esc(row.name)}</b> <span class=\"n\">{esc(words(link.rtype))} "
                      f"{esc(link.target_name)}</span>{grade_badge(link.grade)}</li>")
    if not money and not advice:
        return ""
    parts = []
    if money:
        parts.append(f"<div><a href=\"#who-profited\">Who profited</a><ol>{''.join(money)}</ol></div>")
    if advice:
        parts.append(f"<div><a href=\"#who-advised\">Who advised</a><ol>{''.join(advice)}</ol></div>")
    return f"<nav class=\"glance\" aria-label=\"At a glance\">{''.join(parts)}</nav>"
