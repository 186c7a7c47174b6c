"""The campaigners' briefing: one offline HTML page that leads with who profited and who advised.

Above the fold: money received by suppliers and other non-public recipients, ranked by amount
with VAT basis, evidence grade and sources; and the advisers. Below: the map (with a story when
one is given), a timeline, public funding and framework ceilings in their own tables, the brokers
and every source. Amounts on different VAT bases or of different kinds are never added together.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import networkx as nx

from ..analysis.brokers import brokers, simple_graph
from ..analysis.money import MONEY_WORDS, money_summary, money_totals
from ..files import check_output, write_text_atomic
from . import MapOptions, MapTooLarge, build_map_html, filter_graph
from .brief_sections import (at_a_glance, framework_ceilings, public_funding, timeline, weak_note,
                                  who_advised, who_profited)
from .cites import Evidence, cites_of, esc, safe_href
from .money_view import item_grades, money_view
from .roles import load_roles
from .story import Story, read_story
from .story_html import story_html
from .style import money_full, words

LINKS_SHOWN = 12


def money_and_advice_map() -> MapOptions:
    roles = load_roles()
    return MapOptions(title="Money and advice", types=(*roles.money_types, *roles.advice_types))


@dataclass
class BriefingOptions:
    """What the briefing shows; `map` shapes the embedded map (by default: money and advice only).

    With `story` (a story file), the map shows the whole graph and the page walks through the steps.
    """

    title: str = "Who advises, supplies and profits"
    top: int = 15
    map: MapOptions = field(default_factory=money_and_advice_map)
    story: Path | None = None


__all__ = ["BriefingOptions", "build_briefing_html", "write_briefing", "esc", "safe_href", "Evidence"]


# -- sections ----------------------------------------------------------------------------------
def _name(graph: nx.MultiDiGraph, node) -> str:
    return (graph.nodes[node].get("name") if node in graph else None) or str(node)


def totals_table(graph: nx.MultiDiGraph, evidence: Evidence) -> str:
    """Grand totals by kind of money and VAT basis, each item once, with the part resting on weak evidence."""
    rows = money_totals(graph, by="actor")
    totals = money_summary(rows)
    if not totals:
        return ""
    roles, grades = load_roles(), item_grades(graph)

    def weak_part(total) -> str:  # only this line's own items: never those held apart on other lines
        weak = sum(a for item, a in total.amounts.items() if roles.is_weak(grades.get(item)))
        return esc(money_full(weak, total.vat)) if weak else "none"
    body = "".join(f"<tr><td>{esc(MONEY_WORDS.get(t.money, t.money))}</td><td>{esc(money_full(t.total_gbp, t.vat))}</td>"
                   f"<td>{weak_part(t)}</td><td>{t.items}</td></tr>" for t in totals)
    weak = " or ".join(roles.weak_evidence)
    return ("<table class=\"totals\"><thead><tr><th>Kind</th><th>Total (one VAT basis per line)</th>"
            f"<th>Of which {esc(weak)}</th><th>Items</th></tr></thead><tbody>{body}</tbody></table>")


def _link_evidence(graph: nx.MultiDiGraph, node, evidence: Evidence) -> str:
    links = []
    for a, b, p in [*graph.out_edges(node, data=True), *graph.in_edges(node, data=True)]:
        text = f"{words(p.get('type'))} {_name(graph, b)}" if a == node else f"{_name(graph, a)} {words(p.get('type'))}"
        links.append(f"<li><span class=\"link\">{esc(text)}</span> {evidence.html(cites_of(p))}</li>")
    more = len(links) - LINKS_SHOWN
    tail = f"<li>… and {more} more links (see the map)</li>" if more > 0 else ""
    return (f"<details><summary>{len(links)} sourced links</summary>"
            f"<ul class=\"links\">{''.join(links[:LINKS_SHOWN])}{tail}</ul></details>")


def broker_table(graph: nx.MultiDiGraph, evidence: Evidence, top: int) -> str:
    rows = brokers(graph, top=top)
    if not rows:
        return "<p>No actors in the data.</p>"
    simple = simple_graph(graph)
    body = "".join(
        f"<tr><th scope=\"row\">{esc(r.name)}<div class=\"kind\">{esc(words(r.kind))}</div></th>"
        f"<td>{r.betweenness:.3f}</td><td>{simple.degree(r.id)}</td><td>{r.pilots}</td>"
        f"<td>{_link_evidence(graph, r.id, evidence)}</td></tr>" for r in rows)
    return ("<table class=\"brokers\"><thead><tr><th>Actor</th><th>Betweenness</th><th>Linked to</th>"
            "<th>Pilot areas within two links</th><th>Evidence</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def source_list(graph: nx.MultiDiGraph, evidence: Evidence) -> str:
    counts = defaultdict(int)
    for _, p in graph.nodes(data=True):
        for sid, _ in cites_of(p):
            counts[sid] += 1
    for _, _, p in graph.edges(data=True):
        for sid, _ in cites_of(p):
            counts[sid] += 1
    items = []
    for sid, src in sorted(evidence.sources.items(), key=lambda kv: (str(kv[1].get("date") or ""), kv[0])):
        href = safe_href(src.get("url"))
        title = esc(src.get("title") or src.get("url") or sid)
        head = f"<a href=\"{esc(href)}\" rel=\"noopener noreferrer\">{title}</a>" if href else title
        meta = " · ".join(esc(v) for v in (src.get("publisher"), src.get("date")) if v)
        items.append(f"<li id=\"src-{esc(sid)}\"><span class=\"sid\">[{esc(sid)}]</span> {head}"
                     f"<div class=\"meta\">{meta}{' · ' if meta else ''}cited {counts[sid]} times"
                     f"</div><div class=\"url\">{esc(src.get('url'))}</div></li>")
    return f"<ol class=\"sources\">{''.join(items)}</ol>"


def _map_section(graph: nx.MultiDiGraph, options: MapOptions, story: Story | None, evidence: Evidence) -> str:
    """The map, framed, beside the story when there is one; money and advice only falls back to everything."""
    if story is not None:
        options = replace(options, types=(), title="The whole network")
    elif options.types and not filter_graph(graph, replace(options, max_nodes=10**9)).number_of_edges():
        options = replace(options, types=(), title=MapOptions.title)
    shown = ", ".join(words(t) for t in options.types) if options.types else "every kind of link"
    intro = (f"<p class=\"n\">{esc(options.title)}: {esc(shown)}. Click any actor or link for its facts and sources; "
             f"the slider shows the network as it stood at a date. <code>graphkit map</code> draws it full size.</p>")
    try:
        page = build_map_html(graph, options)
    except MapTooLarge as exc:
        return f"{intro}<p class=\"none\">No map here: {esc(exc)}.</p>"
    frame = (f"<div class=\"frame\"><iframe class=\"map\" title=\"Network map\" sandbox=\"allow-scripts allow-popups "
             f"allow-popups-to-escape-sandbox\" srcdoc=\"{esc(page)}\"></iframe>"
             f"<img class=\"map-picture\" id=\"map-picture\" alt=\"The map as last shown on screen\"></div>")
    told = story_html(story, graph, evidence) if story is not None else ""
    return f"{intro}<div class=\"map-and-story{' with-story' if told else ''}\">{told}{frame}</div>"


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files("graphkit.maps").joinpath(name).read_text(encoding="utf-8")


def _section(key: str, title: str, intro: str, body: str) -> str:
    lede = f"<p class=\"n\">{intro}</p>" if intro else ""
    return f"<section id=\"{key}\"><h2>{esc(title)}</h2>{lede}{body}</section>"


def build_briefing_html(graph: nx.MultiDiGraph, options: BriefingOptions | None = None) -> str:
    """The briefing as one HTML page that makes no network requests.

    Raises InvalidDataset (file, line, suggestion) when the story names an actor or link not in the graph.
    """
    options = options or BriefingOptions()
    story = read_story(options.story, graph) if options.story else None
    evidence, view = Evidence(graph), money_view(graph)
    counts = (f"{graph.number_of_nodes():,} actors, contracts, programmes and documents; "
              f"{graph.number_of_edges():,} links; {len(evidence.sources):,} sources")
    lead = (_section("who-profited", "Who profited", "Money received by suppliers and other non-public recipients, "
                     "largest first. Each amount keeps its VAT basis; public funding and framework ceilings are "
                     "below, never ranked with it.", who_profited(view, evidence, graph))
            + _section("who-advised", "Who advised", "Consultancies, think tanks, academics and people who advised, "
                       "evaluated or supported the programme, a pilot or a public body.", who_advised(graph, evidence)))
    body = [
        _section("map", "The map" if story is None else "The story, step by step", "",
                 _map_section(graph, options.map, story, evidence)),
        _section("timeline", "Timeline", "The dated events this briefing relies on, each with its source.",
                 timeline(graph, evidence)),
        _section("public-funding", "Public funding between public bodies", "Grants and funding from one public "
                 "body to another, or into a programme or pilot: public money moving, not profit.",
                 public_funding(view, evidence, graph)),
        _section("framework-ceilings", "Framework ceilings", "The most that may be spent through a framework "
                 "agreement: a ceiling, not money paid.", framework_ceilings(view, evidence, graph)),
        _section("all-money", "All money in the data", "Each item counted once; one VAT basis per line.",
                 totals_table(graph, evidence)),
        _section("brokers", "Brokers", "Actors most often on the shortest chains between others (betweenness, "
                 "0 to 1), how many others they are linked to, and how many pilot areas lie within two links.",
                 broker_table(graph, evidence, options.top)),
        _section("sources", "Sources", "", source_list(graph, evidence)),
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>{esc(options.title)}</title><style>{_asset("brief.css")}</style></head>
<body><header><h1>{esc(options.title)}</h1><p>Briefing made {date.today().isoformat()} · {esc(counts)} ·
every figure and link tied to a public source, quoted word for word.<span class="grades"> {esc(weak_note())}</span></p></header>
<main>{at_a_glance(view, graph)}<div class="lead">{lead}</div>
{''.join(body)}
</main><script>{_asset("brief.js")}</script></body></html>
"""


def write_briefing(graph: nx.MultiDiGraph, path: str | Path, options: BriefingOptions | None = None) -> Path:
    """Write the briefing to `path` (folders created) and return the path; nothing is written on a bad story."""
    html_text = build_briefing_html(graph, options)
    path = Path(path)
    write_text_atomic(check_output(path, ".html"), html_text)  # a reader never sees half a page
    return path
