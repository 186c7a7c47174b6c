"""Node positions computed once in Python, so the browser draws a still map with physics off.

A force-directed layout (Fruchterman-Reingold) per connected component, with a fixed seed:
the same graph gives the same map. Above EXACT_LIMIT nodes each step measures
repulsion against a random sample of nodes, which keeps a 5,000-node layout to a few
seconds without SciPy. Components are packed in rows, largest first; lone nodes form a grid.
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np

EXACT_LIMIT = 600
SAMPLE = 300
CHUNK = 512


def layout_positions(graph: nx.Graph, seed: int = 7, spacing: float | None = None, boxes: dict | None = None) -> dict:
    """Pixel positions {node: (x, y)} for every node, deterministic for a given seed.

    `boxes` gives each node's drawn (width, height) with its label; up to EXACT_LIMIT nodes
    per component, nodes are then pushed apart until their boxes no longer overlap.

    >>> pos = layout_positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2] and pos == layout_positions(nx.path_graph(3))
    True
    """
    simple = nx.Graph(graph.to_undirected(as_view=True)) if graph.is_directed() else nx.Graph(graph)
    if not len(simple):
        return {}
    if spacing is None:
        spacing = 240.0 if len(simple) <= 60 else 110.0 if len(simple) <= 300 else 90.0
    parts = sorted((sorted(c, key=str) for c in nx.connected_components(simple)), key=lambda c: (-len(c), str(c[0])))
    linked = [c for c in parts if len(c) > 1]
    lone = [c[0] for c in parts if len(c) == 1]
    blocks = [_component_block(simple, nodes, seed, spacing, boxes or {}) for nodes in linked]
    if lone:
        blocks.append(_grid_block(lone, spacing))
    return _pack(blocks, spacing)


def _component_block(simple: nx.Graph, nodes: list, seed: int, spacing: float, boxes: dict) -> tuple[list, np.ndarray]:
    index = {n: i for i, n in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in simple.subgraph(nodes).edges() if a != b], dtype=np.int64)
    drawn = box_array(boxes, nodes, spacing) if boxes and len(nodes) <= EXACT_LIMIT else None
    key = (tuple(nodes), pairs.tobytes(), seed, spacing, None if drawn is None else drawn.tobytes())
    if key not in _BLOCKS:  # the same component laid out again (a page's map and the map beside it): reused
        pos = _scale(_widen(force_layout(len(nodes), pairs.reshape(-1, 2), seed)), spacing * math.sqrt(len(nodes)))
        if drawn is not None:
            pos = remove_overlaps(pos, drawn, gap=12.0)
        if len(_BLOCKS) >= KEEP_BLOCKS:
            _BLOCKS.pop(next(iter(_BLOCKS)))
        _BLOCKS[key] = pos
    return nodes, _BLOCKS[key].copy()


KEEP_BLOCKS = 64  # component layouts kept in this process: everything that decides one is in its key
_BLOCKS: dict[tuple, np.ndarray] = {}


def box_array(boxes: dict, nodes: list, spacing: float = 100.0) -> np.ndarray:
    """Rows of (width, height, downward shift of the box's centre) for `nodes`."""
    rows = [tuple(boxes.get(n, (spacing / 2, spacing / 3))) for n in nodes]
    return np.array([(*row, 0.0)[:3] for row in rows], dtype=np.float64)


def remove_overlaps(pos: np.ndarray, boxes: np.ndarray, rounds: int = 100, gap: float = 12.0) -> np.ndarray:
    """Push apart nodes whose boxes overlap, one pair at a time, along the cheaper axis.

    `boxes` rows are (width, height) or (width, height, dy): a box centred dy below its node,
    as a label drawn under a shape is. Sideways moves count as cheaper (screens are wide).
    """
    shift = np.zeros_like(pos)
    if boxes.shape[1] > 2:
        shift[:, 1] = boxes[:, 2]
    pos = pos + shift
    half = boxes[:, :2] / 2 + gap / 2
    upper = np.triu(np.ones((len(pos), len(pos)), dtype=bool), 1)
    for _ in range(rounds):
        dx = np.abs(pos[:, 0, None] - pos[None, :, 0])
        dy = np.abs(pos[:, 1, None] - pos[None, :, 1])
        hit = (dx < half[:, 0, None] + half[None, :, 0]) & (dy < half[:, 1, None] + half[None, :, 1]) & upper
        if not hit.any():
            break
        for i, j in zip(*np.nonzero(hit)):
            _separate(pos, half, i, j)
        # Crowds can trade overlaps back and forth forever; spreading everything a little ends that.
        centre = pos.mean(axis=0)
        pos = centre + (pos - centre) * 1.01
    return pos - shift


def _separate(pos: np.ndarray, half: np.ndarray, i: int, j: int) -> None:
    (xi, yi), (xj, yj) = pos[i], pos[j]
    ox = half[i, 0] + half[j, 0] - abs(xi - xj)
    oy = half[i, 1] + half[j, 1] - abs(yi - yj)
    if ox <= 0 or oy <= 0:
        return  # an earlier move in this round already parted them
    if ox <= 1.5 * oy:
        step = (ox / 2 + 0.5) * (1.0 if xi >= xj else -1.0)
        pos[i, 0] += step
        pos[j, 0] -= step
    else:
        step = (oy / 2 + 0.5) * (1.0 if yi >= yj else -1.0)
        pos[i, 1] += step
        pos[j, 1] -= step


def _widen(pos: np.ndarray) -> np.ndarray:
    """Turn a layout so its longest axis runs left to right, as screens are wider than tall."""
    centred = pos - pos.mean(axis=0)
    if len(pos) < 3:
        return centred
    _, vectors = np.linalg.eigh(np.cov(centred.T))
    turned = centred @ vectors[:, ::-1]
    return turned * np.where(turned[np.abs(turned[:, 0]).argmax(), 0] < 0, -1.0, 1.0)


def _grid_block(nodes: list, spacing: float) -> tuple[list, np.ndarray]:
    cols = max(1, math.ceil(math.sqrt(len(nodes))))
    pos = np.array([(i % cols, i // cols) for i in range(len(nodes))], dtype=np.float64) * spacing
    return nodes, pos


def _scale(pos: np.ndarray, size: float) -> np.ndarray:
    pos = pos - pos.mean(axis=0)
    extent = np.abs(pos).max() or 1.0
    return pos * (size / 2 / extent)


def _pack(blocks: list[tuple[list, np.ndarray]], spacing: float) -> dict:
    """Place blocks left to right in rows about as wide as the whole is tall."""
    area = sum((np.ptp(p[:, 0]) + spacing) * (np.ptp(p[:, 1]) + spacing) for _, p in blocks)
    row_width = max(math.sqrt(area) * 1.3, max(np.ptp(p[:, 0]) + spacing for _, p in blocks))
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for nodes, pos in blocks:
        width, height = np.ptp(pos[:, 0]) + spacing, np.ptp(pos[:, 1]) + spacing
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        shifted = pos - pos.min(axis=0) + (x, y)
        positions.update({n: (round(float(px), 1), round(float(py), 1)) for n, (px, py) in zip(nodes, shifted)})
        x, row_height = x + width, max(row_height, height)
    return positions


def force_layout(n: int, pairs: np.ndarray, seed: int = 7, iterations: int | None = None) -> np.ndarray:
    """Fruchterman-Reingold positions in the unit square for n nodes linked by index pairs."""
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    if n <= 2:
        return pos
    iterations = iterations or (150 if n <= 300 else 80)
    k = math.sqrt(1.0 / n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        shift = _repulsion(pos, k, rng) + _attraction(pos, pairs, k)
        length = np.maximum(np.linalg.norm(shift, axis=1), 1e-9)
        pos += shift * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return pos


def _repulsion(pos: np.ndarray, k: float, rng: np.random.Generator) -> np.ndarray:
    n = len(pos)
    if n <= EXACT_LIMIT:
        others, weight = pos, 1.0
    else:
        others, weight = pos[rng.choice(n, SAMPLE, replace=False)], n / SAMPLE
    ox, oy = others[:, 0], others[:, 1]
    force = np.empty_like(pos)
    for start in range(0, n, CHUNK):
        dx = pos[start:start + CHUNK, 0, None] - ox
        dy = pos[start:start + CHUNK, 1, None] - oy
        w = (k * k) / np.maximum(dx * dx + dy * dy, 1e-6)
        force[start:start + CHUNK, 0] = (dx * w).sum(axis=1)
        force[start:start + CHUNK, 1] = (dy * w).sum(axis=1)
    return force * weight


def _attraction(pos: np.ndarray, pairs: np.ndarray, k: float) -> np.ndarray:
    force = np.zeros_like(pos)
    if not len(pairs):
        return force
    delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
    pull = delta * (np.linalg.norm(delta, axis=1) / k)[:, None]
    np.subtract.at(force, pairs[:, 0], pull)
    np.add.at(force, pairs[:, 1], pull)
    return force
