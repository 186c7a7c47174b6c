"""The path every import takes: match against the dataset, write the record, validate, load.

An import writes ordinary dataset files into a folder of the dataset it joins
(`seeds/imports/<format>-<name>/` by default), so the record stays in git and
`graphkit load` rebuilds the same store from it. Files are validated together with
the rest of the dataset before they replace anything, and moved into place one
atomic rename each. `dry_run` converts and validates, then writes and loads nothing.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..dataset import Dataset, dataset_files, read_dataset
from ..problems import GraphkitError
from ..resolution import ActorIndex
from ..stores import Store
from ..values import slugify
from .batch import ImportBatch
from .report import ImportReport
from ..files import write_text_atomic
from .writer import RECORD_FILES, YAML_HEADER, move_atomic, record_files

Progress = Callable[[str, int], None]  # (what, units done since the last call)


@dataclass
class ImportPlan:
    """Where an import's files go and which dataset it joins (matched, validated, loaded with)."""

    format: str
    inputs: list[Path]
    into: Path
    dataset: list[Path] = field(default_factory=list)

    @classmethod
    def make(cls, fmt: str, inputs: list[str | Path], into: str | Path | None,
             dataset: str | Path | list[str | Path] | None = None) -> "ImportPlan":
        paths = [Path(p) for p in inputs]
        if not paths:
            raise GraphkitError(f"import {fmt}: give at least one file")
        for p in paths:
            if not p.exists():
                raise GraphkitError(f"{p}: no such file or folder")
        roots = [Path(d) for d in (dataset if isinstance(dataset, list) else [dataset] if dataset else [])]
        target = Path(into) if into else default_into(roots[0] if roots else Path("seeds"), fmt, paths)
        return cls(fmt, paths, target, roots)

    def load_paths(self) -> list[Path]:
        """The dataset folders that exist, and the import folder unless it lies inside one of them."""
        roots = [r for r in self.dataset if r.exists()]
        inside = any(_is_within(self.into, r) for r in roots)
        return roots if inside else [*roots, self.into]

    def existing_files(self, replacing: list[Path]) -> list[Path]:
        """Dataset files the import joins, without the files it is about to replace."""
        paths = [p for p in self.load_paths() if p.exists()]
        if not paths:
            return []
        skip = {p.resolve() for p in replacing}
        return [f for f in dataset_files(paths) if f.resolve() not in skip]


def default_into(dataset: Path, fmt: str, inputs: list[Path]) -> Path:
    """`<dataset>/imports/<format>-<first input's name>`."""
    stem = inputs[0].name.split(".")[0] if inputs[0].is_file() else inputs[0].name
    return dataset / "imports" / f"{fmt}-{slugify(stem)[:60]}"


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def read_existing(files: list[Path]) -> Dataset:
    return read_dataset(files) if files else Dataset.empty()


def actor_index(ds: Dataset) -> ActorIndex:
    rows = ds.entities.select(["id", "label", "name", "aliases"]).to_pylist()
    return ActorIndex.from_entities(rows, ds.sources.column("id").to_pylist())


def known_source_urls(ds: Dataset) -> dict[str, str]:
    urls = {}
    for sid, url in zip(ds.sources.column("id").to_pylist(), ds.sources.column("url").to_pylist()):
        if url:
            urls.setdefault(url, sid)
    return urls


REL_KEY = ("source", "type", "target", "start_date", "end_date", "role", "amount_gbp", "vat")


def rel_key(row: dict) -> tuple:
    """What makes two relationship rows one claim (as the dataset's relationship ids do)."""
    out = []
    for name in REL_KEY:
        value = row.get(name)
        if name == "amount_gbp" and value not in (None, ""):
            try:
                value = float(str(value).replace(",", "").replace("£", ""))
            except ValueError:
                pass
        out.append(None if value == "" else value)
    return tuple(out)


def previous_record(files: list[Path]) -> tuple[set[str], set[tuple]]:
    """Ids (entities and sources) and relationship keys in an import's files from its previous run."""
    import pyarrow.csv as pacsv
    import yaml

    from ..dataset.csv_reader import text_convert_options

    ids: set[str] = set()
    keys: set[tuple] = set()
    for f in files:
        if not f.is_file():
            continue
        if f.suffix == ".csv":
            table = pacsv.read_csv(f, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                                   convert_options=text_convert_options())
            if "id" in table.column_names:
                ids.update(str(v) for v in table.column("id").to_pylist() if v is not None)
            if "type" in table.column_names:
                cols = {c: table.column(c).to_pylist() for c in REL_KEY if c in table.column_names}
                keys.update(rel_key({c: cols[c][i] for c in cols}) for i in range(table.num_rows))
        else:
            data = yaml.load(f.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
            ids.update(str(r.get("id")) for section in ("entities", "sources") for r in data.get(section) or [])
            keys.update(rel_key(r) for r in data.get("relationships") or [])
    return ids, keys


def discount_previous(report: ImportReport, previous: tuple[set[str], set[tuple]], entities: list[dict],
                      sources: list[str], relationships: list[dict]) -> None:
    """`created` counts only what the previous run of this import had not recorded."""
    ids, keys = previous
    again = 0
    for record in entities:
        if record["id"] in ids:
            report.created[record["label"]] -= 1
            again += 1
    for sid in sources:
        if sid in ids:
            report.created["Source"] -= 1
            again += 1
    for record in relationships:
        if rel_key(record) in keys:
            report.created[record["type"]] -= 1
            again += 1
    report.created = +report.created  # drop zero counts
    if again:
        report.figures["records already in the previous run's files"] = again


def run_record_import(plan: ImportPlan, convert: Callable[[ImportBatch], None], *, store: Store | None = None,
                      dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Convert with `convert(batch)`, write the batch as YAML dataset files, validate, load."""
    report = ImportReport(plan.format, [str(p) for p in plan.inputs], str(plan.into), dry_run)
    targets = [plan.into / name for name in RECORD_FILES]
    existing_files = plan.existing_files(targets)
    existing = read_existing(existing_files)
    previous = previous_record(targets)
    batch = ImportBatch(actor_index(existing), report, known_source_urls(existing))
    convert(batch)
    discount_previous(report, previous, list(batch.entities.values()), list(batch.sources),
                      list(batch.relationships.values()))
    header = YAML_HEADER.format(fmt=plan.format, inputs=", ".join(p.name for p in plan.inputs))
    texts = record_files(batch.sections(), header)
    ds = _validate_and_place(plan, texts, existing_files, dry_run, report)
    if store is not None and not dry_run:
        report.loaded = store.load(ds, progress=progress)
    return report


def _validate_and_place(plan: ImportPlan, texts: dict[str, str], existing_files: list[Path], dry_run: bool,
                        report: ImportReport) -> Dataset:
    """Write to a hidden temp folder, validate with the dataset, then rename each file into place."""
    if not dry_run:
        plan.into.mkdir(parents=True, exist_ok=True)
    workdir = None if dry_run else plan.into
    with tempfile.TemporaryDirectory(dir=workdir, prefix=".import-") as tmp:
        staged = []
        for name, text in texts.items():
            path = Path(tmp) / name
            write_text_atomic(path, text)
            staged.append(path)
        ds = read_dataset([*existing_files, *staged])
        if dry_run:
            return ds
        for path in staged:
            final = plan.into / path.name
            move_atomic(path, final)
            report.files.append(str(final))
    return ds
