"""The demo: the seed dataset loaded into a fresh embedded store, with its briefing and map written out."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .analysis import store_graph
from .briefing import BriefingOptions, write_briefing
from .dataset import read_dataset
from .maps import MapOptions, write_map
from .resources import default_dataset_dir
from .stores import LadybugStore

DEMO_TITLE = "Total Place (2009–10): who advised, supplied and profited"


@dataclass
class DemoResult:
    folder: Path
    briefing: Path
    map: Path
    store: Path
    dataset: list[Path]
    nodes: int
    edges: int


def run_demo(out: str | Path = "graphkit-demo", dataset: list[str | Path] | None = None,
             title: str = DEMO_TITLE) -> DemoResult:
    """Load `dataset` (default: the seed dataset) into `<out>/graph.lbug` from scratch; write brief.html and map.html.

    Always the embedded store: the demo never touches a Neo4j database.
    """
    folder = Path(out)
    paths = [Path(p) for p in dataset] if dataset else [default_dataset_dir()]
    data = read_dataset(paths)  # raises InvalidDataset, listing every problem, before anything is written
    folder.mkdir(parents=True, exist_ok=True)
    store_path = folder / "graph.lbug"
    store = LadybugStore(store_path)
    try:
        store.load(data, reset=True)
        graph = store_graph(store)
    finally:
        store.close()
    map_path = write_map(graph, folder / "map.html", MapOptions(title=title))
    brief_path = write_briefing(graph, folder / "brief.html", BriefingOptions(title=title))
    return DemoResult(folder=folder, briefing=brief_path, map=map_path, store=store_path, dataset=paths,
                      nodes=graph.number_of_nodes(), edges=graph.number_of_edges())
