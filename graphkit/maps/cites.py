"""Citations in HTML: every figure and link with its sources as links and its quotes, one click away.

Everything from the data is escaped; only http(s) URLs become links.

>>> import networkx as nx
>>> g = nx.MultiDiGraph(sources={"s": {"url": "javascript:alert(1)", "title": "<b>T</b>"}})
>>> Evidence(g).link("s")
'<span>&lt;b&gt;T&lt;/b&gt;</span> <a class="ref" href="#src-s">[s]</a>'
>>> grade_badge("alleged"), grade_badge(None)
('<span class="grade weak" title="only a partisan source or a blog says so, or it is inferred">alleged</span>', '')
"""
from __future__ import annotations

import html

import networkx as nx

from .roles import load_roles

WEAK_TITLE = "only a partisan source or a blog says so, or it is inferred"


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url) -> str | None:
    """The URL when it is http(s), else None: nothing else becomes a link.

    >>> safe_href("https://example.org/a?b=1"), safe_href("javascript:alert(1)"), safe_href(" JAVASCRIPT:x")
    ('https://example.org/a?b=1', None, None)
    """
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def cites_of(props: dict) -> list[tuple[str, str]]:
    return list(zip(props.get("source_ids") or [], props.get("quotes") or []))


def grade_badge(grade: str | None) -> str:
    """The evidence grade as a visible badge; alleged and inferred stand out."""
    if not grade:
        return ""
    if load_roles().is_weak(grade):
        return f'<span class="grade weak" title="{esc(WEAK_TITLE)}">{esc(grade)}</span>'
    return f'<span class="grade">{esc(grade)}</span>'


class Evidence:
    """Looks up the citations behind nodes, links and money items, and renders them."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        self.sources = graph.graph.get("sources") or {}
        self.edges = {str(k): (a, b, p) for a, b, k, p in graph.edges(keys=True, data=True)}

    def item(self, item_id: str) -> list[tuple[str, str]]:
        """Citations for one money item: a contract with its award and commission links, or one link."""
        if item_id in self.edges:
            a, _, props = self.edges[item_id]
            extra = cites_of(self.graph.nodes[a]) if props.get("type") == "AWARDED_TO" else []
            return cites_of(props) + extra
        if item_id not in self.graph:
            return []
        cites = cites_of(self.graph.nodes[item_id])
        for _, _, p in [*self.graph.in_edges(item_id, data=True), *self.graph.out_edges(item_id, data=True)]:
            if p.get("type") in ("COMMISSIONED", "AWARDED_TO"):
                cites += cites_of(p)
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

    def folded(self, cites: list[tuple[str, str]]) -> str:
        """'N sources' that opens, in one click, onto the sources and their quotes."""
        count = len({sid for sid, _ in cites})
        if not count:
            return "<span class=\"none\">no source</span>"
        noun = "source" if count == 1 else "sources"
        return f"<details class=\"quotes\"><summary>{count} {noun}</summary>{self.html(cites)}</details>"

    def link(self, sid: str) -> str:
        src = self.sources.get(sid) or {}
        title = esc(src.get("title") or src.get("url") or sid)
        href = safe_href(src.get("url"))
        anchor = f"<a href=\"{esc(href)}\" rel=\"noopener noreferrer\">{title}</a>" if href else f"<span>{title}</span>"
        return f"{anchor} <a class=\"ref\" href=\"#src-{esc(sid)}\">[{esc(sid)}]</a>"
