"""The `graphkit` application, its shared options, and how a command reports errors (one line, exit 1)."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .output import FormatOpt, WideOpt, console, err_console, render  # noqa: F401 - FormatOpt for the commands
from .. import config
from ..config import redact
from ..errors import GraphkitError, InvalidDataset, describe_os_error

app = typer.Typer(help="Map who advises, supplies and profits, with every claim tied to its source.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
add_app = typer.Typer(help="Record a new finding (validated, written to the dataset, upserted).", no_args_is_help=True)
app.add_typer(add_app, name="add")


# an option reads the variable config.py names for it, so --help shows it; all else reads through config
StoreOpt = Annotated[Optional[Path], typer.Option("--store", envvar=config.STORE_VARIABLE,
                                                  help="Embedded store file (default .graphkit/graph.lbug).")]
Neo4jOpt = Annotated[Optional[bool], typer.Option("--neo4j/--embedded",
                                                  help="Use Neo4j (NEO4J_URI…) or the embedded store; default: Neo4j when NEO4J_URI is set.")]


def dataset_option(help_text: str):
    """A --dataset option for commands that write into the dataset: the folder given, else GRAPHKIT_DATASET, else seeds/."""
    return typer.Option("--dataset", "-d", envvar=config.DATASET_VARIABLE, help=help_text)


DatasetOpt = Annotated[Path, dataset_option("Dataset folder that receives findings.")]
DEFAULT_DATASET = config.DEFAULT_DATASET
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
            with config.store_given(kwargs.get("store")):  # --store: the parse cache is kept beside that store
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


def store_from_options(store: Path | None, neo4j: bool | None, read_only: bool = False, batch_size: int | None = None,
           set_aside_damaged: bool = False, few_rows: bool = False):
    from ..stores import open_store

    return open_store(store, neo4j=neo4j, read_only=read_only, batch_size=batch_size,
                      set_aside_damaged=set_aside_damaged, few_rows=few_rows)


def graph_from_options(store: Path | None, neo4j: bool | None):
    """The store's graph (networkx), read from a store opened read-only and closed again."""
    from ..analysis import store_graph

    target = store_from_options(store, neo4j, read_only=True)
    try:
        return store_graph(target)
    finally:
        target.close()


def default_dataset() -> Path:
    from ..resources import default_dataset_dir

    return default_dataset_dir()
