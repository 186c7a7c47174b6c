"""The command line: each command parses options, calls one library function, shows the result."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli_output import WideOpt, console, err_console, render
from .config import redact
from .problems import GraphkitError, InvalidDataset, describe_os_error

app = typer.Typer(help="Map who advises, supplies and profits, with every claim tied to its source.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
add_app = typer.Typer(help="Record a new finding (validated, written to the dataset, upserted).", no_args_is_help=True)
app.add_typer(add_app, name="add")

StoreOpt = Annotated[Optional[Path], typer.Option("--store", envvar="GRAPHKIT_STORE",
                                                  help="Embedded store file (default .graphkit/graph.lbug).")]
Neo4jOpt = Annotated[Optional[bool], typer.Option("--neo4j/--embedded",
                                                  help="Use Neo4j (NEO4J_URI…) or the embedded store; default: Neo4j when NEO4J_URI is set.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
DatasetOpt = Annotated[Path, typer.Option("--dataset", "-d", envvar="GRAPHKIT_DATASET",
                                          help="Dataset folder that receives findings.")]
MAX_SHOWN = 1000
PAGE = 100  # rows a query shows unless asked for more
LimitOpt = Annotated[int, typer.Option("--limit", help="Rows to show (a page).")]
OffsetOpt = Annotated[int, typer.Option("--offset", help="Rows to skip first (the next page).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every row, however many.")]


def command(fn=None, *, target=app, name=None):
    """Register a command whose user errors print as one line (or a list of problems) and exit 1."""
    if fn is None:
        return lambda f: command(f, target=target, name=name)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InvalidDataset as exc:
            for problem in exc.problems[:MAX_SHOWN]:
                err_console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
            if len(exc.problems) > MAX_SHOWN:
                err_console.print(f"… and {len(exc.problems) - MAX_SHOWN} more", markup=False)
            err_console.print(f"{len(exc.problems)} problem(s); nothing was loaded or written.", markup=False)
            raise typer.Exit(1) from None
        except GraphkitError as exc:
            _fail(str(exc))
        except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the interpreter flushes it at exit
            raise typer.Exit(0) from None
        except OSError as exc:  # the environment (no space, no permission, a bad path), not a bug
            _fail(describe_os_error(exc))
        except (typer.Exit, typer.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception:  # a bug: the traceback is for a report, with no secret in it
            import traceback

            sys.stderr.write(redact(traceback.format_exc()))
            raise typer.Exit(2) from None

    return target.command(name=name)(wrapper)


def _fail(message: str) -> None:
    err_console.print(f"error: {redact(message)}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1) from None


def _store(store: Path | None, neo4j: bool | None, read_only: bool = False, batch_size: int | None = None,
           set_aside_damaged: bool = False):
    from .stores import open_store

    return open_store(store, neo4j=neo4j, read_only=read_only, batch_size=batch_size,
                      set_aside_damaged=set_aside_damaged)


def _dataset_default() -> Path:
    from .resources import default_dataset_dir

    return default_dataset_dir()


@command
def validate(paths: Annotated[list[Path], typer.Argument(help="Dataset files or folders.")]):
    """Check dataset files; list every problem with file:line (exit 1 when any)."""
    from .dataset import read_dataset

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
    from .dataset import read_dataset
    from .progress import load_with_progress

    ds = read_dataset(paths or [_dataset_default()])
    target = _store(store, neo4j, batch_size=batch_size, set_aside_damaged=True)
    try:
        report = load_with_progress(ds, target, reset=reset)
    finally:
        target.close()
    _print_load(report)


@command
def doctor(paths: Annotated[Optional[list[Path]], typer.Argument(help="Dataset files or folders (default seeds/).")] = None,
           store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Check that the store opens and holds exactly what the files hold; say what to run (exit 1 when not)."""
    from .dataset import read_dataset
    from .stores import describe_store
    from .stores.health import check_store

    health = check_store(read_dataset(paths or [_dataset_default()]),
                         lambda: _store(store, neo4j, read_only=True), describe_store(store, neo4j=neo4j))
    for line in health.lines():
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if not health.ok:
        raise typer.Exit(1)


def _print_load(report) -> None:
    for note in report.notes:
        err_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    t = report.totals()
    note = " (nothing changed)" if report.changed_nothing else ""
    gone = " (no longer in the files)" if t["deleted"] else ""
    console.print(f"loaded: {t['created']} created, {t['updated']} updated, {t['deleted']} deleted{gone}, "
                  f"{t['unchanged']} unchanged{note}", highlight=False, soft_wrap=True)


@command
def query(cypher: Annotated[str, typer.Argument(help="A Cypher statement.")],
          param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="key=value")] = None,
          fmt: FormatOpt = "table", limit: LimitOpt = PAGE, offset: OffsetOpt = 0, all_rows: AllOpt = False,
          write: Annotated[bool, typer.Option("--write", help="Allow the query to change the store.")] = False,
          timeout: Annotated[float, typer.Option(help="Seconds before the query is stopped.")] = 60.0,
          store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Run ad-hoc Cypher on the active store (read-only unless --write); shows a page of rows at a time."""
    from .named_queries import parse_params

    target = _store(store, neo4j, read_only=not write)
    try:
        result = target.query(cypher, parse_params(param or []), write=write, timeout_s=timeout,
                              window=_window(limit, offset, all_rows))
    finally:
        target.close()
    render(result.columns, result.rows, fmt)
    _say_more(result, offset)


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
    from .named_queries import named_queries

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
    from .named_queries import parse_params, run_named

    target = _store(store, neo4j, read_only=True)
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
    from .actors import show_actor

    target = _store(store, neo4j, read_only=True)
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
    from .dataset import validate as validate_paths

    paths = paths or [_dataset_default()]
    problems = [p for p in validate_paths(paths)
                if p.field.split(".")[0] in ("sources", "source_id", "quote") or "source" in p.message]
    if weak and not problems:
        from .dataset.quote_check import weak_claims_in

        problems = weak_claims_in(paths)
    for p in problems:
        console.print(str(p), markup=False, highlight=False, soft_wrap=True)
    if problems:
        what = "whose quotes name neither end" if weak and problems[0].field == "quotes" else "without a proper source"
        err_console.print(f"{len(problems)} claim(s) {what}", markup=False)
        raise typer.Exit(1)
    console.print("every claim cites a source with a quote" + (" naming one of its ends" if weak else ""),
                  highlight=False)


def _citation(source: str, quote: str, title, publisher, date):
    from .findings import Citation

    return Citation(source, quote, title, publisher, date)


SourceOpt = Annotated[str, typer.Option("--source", "-s", help="URL of the evidence, or the id of a recorded source.")]
QuoteOpt = Annotated[str, typer.Option("--quote", "-q", help="Short verbatim quote from the source.")]
TitleOpt = Annotated[Optional[str], typer.Option(help="Title of a new source.")]
PublisherOpt = Annotated[Optional[str], typer.Option(help="Publisher of a new source.")]
DateOpt = Annotated[Optional[str], typer.Option("--date", help="Date of a new source (ISO).")]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Only write the dataset file.")]
EvidenceOpt = Annotated[str, typer.Option(
    help="How the claim is known: documented (a primary record), reported (a publication says it), "
         "alleged (only a partisan source or blog says it) or inferred.")]


def _add_store(no_store: bool, store, neo4j):
    return None if no_store else _store(store, neo4j)


def _print_added(result) -> None:
    for item in result.created:
        console.print(f"added {item}", markup=False, highlight=False)
    for item in result.matched:
        console.print(f"matched existing {item}", markup=False, highlight=False)
    console.print(f"written to {result.file}" + ("; store updated" if result.stored else ""), markup=False, highlight=False)


@command(target=add_app, name="entity")
def add_entity_cmd(label: Annotated[str, typer.Option(help="Organisation, Person, Programme, Report, …")],
                   kind: Annotated[str, typer.Option(help="A kind of that label, e.g. consultancy.")],
                   name: Annotated[str, typer.Option(help="The actor's name.")],
                   source: SourceOpt, quote: QuoteOpt,
                   id: Annotated[Optional[str], typer.Option("--id", help="Stable id (derived from the name when absent).")] = None,
                   alias: Annotated[Optional[list[str]], typer.Option(help="Other spelling (repeatable).")] = None,
                   description: Annotated[Optional[str], typer.Option()] = None,
                   evidence: EvidenceOpt = "reported",
                   field: Annotated[Optional[list[str]], typer.Option(help="Label field as key=value, e.g. value_gbp=60000.")] = None,
                   title: TitleOpt = None, publisher: PublisherOpt = None, date: DateOpt = None,
                   dataset: DatasetOpt = Path("seeds"), no_store: NoStoreOpt = False,
                   store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Add an actor or other entity (matched by id, name or alias instead of duplicated)."""
    from .findings import add_entity
    from .named_queries import parse_params

    target = _add_store(no_store, store, neo4j)
    try:
        result = add_entity(dataset, label=label, kind=kind, name=name, id=id, aliases=alias, description=description,
                            evidence=evidence, fields=parse_params(field or []),
                            citation=_citation(source, quote, title, publisher, date), store=target)
    finally:
        target and target.close()
    _print_added(result)


@command(target=add_app, name="relation")
def add_relation_cmd(src: Annotated[str, typer.Argument(metavar="SRC", help="Id, name or alias.")],
                     rel_type: Annotated[str, typer.Argument(metavar="TYPE", help="e.g. ADVISES, PAID, FUNDS.")],
                     dst: Annotated[str, typer.Argument(metavar="DST", help="Id, name or alias.")],
                     source: SourceOpt, quote: QuoteOpt,
                     amount_gbp: Annotated[Optional[float], typer.Option(help="Amount in GBP (needs --vat).")] = None,
                     vat: Annotated[Optional[str], typer.Option(help="excluded, included or unknown.")] = None,
                     start_date: Annotated[Optional[str], typer.Option()] = None,
                     end_date: Annotated[Optional[str], typer.Option()] = None,
                     role: Annotated[Optional[str], typer.Option()] = None,
                     evidence: EvidenceOpt = "reported",
                     title: TitleOpt = None, publisher: PublisherOpt = None, date: DateOpt = None,
                     dataset: DatasetOpt = Path("seeds"), no_store: NoStoreOpt = False,
                     store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Add a link between two recorded actors."""
    from .findings import add_relation

    props = {"amount_gbp": amount_gbp, "vat": vat, "start_date": start_date, "end_date": end_date,
             "role": role, "evidence": evidence}
    target = _add_store(no_store, store, neo4j)
    try:
        result = add_relation(dataset, src, rel_type, dst, props=props,
                              citation=_citation(source, quote, title, publisher, date), store=target)
    finally:
        target and target.close()
    _print_added(result)


@command(target=add_app, name="contract")
def add_contract_cmd(buyer: Annotated[str, typer.Argument(help="Id, name or alias of the buyer.")],
                     supplier: Annotated[str, typer.Argument(help="Id, name or alias of the supplier.")],
                     title: Annotated[str, typer.Option("--title", help="The contract's title.")],
                     source: SourceOpt, quote: QuoteOpt,
                     value_gbp: Annotated[Optional[float], typer.Option(help="Contract value in GBP (needs --vat).")] = None,
                     vat: Annotated[Optional[str], typer.Option(help="excluded, included or unknown.")] = None,
                     start_date: Annotated[Optional[str], typer.Option()] = None,
                     procedure: Annotated[Optional[str], typer.Option()] = None,
                     evidence: EvidenceOpt = "reported",
                     source_title: Annotated[Optional[str], typer.Option(help="Title of a new source.")] = None,
                     publisher: PublisherOpt = None, date: DateOpt = None,
                     dataset: DatasetOpt = Path("seeds"), no_store: NoStoreOpt = False,
                     store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Add a contract: buyer -COMMISSIONED-> contract -AWARDED_TO-> supplier (the same one again gains the citation)."""
    from .findings import add_contract

    target = _add_store(no_store, store, neo4j)
    try:
        result = add_contract(dataset, buyer, supplier, title=title, value_gbp=value_gbp, vat=vat,
                              start_date=start_date, procedure=procedure, evidence=evidence,
                              citation=_citation(source, quote, source_title, publisher, date), store=target)
    finally:
        target and target.close()
    _print_added(result)


@command(target=add_app, name="source")
def add_source_cmd(url: Annotated[str, typer.Argument(help="http(s) URL of the document.")],
                   title: TitleOpt = None, publisher: PublisherOpt = None, date: DateOpt = None,
                   dataset: DatasetOpt = Path("seeds"), no_store: NoStoreOpt = False,
                   store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Record a source document, to cite it later by id."""
    from .findings import add_source

    target = _add_store(no_store, store, neo4j)
    try:
        result = add_source(dataset, url, title=title, publisher=publisher, date=date, store=target)
    finally:
        target and target.close()
    _print_added(result)


# Commands of the other faces register themselves on `app` when imported.
from . import cli_analysis, cli_interop, cli_maps  # noqa: E402,F401
