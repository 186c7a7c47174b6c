"""Export the store as GEXF or GraphML for Gephi, yEd or networkx (networkx's writers).

Nodes are entities, edges relationships (edge id = the relationship's `rid`). Every
property is kept: lists become text joined with "; ", missing values are left out
(neither format has null or list values). `label` is the display name (Gephi shows
it); the ontology label is `entity_label`; an edge's `label` is its relationship type.
Each node and edge also carries `source_urls`, the URLs of the sources it cites.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from ..dataset import Dataset
from .report import ExportReport
from ..files import write_text_atomic

FORMATS = ("gexf", "graphml")
SEPARATOR = "; "


def dataset_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Entities and relationships of `ds` as a MultiDiGraph with writer-safe attributes."""
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


def export_graph(ds: Dataset, target: str | Path, fmt: str) -> ExportReport:
    """Write `ds` as `fmt` (gexf or graphml) to the file `target` (or `target/graph.<fmt>`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}")
    path = Path(target)
    if path.is_dir() or not path.suffix:
        path = path / f"graph.{fmt}"
    graph = dataset_graph(ds)
    lines = nx.generate_gexf(graph) if fmt == "gexf" else nx.generate_graphml(graph)
    write_text_atomic(path, "\n".join(lines) + "\n")
    report = ExportReport(fmt, str(path), files=[str(path)])
    report.written.update({"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()})
    return report


def export_gexf(ds: Dataset, target: str | Path) -> ExportReport:
    return export_graph(ds, target, "gexf")


def export_graphml(ds: Dataset, target: str | Path) -> ExportReport:
    return export_graph(ds, target, "graphml")
