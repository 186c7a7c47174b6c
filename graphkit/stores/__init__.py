"""Graph stores behind one interface: the embedded Ladybug default, or Neo4j.

>>> import tempfile, pathlib
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "g.lbug")
>>> store.engine
'ladybug'
"""
from __future__ import annotations

from pathlib import Path

from .. import config
from .base import LoadReport, QueryResult, Store
from .ladybug_store import LadybugStore, default_store_path


def __getattr__(name: str):  # Neo4j's module (and Arrow with it) is imported only when asked for
    if name in ("Neo4jSettings", "Neo4jStore"):
        from . import neo4j_store

        return getattr(neo4j_store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FINDING_CACHE = 2**30  # the least page cache of a store opened to write a finding (which reads the tables it touches)


def use_neo4j(neo4j: bool | None = None) -> bool:
    """Neo4j when asked for, or when NEO4J_URI is set and the embedded store was not asked for."""
    if neo4j is not None:
        return neo4j
    return bool(config.neo4j_uri())


def open_store(path: str | Path | None = None, *, neo4j: bool | None = None, read_only: bool = False,
               batch_size: int | None = None, set_aside_damaged: bool = False, few_rows: bool = False) -> Store:
    """The active store: Neo4j (flag or NEO4J_URI), else the embedded file at path / GRAPHKIT_STORE.

    `set_aside_damaged` (for a load): an embedded file that cannot be read is renamed aside and rebuilt.
    `few_rows` (for one finding): an embedded store's page cache is sized to its file (`finding_cache_bytes`).
    """
    if use_neo4j(neo4j) and path is None:
        from .neo4j_store import Neo4jSettings, Neo4jStore

        kwargs = {"batch_size": batch_size} if batch_size else {}
        return Neo4jStore(Neo4jSettings.from_env(), **kwargs)
    cache = finding_cache_bytes(Path(path) if path else default_store_path()) if few_rows else None
    return LadybugStore(path, read_only=read_only, set_aside_damaged=set_aside_damaged, cache_bytes=cache)


def finding_cache_bytes(file: Path) -> int:
    """The page cache of the embedded store in `file` opened to write a finding: four times the file, at least
    `FINDING_CACHE` (far less than the engine's default, most of the machine's memory, which is slower to set up)."""
    return max(FINDING_CACHE, 4 * file.stat().st_size if file.is_file() else 0)


def describe_store(path: str | Path | None = None, *, neo4j: bool | None = None) -> str:
    """Where the active store is, for messages (never with credentials)."""
    if use_neo4j(neo4j) and path is None:
        from .neo4j_store import Neo4jSettings

        return f"{Neo4jSettings.from_env().safe_uri} (Neo4j)"
    return f"{Path(path) if path else default_store_path()} (embedded)"


__all__ = ["describe_store", "open_store", "Store", "LadybugStore", "Neo4jStore", "Neo4jSettings", "LoadReport",
           "QueryResult", "default_store_path"]
