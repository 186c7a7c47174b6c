"""Dataset files: find them, read them, check them, as one validated Dataset.

>>> from graphkit.dataset import read_dataset
>>> ds = read_dataset(["seeds/total_place"])   # doctest: +SKIP
>>> ds.counts()                                  # doctest: +SKIP
{'sources': 160, 'entities': 140, 'relationships': 260}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..ontology import Ontology, load_ontology
from ..problems import GraphkitError, InvalidDataset, Problem, ProblemList
from .checks import check_references, merge_duplicates
from .csv_reader import csv_section, read_csv_table
from .merges import apply_merge_decisions
from .tables import entity_schema, relationship_ids, relationship_schema, rows_to_table, source_schema
from .yaml_reader import read_yaml_records

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Dataset:
    """A validated dataset as three Arrow tables (entities, relationships, sources)."""

    entities: pa.Table
    relationships: pa.Table
    sources: pa.Table
    files: list[str] = field(default_factory=list)
    known_labels: dict[str, str] = field(default_factory=dict)  # labels of endpoints held elsewhere (the store)

    def counts(self) -> dict[str, int]:
        return {"sources": self.sources.num_rows, "entities": self.entities.num_rows,
                "relationships": self.relationships.num_rows}

    def entity(self, entity_id: str) -> dict | None:
        rows = self.entities.filter(pc.equal(self.entities.column("id"), entity_id)).to_pylist()
        return rows[0] if rows else None

    @classmethod
    def empty(cls, onto: Ontology | None = None) -> "Dataset":
        onto = onto or load_ontology()
        return cls(entity_schema(onto).empty_table(), relationship_schema(onto).empty_table(),
                   source_schema(onto).empty_table())


def dataset_files(paths: list[str | Path]) -> list[Path]:
    """YAML and CSV dataset files under the given files and folders, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not any(p.startswith(".") for p in f.relative_to(path).parts) and _is_dataset_file(f):
                    found.append(f)
        elif path.is_file():
            found.append(path)
        else:
            raise GraphkitError(f"{raw}: no such file or folder")
    return list(dict.fromkeys(found))


def _is_dataset_file(path: Path) -> bool:
    return path.suffix.lower() in YAML_SUFFIXES or csv_section(path) is not None


def display_path(path: Path) -> str:
    """The path as the user would write it: relative under the working folder, else absolute."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _read_files(files: list[Path], onto: Ontology, problems: ProblemList) -> dict[str, list[pa.Table]]:
    parts: dict[str, list[pa.Table]] = {"entities": [], "relationships": [], "sources": []}
    schemas = {"entities": entity_schema(onto), "relationships": relationship_schema(onto), "sources": source_schema(onto)}
    for path in files:
        display = display_path(path)
        if path.suffix.lower() in YAML_SUFFIXES:
            records = read_yaml_records(path, display, onto, problems)
            for section, rows in records.items():
                if rows:
                    parts[section].append(rows_to_table(rows, schemas[section]))
        elif path.suffix.lower() == ".csv":
            if csv_section(path) is None:
                problems.add(display, 0, "", "", "CSV files must be named entities*.csv, relationships*.csv or sources*.csv")
                continue
            section, table = read_csv_table(path, display, onto, problems)
            if table is not None:
                parts[section].append(table)
        else:
            problems.add(display, 0, "", "", "is not a dataset file (.yaml, .yml or .csv)")
    return parts


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(tables) if tables else schema.empty_table()


def build_dataset(parts: dict[str, list[pa.Table]], onto: Ontology, problems: ProblemList,
                  files: list[str] | None = None) -> Dataset:
    """Merge tables read from files into one Dataset and run the cross-file checks."""
    entities = merge_duplicates(_concat(parts["entities"], entity_schema(onto)), "id", "entity", problems)
    sources = merge_duplicates(_concat(parts["sources"], source_schema(onto)), "id", "source", problems)
    rels = _concat(parts["relationships"], relationship_schema(onto))
    entities, rels = apply_merge_decisions(entities, rels, files or [], problems)
    if rels.num_rows:
        rid = pc.coalesce(rels.column("rid"), relationship_ids(rels))
        rels = rels.set_column(rels.schema.get_field_index("rid"), "rid", rid)
    rels = merge_duplicates(rels, "rid", "relationship", problems)
    check_references(entities, rels, sources, onto, problems)
    return Dataset(entities.combine_chunks(), rels.combine_chunks(), sources.combine_chunks(), files or [])


def read_dataset(paths: list[str | Path], onto: Ontology | None = None) -> Dataset:
    """Read and validate every dataset file under `paths`; raise InvalidDataset listing all problems."""
    onto = onto or load_ontology()
    files = dataset_files(paths)
    problems = ProblemList()
    parts = _read_files(files, onto, problems)
    dataset = build_dataset(parts, onto, problems, [display_path(f) for f in files])
    problems.raise_if_any()
    return dataset


def validate(paths: list[str | Path], onto: Ontology | None = None) -> list[Problem]:
    """Every problem in the dataset files under `paths` (empty when clean)."""
    try:
        read_dataset(paths, onto)
    except InvalidDataset as exc:
        return exc.problems
    return []


__all__ = ["Dataset", "read_dataset", "validate", "dataset_files", "build_dataset", "InvalidDataset"]
