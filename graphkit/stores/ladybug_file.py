"""The embedded store's file: its schema, building it table by table, and what is kept beside it.

A store is one Ladybug file plus sidecars (`.wal`, `.wal.checkpoint`, `.shadow`, `.tmp.*`). A
rebuild writes a hidden `.building` file that is renamed over the store when complete; a file
that cannot be read is renamed aside under a dated name, never deleted.
"""
from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from ..dataset import Dataset
from ..model.ontology import Ontology
from ..model.value_types import value_type
from ..errors import GraphkitError
from .base import LoadReport, ProgressFn
from .columns import BuiltOnRequest, GroupKey, RelGroup, node_columns, node_tables, rel_columns, rel_groups
from .list_text import encode_lists


def ladybug_type(field_type: str) -> str:
    """The column type of a field type (model/value_types.py; lists are kept as marked text)."""
    return value_type(field_type).ladybug


def schema_statements(onto: Ontology) -> list[str]:
    """CREATE statements for every node and relationship table of the ontology."""
    stmts = []
    for label in onto.all_labels:
        cols = ", ".join(f"{n} {ladybug_type(t)}" for n, t in node_columns(onto, label))
        stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY (id))")
    props = ", ".join(f"{n} {ladybug_type(t)}" for n, t in rel_columns(onto))
    for rtype, spec in onto.relationships.items():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in spec.pairs)
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {rtype}({pairs}, {props})")
    return stmts


def store_tables(dataset: Dataset, onto: Ontology) -> tuple[BuiltOnRequest[str, pa.Table],
                                                            BuiltOnRequest[GroupKey, RelGroup]]:
    """The dataset laid out as this store holds it: node tables and relationship groups, lists as marked
    text, each built as it is asked for (a load copying them one by one holds one at a time)."""
    nodes, groups = node_tables(dataset, onto), rel_groups(dataset, onto)

    def group(key: GroupKey) -> RelGroup:
        g = groups[key]
        return RelGroup(g.type, g.from_label, g.to_label, encode_lists(g.table))

    return BuiltOnRequest(list(nodes), lambda label: encode_lists(nodes[label])), BuiltOnRequest(list(groups), group)


def copy_options(from_label: str, to_label: str) -> str:
    """The COPY options naming the endpoint tables of a relationship group."""
    return f" (from='{from_label}', to='{to_label}')"


COMMIT_ROWS = 100_000  # rows copied between commits: small stores in few transactions, large ones in steps
COMMIT_TABLES = 4  # tables copied between commits: Ladybug holds about 10 MB per table COPY until the commit


def build_file(path: Path, onto: Ontology, nodes: Mapping[str, pa.Table], groups: Mapping[GroupKey, RelGroup],
               progress: ProgressFn | None) -> LoadReport:
    """A new store file holding exactly these tables: the schema, then COPY table by table.

    Tables are copied in transactions of about `COMMIT_ROWS` rows and at most `COMMIT_TABLES`
    tables (`CommittedCopies`), whose memory is released at each commit. Each table is
    taken from `nodes` and `groups` when its turn comes (`store_tables` builds them as they are
    asked for) and released at the next commit, so memory falls as the file grows. The file is
    new and only put in place once built, so a failure part way leaves nothing half-written where
    the store is read."""
    import ladybug

    db = ladybug.Database(str(path))
    try:
        with CommittedCopies(db) as copies:
            return _copy_tables(copies, onto, nodes, groups, progress)
    finally:
        db.close()


def _copy_tables(copies: CommittedCopies, onto: Ontology, nodes: Mapping[str, pa.Table],
                 groups: Mapping[GroupKey, RelGroup], progress: ProgressFn | None) -> LoadReport:
    report = LoadReport()
    for stmt in schema_statements(onto):
        copies.execute(stmt)
    for label, table in nodes.items():
        copies.copy(label, table)
        report.add(label, table.num_rows, 0, 0)
        progress and progress(label, table.num_rows)
        del table  # before the next is built
    for g in groups.values():
        copies.copy(g.type, endpoints_first(g.table), copy_options(g.from_label, g.to_label))
        report.add(g.type, g.table.num_rows, 0, 0)
        progress and progress(g.type, g.table.num_rows)
        del g
    copies.commit()
    return report


class CommittedCopies:
    """Statements and COPYs into the database `db`, committed every `COMMIT_ROWS` rows or
    `COMMIT_TABLES` tables copied (and by `commit`); a `with` block ends the open transaction
    without committing it.

    Ladybug keeps memory for every table a transaction copies into, however few its rows, until
    the commit (about 10 MB each, reused after it). The benchmark's 100k dataset (63 tables, most of
    a few thousand rows) peaked at 841–845 MB when its small tables shared transactions of up to
    100,000 rows, and at 526–551 MB in transactions of at most 4 tables, in the same time.

    Each commit also closes its connection, and the next statement opens another: a Ladybug
    connection keeps the Arrow data of every table it has copied from until it is closed
    (committing is not enough), so without this a store built in many steps would hold all its
    tables until the end.
    """

    def __init__(self, db):
        self.db, self.conn, self.rows, self.tables = db, None, 0, 0

    def __enter__(self) -> "CommittedCopies":
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def execute(self, statement: str) -> None:
        self._open().execute(statement)

    def copy(self, table_name: str, rows: pa.Table, options: str = "") -> None:
        if self.rows and (self.rows + rows.num_rows > COMMIT_ROWS or self.tables >= COMMIT_TABLES):
            self.commit()
        copy_arrow(self._open(), table_name, rows, options)
        self.rows += rows.num_rows
        self.tables += bool(rows.num_rows)

    def commit(self) -> None:
        """Commit what is written, and let go of the tables it was copied from."""
        if self.conn is not None:
            self.conn.execute("COMMIT")
        self._close()
        self.rows = self.tables = 0

    def _open(self):
        """The connection, in a transaction: a new one after each commit."""
        if self.conn is None:
            conn = self._connect()
            try:
                conn.execute("BEGIN TRANSACTION")
            except BaseException:
                conn.close()
                raise
            self.conn = conn
        return self.conn

    def _connect(self):
        import ladybug

        return ladybug.Connection(self.db)

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def copy_arrow(conn, table_name: str, rows: pa.Table, options: str = "") -> None:
    """COPY an Arrow table into a Ladybug table (relationships: `from`, `to`, then properties)."""
    if not rows.num_rows:
        return
    batch = fresh_table(rows)  # noqa: F841 - read by name
    conn.execute(f"COPY {table_name} FROM batch{options}")


def fresh_table(rows: pa.Table) -> pa.Table:
    """A new Arrow object over the same data: re-running COPY on the same object crashes Ladybug."""
    return pa.Table.from_batches(rows.to_batches(), schema=rows.schema)


def endpoints_first(table: pa.Table) -> pa.Table:
    """A relationship group's table in COPY order: `from`, `to`, then the properties."""
    return table.rename_columns(["from", "to", *table.column_names[2:]])


def remove_store_files(path: Path) -> None:
    """Remove a store file and every file Ladybug keeps beside it (`.wal`, `.wal.checkpoint`, `.shadow`, `.tmp.*`)."""
    for p in [path, *path.parent.glob(glob.escape(path.name) + ".*")]:
        p.unlink(missing_ok=True)


class StoreUnreadable(GraphkitError):
    """The store file exists but cannot be read: damaged, truncated, or not a store at all."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, " ".join(reason.split())
        super().__init__(f"cannot read store {path} ({self.reason}); rebuild it from the files with "
                         "`graphkit load --reset` (the damaged file is set aside, not deleted)")


def set_aside(path: Path) -> Path:
    """Rename a damaged store file and its sidecars to a dated name beside it; return the new name."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside, n = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}"), 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
    for sidecar in sorted(path.parent.glob(glob.escape(path.name) + ".*")):
        os.replace(sidecar, aside.with_name(aside.name + sidecar.name[len(path.name):]))
    os.replace(path, aside)
    return aside


def busy_or(exc: Exception, path: Path) -> GraphkitError:
    text = str(exc) or type(exc).__name__
    if "lock" in text.lower():
        return GraphkitError(f"store busy: {path} is open in another graphkit process; retry when it is done")
    if "permission denied" in text.lower():
        return GraphkitError(f"cannot open store {path}: permission denied")
    return StoreUnreadable(path, text)
