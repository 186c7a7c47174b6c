"""Network analysis commands (graphkit analyse …): thin commands over library functions."""
from __future__ import annotations

from .cli import app, command  # noqa: F401 - commands register on the shared app
