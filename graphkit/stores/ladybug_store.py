"""The embedded store: Ladybug, an in-process graph database that runs Cypher.

A store is one file plus its `.wal`. A load into a store that already holds
data runs in one transaction: new rows go in with COPY from Arrow, changed rows
with one `LOAD FROM … SET` per table. A load into an empty store (or `reset`)
builds a new file beside it, one transaction per table, and renames it over
the old one: the same all-or-nothing outcome at a third of the memory, since
one transaction holding a whole bulk load keeps every page of it in memory
until COMMIT. List properties are kept as marked text (see `list_text`).

A store opened for a load (`set_aside_damaged`) opens its file when first used: a load of
the files the last load read, into a file nothing has written since, answers from the record
kept beside it (see `last_load`) without opening the file or importing Arrow.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .. import config
from ..dataset import Dataset
from ..files import fsync_path
from ..model.ontology import Ontology, load_ontology
from ..errors import GraphkitError
from . import last_load
from .base import ArrowBatches, LoadReport, ProgressFn, QueryResult, QueryStream
from .statements import check_statement

if TYPE_CHECKING:
    import pyarrow as pa

    from .columns import GroupKey, RelGroup
    from .plans import TablePlan

ARROW_HELPERS = {  # imported into this module on first use (`_arrow_helpers`): a load that changes nothing needs none
    "columns": ("node_columns", "rel_columns"),
    "ladybug_file": ("StoreUnreadable", "ladybug_type", "build_file", "copy_arrow", "copy_options", "endpoints_first",
                     "remove_store_files", "schema_statements", "set_aside", "store_tables", "busy_or"),
    "plans": ("TablePlan", "store_plans"),
    "list_text": ("arrow_rows",),
}


def _arrow_helpers() -> None:
    """Import Arrow and the helpers built on it as names of this module, once (a name already set is kept)."""
    names = globals()
    if "pc" in names:
        return
    import importlib

    for module, helpers in ARROW_HELPERS.items():
        loaded = importlib.import_module(f".{module}", __package__)
        for helper in helpers:
            names.setdefault(helper, getattr(loaded, helper))
    names.setdefault("pa", importlib.import_module("pyarrow"))
    names["pc"] = importlib.import_module("pyarrow.compute")


def __getattr__(name: str):  # `from graphkit.stores.ladybug_store import copy_arrow` still works
    if any(name in helpers for helpers in ARROW_HELPERS.values()) or name in ("pa", "pc"):
        _arrow_helpers()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_store_path() -> Path:
    return config.store_path()


class LadybugStore:
    """Graph store in one local file; no server.

    >>> import tempfile, pathlib
    >>> store = LadybugStore(pathlib.Path(tempfile.mkdtemp()) / "g.lbug")
    >>> store.query("RETURN 1 + 1 AS two").rows
    [[2]]
    """

    engine = "ladybug"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, onto: Ontology | None = None,
                 set_aside_damaged: bool = False, cache_bytes: int | None = None):
        """`set_aside_damaged`: a file that cannot be opened is renamed aside (dated) and a new store begun,
        for a load that rebuilds it from the files; otherwise it is an error that says so."""
        self.path = Path(path) if path else default_store_path()
        self._cache = {"buffer_pool_size": cache_bytes} if cache_bytes else {}  # default: most of the memory (slower)
        self.onto = onto or load_ontology()
        self.read_only = read_only
        self.notes: list[str] = []
        self._conn = self._db = None
        if self.path.is_dir():
            raise GraphkitError(f"store {self.path} is a folder; give a file path such as {self.path / 'graph.lbug'}")
        if read_only and not self.path.exists():
            raise GraphkitError(f"no store at {self.path}: run `graphkit load` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._set_aside_damaged = set_aside_damaged and not read_only
        self._opened, self._mismatch = False, None
        self._loaded: tuple[str, dict[str, int]] | None = None  # (digest, rows) of a sync load, recorded on close
        if not self._set_aside_damaged:
            self._ready()

    def _ready(self) -> None:
        """Open the file (once): set a damaged one aside when asked, check its tables, add missing ones."""
        if self._opened:
            return
        self._opened = True
        _arrow_helpers()
        try:
            self._open()
        except StoreUnreadable as exc:
            if not self._set_aside_damaged:
                raise
            aside = set_aside(self.path)
            self.notes.append(f"store {self.path} could not be read ({exc.reason}); it was set aside as {aside} "
                              "and the store rebuilt from the files")
            self._open()
        self._mismatch = self._column_mismatch()  # raised by load and query; a reset rebuilds it away
        if not self.read_only:
            remove_store_files(self._building_path())  # a killed rebuild's leftovers (the store's lock is ours)
            if not self._mismatch:
                self._ensure_schema()

    def _open(self) -> None:
        import ladybug

        try:
            self._db = self._database()
        except (RuntimeError, MemoryError, ValueError) as exc:  # a damaged file can fail in any of these
            raise busy_or(exc, self.path) from None
        try:
            self._conn = ladybug.Connection(self._db)
            self._tables()  # reads the catalog: a file that opens but cannot be read fails here
        except (RuntimeError, MemoryError, ValueError) as exc:
            self.close()
            raise StoreUnreadable(self.path, str(exc)) from None

    def _database(self):
        import ladybug

        try:
            return ladybug.Database(str(self.path), read_only=self.read_only, **self._cache)
        except RuntimeError as exc:
            if not (self.read_only and "recovery is pending" in str(exc)):
                raise
        ladybug.Database(str(self.path), **self._cache).close()  # a read-write open ends a killed writer's checkpoint
        return ladybug.Database(str(self.path), read_only=True, **self._cache)

    # -- schema -----------------------------------------------------------------
    def _ensure_schema(self) -> None:
        existing = self._tables()
        missing = [s for s in schema_statements(self.onto) if _table_name(s) not in existing]
        if missing:
            self._in_transaction(lambda: [self._conn.execute(s) for s in missing])

    def _tables(self) -> set[str]:
        return {row[0] for row in self._conn.execute("CALL show_tables() RETURN name").get_all()}

    def _column_mismatch(self) -> str | None:
        """Why the store's tables do not match this ontology and layout, or None when they do."""
        for label in self.onto.all_labels:
            want = [[n, ladybug_type(t)] for n, t in node_columns(self.onto, label)]
            try:
                got = self._conn.execute(f"CALL table_info('{label}') RETURN name, type").get_all()
            except RuntimeError:
                continue
            if got != want:
                return (f"store {self.path} was built with another ontology or graphkit version ({label} differs): "
                        "rebuild it with `graphkit load --reset`")
        return None

    @property
    def outdated(self) -> str | None:
        """Why the file was built with another ontology or graphkit version (a load needs reset), or None."""
        self._ready()
        return self._mismatch

    def _building_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.building")

    # -- transactions -------------------------------------------------------------
    def _in_transaction(self, work):
        """Run work() in one transaction. Any error ends it: Ladybug has already rolled back."""
        self._conn.execute("BEGIN TRANSACTION")
        try:
            result = work()
        except BaseException:
            try:
                self._conn.execute("ROLLBACK")
            except RuntimeError:
                pass  # an error inside the transaction has rolled it back already
            raise
        self._conn.execute("COMMIT")
        return result

    # -- loading ------------------------------------------------------------------
    def load(self, dataset: Dataset, *, reset: bool = False, sync: bool = True,
             progress: ProgressFn | None = None) -> LoadReport:
        if self.read_only:
            raise GraphkitError("store opened read-only")
        unchanged = None if reset or self._mismatch else last_load.recall(self.path, dataset.digest)
        held = last_load.recall(self.path, dataset.follows[0]) if dataset.follows and not reset else None
        if unchanged is not None:  # the files the last load read, into a file nothing has written since
            report = LoadReport()
            for name, rows in unchanged.items():
                report.add(name, 0, 0, rows)
            self._loaded = (dataset.digest, unchanged)  # still what the files hold when this store is closed
            return report
        self._ready()
        if self._mismatch and not reset:
            raise GraphkitError(self._mismatch)
        nodes, groups = store_tables(dataset, self.onto)
        self._written()
        if reset or self._is_empty():
            report = self._rebuild(nodes, groups, progress)
        else:
            report = self._upsert(nodes, groups, progress, sync)
        if dataset.digest and (sync or reset):  # the store now holds exactly these files: kept on close
            self._loaded = (dataset.digest, {name: report.created.get(name, 0) + report.updated.get(name, 0) + rows
                                             for name, rows in report.unchanged.items()})
        self._loaded = last_load.followed(dataset.follows[1], held, report) if held is not None else self._loaded
        report.notes.extend(self.notes)
        return report

    def _written(self) -> None:
        """The store is about to change: the record of the last load no longer holds."""
        self._loaded = None
        last_load.forget(self.path)

    def differences(self, dataset: Dataset) -> LoadReport:
        self._ready()
        if self._mismatch:
            raise GraphkitError(self._mismatch)
        nodes, groups = store_tables(dataset, self.onto)
        report = LoadReport()
        for plan in self._plans(nodes, groups, sync=True):
            report.add(plan.name, plan.new.num_rows, plan.changed.num_rows, plan.same, len(plan.gone))
        return report

    def _is_empty(self) -> bool:
        return not self._conn.execute("MATCH (n) RETURN n.id LIMIT 1").has_next()

    def _upsert(self, nodes: Mapping[str, pa.Table], groups: Mapping[GroupKey, RelGroup],
                progress: ProgressFn | None, sync: bool) -> LoadReport:
        """Into a store holding data: one transaction; new rows copied, changed rows set, gone rows deleted."""
        report = LoadReport()

        def work():
            plans = list(self._plans(nodes, groups, sync))
            for plan in plans:
                self._apply(plan)
                report.add(plan.name, plan.new.num_rows, plan.changed.num_rows, plan.same, len(plan.gone))
                progress and progress(plan.name, plan.new.num_rows + plan.changed.num_rows + plan.same)
            for plan in sorted(plans, key=lambda p: p.key == "id"):  # links first, then nodes (DETACH)
                self._delete(plan)

        try:
            self._in_transaction(work)
        except RuntimeError as exc:
            raise GraphkitError(f"load failed, store unchanged: {exc}") from None
        return report

    def _rebuild(self, nodes: Mapping[str, pa.Table], groups: Mapping[GroupKey, RelGroup],
                 progress: ProgressFn | None) -> LoadReport:
        """Build the whole store in a new file, then rename it over the old one (atomic on one file system).

        A crash before the rename leaves the old store and a stale `.building` file, removed by the
        next read-write open. The new file must have no `.wal` left after its close, and the old one
        is checkpointed first, so no log beside the store can be replayed onto the wrong file.
        """
        building = self._building_path()
        try:
            report = build_file(building, self.onto, nodes, groups, progress)
            if building.with_name(building.name + ".wal").exists():
                raise RuntimeError("the new store file was not checkpointed on close")
            self._conn.execute("CHECKPOINT")  # the old file has no log left that could be replayed onto the new one
            fsync_path(building)  # on disk before it is named the store, so a power cut cannot leave a torn store
            os.replace(building, self.path)  # while the old file is still open, so its lock is held throughout
        except (RuntimeError, OSError) as exc:
            remove_store_files(building)
            raise GraphkitError(f"load failed, store unchanged: {exc}") from None
        except BaseException:
            remove_store_files(building)
            raise
        with contextlib.suppress(OSError):  # the rename is done; a folder that cannot be synced changes nothing
            fsync_path(self.path.parent)
        self.close()
        self._open()
        self._mismatch = None
        return report

    def _existing(self, cypher: str, parameters: dict) -> pa.Table:
        return self._conn.execute(cypher, parameters).get_as_arrow()

    def _plans(self, nodes: Mapping[str, pa.Table], groups: Mapping[GroupKey, RelGroup],
               sync: bool) -> Iterator[TablePlan]:
        """Per node label and relationship group: what the load adds, sets and (with sync) deletes."""
        return store_plans(self._existing, self.onto, nodes, groups, sync)

    def _apply(self, plan: TablePlan) -> None:
        """Add the new rows and set the changed ones (deletes come after every table is written)."""
        if not plan.new.num_rows and not plan.changed.num_rows:
            return
        if plan.key == "id":
            copy_arrow(self._conn, plan.name, plan.new)
            cols, var = node_columns(self.onto, plan.name), "n"
            match = f"MATCH (n:{plan.name} {{id: v_id}})"
        else:
            a, b = plan.endpoints
            if plan.new.num_rows:
                copy_arrow(self._conn, plan.name, endpoints_first(plan.new), copy_options(a, b))
            cols, var = rel_columns(self.onto), "r"
            match = f"MATCH (x:{a} {{id: v_source}})-[r:{plan.name}]->(y:{b} {{id: v_target}}) WHERE r.rid = v_rid"
        if plan.changed.num_rows:
            sets = ", ".join(f"{var}.{c} = v_{c}" for c, _ in cols if c != plan.key)
            self._load_from(plan.changed, f"{match} SET {sets}")

    def _delete(self, plan: TablePlan) -> None:
        if not len(plan.gone):
            return
        rows = pa.table({plan.key: plan.gone})
        if plan.key == "id":
            self._load_from(rows, f"MATCH (n:{plan.name} {{id: v_id}}) DETACH DELETE n")
        else:
            a, b = plan.endpoints
            self._load_from(rows, f"MATCH (:{a})-[r:{plan.name}]->(:{b}) WHERE r.rid = v_rid DELETE r")

    def _load_from(self, rows: pa.Table, clause: str) -> None:
        frame = pa.table({f"v_{n}": rows.column(n) for n in rows.column_names})
        self._conn.execute(f"LOAD FROM $rows {clause}", {"rows": frame})

    # -- queries ------------------------------------------------------------------
    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False,
              timeout_s: float | None = None, window: tuple[int, int] | None = None) -> QueryResult:
        columns, table = self._arrow(cypher, params, write, timeout_s)
        if table is None:  # a write without RETURN: nothing to convert (and Arrow cannot size it)
            return QueryResult(columns, [], None)
        total = table.num_rows if window else None
        return QueryResult(columns, arrow_rows(table.slice(*window) if window else table), total)

    def stream(self, cypher: str, params: dict[str, Any] | None = None, *,
               timeout_s: float | None = None, batch_rows: int = 10_000) -> QueryStream:
        """A read-only query's rows as Arrow record batches of `batch_rows` (iterated: Python rows), each let
        go once handed out (the engine's Python API reads no single batch: it hands over the whole answer)."""
        columns, table = self._arrow(cypher, params, False, timeout_s, batch_rows)
        return QueryStream(columns, ArrowBatches.handing_out(columns, table))

    def _arrow(self, cypher: str, params: dict[str, Any] | None, write: bool, timeout_s: float | None,
               chunk_rows: int | None = None):
        """(columns, the result as Arrow in chunks of `chunk_rows` (by default as the engine chooses),
        or None for a statement that returns no columns)."""
        check_statement(cypher, write=write, engine=self.engine)
        if write and self.read_only:
            raise GraphkitError("store opened read-only; writes need --write")
        self._ready()
        if write:
            self._written()
        if self._mismatch:
            raise GraphkitError(self._mismatch)
        self._conn.set_query_timeout(int((timeout_s or 0) * 1000))
        begin = "BEGIN TRANSACTION" if write else "BEGIN TRANSACTION READ ONLY"
        self._conn.execute(begin)
        try:
            result = self._conn.execute(cypher, params or {})
            columns = result.get_column_names()
            table = result.get_as_arrow(chunk_rows) if columns else None
        except RuntimeError as exc:
            _end_quietly(self._conn)
            raise _query_error(exc) from None
        self._conn.execute("COMMIT")
        return columns, table

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._db is not None:
            self._db.close()
        self._conn = self._db = None
        if self._loaded is not None:  # closed: the file as the load left it
            last_load.remember(self.path, *self._loaded)
            self._loaded = None


def _table_name(stmt: str) -> str:
    return stmt.split("IF NOT EXISTS ", 1)[1].split("(", 1)[0]


def _end_quietly(conn) -> None:
    try:
        conn.execute("ROLLBACK")
    except RuntimeError:
        pass


def _query_error(exc: RuntimeError) -> GraphkitError:
    text = str(exc)
    if text.strip() == "Interrupted.":
        return GraphkitError("query timed out (raise --timeout or narrow the query)")
    if "read-only" in text:
        return GraphkitError(f"{text} Add --write to run a query that changes the store.")
    return GraphkitError(text)
