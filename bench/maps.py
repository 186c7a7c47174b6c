"""A map of N nodes: time to write the HTML, and time until headless Chromium can interact with it.

Baseline: the same subgraph written as GraphML by networkx. "Interactive" is the time
from navigation until the page has fired `load`, any vis-network stabilisation has
ended, and the page answers a script call (the main thread is free for input).
Also reported: the largest map (doubling from N) still interactive within 5 s.
"""
from __future__ import annotations

import importlib.util
import time
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

from .figure import Context, Pending, Row, Skipped
from .timing import measure

GOAL_WRITE_S, GOAL_INTERACTIVE_S, LARGEST_WITHIN_S = 2.0, 3.0, 5.0
CHROMIUM = "/usr/bin/chromium"
LINKS_PER_NODE = 2
READY_JS = """() => new Promise(done => {
  const net = window.network;
  if (!net || !net.physics || !net.physics.options || !net.physics.options.enabled) return done('no-physics');
  let finished = false;
  const end = why => { if (!finished) { finished = true; done(why); } };
  net.once('stabilizationIterationsDone', () => end('stabilized'));
  net.once('stabilized', () => end('stabilized'));
  setTimeout(() => end('timeout'), 60000);
})"""


def map_writer():
    """graphkit's map writer, (graph, html path) -> None; Pending while graphkit.maps is unfinished."""
    if importlib.util.find_spec("graphkit.maps") is None:
        raise Pending("graphkit.maps does not exist yet (`graphkit map` is being written)")
    try:
        module = importlib.import_module("graphkit.maps")
        for name in ("write_map", "save_map"):
            fn = getattr(module, name, None)
            if callable(fn):
                return fn
        from graphkit.maps.build import map_payload
        from graphkit.maps.filters import MapOptions
        from graphkit.maps.page import render_page
    except Exception as exc:  # a module being written may not import yet
        raise Pending(f"graphkit.maps is not usable yet: {type(exc).__name__}: {exc}") from None

    def write(graph: nx.MultiDiGraph, html: Path) -> None:
        options = MapOptions(max_nodes=max(graph.number_of_nodes(), 1), max_edges=max(graph.number_of_edges(), 1))
        html.write_text(render_page(map_payload(graph, options)), encoding="utf-8")

    return write


def subgraph(store_path: Path, nodes: int) -> nx.MultiDiGraph:
    """The `nodes` best-linked actors and up to two links per node among them (the seed dataset has 1.5),
    shaped like analysis.store_graph's graph."""
    from graphkit.model.ontology import load_ontology
    from graphkit.stores import LadybugStore

    source_label = load_ontology().source_label
    store = LadybugStore(store_path, read_only=True)
    try:
        ids = [r[0] for r in store.query("MATCH (a)-[r]-() WITH a, count(r) AS d ORDER BY d DESC, a.id "
                                         "LIMIT $n RETURN a.id", {"n": nodes}).rows]
        found = store.query("MATCH (a) WHERE a.id IN $ids RETURN a", {"ids": ids}).rows
        links = store.query("MATCH (a)-[r]->(b) WHERE a.id IN $ids AND b.id IN $ids RETURN a.id, b.id, r "
                            "ORDER BY r.rid LIMIT $m", {"ids": ids, "m": LINKS_PER_NODE * nodes}).rows
        cited = sorted({s for (p,) in found for s in p.get("source_ids") or []}
                       | {s for *_, p in links for s in p.get("source_ids") or []})
        sources = store.query(f"MATCH (s:{source_label}) WHERE s.id IN $ids RETURN s", {"ids": cited}).rows
    finally:
        store.close()
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((p["id"], p) for (p,) in found)
    graph.add_edges_from((a, b, p.get("rid"), p) for a, b, p in links)
    graph.graph["sources"] = {p["id"]: p for (p,) in sources}
    return graph


def flat_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same nodes, links and attributes with lists joined to text: what GraphML can hold."""
    def flat(props: dict) -> dict:
        return {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in props.items() if v is not None}

    out = nx.MultiDiGraph()
    out.add_nodes_from((n, flat(p)) for n, p in graph.nodes(data=True))
    out.add_edges_from((a, b, k, flat(p)) for a, b, k, p in graph.edges(keys=True, data=True))
    return out


READY_HOW: list[str] = []  # how each page became ready: stabilized, no-physics or timeout


@contextmanager
def chromium():
    """One headless Chromium for the group's timings (its start is no part of any figure)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise Skipped(f"playwright is not installed: {exc}") from None
    if not Path(CHROMIUM).exists():
        raise Skipped(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--disable-background-networking"])
        try:
            yield browser
        finally:
            browser.close()


def time_to_interactive(browser, html: Path, timeout_s: float = 60, shot: Path | None = None) -> float:
    """Seconds from navigation until the map is stable and the page answers (a new page each time)."""
    page = browser.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(html.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
        how = page.evaluate(READY_JS)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
        seconds = time.perf_counter() - t0
        if shot:
            page.screenshot(path=str(shot))
        READY_HOW.append(how)
        return seconds
    finally:
        page.close()


def largest_interactive(browser, store: Path, nodes: int, shown: int, write, work: Path) -> tuple[int, str]:
    """The largest map (doubling from `nodes`, of which the first map showed `shown`) interactive within
    LARGEST_WITHIN_S, and why it stopped there. A first map short of `nodes` already holds every linked actor."""
    largest = nodes
    if shown < nodes:
        return largest, "the store has no more actors"
    while True:
        bigger = subgraph(store, largest * 2)
        if bigger.number_of_nodes() <= largest:
            return largest, "the store has no more actors"
        try:
            write(bigger, work / "big.html")
            seconds = time_to_interactive(browser, work / "big.html")
        except Exception as exc:  # e.g. the map's own size limit
            return largest, f"{largest * 2:,} nodes: {str(exc)[:90]}"
        if seconds > LARGEST_WITHIN_S:
            return largest, f"{largest * 2:,} nodes took {seconds:.1f} s"
        largest *= 2


def median_interactive(browser, html: Path, repeat: int, shot: Path) -> float:
    """Median seconds to interactive over `repeat` views of the page; the last view is kept as a screenshot
    (one picture of the same page is enough, and each takes about half a second)."""
    views = iter(range(max(1, repeat) - 1, -1, -1))  # views left after this one
    return measure(lambda: time_to_interactive(browser, html, shot=None if next(views) else shot), repeat).wall_s


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(ctx: Context) -> list[Row]:
    write = map_writer()
    nodes = ctx.options.get("map_nodes", 2000)
    graph = subgraph(ctx.loaded_store(), nodes)
    work = ctx.work_dir("maps")
    flat = flat_copy(graph)
    graphml = measure(lambda: nx.write_graphml(flat, work / "map.graphml"), ctx.repeat)
    html = work / "map.html"
    written = measure(lambda: write(graph, html), ctx.repeat)
    with chromium() as browser:
        interactive = median_interactive(browser, html, ctx.repeat, work / "map.png")
        largest, stop = largest_interactive(browser, ctx.loaded_store(), nodes, graph.number_of_nodes(), write, work)
    how = sorted(set(READY_HOW))
    n = graph.number_of_nodes()
    return [
        Row(f"GraphML of {n:,} nodes", graphml.wall_s, "s", detail=graphml.as_json()),
        Row(f"map HTML of {n:,} nodes written", written.wall_s, "s", "GraphML", graphml.wall_s,
            written.wall_s / graphml.wall_s, f"< {GOAL_WRITE_S:g} s", written.wall_s < GOAL_WRITE_S),
        Row("map interactive in headless Chromium", interactive, "s", goal=f"< {GOAL_INTERACTIVE_S:g} s",
            met=interactive < GOAL_INTERACTIVE_S, note=f"ready by: {', '.join(how)}; screenshot {_shown(work / 'map.png')}"),
        Row(f"largest map interactive within {LARGEST_WITHIN_S:g} s", largest, "nodes",
            note=f"doubling from {nodes:,}; stopped at {stop}"),
    ]
