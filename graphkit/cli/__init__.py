"""The command line: each command parses options, calls one library function and shows the result.

`app` holds the shared options; each module registers one group of commands on it. `main` is the
`graphkit` script: `app` run as a process of its own.
"""
import gc

from ..config import use_command_line_defaults
from .common import app
from . import add, analysis, data, interop, maps  # noqa: E402,F401 - each registers its commands on `app`

__all__ = ["app", "main"]

YOUNG_OBJECTS_PER_COLLECTION = 50_000  # Python's default, 700, collects 70 times as often


def main() -> None:
    """Run one command, with the cycle collector set for a process that runs one command and exits.

    Young objects are collected every 50,000 allocations rather than every 700: an import builds
    millions of short-lived containers, and the frequent collections cost it 5–8 %. At exit the
    collector is frozen, so the interpreter does not walk every loaded module's objects once more:
    about 0.1 s of each command once Arrow, pydantic and the store are loaded (`bench/README.md`).
    Nothing waits on that last collection: every command closes its store and its files itself.
    The libraries it uses get the command line's settings (`use_command_line_defaults`).
    """
    use_command_line_defaults()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, 20, 100)
    try:
        app(prog_name="graphkit")
    finally:
        gc.freeze()
