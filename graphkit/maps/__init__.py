"""Campaigner maps: one self-contained, offline HTML file per map, built from the graph.

>>> import networkx as nx
>>> g = nx.MultiDiGraph(sources={})
>>> g.add_node("firm", label="Organisation", kind="consultancy", name="Firm <b>")
>>> page = build_map_html(g, MapOptions(title="Demo"))
>>> "Firm <b>" in page, "Firm \\\\u003cb\\\\u003e" in page
(False, True)
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from .build import map_payload
from .filters import MapOptions, MapTooLarge, filter_graph, resolve_focus
from .page import render_page, script_json
from .screenshot import ChromiumMissing, chromium_path, render_png, require_chromium
from ..files import write_text_atomic


def build_map_html(graph: nx.MultiDiGraph, options: MapOptions | None = None) -> str:
    """The map as one HTML page that makes no network requests."""
    return render_page(map_payload(graph, options or MapOptions()))


def write_map(graph: nx.MultiDiGraph, path: str | Path, options: MapOptions | None = None) -> Path:
    """Write the map to `path` (folders created) and return the path."""
    path = Path(path)
    write_text_atomic(path, build_map_html(graph, options))  # a reader never sees half a page
    return path


__all__ = ["MapOptions", "MapTooLarge", "ChromiumMissing", "filter_graph", "resolve_focus", "map_payload",
           "build_map_html", "write_map", "render_png", "require_chromium", "chromium_path", "script_json", "render_page"]
