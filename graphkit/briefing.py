"""The campaigners' briefing: one offline HTML page with the map, who profits, the brokers and every source.

Every figure carries its sources as links with the quotes that support it. Contract values,
payments, funding and framework ceilings stay in separate columns, and amounts on different
VAT bases are never added together.
"""
from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import networkx as nx

from .analysis.brokers import brokers, simple_graph
from .analysis.money import money_summary, money_totals
from .maps import MapOptions, MapTooLarge, build_map_html, filter_graph
from .maps.style import money_full, words
from .files import write_text_atomic

MONEY_COLUMNS = [("contract", "Contract values"), ("payment", "Payments"), ("funding", "Funding"),
                 ("framework_ceiling", "Framework ceilings")]
LINKS_SHOWN = 12


MONEY_AND_ADVICE = ("PAID", "FUNDS", "AWARDED_TO", "COMMISSIONED", "ADVISES")


def money_and_advice_map() -> MapOptions:
    return MapOptions(title="Money and advice", types=MONEY_AND_ADVICE)


@dataclass
class BriefingOptions:
    """What the briefing shows; `map` shapes the embedded map (by default: money and advice only)."""

    title: str = "Who advises, supplies and profits"
    top: int = 15
    map: MapOptions = field(default_factory=money_and_advice_map)


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url) -> str | None:
    """The URL when it is http(s), else None: nothing else becomes a link.

    >>> safe_href("https://example.org/a?b=1"), safe_href("javascript:alert(1)"), safe_href(" JAVASCRIPT:x")
    ('https://example.org/a?b=1', None, None)
    """
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


# -- evidence ----------------------------------------------------------------------------------
def _cites(props: dict) -> list[tuple[str, str]]:
    return list(zip(props.get("source_ids") or [], props.get("quotes") or []))


class Evidence:
    """Looks up the citations behind nodes, links and money items, and renders them."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        self.sources = graph.graph.get("sources") or {}
        self.edges = {str(k): (a, b, p) for a, b, k, p in graph.edges(keys=True, data=True)}

    def item(self, item_id: str) -> list[tuple[str, str]]:
        """Citations for one money item: a contract with its award and commission links, or one link."""
        if item_id in self.edges:
            return _cites(self.edges[item_id][2])
        if item_id not in self.graph:
            return []
        cites = _cites(self.graph.nodes[item_id])
        for _, _, p in [*self.graph.in_edges(item_id, data=True), *self.graph.out_edges(item_id, data=True)]:
            if p.get("type") in ("COMMISSIONED", "AWARDED_TO"):
                cites += _cites(p)
        return cites

    def html(self, cites: list[tuple[str, str]]) -> str:
        """Sources grouped with their quotes: title as a link, then each quote."""
        grouped: dict[str, list[str]] = {}
        for sid, quote in cites:
            quotes = grouped.setdefault(sid, [])
            if quote not in quotes:
                quotes.append(quote)
        items = []
        for sid, quotes in grouped.items():
            quoted = "".join(f"<q>{esc(q)}</q>" for q in quotes)
            items.append(f"<li>{self.link(sid)} {quoted}</li>")
        return f"<ul class=\"cites\">{''.join(items)}</ul>" if items else "<span class=\"none\">no source</span>"

    def link(self, sid: str) -> str:
        src = self.sources.get(sid) or {}
        title = esc(src.get("title") or src.get("url") or sid)
        href = safe_href(src.get("url"))
        anchor = f"<a href=\"{esc(href)}\" rel=\"noopener noreferrer\">{title}</a>" if href else f"<span>{title}</span>"
        return f"{anchor} <a class=\"ref\" href=\"#src-{esc(sid)}\">[{esc(sid)}]</a>"


# -- sections ----------------------------------------------------------------------------------
def _name(graph: nx.MultiDiGraph, node) -> str:
    return (graph.nodes[node].get("name") if node in graph else None) or str(node)


def _money_cell(rows, evidence: Evidence) -> str:
    parts = []
    for row in sorted(rows, key=lambda r: r.vat):
        cites = [c for item in row.amounts for c in evidence.item(item)]
        noun = "item" if row.items == 1 else "items"
        parts.append(f"<div class=\"figure\"><strong>{esc(money_full(row.total_gbp, row.vat))}</strong> "
                     f"<span class=\"n\">({row.items} {noun})</span>{evidence.html(cites)}</div>")
    return "".join(parts)


def who_profits(graph: nx.MultiDiGraph, evidence: Evidence) -> str:
    received = defaultdict(lambda: defaultdict(list))
    for row in money_totals(graph, by="actor"):
        if row.direction == "received":
            received[row.actor_id][row.money].append(row)
    if not received:
        return "<p>No sourced money received in the data.</p>"

    def weight(actor):
        money = received[actor]
        real = [r.total_gbp for kind, rows in money.items() if kind != "framework_ceiling" for r in rows]
        return (-max(real, default=0.0), -max((r.total_gbp for rows in money.values() for r in rows), default=0.0))

    columns = [(kind, title) for kind, title in MONEY_COLUMNS if any(kind in money for money in received.values())]
    head = "".join(f"<th>{esc(title)}</th>" for _, title in columns)
    body = []
    for actor in sorted(received, key=lambda a: (weight(a), _name(graph, a))):
        cells = "".join(f"<td>{_money_cell(received[actor].get(kind, []), evidence)}</td>" for kind, _ in columns)
        kind = words(graph.nodes[actor].get("kind")) if actor in graph else ""
        body.append(f"<tr><th scope=\"row\">{esc(_name(graph, actor))}<div class=\"kind\">{esc(kind)}</div></th>{cells}</tr>")
    return (f"<table class=\"money\"><thead><tr><th>Received by</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>" + totals_table(graph, evidence))


def totals_table(graph: nx.MultiDiGraph, evidence: Evidence) -> str:
    totals = money_summary(money_totals(graph, by="actor"))
    if not totals:
        return ""
    labels = dict(MONEY_COLUMNS)
    rows = "".join(f"<tr><td>{esc(labels.get(t.money, t.money))}</td><td>{esc(money_full(t.total_gbp, t.vat))}</td>"
                   f"<td>{t.items}</td></tr>" for t in totals)
    return ("<h3>All money in the data, each item counted once</h3><table class=\"totals\"><thead><tr><th>Kind</th>"
            f"<th>Total (one VAT basis per line)</th><th>Items</th></tr></thead><tbody>{rows}</tbody></table>")


def _link_evidence(graph: nx.MultiDiGraph, node, evidence: Evidence) -> str:
    links = []
    for a, b, p in [*graph.out_edges(node, data=True), *graph.in_edges(node, data=True)]:
        text = f"{words(p.get('type'))} {_name(graph, b)}" if a == node else f"{_name(graph, a)} {words(p.get('type'))}"
        links.append(f"<li><span class=\"link\">{esc(text)}</span> {evidence.html(_cites(p))}</li>")
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
        for sid, _ in _cites(p):
            counts[sid] += 1
    for _, _, p in graph.edges(data=True):
        for sid, _ in _cites(p):
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


def _map_section(graph: nx.MultiDiGraph, options: MapOptions) -> str:
    """The map, framed; a map of money and advice falls back to the whole graph when there is neither."""
    if options.types and not filter_graph(graph, replace(options, max_nodes=10**9)).number_of_edges():
        options = replace(options, types=(), title=MapOptions.title)
    shown = ", ".join(words(t) for t in options.types) if options.types else "every kind of link"
    intro = (f"<p>{esc(options.title)}: {esc(shown)}. Click any actor or link for its facts and sources; search "
             f"and filter on the left. <code>graphkit map</code> draws the whole network.</p>")
    try:
        page = build_map_html(graph, options)
    except MapTooLarge as exc:
        return f"{intro}<p class=\"none\">No map here: {esc(exc)}.</p>"
    return intro + _map_frame(page)


def _map_frame(page: str) -> str:
    return (f"<iframe class=\"map\" title=\"Network map\" sandbox=\"allow-scripts allow-popups "
            f"allow-popups-to-escape-sandbox\" srcdoc=\"{esc(page)}\"></iframe>")


CSS = """
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:26px}header p{margin:0;color:#c9d1dc}
main{max-width:1400px;margin:0 auto;padding:8px 28px 40px}section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:14px 18px;margin:18px 0}
h2{margin:0 0 8px;font-size:20px}h3{font-size:15px;margin:16px 0 6px}iframe.map{width:100%;height:760px;border:1px solid #dde1e7}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #e4e7ec;padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:#f0f2f5;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:#4a5361}
.kind{font-weight:normal;color:#6b7480;font-size:12px}.figure{margin-bottom:8px}.figure strong{color:#a3281d}.n{color:#6b7480;font-size:12px}
ul.cites{list-style:none;margin:2px 0 0;padding:0;font-size:12.5px}ul.cites li{margin:2px 0}q{display:block;font-style:italic;color:#3d4551;border-left:3px solid #f29a2e;padding-left:6px;margin:2px 0 0}
a.ref{font-size:11px;color:#6b7480}.none{color:#a3281d;font-size:12px}ul.links{padding-left:16px;margin:4px 0}.link{font-weight:600}
ol.sources li{margin:6px 0}.sources .meta{color:#6b7480;font-size:13px}.sources .url{font-size:12px;color:#6b7480;overflow-wrap:anywhere}.sid{color:#6b7480;font-size:12px}
.lede{max-width:70em}details summary{cursor:pointer;color:#1f4e9c}
@media print{iframe.map{display:none}section{break-inside:avoid-page;border:0}details{display:block}}
"""


def build_briefing_html(graph: nx.MultiDiGraph, options: BriefingOptions | None = None) -> str:
    """The briefing as one HTML page that makes no network requests."""
    options = options or BriefingOptions()
    evidence = Evidence(graph)
    counts = (f"{graph.number_of_nodes():,} actors, contracts, programmes and documents; "
              f"{graph.number_of_edges():,} links; {len(evidence.sources):,} sources")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>{esc(options.title)}</title><style>{CSS}</style></head>
<body><header><h1>{esc(options.title)}</h1><p>Briefing made {date.today().isoformat()} · {esc(counts)}</p></header>
<main>
<p class="lede">Every figure and every link below is tied to a public source, quoted word for word. Contract values,
payments, funding and framework ceilings are kept apart, and amounts stated without VAT are never added to amounts
that include it. Alleged or inferred links are drawn dashed on the map.</p>
<section id="map"><h2>The map</h2>
{_map_section(graph, options.map)}</section>
<section id="who-profits"><h2>Who profits</h2><p>Money received, by kind of money and VAT basis, with the sources
for each figure. A framework ceiling is the most that may be spent through a framework, not money paid.</p>
{who_profits(graph, evidence)}</section>
<section id="brokers"><h2>Brokers</h2><p>Actors most often on the shortest chains between others (betweenness, 0 to 1),
how many others they are linked to, and how many pilot areas lie within two links.</p>
{broker_table(graph, evidence, options.top)}</section>
<section id="sources"><h2>Sources</h2>{source_list(graph, evidence)}</section>
</main></body></html>
"""


def write_briefing(graph: nx.MultiDiGraph, path: str | Path, options: BriefingOptions | None = None) -> Path:
    """Write the briefing to `path` (folders created) and return the path."""
    path = Path(path)
    write_text_atomic(path, build_briefing_html(graph, options))  # a reader never sees half a page
    return path
