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

from dataclasses import dataclass

from .build import map_payload
from .emptiness import empty_note
from .filters import MapOptions, MapTooLarge, filter_graph, resolve_focus
from .page import render_page, script_json
from .screenshot import ChromiumMissing, chromium_path, render_png, require_chromium
from ..files import check_output, write_text_atomic


@dataclass
class WrittenMap:
    path: Path
    nodes: int
    links: int
    empty: str | None  # what to tell the user when the filters leave no link


def build_map_html(graph: nx.MultiDiGraph, options: MapOptions | None = None) -> str:
    """The map as one HTML page that makes no network requests."""
    return render_page(map_payload(graph, options or MapOptions()))


def save_map(graph: nx.MultiDiGraph, path: str | Path, options: MapOptions | None = None) -> WrittenMap:
    """Write the map to `path` (folders created); say what it holds and whether its filters left nothing."""
    path = Path(path)
    payload = map_payload(graph, options or MapOptions())
    write_text_atomic(check_output(path, ".html"), render_page(payload))  # a reader never sees half a page
    return WrittenMap(path, len(payload["nodes"]), len(payload["edges"]), payload.get("empty"))


def write_map(graph: nx.MultiDiGraph, path: str | Path, options: MapOptions | None = None) -> Path:
    """Write the map to `path` (folders created) and return the path."""
    return save_map(graph, path, options).path


__all__ = ["MapOptions", "MapTooLarge", "ChromiumMissing", "filter_graph", "resolve_focus", "map_payload",
           "build_map_html", "write_map", "save_map", "WrittenMap", "empty_note", "render_png", "require_chromium", "chromium_path", "script_json", "render_page"]
