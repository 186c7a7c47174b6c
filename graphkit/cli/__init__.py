"""The command line: each command parses options, calls one library function and shows the result.

`app` holds the shared options; each module registers one group of commands on it.
"""
from .common import app
from . import add, analysis, data, interop, maps  # noqa: E402,F401 - each registers its commands on `app`

__all__ = ["app"]
