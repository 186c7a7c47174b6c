"""Dataset files: find them, read them, check them, as one validated Dataset.

>>> from graphkit.dataset import read_dataset
>>> ds = read_dataset([tiny_dataset])
>>> ds.counts()
{'sources': 3, 'entities': 11, 'relationships': 14}
>>> ds.entity("tribal")["name"]
'Tribal'
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from queue import Queue
from typing import TYPE_CHECKING, Callable

from ..model.ontology import Ontology, load_ontology
from ..errors import GraphkitError, InvalidDataset, Problem, ProblemList

if TYPE_CHECKING:  # Arrow is imported where tables are read or built: a dataset found in the parse cache needs none
    import pyarrow as pa

    from .csv_reader import ReadSpace

YAML_SUFFIXES = (".yaml", ".yml")
STORY_FILES = ("story.yaml", "story.yml")  # a briefing's walkthrough (graphkit brief --story), not a dataset file
CSV_READERS = 2  # files parsed and checked at once: Arrow releases the GIL, so each can use a core
SERIAL_ROWS = 20_000  # a dataset of fewer rows is merged and checked in one thread: starting threads costs more


class Dataset:
    """A validated dataset as three Arrow tables (entities, relationships, sources).

    One found in the parse cache opens its tables when first used: `counts()` and `digest` (what the
    files hold, None when not read from files) answer without them, so a command that only reports
    (validate) or finds nothing changed (load) never reads a table.
    """

    def __init__(self, entities: pa.Table | None = None, relationships: pa.Table | None = None,
                 sources: pa.Table | None = None, files: list[str] | None = None,
                 known_labels: dict[str, str] | None = None, *, digest: str | None = None,
                 kept: tuple[Callable[[], dict[str, pa.Table]], dict[str, int]] | None = None):
        self._tables = {"entities": entities, "relationships": relationships, "sources": sources}
        self._kept = kept  # (the function that reads the tables, their row counts) of a parse-cache entry
        self.files = files if files is not None else []
        self.known_labels = known_labels if known_labels is not None else {}  # labels of endpoints held elsewhere
        self.digest = digest
        self.follows: tuple[str, str] | None = None  # a finding's rows: (digest of the files before it, after it)

    def _table(self, section: str) -> pa.Table:
        if self._kept is not None:
            self._tables, self._kept = self._kept[0](), None
        return self._tables[section]

    def _set(self, section: str, table: pa.Table) -> None:
        self._table(section)
        self._tables[section] = table
        self.digest = None  # no longer exactly what the files hold

    entities = property(lambda self: self._table("entities"), lambda self, t: self._set("entities", t))
    relationships = property(lambda self: self._table("relationships"), lambda self, t: self._set("relationships", t))
    sources = property(lambda self: self._table("sources"), lambda self, t: self._set("sources", t))

    def counts(self) -> dict[str, int]:
        if self._kept is not None:
            return dict(self._kept[1])
        return {"sources": self.sources.num_rows, "entities": self.entities.num_rows,
                "relationships": self.relationships.num_rows}

    def entity(self, entity_id: str) -> dict | None:
        import pyarrow.compute as pc

        rows = self.entities.filter(pc.equal(self.entities.column("id"), entity_id)).to_pylist()
        return rows[0] if rows else None

    @classmethod
    def empty(cls, onto: Ontology | None = None) -> "Dataset":
        from ..model.tables import entity_schema, relationship_schema, source_schema

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
    if path.name.lower() in STORY_FILES:
        return False
    return path.suffix.lower() in YAML_SUFFIXES or _is_csv(path)


def display_path(path: Path) -> str:
    """The path as the user would write it: relative under the working folder, else absolute."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _read_files(files: list[Path], onto: Ontology, problems: ProblemList) -> dict[str, list[pa.Table]]:
    """Tables of every file by section, in file order; CSV files are read two at a time, largest first."""
    from .parallel import pieces

    parts: dict[str, list[pa.Table]] = {"entities": [], "relationships": [], "sources": []}
    sizes = {path: path.stat().st_size for path in files if _is_csv(path)}
    share = sum(sizes.values()) / CSV_READERS
    spaces: Queue[ReadSpace] = Queue()
    if sizes:  # the CSV reader (and Arrow's) only for CSV files
        from .csv_reader import ReadSpace

        for _ in range(CSV_READERS):
            spaces.put(ReadSpace())
    with pieces(CSV_READERS) as pool:
        # largest first, so that the last files to finish are small; a file larger than its share of
        # the bytes is parsed on all cores, the others each in its reader's thread
        started = {path: pool.submit(_read_csv_file, path, onto, spaces, sizes[path] > share)
                   for path in sorted(sizes, key=lambda path: -sizes[path])}
        for path in files:
            future = started.get(path)
            tables, found = future.result() if future else _read_other_file(path, onto)
            problems.extend(found.items)
            problems.invalid_ids |= found.invalid_ids
            for section, table in tables:
                parts[section].append(table)
    return parts


def _is_csv(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    from .csv_reader import csv_section

    return csv_section(path) is not None


def _read_csv_file(path: Path, onto: Ontology, spaces: Queue[ReadSpace],
                   threads: bool) -> tuple[list[tuple[str, pa.Table]], ProblemList]:
    """The table of one CSV file and the problems found in it (its bytes held in one of `spaces` meanwhile)."""
    from .csv_reader import read_csv_table

    problems = ProblemList()
    space = spaces.get()
    try:
        section, table = read_csv_table(path, display_path(path), onto, problems, space, threads)
    finally:
        spaces.put(space)
    return ([(section, table)] if table is not None else []), problems


def _read_other_file(path: Path, onto: Ontology) -> tuple[list[tuple[str, pa.Table]], ProblemList]:
    """The tables of a YAML file by section, or the problem with a file that is not a dataset file."""
    problems = ProblemList()
    display = display_path(path)
    if path.suffix.lower() in YAML_SUFFIXES:
        return _read_yaml_file(path, display, onto, problems), problems
    if path.suffix.lower() == ".csv":
        problems.add(display, 0, "", "", "CSV files must be named entities*.csv, relationships*.csv or sources*.csv")
    else:
        problems.add(display, 0, "", "", "is not a dataset file (.yaml, .yml or .csv)")
    return [], problems


def _read_yaml_file(path: Path, display: str, onto: Ontology, problems: ProblemList) -> list[tuple[str, pa.Table]]:
    """The tables of a YAML file: from the parse cache while its bytes are unchanged, else parsed (and kept if clean)."""
    from . import parse_cache
    from ..model.tables import entity_schema, relationship_schema, rows_to_table, source_schema
    from .yaml_reader import MAX_BYTES, read_yaml_records

    folder = parse_cache.cache_folder()
    key = None
    if folder is not None and path.stat().st_size <= MAX_BYTES:
        key = parse_cache.entry_key(path.read_bytes(), parse_cache.ontology_text(onto))
        cached = parse_cache.read_entry(folder, key, display)
        if cached is not None:
            return cached
    schemas = {"entities": entity_schema(onto), "relationships": relationship_schema(onto), "sources": source_schema(onto)}
    records = read_yaml_records(path, display, onto, problems)
    tables = [(section, rows_to_table(rows, schemas[section])) for section, rows in records.items() if rows]
    if key is not None and not problems.items and not path.name.startswith("."):
        parse_cache.write_entry(folder, key, tables)
    return tables


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    return pa.concat_tables(tables) if tables else schema.empty_table()


def _taken(parts: dict[str, list[pa.Table]], section: str) -> list[pa.Table]:
    """The tables of one section, removed from `parts`."""
    tables, parts[section] = parts[section], []
    return tables


def build_dataset(parts: dict[str, list[pa.Table]], onto: Ontology, problems: ProblemList,
                  files: list[str] | None = None) -> Dataset:
    """Merge tables read from files into one Dataset and run the cross-file checks.

    The lists in `parts` are emptied as their tables are merged, so that the memory of the
    tables read from files can be freed as soon as the merged tables hold their data.
    """
    from .parallel import serially

    rows = sum(t.num_rows for tables in parts.values() for t in tables)
    with serially() if rows < SERIAL_ROWS else contextlib.nullcontext():
        return _build_dataset(parts, onto, problems, files)


def _build_dataset(parts: dict[str, list[pa.Table]], onto: Ontology, problems: ProblemList,
                   files: list[str] | None) -> Dataset:
    from ..model.tables import entity_schema, relationship_schema, source_schema, with_relationship_ids
    from .checks import References
    from .endpoints import Endpoints, rid_candidates
    from .parallel import at_once
    from .repeated_ids import find_duplicates, merge_duplicates

    entities = _concat(_taken(parts, "entities"), entity_schema(onto))
    sources = _concat(_taken(parts, "sources"), source_schema(onto))
    rels = _concat([with_relationship_ids(t) for t in _taken(parts, "relationships")], relationship_schema(onto))
    endpoints, entities, sources = at_once(lambda: Endpoints.of(rels),  # the longest first
                                           lambda: merge_duplicates(entities, "id", "entity", problems),
                                           lambda: merge_duplicates(sources, "id", "source", problems))
    entities, rels, endpoints = _with_merge_decisions(entities, rels, endpoints, files or [], problems)
    duplicates, references = at_once(
        lambda: find_duplicates(rels, "rid", "relationship", problems, rid_candidates(rels, rels.column("rid"), endpoints)),
        lambda: References.of(entities, sources, onto, endpoints))
    if duplicates:
        endpoints = endpoints.kept(duplicates)
        columns, schema = rels.columns, rels.schema
        del rels  # `apply` then frees each column once it is copied
        rels = duplicates.apply(columns, schema)
    references.check(rels, endpoints).report(problems)
    return Dataset(entities.combine_chunks(), rels.combine_chunks(), sources.combine_chunks(), files or [])


def _with_merge_decisions(entities: pa.Table, rels: pa.Table, endpoints: Endpoints, files: list[str],
                          problems: ProblemList) -> tuple[pa.Table, pa.Table, Endpoints]:
    """Entities and relationships with the recorded merge decisions applied; ids and endpoints follow."""
    from ..model.tables import with_relationship_ids
    from .endpoints import Endpoints
    from .merges import apply_merge_decisions

    entities, repointed = apply_merge_decisions(entities, rels, files, problems)
    if repointed is rels:
        return entities, rels, endpoints
    repointed = with_relationship_ids(repointed, recompute=True)
    return entities, repointed, Endpoints.of(repointed)


def read_dataset(paths: list[str | Path], onto: Ontology | None = None) -> Dataset:
    """Read and validate every dataset file under `paths`; raise InvalidDataset listing all problems."""
    onto = onto or load_ontology()
    files = dataset_files(paths)
    displays = [display_path(f) for f in files]
    cached, keep = _cached_dataset(files, displays, onto)
    return cached if cached is not None else keep(_read_and_check(files, displays, onto))


def _read_and_check(files: list[Path], displays: list[str], onto: Ontology) -> Dataset:
    from .parallel import release_memory

    problems = ProblemList()
    parts = _read_files(files, onto, problems)
    release_memory()
    dataset = build_dataset(parts, onto, problems, displays)
    problems.raise_if_any()
    return dataset


def _cached_dataset(files: list[Path], displays: list[str], onto: Ontology):
    """(the dataset kept for exactly these files, or None; a function that keeps a freshly read one and returns it)."""
    from . import parse_cache
    from .merges import merge_files_for

    folder = parse_cache.cache_folder()
    passing = any(f.name.startswith(".") for f in files)  # a check of a file about to be written (`add`)
    key = None if not files or passing else parse_cache.whole_key(
        files, displays, merge_files_for(displays), parse_cache.ontology_text(onto))
    if key is None:
        return None, lambda dataset: dataset
    if folder is None:  # no store folder yet (a first load or demo): nothing kept, but the digest still names the files
        return None, lambda dataset: _digested(dataset, key)
    counts = parse_cache.read_counts(folder, key)
    if counts is not None:
        def tables() -> dict[str, pa.Table]:
            found = parse_cache.read_tables(folder, key)  # None only when the entry went meanwhile: read again
            fresh = found or _read_and_check(files, displays, onto)._tables
            return {name: fresh[name] for name in ("entities", "relationships", "sources")}

        return Dataset(files=displays, digest=key, kept=(tables, counts)), None

    def keep(dataset: Dataset) -> Dataset:
        parse_cache.write_entry(folder, key, [("entities", dataset.entities), ("relationships", dataset.relationships),
                                              ("sources", dataset.sources)])
        return _digested(dataset, key)

    return None, keep


def _digested(dataset: Dataset, key: str) -> Dataset:
    dataset.digest = key
    return dataset


def kept_as_read(dataset: Dataset, paths: list[str | Path], renamed: dict[str, str],
                 onto: Ontology | None = None) -> Dataset:
    """`dataset`, read from the files under `paths` with some shown by other names (`renamed`: the name
    read → the file's own), as a read of `paths` gives it; kept in the parse cache, so the next read
    of those files parses nothing. (`add` checks a finding in a file beside the findings file.)"""
    import pyarrow.compute as pc

    tables = {}
    for section in ("entities", "relationships", "sources"):
        table = dataset._table(section)
        at = table.schema.get_field_index("_file")
        column = table.column(at)
        for shown, own in renamed.items():
            column = pc.if_else(pc.equal(column, shown), own, column)
        tables[section] = table.set_column(at, table.schema.field(at), column)
    onto = onto or load_ontology()
    files = dataset_files(paths)
    displays = [display_path(f) for f in files]
    fresh = Dataset(tables["entities"], tables["relationships"], tables["sources"], displays,
                    dict(dataset.known_labels))
    cached, keep = _cached_dataset(files, displays, onto)
    return cached if cached is not None else keep(fresh)


def validate(paths: list[str | Path], onto: Ontology | None = None) -> list[Problem]:
    """Every problem in the dataset files under `paths` (empty when clean)."""
    try:
        read_dataset(paths, onto)
    except InvalidDataset as exc:
        return exc.problems
    return []


__all__ = ["Dataset", "read_dataset", "validate", "dataset_files", "build_dataset", "InvalidDataset"]
