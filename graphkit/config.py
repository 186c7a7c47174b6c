"""Every environment variable graphkit reads, with its default, and how secrets are kept out of messages.

>>> redact("Neo4j at bolt://neo:S3cr3t@127.0.0.1:notaport failed")
'Neo4j at bolt://127.0.0.1:notaport failed'
>>> redact("at bolt://neo:p@ss/w@rd@127.0.0.1:1 failed")
'at bolt://127.0.0.1:1 failed'
"""
from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

STORE_VARIABLE = "GRAPHKIT_STORE"  # the embedded store file (`--store` names it too)
DATASET_VARIABLE = "GRAPHKIT_DATASET"  # the dataset folder that `add`, `import` and `merge` write into (`--dataset`)
DEFAULT_STORE = Path(".graphkit") / "graph.lbug"
DEFAULT_DATASET = Path("seeds")  # the record in the working folder: `add`, `import` and `merge` write there
DEFAULT_NEO4J_URI = "bolt://localhost:7687"
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")

COMMAND_LINE_DEFAULTS = {  # the libraries' variables the command line sets for itself, unless already set
    # pydantic reads every installed package's entry points for plugins when it builds its first model;
    # the command line uses none (set the variable empty to have them loaded)
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
    # Arrow's default, mimalloc, takes seconds to grow a process's first large hash tables, and a
    # 200,000-release import peaks 15 % higher than with jemalloc (`bench/README.md`); Arrow's wheels
    # for Linux and macOS have jemalloc (another build without it says so on stderr, and keeps its default)
    "ARROW_DEFAULT_MEMORY_POOL": "jemalloc" if sys.platform in ("linux", "darwin") else None,
}

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)\S*@")  # to the last @: a password may hold / or @


def store_path() -> Path:
    """The default embedded store file: GRAPHKIT_STORE, else `.graphkit/graph.lbug`. It stays protected
    (never written over by an export) whichever store a command was given."""
    return Path(os.environ.get(STORE_VARIABLE) or DEFAULT_STORE)


def store_in_use() -> Path:
    """The embedded store a command was given (`store_given`, from `--store`), else the default one:
    what is kept beside the store (the parse cache) is kept beside this one.

    >>> with store_given(Path("elsewhere/g.lbug")):
    ...     print(store_in_use(), store_in_use() == store_path())
    elsewhere/g.lbug False
    """
    return _GIVEN_STORE.get() or store_path()


_GIVEN_STORE: ContextVar[Path | None] = ContextVar("given_store", default=None)


@contextmanager
def store_given(path: Path | None) -> Iterator[None]:
    """While it lasts, `path` (when given) is the store in use (`store_in_use`)."""
    token = _GIVEN_STORE.set(Path(path) if path else _GIVEN_STORE.get())
    try:
        yield
    finally:
        _GIVEN_STORE.reset(token)


def dataset_path() -> Path:
    """GRAPHKIT_DATASET: the dataset folder that receives findings, imports and merge decisions."""
    return Path(os.environ.get(DATASET_VARIABLE) or DEFAULT_DATASET)


def chromium_path() -> Path:
    """GRAPHKIT_CHROMIUM: the browser that renders PNG screenshots."""
    return Path(os.environ.get("GRAPHKIT_CHROMIUM") or DEFAULT_CHROMIUM)


def neo4j_uri() -> str | None:
    """NEO4J_URI: set means Neo4j is the active store unless --embedded is given."""
    return os.environ.get("NEO4J_URI") or None


def neo4j_username() -> str | None:
    return os.environ.get("NEO4J_USERNAME") or None


def neo4j_password() -> str | None:
    return os.environ.get("NEO4J_PASSWORD") or None


def neo4j_database() -> str | None:
    return os.environ.get("NEO4J_DATABASE") or None


def use_command_line_defaults() -> None:
    """Set each of COMMAND_LINE_DEFAULTS that is not set already (before the libraries read them)."""
    for name, value in COMMAND_LINE_DEFAULTS.items():
        if value is not None:
            os.environ.setdefault(name, value)


def redact(text: str, *secrets: str | None) -> str:
    """`text` without the user:password part of any URL in it, nor any of `secrets` (NEO4J_PASSWORD always)."""
    text = _USERINFO.sub(r"\g<scheme>", text)
    for secret in (*secrets, neo4j_password()):
        if secret:
            text = text.replace(secret, "***")
    return text


def uri_userinfo(uri: str) -> str:
    """The user:password part of a URI (everything between :// and the last @), or "".

    >>> uri_userinfo("bolt://neo:pa/ss@h:7687"), uri_userinfo("bolt://h:7687")
    ('neo:pa/ss', '')
    """
    match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://(\S*)@", uri)
    return match.group(1) if match else ""


def safe_uri(uri: str) -> str:
    """A URI fit for a message: no user-info, no query or fragment; never raises on a malformed URI.

    >>> safe_uri("neo4j+s://user:pw@[::1:7687?routing=x")
    'neo4j+s://[::1:7687'
    """
    return redact(re.split(r"[?#]", uri, maxsplit=1)[0])
