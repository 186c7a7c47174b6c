"""Map positions: a component laid out once in a process is reused, with exactly the positions it had."""
from __future__ import annotations

import networkx as nx

from graphkit.maps import positions


def test_a_component_laid_out_again_is_reused_unchanged(monkeypatch):
    graph = nx.karate_club_graph()
    boxes = {n: (40.0 + n, 20.0, 6.0) for n in graph}
    monkeypatch.setattr(positions, "_BLOCKS", {})
    first = positions.layout_positions(graph, seed=3, boxes=boxes)
    calls = []
    real = positions.force_layout
    monkeypatch.setattr(positions, "force_layout", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = positions.layout_positions(nx.Graph(graph), seed=3, boxes=boxes)
    assert again == first and calls == []
    moved = positions.layout_positions(graph, seed=3, boxes={**boxes, 0: (90.0, 20.0, 6.0)})  # a wider label
    assert len(calls) == 1 and sorted(moved) == sorted(first)  # other boxes: laid out anew
    monkeypatch.setattr(positions, "_BLOCKS", {})
    assert positions.layout_positions(graph, seed=3, boxes=boxes) == first  # computed afresh: the same
