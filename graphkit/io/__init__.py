"""Import and export: one module per format, over two small interfaces.

An importer is `import_<format>(paths, into=None, *, dataset=None, store=None,
dry_run=False, progress=None, force=False) -> ImportReport`: it builds dataset files for
`into` (a folder of the dataset it joins) aside, validates them with that dataset, swaps
the folder in with one rename, and loads the whole dataset into `store`. An exporter is
`export_<format>(dataset, target, *, store=None, datasets=(), force=False) -> ExportReport`,
writing a Dataset (read from a store by `store_dataset`). Neither writes over the store,
a dataset file or a file graphkit did not write (graphkit/io/targets.py).

>>> sorted(IMPORTERS), sorted(EXPORTERS)
(['csv', 'ftm', 'ocds'], ['csv', 'ftm', 'gexf', 'graphml', 'neo4j-admin'])
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import GraphkitError
from ..stores import Store
from .csv_import import import_csv
from .export_csv import export_csv
from .export_ftm import export_ftm
from .export_graph import export_gexf, export_graphml
from .export_neo4j_admin import export_neo4j_admin
from .ftm import import_ftm
from .ocds import import_ocds
from .report import ExportReport, ImportReport
from .store_data import store_dataset

IMPORTERS: dict[str, Callable[..., ImportReport]] = {"csv": import_csv, "ftm": import_ftm, "ocds": import_ocds}
EXPORTERS: dict[str, Callable[..., ExportReport]] = {
    "csv": export_csv, "ftm": export_ftm, "gexf": export_gexf, "graphml": export_graphml,
    "neo4j-admin": export_neo4j_admin,
}


def export_store(fmt: str, store: Store, target: str | Path, *, force: bool = False,
                 datasets: list[str | Path] = ()) -> ExportReport:
    """Export everything in `store` as `fmt` to `target` (a file or folder).

    Never over the store or inside a dataset folder (`datasets`); over files graphkit did
    not write only with `force`, and a folder's foreign files are never replaced.
    """
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise GraphkitError(f"unknown export format {fmt!r} ({', '.join(EXPORTERS)})")
    return exporter(store_dataset(store), target, store=store, datasets=[Path(d) for d in datasets], force=force)


__all__ = ["IMPORTERS", "EXPORTERS", "export_store", "store_dataset", "import_csv", "import_ftm", "import_ocds",
           "export_csv", "export_ftm", "export_gexf", "export_graphml", "export_neo4j_admin", "ImportReport",
           "ExportReport"]
