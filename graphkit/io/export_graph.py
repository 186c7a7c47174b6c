"""Export the store as GEXF or GraphML for Gephi, yEd or networkx (networkx's writers).

Nodes are entities, edges relationships (edge id = the relationship's `rid`). Every
property is kept: lists become text joined with "; ", missing values are left out
(neither format has null or list values). `label` is the display name (Gephi shows
it); the ontology label is `entity_label`; an edge's `label` is its relationship type.
Each node and edge also carries `source_urls`, the URLs of the sources it cites.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..dataset import Dataset
from .report import ExportReport
from .targets import prepare_file, write_export_file

if TYPE_CHECKING:  # networkx only when a graph is exported: every import command loads this module
    import networkx as nx

FORMATS = ("gexf", "graphml")
SEPARATOR = "; "
GRAPH_NAME = "graphkit"


def dataset_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Entities and relationships of `ds` as a MultiDiGraph with writer-safe attributes."""
    import networkx as nx

    urls = {row["id"]: row.get("url") for row in ds.sources.select(["id", "url"]).to_pylist()}
    graph = nx.MultiDiGraph()
    for row in ds.entities.to_pylist():
        attrs = _plain(row, urls)
        attrs["entity_label"] = row["label"]
        attrs["label"] = row["name"]
        graph.add_node(row["id"], **attrs)
    for row in ds.relationships.to_pylist():
        attrs = _plain(row, urls)
        for end in ("source", "target", "type"):
            attrs.pop(end, None)
        attrs["label"] = row["type"]
        attrs["id"] = row["rid"]
        graph.add_edge(row["source"], row["target"], key=row["rid"], **attrs)
    return graph


def _plain(row: dict, urls: dict[str, str | None]) -> dict:
    out = {}
    for key, value in row.items():
        if key.startswith("_") or value is None or value == []:
            continue
        if isinstance(value, list):
            value = SEPARATOR.join(str(v) for v in value)
        elif isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, int):
            value = float(value)
        out[key] = value
    cited = [urls.get(s) for s in row.get("source_ids") or []]
    if any(cited):
        out["source_urls"] = SEPARATOR.join(dict.fromkeys(u for u in cited if u))
    return out


def export_graph(ds: Dataset, target: str | Path, fmt: str, **guard) -> ExportReport:
    """Write `ds` as `fmt` (gexf or graphml) to the file `target` (or `target/graph.<fmt>`).

    `guard` (store, datasets, force) says what the file may not overwrite (graphkit/io/targets.py).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}")
    path = prepare_file(target, f"graph.{fmt}", **guard)
    graph = dataset_graph(ds)
    import networkx as nx

    lines = gexf_lines(graph) if fmt == "gexf" else nx.generate_graphml(graph)
    write_export_file(path, "\n".join(lines) + "\n")
    report = ExportReport(fmt, str(path), files=[str(path)])
    report.written.update({"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()})
    return report


def gexf_lines(graph: nx.MultiDiGraph):
    """GEXF 1.2draft as its schema wants it: a named graph, no networkx-internal edge key."""
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    plain = _edges_with_ids()(graph)
    plain.graph["name"] = GRAPH_NAME
    writer.add_graph(plain)
    yield from str(writer).splitlines()


def _edges_with_ids() -> type:
    """A MultiDiGraph whose parallel edges carry their own `id`: written as plain edges (no `networkx_key`)."""
    import networkx as nx

    class EdgesWithIds(nx.MultiDiGraph):
        def is_multigraph(self) -> bool:
            return False

    return EdgesWithIds


def export_gexf(ds: Dataset, target: str | Path, **guard) -> ExportReport:
    return export_graph(ds, target, "gexf", **guard)


def export_graphml(ds: Dataset, target: str | Path, **guard) -> ExportReport:
    return export_graph(ds, target, "graphml", **guard)
