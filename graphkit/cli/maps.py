"""Campaigner maps, the briefing and the demo: thin commands over library functions."""
from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import Neo4jOpt, StoreOpt, app, command, graph_from_options as _graph  # noqa: F401 - commands register on the shared app
from .output import console, err_console

OpenOpt = Annotated[bool, typer.Option("--open", help="Open the result in a web browser.")]
PngOpt = Annotated[Optional[Path], typer.Option("--png", help="Also save a PNG picture (needs headless Chromium).")]
TitleOpt = Annotated[Optional[str], typer.Option("--title", help="Title shown at the top.")]
MaxNodesOpt = Annotated[int, typer.Option("--max-nodes", help="Refuse to draw more nodes than this.")]
ListOpt = Optional[list[str]]
StoryOpt = Annotated[Optional[Path], typer.Option("--story", help="A story file (YAML steps) to walk through beside the map.")]


def _names(values: list[str] | None) -> tuple[str, ...]:
    """Repeated options and comma-separated lists alike: --kinds a,b --kinds c."""
    return tuple(v.strip() for value in values or [] for v in value.split(",") if v.strip())


def _check_png(png: Path | None) -> None:
    if png:
        from ..maps import require_chromium

        require_chromium()  # fail before the work, not after it


def _done(what: str, path: Path, open_: bool, png: Path | None = None) -> None:
    console.print(f"{what}: {path}", markup=False, highlight=False, soft_wrap=True)
    if png:
        from ..maps import render_png

        console.print(f"picture: {render_png(path, png)}", markup=False, highlight=False, soft_wrap=True)
    if open_:
        webbrowser.open(path.resolve().as_uri())


@command(name="map")
def map_cmd(output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("map.html"),
            focus: Annotated[Optional[str], typer.Option(help="Centre on one actor (id, name or alias).")] = None,
            hops: Annotated[int, typer.Option(help="With --focus: how many links out to show.")] = 2,
            kinds: Annotated[ListOpt, typer.Option("--kinds", help="Only these kinds or labels (comma-separated).")] = None,
            types: Annotated[ListOpt, typer.Option("--types", help="Only these relationship types (comma-separated).")] = None,
            min_amount: Annotated[Optional[float], typer.Option(help="Only money of at least this many £, and who it links.")] = None,
            since: Annotated[Optional[str], typer.Option(help="Leave out what ended before this date (undated items stay).")] = None,
            until: Annotated[Optional[str], typer.Option(help="Leave out what began after this date (undated items stay).")] = None,
            evidence: Annotated[ListOpt, typer.Option(help="Only these evidence levels, e.g. documented,reported.")] = None,
            title: TitleOpt = None, open_: OpenOpt = False, png: PngOpt = None, max_nodes: MaxNodesOpt = 5000,
            store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Write an interactive map as one offline HTML file: click anything for its sources."""
    from ..maps import MapOptions, save_map

    options = MapOptions(focus=focus, hops=hops, kinds=_names(kinds), types=_names(types), min_amount=min_amount,
                         since=since, until=until, evidence=_names(evidence), max_nodes=max_nodes)
    if title:
        options.title = title
    _check_png(png)
    written = save_map(_graph(store, neo4j), output, options)
    if written.empty:
        err_console.print(f"warning: {written.empty}", markup=False, highlight=False, soft_wrap=True)
    _done("map", written.path, open_, png)


@command(name="brief")
def brief_cmd(output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("brief.html"),
              title: TitleOpt = None,
              top: Annotated[int, typer.Option(help="How many brokers to list.")] = 15,
              story: StoryOpt = None,
              max_nodes: MaxNodesOpt = 5000, open_: OpenOpt = False, png: PngOpt = None,
              store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Write the campaigners' briefing: who profited, who advised, the map, a timeline and every source, offline."""
    from ..maps.briefing import BriefingOptions, write_briefing

    options = BriefingOptions(top=top, story=story)
    options.map.max_nodes = max_nodes
    if title:
        options.title = title
    _check_png(png)
    _done("briefing", write_briefing(_graph(store, neo4j), output, options), open_, png)


@command(name="demo")
def demo_cmd(out: Annotated[Path, typer.Option("--out", help="Folder for the briefing and the map.")] = Path("graphkit-demo"),
             dataset: Annotated[Optional[list[Path]], typer.Option("--dataset", "-d", help="Dataset folder or file (default: the seed dataset).")] = None,
             story: StoryOpt = None, open_: OpenOpt = False, store: StoreOpt = None):
    """Load the seed dataset into the active embedded store and write the briefing (with the seed story) and the map."""
    from ..demo import run_demo

    result = run_demo(out, dataset=dataset, story=story, store=store)
    console.print(f"loaded {result.nodes:,} nodes and {result.edges:,} links from {', '.join(map(str, result.dataset))} "
                  f"into {result.store}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"map: {result.map}", markup=False, highlight=False, soft_wrap=True)
    if result.story:
        console.print(f"story: {result.story}", markup=False, highlight=False, soft_wrap=True)
    _done("briefing", result.briefing, open_)
