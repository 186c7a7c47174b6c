"""Import dataset CSV files (the documented headers of graphkit/dataset/csv_reader.py).

Built for bulk: the files are validated column by column together with the dataset
they join (every problem with file, line and column), then copied byte for byte into
the import folder and the whole dataset is loaded. No row is visited in Python unless
something needs rewording.

Matching: an incoming entity whose id is already recorded is the same entity (its
citations join). One whose id is new but whose normalised name or alias equals a
recorded actor's (same label) is recorded as a merge decision in the import folder's
`merges.csv`, so the files stay byte-identical copies and `graphkit unmerge` undoes it.

Cells written by `graphkit export csv` carry a formula guard (a leading `'` before
= + - @ tab or CR); every reading of a dataset CSV removes it (graphkit/dataset/csv_reader.py),
so an export re-imports and loads unchanged, and the files are copied as they are.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..dataset import Dataset, dataset_files, display_path, read_dataset
from ..dataset.csv_reader import HEADERS, csv_section
from ..dataset.merges import MERGES_FILE, MergeDecision, write_decisions
from ..errors import GraphkitError
from ..resolve.index import normalise_names
from ..stores import Store
from .export_csv import unguard_column
from .importing import (REL_KEY, ImportPlan, Progress, actor_index, discount_previous, load_store, previous_record,
                        read_existing)
from .report import ImportReport
from .targets import StagedFolder, check_folder_target, writing
from .writer import copy_atomic

FORMAT = "csv"


def import_csv(paths: list[str | Path], into: str | Path | None = None, *, dataset: str | Path | list | None = None,
               store: Store | None = None, dry_run: bool = False, progress: Progress | None = None,
               force: bool = False) -> ImportReport:
    """Validate CSV files with the dataset they join, copy them into `into`, load the dataset.

    The folder is built aside and swapped in with one rename; one holding files graphkit
    did not write is refused unless `force` (they are kept, never overwritten).
    """
    plan = ImportPlan.make(FORMAT, paths, into, dataset, force=force)
    inputs = _inputs(plan.inputs)
    in_place = tuple(f.name for f in inputs if f.parent.resolve() == plan.into.resolve())
    check_folder_target(plan.into, [f.name for f in inputs] + [MERGES_FILE], store=store, force=force, own=in_place)
    report = ImportReport(FORMAT, [str(p) for p in inputs], str(plan.into), dry_run)
    targets = {f: plan.into / f.name for f in inputs}
    mine = {f.resolve() for f in inputs}
    existing_files = [f for f in plan.existing_files(list(targets.values())) if f.resolve() not in mine]
    existing = read_existing(existing_files)
    previous = previous_record([t for t in targets.values() if t.resolve() not in mine])
    ds = read_dataset([*existing_files, *inputs])
    progress and progress("validated", sum(f.stat().st_size for f in inputs))
    _count(report, ds, existing, inputs, previous)
    decisions = _name_matches(report, existing, inputs)
    if dry_run:
        return report
    names = [t.name for t in targets.values()] + ([MERGES_FILE] if decisions else [])
    with StagedFolder(plan.into, keep_other_files=True, replaces=names + [MERGES_FILE]) as staged, writing(plan.into):
        for source in targets:
            copy_atomic(source, staged.path / source.name)
        if decisions:
            write_decisions(staged.path / MERGES_FILE, decisions)
        staged.swap_in(names)
    report.files += [str(plan.into / name) for name in names]
    if store is not None:
        if decisions:
            ds = read_dataset(plan.load_paths())
        report.loaded = load_store(store, ds, [plan], progress)
    return report


def _inputs(paths: list[Path]) -> list[Path]:
    files = dataset_files(paths)
    for f in files:
        if f.suffix.lower() == ".csv" and csv_section(f) is None:
            raise GraphkitError(f"{f}: CSV files must be named entities*.csv, relationships*.csv or sources*.csv "
                                f"(headers: {'; '.join(','.join(h) for h in HEADERS.values())})")
        if f.name == MERGES_FILE:
            raise GraphkitError(f"{f}: merge decisions are not imported; record them with `graphkit merge`")
    names = Counter(f.name for f in files)
    twice = [n for n, c in names.items() if c > 1]
    if twice:
        raise GraphkitError(f"two input files are named {twice[0]}; rename one (they land in one folder)")
    if not files:
        raise GraphkitError("no dataset files (entities*.csv, relationships*.csv, sources*.csv) among the inputs")
    return files


def _count(report: ImportReport, ds: Dataset, existing: Dataset, inputs: list[Path], previous) -> None:
    """Created: rows whose id the dataset did not hold. Matched by id: the others."""
    shown = pa.array([display_path(f) for f in inputs], pa.string())
    entities = ds.entities.filter(pc.is_in(ds.entities.column("_file"), shown))
    rels = ds.relationships.filter(pc.is_in(ds.relationships.column("_file"), shown))
    sources = ds.sources.filter(pc.is_in(ds.sources.column("_file"), shown))
    for table, key in ((entities, "label"), (rels, "type")):
        for value, n in zip(*_value_counts(table.column(key))):
            report.created[value] += n
    if sources.num_rows:
        report.created["Source"] += sources.num_rows
    if previous[0] or previous[1]:
        few = lambda t, cols: t.select(cols).to_pylist()  # noqa: E731 - only rows a previous run recorded
        ids = pa.array(sorted(previous[0]), pa.string())
        discount_previous(report, previous, few(entities.filter(pc.is_in(entities.column("id"), ids)), ["id", "label"]),
                          pc.filter(sources.column("id"), pc.is_in(sources.column("id"), ids)).to_pylist(),
                          few(rels, list(REL_KEY)))
    known = existing.entities.column("id").combine_chunks()
    for f in inputs:
        if csv_section(f) != "entities":
            continue
        incoming = _read_columns(f, ["id"]).column("id")
        same = pc.filter(incoming, pc.is_in(incoming, known))
        for entity_id in pc.unique(same).to_pylist():
            report.match(entity_id, entity_id, "id")


def _value_counts(col) -> tuple[list, list]:
    counts = pc.value_counts(col)
    return counts.field("values").to_pylist(), counts.field("counts").to_pylist()


def _read_columns(path: Path, columns: list[str]) -> pa.Table:
    return pacsv.read_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 24),
                          parse_options=pacsv.ParseOptions(newlines_in_values=True),
                          convert_options=pacsv.ConvertOptions(include_columns=columns,
                                                               column_types={c: pa.string() for c in columns}))


def _name_matches(report: ImportReport, existing: Dataset, inputs: list[Path]) -> list[MergeDecision]:
    """Merge decisions for new ids whose normalised name is a recorded actor's (same label)."""
    if existing.entities.num_rows == 0:
        return []
    index = actor_index(existing)
    known = existing.entities.column("id").combine_chunks()
    decisions, seen = [], set()
    for f in inputs:
        if csv_section(f) != "entities":
            continue
        table = _read_columns(f, ["id", "label", "name"])
        table = table.filter(pc.invert(pc.is_in(table.column("id"), known)))
        if table.num_rows == 0:
            continue
        keys = normalise_names(unguard_column(table.column("name").combine_chunks())).to_pylist()
        for entity_id, label, name, key in zip(table.column("id").to_pylist(), table.column("label").to_pylist(),
                                               table.column("name").to_pylist(), keys):
            found = index.keys.get((label, key)) if key else None
            if found and entity_id not in seen:
                seen.add(entity_id)
                report.match(name, found, f"normalised name {key!r} (merge of {entity_id} recorded)")
                decisions.append(MergeDecision(found, entity_id, f"import csv: normalised name {key!r}"))
    return decisions
