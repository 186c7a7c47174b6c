"""The demo: the seed dataset loaded into the active embedded store, with its briefing and map written out.

The store it leaves loaded is the one every other command reads (`.graphkit/graph.lbug`, or
GRAPHKIT_STORE), so `graphkit run`, `show` and `query` work straight after it.

The pages are kept beside the store (`pages/`), keyed by everything that decides them: the
digest of the files the store holds, graphkit's code and page assets, the versions of the
libraries that draw them, the title, the story's bytes and today's date (the pages say when
they were made). A demo of unchanged data writes the kept pages, byte for byte what a fresh
build writes, without building the graph again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import config
from .dataset import read_dataset
from .files import check_output, write_text_atomic
from .resources import default_dataset_dir
from .stores import LadybugStore, default_store_path, last_load

DEMO_TITLE = "Total Place (2009–10): who advised, supplied and profited"
SEED_STORY = "story.yaml"  # the seed dataset's walkthrough, beside its files
PAGES_FOLDER, PAGES_KEPT = "pages", 4  # beside the store; the oldest sets of pages go first
PAGE_LIBRARIES = ("networkx", "pyvis", "ladybug")


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
    with config.store_given(Path(store) if store else None):  # the parse cache beside that store
        data = read_dataset(paths)  # raises InvalidDataset, listing every problem, before anything is written
    folder.mkdir(parents=True, exist_ok=True)
    store_path = Path(store) if store else default_store_path()
    kept_at = store_path.parent / PAGES_FOLDER
    unchanged = last_load.recall(store_path, data.digest) is not None  # the store holds these files, untouched
    key = page_key(data.digest, title, story) if data.digest else None
    found = kept(kept_at, key) if unchanged and key else None
    target = LadybugStore(store_path, set_aside_damaged=True)
    try:
        target.load(data, reset=not unchanged and target.outdated is not None)
        if found is None:
            pages, counts = _build_pages(target, title, story)
    finally:
        target.close()
    if found is not None:
        pages, counts = found
    else:
        if key:
            keep(kept_at, key, pages, counts)
    for name, text in pages.items():
        write_text_atomic(check_output(folder / name, ".html"), text)  # a reader never sees half a page
    return DemoResult(folder=folder, briefing=folder / "brief.html", map=folder / "map.html", store=store_path,
                      dataset=paths, nodes=counts["nodes"], edges=counts["edges"], story=story)


def _build_pages(store: LadybugStore, title: str, story: Path | None) -> tuple[dict[str, str], dict]:
    """The map and the briefing of the store's graph, as page texts, and the graph's size."""
    from .analysis import store_graph
    from .maps import MapOptions, build_map_html
    from .maps.briefing import BriefingOptions, build_briefing_html
    from .maps.story import read_story

    graph = store_graph(store)
    if story is not None:
        read_story(story, graph)  # a story naming an unknown actor stops the demo before any page is written
    pages = {"map.html": build_map_html(graph, MapOptions(title=title)),
             "brief.html": build_briefing_html(graph, BriefingOptions(title=title, story=story))}
    return pages, {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def page_key(dataset_digest: str, title: str, story: Path | None) -> str:
    """What decides the demo's pages, as one digest (see the module's docstring)."""
    digest = hashlib.sha256(f"{dataset_digest}\0{title}\0{date.today().isoformat()}\0{code_digest()}\0{story}".encode())
    digest.update(story.read_bytes() if story is not None else b"\0no story")
    return digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """graphkit's code and shipped files, and the versions of the libraries that draw the pages."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".css", ".js", ".yaml", ".html", ".cypher", ".json") and path.is_file():
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    for name in PAGE_LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()


def kept(folder: Path, key: str) -> tuple[dict[str, str], dict] | None:
    """(the pages by file name, the graph's size) kept under `key`, or None.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> keep(folder, "k", {"map.html": "<p>map</p>"}, {"nodes": 2, "edges": 1})
    >>> kept(folder, "k"), kept(folder, "other")
    (({'map.html': '<p>map</p>'}, {'nodes': 2, 'edges': 1}), None)
    """
    entry = folder / key
    try:
        facts = json.loads((entry / "facts.json").read_text(encoding="utf-8"))
        return {name: (entry / name).read_text(encoding="utf-8") for name in facts["pages"]}, facts["counts"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def keep(folder: Path, key: str, pages: dict[str, str], counts: dict) -> None:
    """Keep `pages` (file name → text) and `counts` under `key`, in a folder renamed into place when complete."""
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name, text in pages.items():
            (tmp / name).write_text(text, encoding="utf-8")
        (tmp / "facts.json").write_text(json.dumps({"pages": list(pages), "counts": counts}), encoding="utf-8")
        shutil.rmtree(folder / key, ignore_errors=True)
        os.replace(tmp, folder / key)
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for old in entries[:-PAGES_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
