"""Which names a map shows, and how large, so that the whole map reads at a glance.

Zoomed out, vis would draw every name too small to read and on top of the others. Instead:
names smaller than a few pixels on screen are not drawn (they appear as one zooms in), and
the NAMED_ON_OVERVIEW nodes that matter most (money first, then actors by their links) keep
a readable on-screen size at any zoom (the page grows their labels as one zooms out). The
layout makes room for those names at the zoom that shows the whole map.
"""
from __future__ import annotations

import numpy as np

from .positions import EXACT_LIMIT, box_array, remove_overlaps

NAMED_ON_OVERVIEW = 25
MIN_PX = 11  # names and amounts smaller than this on screen are not drawn (they appear on zooming in)
DRAW_THRESHOLD = MIN_PX + 1  # vis draws labels down to its threshold - 1 px, fading them below the threshold
NAMED_PX = 15.0  # on-screen size of the weightiest name on the overview; the last named is 12.5 px
MONEY_PX = 12.5  # on-screen size of amounts on money links at the overview
SMALL_MAP = 60  # up to this many nodes every name stays drawn at the overview zoom
OVERVIEW = (820, 700)  # px: a cautious guess at the map area of a laptop screen


def label_font(weight: float) -> float:
    """Font size (canvas pixels) of a name at 100 % zoom: 13 to 17 by weight."""
    return round(13 + 4 * weight, 1)


def box(label: str, size: float, font: float) -> tuple[float, float, float]:
    """Width, height and centre shift of what a node draws: its shape with the label underneath."""
    lines = label.split("\n")
    text_height = 1.25 * font * len(lines) + 4
    width = max(2 * size, 0.56 * font * max(len(line) for line in lines))
    return width, 2 * size + text_height, text_height / 2


def named_on_overview(weights: dict, tiers: dict) -> dict:
    """{node: on-screen label size} for the names kept readable on the whole map (all of a small map's).

    >>> named_on_overview({"a": 0.2, "b": 0.9, "c": 0.5}, {"a": 0, "b": 1, "c": 2})
    {'a': 15.0, 'b': 13.8, 'c': 12.5}
    """
    count = len(weights) if len(weights) <= SMALL_MAP else NAMED_ON_OVERVIEW
    ranked = sorted(weights, key=lambda n: (tiers[n], -weights[n], str(n)))[:count]
    low = DRAW_THRESHOLD + 0.5
    return {n: round(NAMED_PX - (NAMED_PX - low) * rank / max(count - 1, 1), 1) for rank, n in enumerate(ranked)}


def named_amounts(amounts: dict, nodes: int) -> set:
    """The money links whose amounts stay readable on the overview: all on a small map, else the largest.

    >>> sorted(named_amounts({"a": 5.0, "b": 9.0}, nodes=10))
    ['a', 'b']
    """
    if nodes <= SMALL_MAP:
        return set(amounts)
    return set(sorted(amounts, key=lambda k: (-amounts[k], str(k)))[:NAMED_ON_OVERVIEW // 2])


def overview_scale(positions: dict) -> float:
    """Roughly the zoom at which the whole map fits the screen."""
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
    width, height = max(xs) - min(xs) + 300, max(ys) - min(ys) + 200
    return min(1.0, OVERVIEW[0] / width, OVERVIEW[1] / height)


def make_room(positions: dict, labels: dict, sizes: dict, fonts: dict, named: dict) -> tuple[dict, float]:
    """Push nodes apart until the names drawn at the overview zoom do not overlap; return that zoom too."""
    if not positions:
        return positions, 1.0
    scale = overview_scale(positions)
    if len(positions) > EXACT_LIMIT:
        return positions, scale
    boxes = {n: box(labels[n], sizes[n], max(fonts[n], named.get(n, 0.0) / scale)) for n in positions}
    nodes = list(positions)
    moved = remove_overlaps(np.array([positions[n] for n in nodes], dtype=np.float64), box_array(boxes, nodes),
                            gap=12.0)
    placed = {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(nodes, moved)}
    return placed, overview_scale(placed)  # pushing apart widened the map: the zoom that shows it all is smaller
