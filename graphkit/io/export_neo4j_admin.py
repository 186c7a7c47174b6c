"""Export the store as input for `neo4j-admin database import full` (Neo4j 5).

The folder holds one node file per label (`nodes-<Label>.csv`, sources included) and
one relationship file per type (`relationships-<TYPE>.csv`), with the header syntax
of the import tool:

    id:ID,:LABEL,kind,name,aliases:string[],…,value_gbp:double,…,source_ids:string[],quotes:string[]
    :START_ID,:END_ID,:TYPE,rid,start_date,end_date,amount_gbp:double,…

Ids share one global id space (graphkit ids are unique across entities and sources),
and `id` is stored as a property, as the store's own loads do. Arrays are separated by
U+001F (a control character no value may hold), fields may span lines. Missing values
are empty fields, which the tool leaves unset. `import.sh` holds the exact command,
`schema.cypher` the constraints and indexes `graphkit load` would create; `README.md`
says how to use them.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pyarrow.compute as pc

from ..dataset import Dataset
from ..model.ontology import Ontology, load_ontology
from ..model.value_types import value_type
from ..stores.columns import neo4j_schema_statements, node_columns, node_tables, rel_columns, rel_groups
from .report import ExportReport
from ..files import write_text_atomic
from .targets import StagedFolder, check_folder_target, writing

FORMAT = "neo4j-admin"
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"


def import_arguments(node_files: list[str], rel_files: list[str], database: str = "neo4j") -> list[str]:
    """Arguments of `neo4j-admin` for these files (paths as given).

    The database name comes right after `full`: after the file options the tool would
    take it for one more file.
    """
    return ["database", "import", "full", database,
            f"--array-delimiter={ARRAY_DELIMITER_OPTION}", "--multiline-fields=true", "--overwrite-destination=true",
            *[f"--nodes={f}" for f in node_files], *[f"--relationships={f}" for f in rel_files]]


def export_neo4j_admin(ds: Dataset, target: str | Path, **guard) -> ExportReport:
    """Write the node and relationship files, import.sh, schema.cypher and README.md into `target`.

    The folder is built aside and swapped in whole; `guard` (store, datasets, force) says
    what it may not hold (graphkit/io/targets.py): a file graphkit did not write is never replaced.
    """
    target = Path(target)
    onto = load_ontology()
    check_folder_target(target, _file_names(ds, onto), **guard)
    with StagedFolder(target, keep_other_files=True) as staged, writing(target):
        report = _write_folder(ds, onto, staged.path)
        staged.swap_in([Path(f).name for f in report.files])
    report.target = str(target)
    report.files = [str(target / Path(f).name) for f in report.files]
    return report


def _file_names(ds: Dataset, onto: Ontology) -> list[str]:
    labels = [f"nodes-{label}.csv" for label in node_tables(ds, onto)]
    types = sorted({f"relationships-{rtype}.csv" for rtype, _, _ in rel_groups(ds, onto)})
    return [*labels, *types, "import.sh", "schema.cypher", "README.md"]


def _write_folder(ds: Dataset, onto: Ontology, folder: Path) -> ExportReport:
    report = ExportReport(FORMAT, str(folder))
    node_files, rel_files = [], []
    for label, table in node_tables(ds, onto).items():
        columns = node_columns(onto, label)
        header = ["id:ID", ":LABEL", *[_typed(n, t) for n, t in columns if n != "id"]]
        rows = ([row["id"], label, *[_cell(row[n], t) for n, t in columns if n != "id"]] for row in table.to_pylist())
        name = f"nodes-{label}.csv"
        report.written[f"nodes {label}"] = _write(folder / name, header, rows)
        node_files.append(name)
    groups: dict[str, list] = {}
    for group in rel_groups(ds, onto).values():
        groups.setdefault(group.type, []).append(group)
    for rtype in sorted(groups):
        columns = rel_columns(onto)
        header = [":START_ID", ":END_ID", ":TYPE", *[_typed(n, t) for n, t in columns]]
        rows = ([row["source"], row["target"], rtype, *[_cell(row[n], t) for n, t in columns]]
                for group in groups[rtype] for row in group.table.to_pylist())
        name = f"relationships-{rtype}.csv"
        report.written[f"relationships {rtype}"] = _write(folder / name, header, rows)
        rel_files.append(name)
    _write_command(folder, node_files, rel_files)
    write_text_atomic(folder / "schema.cypher", "\n".join(schema_statements(onto)) + "\n")
    write_text_atomic(folder / "README.md", _readme(node_files, rel_files))
    report.files = [str(folder / f) for f in (*node_files, *rel_files, "import.sh", "schema.cypher", "README.md")]
    dangling = _dangling(ds)
    if dangling:
        report.dropped["relationships to ids missing from the export"] = dangling
    return report


def schema_statements(onto: Ontology) -> list[str]:
    """The constraints and indexes the Neo4j store creates on load, as the lines of a Cypher file."""
    return [f"{stmt};" for stmt in neo4j_schema_statements(onto)]


def _typed(name: str, ftype: str) -> str:
    kind = value_type(ftype).neo4j_admin
    return f"{name}:{kind}" if kind else name


CELLS = {  # neo4j-admin header type -> how a value is written in a cell
    "string[]": lambda value: ARRAY_DELIMITER.join(str(v) for v in value) if value else "",
    "boolean": lambda value: "true" if value else "false",
    "double": lambda value: repr(float(value)),
}


def _cell(value, ftype: str):
    if value is None:
        return ""
    write = CELLS.get(value_type(ftype).neo4j_admin)
    return write(value) if write else value


def _write(path: Path, header: list[str], rows) -> int:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    write_text_atomic(path, buf.getvalue())
    return n


def _write_command(folder: Path, node_files: list[str], rel_files: list[str]) -> None:
    args = import_arguments(node_files, rel_files, "${1:-neo4j}")
    lines = ["#!/bin/sh", "# Build a Neo4j 5 database from the files beside this script.",
             "# Stop the database first: --overwrite-destination replaces its contents.",
             "# Usage: sh import.sh [DATABASE]   (default: neo4j)", "set -e", 'cd "$(dirname "$0")"',
             f'neo4j-admin database import full "{args[3]}" \\',
             "  " + " \\\n  ".join(args[4:]), ""]
    path = folder / "import.sh"
    write_text_atomic(path, "\n".join(lines))
    os.chmod(path, 0o755)


def _readme(node_files: list[str], rel_files: list[str]) -> str:
    command = "neo4j-admin " + " ".join(import_arguments(node_files, rel_files))
    return f"""# graphkit export for neo4j-admin

Node files (one per label, one global id space):
{chr(10).join(f"- {f}" for f in node_files)}

Relationship files (one per type):
{chr(10).join(f"- {f}" for f in rel_files)}

Import into a stopped Neo4j 5 (this replaces the database's contents):

    sh import.sh            # or, from this folder:
    {command}

Arrays (aliases, source_ids, quotes) are separated by U+001F; quoted fields may span
lines. The import creates no constraints: start the database and run `schema.cypher`
(or `graphkit load --neo4j`, which creates them) before writing to it.
"""


def _dangling(ds: Dataset) -> int:
    ids = ds.entities.column("id")
    if ds.relationships.num_rows == 0:
        return 0
    ok = pc.and_(pc.is_in(ds.relationships.column("source"), ids), pc.is_in(ds.relationships.column("target"), ids))
    return ds.relationships.num_rows - pc.sum(pc.cast(ok, "int64")).as_py()
