"""The path every import takes: match against the dataset, write the record, validate, load.

An import writes ordinary dataset files into a folder of the dataset it joins
(`seeds/imports/<format>-<name>/` by default), so the record stays in git and
`graphkit load` rebuilds the same store from it. Files are validated together with
the rest of the dataset before they replace anything, and moved into place one
atomic rename each. `dry_run` converts and validates, then writes and loads nothing.
"""
from __future__ import annotations

import contextlib
import shlex
import tempfile
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Callable, Iterable

from ..config import dataset_path
from ..dataset import Dataset, dataset_files, display_path, read_dataset
from ..errors import GraphkitError, InvalidDataset
from ..resolve.index import ActorIndex
from ..stores import LoadReport, Store
from ..model.values import slugify
from .batch import ImportBatch
from .report import ImportReport
from ..files import write_text_atomic
from .targets import StagedFolder, check_folder_target, writing
from .writer import RECORD_FILES, YAML_HEADER, CsvFile, record_files

Progress = Callable[[str, int], None]  # (what, units done since the last call)


@dataclass
class ImportPlan:
    """Where an import's files go and which dataset it joins (matched, validated, loaded with)."""

    format: str
    inputs: list[Path]
    into: Path
    dataset: list[Path] = field(default_factory=list)
    force: bool = False  # use a folder holding files graphkit did not write (never overwriting them)

    @classmethod
    def make(cls, fmt: str, inputs: list[str | Path], into: str | Path | None,
             dataset: str | Path | list[str | Path] | None = None, force: bool = False) -> "ImportPlan":
        paths = [Path(p) for p in inputs]
        if not paths:
            raise GraphkitError(f"import {fmt}: give at least one file")
        for p in paths:
            if not p.exists():
                raise GraphkitError(f"{p}: no such file or folder")
        roots = [Path(d) for d in (dataset if isinstance(dataset, list) else [dataset] if dataset else [])]
        target = Path(into) if into else default_into(roots[0] if roots else dataset_path(), fmt, paths)
        return cls(fmt, paths, target, roots, force)

    def check_target(self, store: Store | None = None, writes: tuple[str, ...] = RECORD_FILES) -> None:
        """Refuse the import folder when it is the store, or holds files graphkit did not write."""
        check_folder_target(self.into, list(writes), store=store, force=self.force)

    def load_paths(self) -> list[Path]:
        """The dataset folders that exist, and the import folder unless it lies inside one of them."""
        roots = [r for r in self.dataset if r.exists()]
        return roots if self.in_dataset() else [*roots, self.into]

    def in_dataset(self) -> bool:
        """Whether the import folder lies in a dataset folder (a load of the dataset holds it)."""
        return any(_is_within(self.into, r) for r in self.dataset if r.exists())

    def existing_files(self, replacing: list[Path]) -> list[Path]:
        """Dataset files the import joins, without the files it is about to replace."""
        paths = [p for p in self.load_paths() if p.exists()]
        if not paths:
            return []
        skip = {p.resolve() for p in replacing}
        return [f for f in dataset_files(paths) if f.resolve() not in skip]


def run_per_file(fmt: str, paths: list[str | Path], into: str | Path | None,
                 one: Callable[[list[Path], str | Path | None, Store | None], ImportReport], *,
                 dataset: str | Path | list | None = None, store: Store | None = None, dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Several inputs without `into`: one import folder per file, in order, then one load.

    Each file's import joins the dataset as the previous ones left it, so a later file
    updates what an earlier one recorded exactly as it would in a later run.
    """
    files = [Path(p) for p in paths]
    if into is not None or len(files) < 2:
        return one(files, into, store)
    names = [default_into(Path("."), fmt, [f]).name for f in files]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice:
        raise GraphkitError(f"two inputs would share the folder {twice}; import them with --into")
    parts = [one([f], None, None) for f in files]
    report = ImportReport.combined(parts)
    if store is not None and not dry_run:
        plans = [ImportPlan.make(fmt, [f], None, dataset) for f in files]
        paths = [p for plan in plans for p in plan.load_paths()]
        report.loaded = load_store(store, read_dataset(list(dict.fromkeys(paths))), plans, progress)
    return report


def load_store(store: Store, ds: Dataset, plans: list[ImportPlan], progress: Progress | None = None) -> LoadReport:
    """Load an import with its dataset: synced (the store then holds exactly these files) when every
    import folder lies in the dataset; else added and updated only, with a note saying so, since
    the store may hold records of other folders that this load does not read.
    """
    outside = [p.into for p in plans if not p.in_dataset()]
    loaded = store.load(ds, sync=not outside, progress=progress)
    if outside:
        roots = [r for r in plans[0].dataset if r.exists()]
        command = " ".join(shlex.quote(str(p)) for p in [*roots, *outside])
        loaded.notes.append(f"the store was not synced ({', '.join(map(str, outside))} is outside the dataset): "
                            f"records were added and updated, none deleted; to make it hold exactly the files, run "
                            f"graphkit load {command} (with any other import folders)")
    return loaded


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


def discount_previous(report: ImportReport, previous: tuple[set[str], set[tuple]], entities: Iterable[dict],
                      sources: Iterable[str], relationships: Iterable[dict]) -> None:
    """`created` counts only what the previous run of this import had not recorded."""
    ids, keys = previous
    if not ids and not keys:  # a first run: nothing to discount (the records are not read again)
        return
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
    """Convert with `convert(batch)`, write the batch as dataset files, validate, load.

    Refuses a folder holding files graphkit did not write (unless `plan.force`), and
    exits with one line when nothing could be read from the inputs.
    """
    report = ImportReport(plan.format, [str(p) for p in plan.inputs], str(plan.into), dry_run)
    plan.check_target(store)
    targets = [plan.into / name for name in RECORD_FILES]
    existing_files = plan.existing_files(targets)
    existing = read_existing(existing_files)
    previous = previous_record(targets)
    batch = ImportBatch(actor_index(existing), report, known_source_urls(existing), recorded=existing)
    convert(batch)
    if not (batch.has_records() or batch.updates or report.matched):
        raise GraphkitError(f"{', '.join(str(p) for p in plan.inputs)}: nothing could be imported"
                            f"{_why(report)}; nothing was written")
    sections = batch.sections()
    discount_previous(report, previous, sections["entities"], (s["id"] for s in sections["sources"]),
                      sections["relationships"])
    header = YAML_HEADER.format(fmt=plan.format, inputs=", ".join(p.name for p in plan.inputs))
    texts, updates = record_files(sections, header), batch.updates
    del sections
    del batch  # its records live on in `texts` only until they are written
    ds = _validate_and_place(plan, texts, existing_files, dry_run, report, updates, existing)
    if store is not None and not dry_run:
        report.loaded = load_store(store, ds, [plan], progress)
    return report


def _why(report: ImportReport) -> str:
    if not report.skipped:
        return ""
    reason, n = report.skipped.most_common(1)[0]
    example = (report.examples.get(reason) or [""])[0]
    return f" ({n} skipped: {reason}" + (f", e.g. {example}" if example else "") + ")"


def _validate_and_place(plan: ImportPlan, texts: dict[str, str | CsvFile], existing_files: list[Path], dry_run: bool,
                        report: ImportReport, updates: dict[Path, set[str]], existing: Dataset) -> Dataset:
    """Build the folder aside, validate it with the dataset, then swap it in with one rename.

    Records a later release updates are taken out of the import folder that held them
    first (rewritten and swapped the same way), so the dataset never holds both.
    """
    touched = {f.resolve() for folder in updates for f in folder.iterdir() if f.is_file()}
    kept = [f for f in existing_files if f.resolve() not in touched]
    with contextlib.ExitStack() as stack:
        rewritten = []
        for folder, ids in updates.items():
            staged = _stage(stack, folder, dry_run, replaces=list(RECORD_FILES))
            _write_texts(staged.path, without_records(folder, ids, existing))
            rewritten.append(staged)
        staged = _stage(stack, plan.into, dry_run, replaces=list(texts))  # what graphkit did not write stays
        names = _write_texts(staged.path, texts)
        texts.clear()  # the records written are freed before the dataset is read back and loaded
        ds = _read_staged([*kept, *[s.path for s in rewritten], staged.path],
                          {str(s.path): str(s.target) for s in [*rewritten, staged]})
        if dry_run:
            return ds
        for folder in rewritten:  # first: a crash before the import's own swap leaves the award absent, never twice
            folder.swap_in(sorted(p.name for p in folder.path.iterdir() if not p.name.startswith(".")))
            report.files.append(f"{folder.target} (rewritten: records a later release updates moved out)")
        staged.swap_in(names)
        report.files += [str(plan.into / name) for name in names]
    return ds


@dataclass
class _DryRun:
    path: Path
    target: Path


def _stage(stack: contextlib.ExitStack, target: Path, dry_run: bool, **options):
    """A staging folder beside `target`; for a dry run, a temporary folder elsewhere (nothing written nearby)."""
    if dry_run:
        return _DryRun(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="graphkit-import-"))), target)
    return stack.enter_context(StagedFolder(target, **options))


def _write_texts(folder: Path, texts: dict[str, "str | CsvFile"]) -> list[str]:
    with writing(folder):
        for name, text in texts.items():
            if isinstance(text, str):
                write_text_atomic(folder / name, text)
            else:
                text.write(folder / name)
    return list(texts)


def _read_staged(paths: list[Path], shown: dict[str, str]) -> Dataset:
    """Read and validate; problems name the folder the files are for, never the staging folder."""
    try:
        return read_dataset(paths)
    except InvalidDataset as exc:
        def rename(path: str) -> str:
            for staging, final in shown.items():
                for form in (staging, display_path(Path(staging))):
                    if path.startswith(form):
                        return final + path[len(form):]
            return path
        raise InvalidDataset([dc_replace(p, file=rename(p.file)) for p in exc.problems]) from None


def without_records(folder: Path, ids: set[str], existing: Dataset) -> dict[str, str]:
    """The record files of an import folder without the entities `ids`, their claims, and the
    sources only they cited."""
    import csv
    import io

    import yaml

    removed_sources = _sources_only_cited_by(ids, existing, folder)
    texts = {}
    for name in RECORD_FILES:
        path = folder / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(text)))
            if not rows:
                texts[name] = text
                continue
            head = rows[0]
            keep = [r for r in rows[1:] if not _drops(dict(zip(head, r)), ids, removed_sources)]
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows([head, *keep])
            texts[name] = buf.getvalue()
        else:
            header = "".join(line for line in text.splitlines(True) if line.startswith("#"))
            data = yaml.safe_load(text) or {}
            body = {k: [r for r in v if not _drops(r, ids, removed_sources)] for k, v in data.items()}
            body = {k: v for k, v in body.items() if v}
            texts[name] = header + (yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100) if body else "{}\n")
    return texts


def _drops(row: dict, ids: set[str], sources: set[str]) -> bool:
    if row.get("id") in ids or row.get("source") in ids or row.get("target") in ids:
        return True
    return "url" in row and row.get("id") in sources


def _sources_only_cited_by(ids: set[str], ds: Dataset, folder: Path) -> set[str]:
    """Sources of `folder` that nothing but the records about `ids` cites."""
    cited_by_removed, cited_by_rest = set(), set()
    ents = ds.entities.select(["id", "source_ids"]).to_pylist()
    rels = ds.relationships.select(["source", "target", "source_ids"]).to_pylist()
    for row in ents + rels:
        gone = row.get("id") in ids or row.get("source") in ids or row.get("target") in ids
        (cited_by_removed if gone else cited_by_rest).update(row.get("source_ids") or [])
    here = {r["id"] for r in ds.sources.select(["id", "_file"]).to_pylist()
            if Path(r["_file"]).resolve().parent == folder.resolve()}
    return (cited_by_removed - cited_by_rest) & here
