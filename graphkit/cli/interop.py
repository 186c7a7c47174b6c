"""Import, export and entity resolution commands: thin commands over library functions."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import (DEFAULT_DATASET, FormatOpt, Neo4jOpt, StoreOpt, app, command, dataset_option,  # noqa: F401 - commands
                     default_dataset, store_from_options)  # register on the shared app
from .output import console, render

EXAMPLES_SHOWN = 3
SHOWN_CHARS = 400
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

ImportDatasetOpt = Annotated[Path, dataset_option("The dataset the import joins: matched, validated and loaded with it.")]
MergeDatasetOpt = Annotated[Path, dataset_option("Dataset folder that records the decision (merges.csv).")]


class StoreOnDemand:
    """The embedded store, opened only when an import has something to load (a refused file creates none)."""

    def __init__(self, path: Path | None, neo4j: bool | None):
        from ..stores.ladybug_store import default_store_path

        self.args = (path, neo4j)
        self.path = Path(path) if path else default_store_path()
        self.opened = None

    @classmethod
    def or_server(cls, path: Path | None, neo4j: bool | None):
        """Neo4j is opened at once: its connectivity is checked before any work."""
        from ..stores import use_neo4j

        return store_from_options(path, neo4j) if use_neo4j(neo4j) and path is None else cls(path, neo4j)

    def load(self, *args, **kwargs):
        if self.opened is None:
            self.opened = store_from_options(*self.args)
        return self.opened.load(*args, **kwargs)

    def close(self) -> None:
        if self.opened is not None:
            self.opened.close()


def _input_bytes(paths: list[Path]) -> int:
    return sum(f.stat().st_size for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())


@command(name="import")
def import_cmd(fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="csv, ftm or ocds.")],
               files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Files (or folders for csv).")],
               into: Annotated[Optional[Path], typer.Option(help="Folder for the dataset files "
                                                                 "(default <dataset>/imports/<format>-<name>).")] = None,
               dataset: ImportDatasetOpt = DEFAULT_DATASET,
               source_id: Annotated[Optional[str], typer.Option(help="Cite this source id for every claim "
                                                                      "(ftm, ocds).")] = None,
               dry_run: Annotated[bool, typer.Option("--dry-run", help="Convert and validate; write and load nothing.")] = False,
               force: Annotated[bool, typer.Option("--force", help="Use a folder that holds files graphkit did not "
                                                                    "write (they are kept, never overwritten).")] = False,
               store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Convert files into dataset files (kept in git), then load the whole dataset into the store.

    OCDS files without --into get one folder each (<dataset>/imports/ocds-<file name>).
    """
    from ..io import IMPORTERS
    from ..errors import GraphkitError
    from .progress import ProgressBar

    _require_extra(fmt)
    importer = IMPORTERS.get(fmt)
    if importer is None:
        raise GraphkitError(f"unknown import format {fmt!r} ({', '.join(IMPORTERS)})")
    if source_id and fmt == "csv":
        raise GraphkitError("--source-id is for ftm and ocds; CSV rows name their source in the source_id column")
    extra = {"source_id": source_id} if source_id else {}
    target = None if dry_run else StoreOnDemand.or_server(store, neo4j)
    try:
        with ProgressBar(read_bytes=_input_bytes(files)) as progress:
            report = importer(files, into, dataset=dataset, store=target, dry_run=dry_run, progress=progress,
                              force=force, **extra)
    finally:
        target and target.close()
    _print_import(report)


def shown_text(text: str, limit: int = SHOWN_CHARS) -> str:
    """Text safe for a terminal: control characters (escape sequences) blanked, long text cut.

    >>> shown_text("Acme\x1b[2J Ltd"), shown_text("x" * 10, 5)
    ('Acme [2J Ltd', 'xxxx…')
    """
    text = _CONTROL.sub(" ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _print_import(report) -> None:
    def say(text: str) -> None:
        console.print(shown_text(text), markup=False, highlight=False, soft_wrap=True)

    head = "dry run (nothing written or loaded)" if report.dry_run else f"into {report.into}"
    say(f"import {report.format}: {len(report.inputs)} file(s), {head}")
    created = ", ".join(f"{k} {v}" for k, v in sorted(report.created.items()) if v)
    say(f"created: {created or 'nothing new'}")
    if report.updated:
        say(f"updated: {len(report.updated)} recorded record(s) by later releases, e.g. {report.updated[0]}")
    if report.matched:
        examples = "; ".join(f"{m.incoming} → {m.id} ({m.how})" for m in report.matched[:EXAMPLES_SHOWN])
        say(f"matched: {len(report.matched)} recorded entities, e.g. {examples}")
    if report.skipped:
        say(f"skipped: {sum(report.skipped.values())}")
        for reason, n in report.skipped.most_common():
            examples = report.examples.get(reason) or []
            say(f"  {n:>6}  {reason}" + (f"  (e.g. {examples[0]})" if examples else ""))
    for name, value in report.figures.items():
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        say(f"  {name}: {shown}")
    for f in report.files:
        say(f"wrote {f}")
    if report.loaded is not None:  # as `graphkit load` says it: notes, then what was created, updated, deleted
        from dataclasses import replace

        from .progress import print_load

        print_load(replace(report.loaded, notes=[shown_text(n, 2 * SHOWN_CHARS) for n in report.loaded.notes]))


def _require_extra(fmt: str) -> None:
    """FollowTheMoney is an optional extra: without it, say in one line what to install."""
    if fmt != "ftm":
        return
    try:
        import followthemoney  # noqa: F401
    except ImportError:
        from ..errors import GraphkitError

        raise GraphkitError("FollowTheMoney needs the ftm extra: pip install 'graphkit[ftm]'") from None


@command(name="export")
def export_cmd(fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="ftm, gexf, graphml, csv or neo4j-admin.")],
               target: Annotated[Path, typer.Argument(metavar="DIR_OR_FILE", help="Where to write.")],
               force: Annotated[bool, typer.Option("--force", help="Write over a file graphkit did not write "
                                                                    "(never the store or a dataset file).")] = False,
               store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Export everything in the store (FtM JSON lines, GEXF, GraphML, dataset CSV, neo4j-admin CSV)."""
    from ..io import export_store

    _require_extra(fmt)

    source = store_from_options(store, neo4j, read_only=True)
    try:
        report = export_store(fmt, source, target, force=force, datasets=_dataset_folders())
    finally:
        source.close()
    written = ", ".join(f"{k} {v}" for k, v in report.written.items())
    console.print(f"export {fmt}: {written}", markup=False, highlight=False, soft_wrap=True)
    for reason, n in report.dropped.items():
        console.print(f"  left out {n}: {reason}", markup=False, highlight=False)
    for f in report.files:
        console.print(f"wrote {f}", markup=False, highlight=False)


def _dataset_folders() -> list[Path]:
    """Folders holding the record, which exports never write into."""
    from .. import config

    found = [default_dataset(), config.DEFAULT_DATASET, config.dataset_path()]
    return [p for p in dict.fromkeys(found) if p.exists()]


@command
def dedupe(paths: Annotated[Optional[list[Path]], typer.Argument(help="Dataset files or folders (default seeds/).")] = None,
           threshold: Annotated[float, typer.Option(min=0, max=100, help="Lowest score shown (0-100).")] = 90.0,
           limit: Annotated[Optional[int], typer.Option(help="Show at most N pairs.")] = None,
           fmt: FormatOpt = "table"):
    """List pairs of entities that may be one actor, best first; record one with `graphkit merge KEEP MERGE`."""
    from ..resolve.candidates import dedupe_candidates

    pairs = dedupe_candidates(paths or [default_dataset()], threshold=threshold)
    shown = pairs[:limit] if limit else pairs
    rows = [[c.score, c.keep, c.keep_name, c.merge, c.merge_name, c.label, c.reason] for c in shown]
    render(["score", "keep", "keep_name", "merge", "merge_name", "label", "reason"], rows, fmt,
           title=f"{len(pairs)} candidate pair(s) at {threshold:g} or above")


@command
def merge(keep: Annotated[str, typer.Argument(metavar="A", help="Id of the actor that stays.")],
          other: Annotated[str, typer.Argument(metavar="B", help="Id of the actor merged into A.")],
          reason: Annotated[str, typer.Option(help="Why they are one actor.")] = "",
          dataset: MergeDatasetOpt = DEFAULT_DATASET):
    """Record that B is A: B's id, name and aliases become A's aliases, B's links point at A (reversible)."""
    from ..dataset.merges import record_merge

    decision = record_merge(dataset, keep, other, reason)
    console.print(f"recorded in {decision.file}: {other} merged into {keep}. Run `graphkit load --reset` "
                  f"so the store drops {other}.", markup=False, highlight=False, soft_wrap=True)


@command
def unmerge(keep: Annotated[str, typer.Argument(metavar="A")], other: Annotated[str, typer.Argument(metavar="B")],
            dataset: MergeDatasetOpt = DEFAULT_DATASET):
    """Undo `graphkit merge A B`: both actors are separate again."""
    from ..dataset.merges import remove_merge

    decision = remove_merge(dataset, keep, other)
    console.print(f"removed from {decision.file}: {other} is separate from {keep} again. "
                  "Run `graphkit load` to restore it in the store.", markup=False, highlight=False, soft_wrap=True)

