"""Commands on the dataset and the store: validate, load, doctor, query, queries, run, show, sources."""
from __future__ import annotations

import sys
from contextlib import closing
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import GraphkitError
from .common import (PAGE, AllOpt, FormatOpt, LimitOpt, Neo4jOpt, OffsetOpt, StoreOpt, WideOpt, app,  # noqa: F401
                  command, default_dataset, store_from_options)
from .output import console, err_console, render, write_rows

@command
def validate(paths: Annotated[list[Path], typer.Argument(help="Dataset files or folders.")]):
    """Check dataset files; list every problem with file:line (exit 1 when any)."""
    from ..dataset import read_dataset

    ds = read_dataset(paths)
    counts = ds.counts()
    console.print(f"ok: {counts['sources']} sources, {counts['entities']} entities, "
                  f"{counts['relationships']} relationships in {len(ds.files)} file(s)", highlight=False)


@command
def load(paths: Annotated[Optional[list[Path]], typer.Argument(help="Dataset files or folders (default seeds/).")] = None,
         reset: Annotated[bool, typer.Option("--reset", help="Rebuild the store from scratch.")] = False,
         batch_size: Annotated[Optional[int], typer.Option(help="Neo4j rows per transaction.")] = None,
         store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Validate dataset files, then load them into the store (idempotent; nothing loads if anything is invalid)."""
    from ..stores.loading import load as load_files
    from .progress import ProgressBar, print_load

    with ProgressBar() as bar:  # the store is opened once the files are valid, and closed after
        report = load_files(paths or [default_dataset()], reset=reset, progress=bar, store=lambda: store_from_options(
            store, neo4j, batch_size=batch_size, set_aside_damaged=True))
    print_load(report)


@command
def doctor(paths: Annotated[Optional[list[Path]], typer.Argument(help="Dataset files or folders (default seeds/).")] = None,
           store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Check that the store opens and holds exactly what the files hold; say what to run (exit 1 when not)."""
    from ..dataset import read_dataset
    from ..stores import describe_store
    from ..stores.health import check_store

    health = check_store(read_dataset(paths or [default_dataset()]),
                         lambda: store_from_options(store, neo4j, read_only=True), describe_store(store, neo4j=neo4j))
    for line in health.lines():
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if not health.ok:
        raise typer.Exit(1)


@command
def query(cypher: Annotated[str, typer.Argument(help="A Cypher statement.")],
          param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="key=value")] = None,
          fmt: FormatOpt = "table", limit: LimitOpt = PAGE, offset: OffsetOpt = 0, all_rows: AllOpt = False,
          write: Annotated[bool, typer.Option("--write", help="Allow the query to change the store.")] = False,
          timeout: Annotated[float, typer.Option(help="Seconds before the query is stopped.")] = 60.0,
          store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Run ad-hoc Cypher on the active store (read-only unless --write); shows a page of rows at a time."""
    from ..query.named import parse_params

    target = store_from_options(store, neo4j, read_only=not write)
    if _streams(fmt, all_rows, offset) and not write:
        with closing(target):
            stream = target.stream(cypher, parse_params(param or []), timeout_s=timeout)
            write_rows(stream.columns, stream.batches, fmt)
        return
    try:
        result = target.query(cypher, parse_params(param or []), write=write, timeout_s=timeout,
                              window=_window(limit, offset, all_rows))
    finally:
        target.close()
    render(result.columns, result.rows, fmt)
    _say_more(result, offset)


def _streams(fmt: str, all_rows: bool, offset: int) -> bool:
    """Every row as CSV or JSON: written as the engine hands them out, never all held at once."""
    return all_rows and not offset and fmt in ("csv", "json")


def _window(limit: int, offset: int, all_rows: bool) -> tuple[int, int] | None:
    if limit < 1 or offset < 0:
        raise GraphkitError("--limit must be at least 1 and --offset at least 0")
    return None if all_rows and not offset else (offset, 10**12 if all_rows else limit)


def _say_more(result, offset: int) -> None:
    """On stderr, so piped rows stay clean: how many rows were left out and how to see them."""
    shown_to = offset + len(result.rows)
    later = (result.total or 0) - shown_to
    if later > 0:
        err_console.print(f"rows {offset + 1 if result.rows else 0}–{shown_to} of {result.total:,}; "
                          f"{later:,} more: --offset {shown_to} for the next page, --limit N for more at "
                          "once, --all for every row", markup=False, highlight=False, soft_wrap=True)


@command
def queries(fmt: FormatOpt = "table"):
    """List the named queries in the library."""
    from ..query.named import named_queries

    rows = [[q.name, q.description, "; ".join(p.name + ("" if p.default is None else f"={p.default}") for p in q.params)]
            for q in named_queries().values()]
    render(["name", "description", "params"], rows, fmt)


@command
def run(name: Annotated[str, typer.Argument(help="A named query (see `graphkit queries`).")],
        param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="key=value")] = None,
        fmt: FormatOpt = "table", limit: LimitOpt = PAGE, offset: OffsetOpt = 0, all_rows: AllOpt = False,
        timeout: Annotated[float, typer.Option(help="Seconds before the query is stopped.")] = 60.0,
        wide: WideOpt = False, store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Run a named query (actor parameters take an id, name or alias); shows a page of rows at a time."""
    from ..query.named import parse_params, run_named, stream_named

    target = store_from_options(store, neo4j, read_only=True)
    if _streams(fmt, all_rows, offset):
        with closing(target):
            stream = stream_named(target, name, parse_params(param or []), timeout_s=timeout)
            write_rows(stream.columns, stream.batches, fmt)
        return
    try:
        result = run_named(target, name, parse_params(param or []), timeout_s=timeout,
                           window=_window(limit, offset, all_rows))
    finally:
        target.close()
    render(result.columns, result.rows, fmt, title=name, wide=wide)
    _say_more(result, offset)


@command
def show(actor: Annotated[str, typer.Argument(metavar="ACTOR", help="Id, name or alias.")], fmt: FormatOpt = "table",
         wide: WideOpt = False, store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Print an actor with its links and the sources behind each."""
    from ..query.actors import show_actor

    target = store_from_options(store, neo4j, read_only=True)
    try:
        view = show_actor(target, actor)
    finally:
        target.close()
    node = view.node
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps({"node": node, "links": view.links, "sources": view.sources},
                                    default=str, ensure_ascii=False, indent=2) + "\n")
        return
    fields = [[k, list(dict.fromkeys(v)) if k == "source_ids" else v] for k, v in node.items() if v not in (None, [])]
    render(["field", "value"], fields, fmt, title=node.get("name"), wide=wide)
    rows = [[("→ " if l["direction"] == "out" else "← ") + l["type"], l["other_name"] or l["other"],
             _money(l["amount_gbp"]), l["vat"], l["props"].get("evidence"),
             ", ".join(dict.fromkeys(l["props"].get("source_ids") or []))]
            for l in view.links]
    render(["link", "with", "£", "vat", "evidence", "sources"], rows, fmt, title="links", wide=wide)
    render(["source", "title", "url"], [[s["id"], s.get("title"), s.get("url")] for s in view.sources.values()],
           fmt, title="sources", wide=wide)


def _money(value) -> str:
    return f"£{value:,.0f}" if isinstance(value, (int, float)) else ""


@command
def sources(paths: Annotated[Optional[list[Path]], typer.Argument(help="Dataset files or folders (default seeds/).")] = None,
            weak: Annotated[bool, typer.Option("--weak", help="Also list relationships whose quotes name neither end "
                                                             "(by name or alias), for a reviewer to read.")] = False):
    """List claims that lack a source or a quote, and with --weak those whose quotes name neither end (exit 1 when any)."""
    from ..dataset import validate as validate_paths

    paths = paths or [default_dataset()]
    problems = [p for p in validate_paths(paths) if p.about_citation]
    if weak and not problems:
        from ..dataset.quote_check import weak_claims_in

        problems = weak_claims_in(paths)
    for p in problems:
        console.print(str(p), markup=False, highlight=False, soft_wrap=True)
    if problems:
        what = "whose quotes name neither end" if weak and problems[0].field == "quotes" else "without a proper source"
        err_console.print(f"{len(problems)} claim(s) {what}", markup=False)
        raise typer.Exit(1)
    console.print("every claim cites a source with a quote" + (" naming one of its ends" if weak else ""),
                  highlight=False)
