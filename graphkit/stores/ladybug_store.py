"""The embedded store: Ladybug, an in-process graph database that runs Cypher.

A store is one file plus its `.wal`. A load into a store that already holds
data runs in one transaction: new rows go in with COPY from Arrow, changed rows
with one `LOAD FROM … SET` per table. A load into an empty store (or `reset`)
builds a new file beside it, one transaction per table, and renames it over
the old one: the same all-or-nothing outcome at a third of the memory, since
one transaction holding a whole bulk load keeps every page of it in memory
until COMMIT. List properties are kept as marked text (see `list_text`).
"""
from __future__ import annotations

import contextlib
import glob
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import Dataset
from ..files import fsync_path
from ..ontology import Ontology, load_ontology
from ..problems import GraphkitError
from .base import LoadReport, ProgressFn, QueryResult
from .layout import RelGroup, node_columns, node_tables, rel_columns, rel_groups, signature
from .statements import check_statement
from .list_text import column_values, decode_value, encode_lists
from .values import plain_value

DEFAULT_PATH = Path(".graphkit") / "graph.lbug"
LADYBUG_TYPES = {"number": "DOUBLE", "bool": "BOOLEAN", "list": "STRING"}  # lists as marked text


def default_store_path() -> Path:
    return Path(os.environ.get("GRAPHKIT_STORE") or DEFAULT_PATH)


def _ladybug_type(field_type: str) -> str:
    return LADYBUG_TYPES.get(field_type, "STRING")


def schema_statements(onto: Ontology) -> list[str]:
    """CREATE statements for every node and relationship table of the ontology."""
    stmts = []
    for label in onto.all_labels:
        cols = ", ".join(f"{n} {_ladybug_type(t)}" for n, t in node_columns(onto, label))
        stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY (id))")
    props = ", ".join(f"{n} {_ladybug_type(t)}" for n, t in rel_columns(onto))
    for rtype, spec in onto.relationships.items():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in spec.pairs)
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {rtype}({pairs}, {props})")
    return stmts


class LadybugStore:
    """Graph store in one local file; no server.

    >>> import tempfile, pathlib
    >>> store = LadybugStore(pathlib.Path(tempfile.mkdtemp()) / "g.lbug")
    >>> store.query("RETURN 1 + 1 AS two").rows
    [[2]]
    """

    engine = "ladybug"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, onto: Ontology | None = None):
        self.path = Path(path) if path else default_store_path()
        self.onto = onto or load_ontology()
        self.read_only = read_only
        if self.path.is_dir():
            raise GraphkitError(f"store {self.path} is a folder; give a file path such as {self.path / 'graph.lbug'}")
        if read_only and not self.path.exists():
            raise GraphkitError(f"no store at {self.path}: run `graphkit load` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._open()
        self._mismatch = self._column_mismatch()  # raised by load and query; a reset rebuilds it away
        if not read_only:
            _remove_store_files(self._building_path())  # a killed rebuild's leftovers (the store's lock is ours)
            if not self._mismatch:
                self._ensure_schema()

    def _open(self) -> None:
        import ladybug

        try:
            self._db = self._database()
        except RuntimeError as exc:
            raise _busy_or(exc, self.path) from None
        self._conn = ladybug.Connection(self._db)

    def _database(self):
        import ladybug

        try:
            return ladybug.Database(str(self.path), read_only=self.read_only)
        except RuntimeError as exc:
            if not (self.read_only and "recovery is pending" in str(exc)):
                raise
        ladybug.Database(str(self.path)).close()  # a read-write open finishes the checkpoint a killed writer left
        return ladybug.Database(str(self.path), read_only=True)

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
            want = [[n, _ladybug_type(t)] for n, t in node_columns(self.onto, label)]
            try:
                got = self._conn.execute(f"CALL table_info('{label}') RETURN name, type").get_all()
            except RuntimeError:
                continue
            if got != want:
                return (f"store {self.path} was built with another ontology or graphkit version ({label} differs): "
                        "rebuild it with `graphkit load --reset`")
        return None

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
    def load(self, dataset: Dataset, *, reset: bool = False, progress: ProgressFn | None = None) -> LoadReport:
        if self.read_only:
            raise GraphkitError("store opened read-only")
        if self._mismatch and not reset:
            raise GraphkitError(self._mismatch)
        nodes, groups = store_tables(dataset, self.onto)
        if reset or self._is_empty():
            return self._rebuild(nodes, groups, progress)
        return self._upsert(nodes, groups, progress)

    def _is_empty(self) -> bool:
        return not self._conn.execute("MATCH (n) RETURN n.id LIMIT 1").has_next()

    def _upsert(self, nodes: dict[str, pa.Table], groups: list[RelGroup], progress: ProgressFn | None) -> LoadReport:
        """Into a store holding data: one transaction, new rows copied, changed rows set."""
        report = LoadReport()

        def work():
            for label, table in nodes.items():
                self._upsert_nodes(label, table, report)
                progress and progress(label, table.num_rows)
            for group in groups:
                self._upsert_rels(group, report)
                progress and progress(group.type, group.table.num_rows)

        try:
            self._in_transaction(work)
        except RuntimeError as exc:
            raise GraphkitError(f"load failed, store unchanged: {exc}") from None
        return report

    def _rebuild(self, nodes: dict[str, pa.Table], groups: list[RelGroup], progress: ProgressFn | None) -> LoadReport:
        """Build the whole store in a new file, then rename it over the old one (atomic on one file system).

        A crash before the rename leaves the old store and a stale `.building` file, removed by the
        next read-write open. The new file must have no `.wal` left after its close, and the old one
        is checkpointed first, so no log beside the store can be replayed onto the wrong file.
        """
        building = self._building_path()
        try:
            report = _build_file(building, self.onto, nodes, groups, progress)
            if building.with_name(building.name + ".wal").exists():
                raise RuntimeError("the new store file was not checkpointed on close")
            self._conn.execute("CHECKPOINT")  # the old file has no log left that could be replayed onto the new one
            fsync_path(building)  # on disk before it is named the store, so a power cut cannot leave a torn store
            os.replace(building, self.path)  # while the old file is still open, so its lock is held throughout
        except (RuntimeError, OSError) as exc:
            _remove_store_files(building)
            raise GraphkitError(f"load failed, store unchanged: {exc}") from None
        except BaseException:
            _remove_store_files(building)
            raise
        with contextlib.suppress(OSError):  # the rename is done; a folder that cannot be synced changes nothing
            fsync_path(self.path.parent)
        self.close()
        self._open()
        self._mismatch = None
        return report

    def _existing(self, cypher: str) -> pa.Table:
        return self._conn.execute(cypher).get_as_arrow()

    def _upsert_nodes(self, label: str, table: pa.Table, report: LoadReport) -> None:
        cols = [n for n, _ in node_columns(self.onto, label)]
        returns = ", ".join(f"n.{c} AS {c}" for c in cols)
        existing = self._existing(f"MATCH (n:{label}) RETURN {returns}")
        new, changed, same = _split(table, existing, "id", cols)
        copy_arrow(self._conn, label, new)
        if changed.num_rows:
            sets = ", ".join(f"n.{c} = v_{c}" for c in cols if c != "id")
            self._load_from(changed, f"MATCH (n:{label} {{id: v_id}}) SET {sets}")
        report.add(label, new.num_rows, changed.num_rows, same)

    def _upsert_rels(self, group, report: LoadReport) -> None:
        cols = [n for n, _ in rel_columns(self.onto)]
        t, a, b = group.type, group.from_label, group.to_label
        returns = ", ".join(f"r.{c} AS {c}" for c in cols)
        existing = self._existing(f"MATCH (:{a})-[r:{t}]->(:{b}) RETURN {returns}")
        new, changed, same = _split(group.table, existing, "rid", cols)
        copy_arrow(self._conn, t, _endpoints_first(new), copy_options(a, b))
        if changed.num_rows:
            sets = ", ".join(f"r.{c} = v_{c}" for c in cols if c != "rid")
            self._load_from(changed, f"MATCH (x:{a} {{id: v_source}})-[r:{t}]->(y:{b} {{id: v_target}}) "
                                     f"WHERE r.rid = v_rid SET {sets}")
        report.add(t, new.num_rows, changed.num_rows, same)

    def _load_from(self, rows: pa.Table, clause: str) -> None:
        frame = pa.table({f"v_{n}": rows.column(n) for n in rows.column_names})
        self._conn.execute(f"LOAD FROM $rows {clause}", {"rows": frame})

    # -- queries ------------------------------------------------------------------
    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False,
              timeout_s: float | None = None) -> QueryResult:
        check_statement(cypher, write=write, engine=self.engine)
        if write and self.read_only:
            raise GraphkitError("store opened read-only; writes need --write")
        if self._mismatch:
            raise GraphkitError(self._mismatch)
        self._conn.set_query_timeout(int((timeout_s or 0) * 1000))
        begin = "BEGIN TRANSACTION" if write else "BEGIN TRANSACTION READ ONLY"
        self._conn.execute(begin)
        try:
            result = self._conn.execute(cypher, params or {})
            columns = result.get_column_names()
            rows = _rows(result, len(columns))
        except RuntimeError as exc:
            _end_quietly(self._conn)
            raise _query_error(exc) from None
        self._conn.execute("COMMIT")
        return QueryResult(columns, rows)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._db.close()
        self._conn = self._db = None


def store_tables(dataset: Dataset, onto: Ontology) -> tuple[dict[str, pa.Table], list[RelGroup]]:
    """The dataset laid out as this store holds it: node tables and relationship groups, lists as marked text."""
    nodes = {label: encode_lists(table) for label, table in node_tables(dataset, onto).items()}
    groups = [RelGroup(g.type, g.from_label, g.to_label, encode_lists(g.table)) for g in rel_groups(dataset, onto)]
    return nodes, groups


def copy_options(from_label: str, to_label: str) -> str:
    """The COPY options naming the endpoint tables of a relationship group."""
    return f" (from='{from_label}', to='{to_label}')"


def _build_file(path: Path, onto: Ontology, nodes: dict[str, pa.Table], groups: list[RelGroup],
                progress: ProgressFn | None) -> LoadReport:
    """A new store file holding exactly these tables: the schema, then one committed COPY per table.
    Each table is released once copied (`nodes` and `groups` are emptied), so memory falls as the file grows."""
    import ladybug

    report = LoadReport()
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    try:
        conn.execute("BEGIN TRANSACTION")
        for stmt in schema_statements(onto):
            conn.execute(stmt)
        conn.execute("COMMIT")
        for label in list(nodes):
            table = nodes.pop(label)
            _committed_copy(conn, label, table)
            report.add(label, table.num_rows, 0, 0)
            progress and progress(label, table.num_rows)
        while groups:
            g = groups.pop(0)
            _committed_copy(conn, g.type, _endpoints_first(g.table), copy_options(g.from_label, g.to_label))
            report.add(g.type, g.table.num_rows, 0, 0)
            progress and progress(g.type, g.table.num_rows)
    finally:
        conn.close()
        db.close()
    return report


def _committed_copy(conn, table_name: str, rows: pa.Table, options: str = "") -> None:
    """One COPY in its own transaction."""
    conn.execute("BEGIN TRANSACTION")
    copy_arrow(conn, table_name, rows, options)
    conn.execute("COMMIT")


def copy_arrow(conn, table_name: str, rows: pa.Table, options: str = "") -> None:
    """COPY an Arrow table into a Ladybug table (relationships: `from`, `to`, then properties)."""
    if not rows.num_rows:
        return
    # A fresh Arrow object per COPY: re-running COPY on the same object crashes Ladybug.
    batch = pa.Table.from_batches(rows.to_batches(), schema=rows.schema)  # noqa: F841 - read by name
    conn.execute(f"COPY {table_name} FROM batch{options}")


def _endpoints_first(table: pa.Table) -> pa.Table:
    """A relationship group's table in COPY order: `from`, `to`, then the properties."""
    return table.rename_columns(["from", "to", *table.column_names[2:]])


def _remove_store_files(path: Path) -> None:
    """Remove a store file and every file Ladybug keeps beside it (`.wal`, `.wal.checkpoint`, `.shadow`, `.tmp.*`)."""
    for p in [path, *path.parent.glob(glob.escape(path.name) + ".*")]:
        p.unlink(missing_ok=True)


def _rows(result, width: int) -> list[list[Any]]:
    """Result rows as plain Python, converted column by column through Arrow (far faster than per value)."""
    if width == 0:  # a write without RETURN: nothing to convert (and Arrow cannot size it)
        return []
    table = result.get_as_arrow()
    if table.num_rows == 0:
        return []
    columns = []
    for col in table.columns:
        values = column_values(col)
        if values is None:
            values = col.to_pylist()
            if pa.types.is_struct(col.type) or pa.types.is_list(col.type) and pa.types.is_struct(col.type.value_type):
                values = [plain_value(v) for v in values]
            values = [decode_value(v) for v in values]
        columns.append(values)
    return [list(row) for row in zip(*columns)]


def _split(incoming: pa.Table, existing: pa.Table, key: str, cols: list[str]) -> tuple[pa.Table, pa.Table, int]:
    """Rows of `incoming` that are new, rows that changed, and how many are unchanged."""
    if existing.num_rows == 0:
        return incoming, incoming.slice(0, 0), 0
    existing = existing.cast(pa.schema([(n, incoming.schema.field(n).type) for n in existing.column_names]))
    old = pa.table({key: existing.column(key), "_old": signature(existing, cols)})
    mine = pa.table({key: incoming.column(key), "_new": signature(incoming, cols), "_row": pa.array(range(incoming.num_rows))})
    joined = mine.join(old, key, join_type="left outer")
    is_new = pc.is_null(joined.column("_old"))
    is_changed = pc.and_kleene(pc.invert(is_new), pc.not_equal(joined.column("_new"), joined.column("_old")))
    rows = joined.column("_row")
    new = incoming.take(pc.filter(rows, is_new))
    changed = incoming.take(pc.filter(rows, is_changed))
    return new, changed, incoming.num_rows - new.num_rows - changed.num_rows


def _table_name(stmt: str) -> str:
    return stmt.split("IF NOT EXISTS ", 1)[1].split("(", 1)[0]


def _end_quietly(conn) -> None:
    try:
        conn.execute("ROLLBACK")
    except RuntimeError:
        pass


def _busy_or(exc: RuntimeError, path: Path) -> GraphkitError:
    text = str(exc)
    if "lock" in text.lower():
        return GraphkitError(f"store busy: {path} is open in another graphkit process; retry when it is done")
    return GraphkitError(f"cannot open store {path}: {text}")


def _query_error(exc: RuntimeError) -> GraphkitError:
    text = str(exc)
    if text.strip() == "Interrupted.":
        return GraphkitError("query timed out (raise --timeout or narrow the query)")
    if "read-only" in text:
        return GraphkitError(f"{text} Add --write to run a query that changes the store.")
    return GraphkitError(text)
