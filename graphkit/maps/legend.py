"""The map's key (families of nodes, types of links) and vis-network's drawing options."""
from __future__ import annotations

from collections import defaultdict

import networkx as nx

from . import names, style

BIG_MAP = 300  # above this many nodes: edges hidden while dragging or zooming
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def legend(graph: nx.MultiDiGraph) -> dict:
    """Rows of the key: node families with their kinds and counts, link types with counts (money first)."""
    families, kinds, types = {}, defaultdict(set), defaultdict(int)
    for _, props in graph.nodes(data=True):
        label = props.get("label") or ""
        key, text, colour = style.family(label, props.get("kind"))
        row = families.setdefault(key, {"key": key, "text": text, "color": colour, "count": 0,
                                        "shape": style.SHAPES.get(label, "dot")})
        row["count"] += 1
        kinds[key].add(style.words(props.get("kind") or label))
    for row in families.values():
        row["kinds"] = sorted(kinds[row["key"]])
    for _, _, rtype in graph.edges(data="type"):
        types[rtype] += 1
    order = {key: i for i, key in enumerate(style.FAMILY_ORDER)}
    type_rows = [{"key": t, "text": style.words(t), "color": style.edge_colour(t), "count": c,
                  "money": t in style.MONEY_TYPES}
                 for t, c in sorted(types.items(), key=lambda kv: (kv[0] not in style.MONEY_TYPES, -kv[1], kv[0]))]
    return {"kinds": sorted(families.values(), key=lambda r: (order.get(r["key"], 99), r["key"])), "types": type_rows}


def vis_options(nodes: int) -> dict:
    """Physics off (positions come from Python); labels under names.MIN_PX on screen are not drawn."""
    big = nodes > BIG_MAP
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big, "multiselect": False,
                        "navigationButtons": False, "keyboard": False, "tooltipDelay": 120},
        "nodes": {"font": {"face": FONT, "color": "#1d2330", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": names.DRAW_THRESHOLD}}},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
                  "font": {"face": FONT, "size": 11, "color": "#2b2b2b", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "horizontal"},
                  "scaling": {"label": {"drawThreshold": names.DRAW_THRESHOLD}},
                  "selectionWidth": 1.5, "hoverWidth": 0.8},
    }
