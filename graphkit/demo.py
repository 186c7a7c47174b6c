"""The demo: the seed dataset loaded into the active embedded store, with its briefing and map written out.

The store it leaves loaded is the one every other command reads (`.graphkit/graph.lbug`, or
GRAPHKIT_STORE), so `graphkit run`, `show` and `query` work straight after it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .analysis import store_graph
from .maps.briefing import BriefingOptions, write_briefing
from .dataset import read_dataset
from .maps import MapOptions, write_map
from .maps.story import read_story
from .resources import default_dataset_dir
from .stores import LadybugStore, default_store_path

DEMO_TITLE = "Total Place (2009–10): who advised, supplied and profited"
SEED_STORY = "story.yaml"  # the seed dataset's walkthrough, beside its files


@dataclass
class DemoResult:
    folder: Path
    briefing: Path
    map: Path
    store: Path
    dataset: list[Path]
    nodes: int
    edges: int
    story: Path | None = None


def seed_story(dataset_dir: Path) -> Path | None:
    """The first story.yaml in the dataset folder or the folders under it, if any."""
    found = sorted(dataset_dir.rglob(SEED_STORY)) if dataset_dir.is_dir() else []
    return found[0] if found else None


def run_demo(out: str | Path = "graphkit-demo", dataset: list[str | Path] | None = None,
             title: str = DEMO_TITLE, story: str | Path | None = None, store: str | Path | None = None) -> DemoResult:
    """Load `dataset` (default: the seed dataset) into the embedded store at `store` (default: the active one),
    so that it holds exactly the dataset; write brief.html and map.html into `out`.

    The briefing walks through `story`, by default the seed dataset's story.yaml (none for another dataset).
    Always the embedded store: the demo never touches a Neo4j database. An unreadable store file is set aside
    and rebuilt; one built by another graphkit version is rebuilt.
    """
    folder = Path(out)
    paths = [Path(p) for p in dataset] if dataset else [default_dataset_dir()]
    story = Path(story) if story else (None if dataset else seed_story(paths[0]))
    data = read_dataset(paths)  # raises InvalidDataset, listing every problem, before anything is written
    folder.mkdir(parents=True, exist_ok=True)
    store_path = Path(store) if store else default_store_path()
    target = LadybugStore(store_path, set_aside_damaged=True)
    try:
        target.load(data, reset=target.outdated is not None)
        graph = store_graph(target)
    finally:
        target.close()
    if story is not None:
        read_story(story, graph)  # a story naming an unknown actor stops the demo before any page is written
    map_path = write_map(graph, folder / "map.html", MapOptions(title=title))
    brief_path = write_briefing(graph, folder / "brief.html", BriefingOptions(title=title, story=story))
    return DemoResult(folder=folder, briefing=brief_path, map=map_path, store=store_path, dataset=paths,
                      nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), story=story)
