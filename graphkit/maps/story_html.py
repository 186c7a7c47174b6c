"""A story in the briefing: its steps as HTML beside the map, and the data that moves the map with them."""
from __future__ import annotations

import networkx as nx

from .cites import Evidence, cites_of, esc, grade_badge
from .page import script_json
from .story import Story
from .style import words


def _name(graph: nx.MultiDiGraph, node) -> str:
    return graph.nodes[node].get("name") or str(node)


def _claims(graph: nx.MultiDiGraph, evidence: Evidence, step) -> str:
    """The step's links and actors, each with its sources and quotes one click away."""
    items = []
    for a, rtype, b in step.links:
        for _, target, props in graph.out_edges(a, data=True):
            if target != b or props.get("type") != rtype:
                continue
            amount = props.get("amount_gbp")
            money = f" · £{amount:,.0f}" if isinstance(amount, (int, float)) else ""
            items.append(f"<li><span class=\"link\">{esc(_name(graph, a))} {esc(words(rtype))} "
                         f"{esc(_name(graph, b))}{esc(money)}</span> {grade_badge(props.get('evidence'))}"
                         f"{evidence.folded(cites_of(props))}</li>")
    for actor in step.actors:
        props = graph.nodes[actor]
        items.append(f"<li><span class=\"actor\">{esc(_name(graph, actor))}</span> "
                     f"<span class=\"n\">{esc(words(props.get('kind') or props.get('label')))}</span>"
                     f"{evidence.folded(cites_of(props))}</li>")
    return f"<ul class=\"claims\">{''.join(items)}</ul>" if items else ""


def story_html(story: Story, graph: nx.MultiDiGraph, evidence: Evidence) -> str:
    """The story panel: one article per step (the first shown), previous/next buttons, and the steps as JSON."""
    steps = []
    for n, step in enumerate(story.steps):
        date = f"<p class=\"n\">As of {esc(step.date)} (the map's slider moves there)</p>" if step.date else ""
        steps.append(f"<article class=\"step\" data-step=\"{n}\"{'' if n == 0 else ' hidden'}>"
                     f"<h3>{esc(step.title)}</h3><p>{esc(step.text)}</p>{date}{_claims(graph, evidence, step)}</article>")
    data = [{"nodes": s.actors, "links": [list(link) for link in s.links], "date": s.date} for s in story.steps]
    count = len(story.steps)
    return (f"<div id=\"story\" aria-live=\"polite\"><h2>{esc(story.title)}</h2>"
            f"<nav class=\"story-nav\"><button type=\"button\" id=\"story-prev\" disabled>&larr; Previous</button>"
            f"<span id=\"story-count\">Step 1 of {count}</span>"
            f"<button type=\"button\" id=\"story-next\"{' disabled' if count < 2 else ''}>Next &rarr;</button></nav>"
            f"{''.join(steps)}<p class=\"n keys\">Arrow keys step through the story.</p></div>"
            f"<script type=\"application/json\" id=\"story-data\">{script_json(data)}</script>")
