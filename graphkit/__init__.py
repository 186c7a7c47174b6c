"""graphkit: map who advises, supplies and profits, with every claim tied to its source.

The library face: what the command line does, a notebook does with these functions
(each `graphkit` command is a thin wrapper over one of them). Dataset files in, a
validated dataset, a store that holds exactly the files, queries, analyses and pages out:

>>> import graphkit
>>> graphkit.read_dataset([tiny_dataset]).counts()
{'sources': 3, 'entities': 11, 'relationships': 14}
>>> store = graphkit.open_store(tmp / "graph.lbug")          # the embedded store (Neo4j with NEO4J_URI)
>>> graphkit.load([tiny_dataset], store).totals()["created"]
28
>>> result = graphkit.run_query(store, "who-profits")        # a named query (`graphkit queries`)
>>> [(row["supplier"], row["total_gbp"]) for row in result.records()]
[('Tribal', 278000.0)]
>>> g = graphkit.graph(store)                                # a networkx graph for analysis and pages
>>> [step.type for step in graphkit.paths(g, "Tribal Group plc", "DCLG")[0].steps]
['ADVISES']
>>> graphkit.write_map(g, tmp / "map.html").name, graphkit.write_briefing(g, tmp / "brief.html").name
('map.html', 'brief.html')
>>> store.close()

User errors are `GraphkitError`s, one line each; invalid files raise `InvalidDataset`,
which lists every `Problem` with file, line and field:

>>> _ = (tiny_dataset / "bad.yaml").write_text("entities:\\n  - {id: x, label: Nope, name: X}\\n")
>>> try:
...     graphkit.read_dataset([tiny_dataset])
... except graphkit.InvalidDataset as error:
...     print(error.problems[0].field, "|", error.problems[0].message)  # doctest: +ELLIPSIS
label | 'Nope' is not a known label (Organisation, Person, ...)
"""
from __future__ import annotations

from importlib import import_module

# name -> module that defines it: imported on first use, so `graphkit --help` starts as fast as before
_FACE = {
    "read_dataset": "graphkit.dataset", "validate": "graphkit.dataset", "Dataset": "graphkit.dataset",
    "load": "graphkit.stores.loading", "load_dataset": "graphkit.stores.loading",
    "open_store": "graphkit.stores", "Store": "graphkit.stores", "LoadReport": "graphkit.stores",
    "run_query": "graphkit.query.named", "named_queries": "graphkit.query.named", "show_actor": "graphkit.query.actors",
    "graph": "graphkit.analysis", "money_totals": "graphkit.analysis", "brokers": "graphkit.analysis",
    "paths": "graphkit.analysis", "ego": "graphkit.analysis", "communities": "graphkit.analysis",
    "write_map": "graphkit.maps", "MapOptions": "graphkit.maps",
    "write_briefing": "graphkit.maps.briefing", "BriefingOptions": "graphkit.maps.briefing",
    "add_entity": "graphkit.dataset.findings", "add_relation": "graphkit.dataset.findings",
    "add_contract": "graphkit.dataset.findings", "add_source": "graphkit.dataset.findings",
    "Reference": "graphkit.dataset.findings",
    "dedupe_candidates": "graphkit.resolve.candidates",
    "GraphkitError": "graphkit.errors", "InvalidDataset": "graphkit.errors", "Problem": "graphkit.errors",
}
_RENAMED = {"run_query": "run_named", "graph": "store_graph"}  # the face's name -> the name in its module

__all__ = sorted(_FACE)


def __getattr__(name: str):
    if name not in _FACE:
        raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
    value = getattr(import_module(_FACE[name]), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
