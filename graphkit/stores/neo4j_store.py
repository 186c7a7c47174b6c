"""The Neo4j store, through the official driver.

Connection settings come from the environment (NEO4J_URI, NEO4J_USERNAME,
NEO4J_PASSWORD, NEO4J_DATABASE); the password is never printed. A load creates
constraints and indexes first, reads the marks of what graphkit wrote before, then
sends only new rows (batched `UNWIND $rows … CREATE`) and changed rows (`SET` by
element id) per label and relationship type, in managed write transactions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


from .. import config
from ..dataset import Dataset
from ..model.ontology import Ontology, load_ontology
from ..errors import GraphkitError
from .base import LoadReport, ProgressFn, QueryResult, QueryStream
from . import neo4j_rows as rows
from .columns import neo4j_schema_statements, node_tables, rel_groups
from .neo4j_rows import Stored
from .statements import check_statement
from .plain import plain_value

DEFAULT_BATCH = 10_000  # best or within 5 % of best in bench (1k–50k at 100k and 1m)


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    username: str | None
    password: str | None
    database: str | None

    @classmethod
    def from_env(cls, uri: str | None = None) -> "Neo4jSettings":
        return cls(uri or config.neo4j_uri() or config.DEFAULT_NEO4J_URI, config.neo4j_username(),
                   config.neo4j_password(), config.neo4j_database())

    @property
    def safe_uri(self) -> str:
        """The URI without any user:password part, for messages."""
        return config.safe_uri(self.uri)


def _auth(settings: Neo4jSettings):
    if settings.username is None and settings.password is None:
        return None
    return (settings.username or "neo4j", settings.password or "")


class Neo4jStore:
    """A Neo4j database as the store (local server, Aura with neo4j+s://, the test harness)."""

    engine = "neo4j"

    def __init__(self, settings: Neo4jSettings | None = None, *, batch_size: int = DEFAULT_BATCH,
                 onto: Ontology | None = None, connect_timeout_s: float = 10.0):
        from neo4j import GraphDatabase

        self.settings = settings or Neo4jSettings.from_env()
        if config.uri_userinfo(self.settings.uri):  # never handed to the driver, whose errors would repeat parts of it
            raise GraphkitError(f"NEO4J_URI {self.settings.safe_uri} carries a user or password: put them in "
                                "NEO4J_USERNAME and NEO4J_PASSWORD instead")
        self.onto = onto or load_ontology()
        self.batch_size = max(1, int(batch_size))
        try:
            self._driver = GraphDatabase.driver(self.settings.uri, auth=_auth(self.settings),
                                                connection_timeout=connect_timeout_s,
                                                connection_acquisition_timeout=connect_timeout_s,
                                                max_transaction_retry_time=15.0)
        except Exception as exc:  # invalid URI scheme or the like
            raise GraphkitError(f"Neo4j at {self.settings.safe_uri}: {_scrub(str(exc), self.settings)}") from None
        self._check_connectivity()

    def _check_connectivity(self) -> None:
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

        where = f"Neo4j at {self.settings.safe_uri}"
        try:
            if self.settings.database:
                self._driver.verify_connectivity(database=self.settings.database)
            else:
                self._driver.verify_connectivity()
        except AuthError:
            self._driver.close()
            user = self.settings.username or "neo4j"
            raise GraphkitError(f"{where}: authentication failed for user {user!r}; "
                                "check NEO4J_USERNAME and NEO4J_PASSWORD") from None
        except ServiceUnavailable as exc:
            self._driver.close()
            raise GraphkitError(f"{where} is unreachable ({_scrub(str(exc), self.settings)}); "
                                "is the server running, and is NEO4J_URI right?") from None
        except Neo4jError as exc:
            self._driver.close()
            raise GraphkitError(f"{where}: {_neo4j_message(exc, self.settings)}") from None
        except (OSError, ValueError) as exc:  # ValueError: a URI the driver cannot resolve
            self._driver.close()
            raise GraphkitError(f"{where} is unreachable: {_scrub(str(exc), self.settings)}") from None

    # -- schema -----------------------------------------------------------------
    def schema_statements(self) -> list[str]:
        return neo4j_schema_statements(self.onto)

    def ensure_schema(self) -> None:
        for stmt in self.schema_statements():
            self._run(stmt)

    # -- loading ------------------------------------------------------------------
    def load(self, dataset: Dataset, *, reset: bool = False, sync: bool = True,
             progress: ProgressFn | None = None) -> LoadReport:
        """Batched writes of what is new or changed; with sync, then batched deletes of what graphkit
        wrote and the files no longer hold (see `neo4j_rows`). Nothing without graphkit's mark is deleted."""
        report = LoadReport()
        written = [0]  # rows committed so far, batch by batch, for an honest "incomplete" report
        try:
            if reset:
                self._delete_all()
            self.ensure_schema()
            stored: dict[str, Stored] = {}
            held = self._held()
            for name, split, create, update in self._splits(dataset, stored):
                self._send(name, split, create, update, report, progress, written)
                held[name] |= split.keys
            if sync and not reset:
                self._delete_gone(held, stored, report)
        except GraphkitError:
            raise
        except Exception as exc:
            raise GraphkitError(f"load incomplete: {written[0]} rows were written before "
                                f"{_neo4j_message(exc, self.settings)}; run the load again to complete it "
                                "(it is idempotent)") from None
        return report

    def _send(self, name: str, split: rows.RowSplit, create: str, update: str, report: LoadReport,
              progress, written: list[int]) -> None:
        created = updated = 0
        for batch in self._batched(split.new):
            created += self._write(create, rows=batch)
            written[0] += len(batch)
            progress and progress(name, len(batch))
        for batch in self._batched(split.changed):
            updated += self._write(update, rows=batch)
            written[0] += len(batch)
            progress and progress(name, len(batch))
        report.add(name, created, updated, split.same)
        if created < len(split.new):
            raise GraphkitError(f"{len(split.new) - created} {name} row(s) could not be written: an end is missing")

    def _batched(self, items: list) -> list[list]:
        return [items[i:i + self.batch_size] for i in range(0, len(items), self.batch_size)]

    def _write(self, cypher: str, **params) -> int:
        with self._session() as session:
            return session.execute_write(lambda tx: tx.run(cypher, **params).single()["n"])

    def _delete_all(self) -> None:
        for label in self.onto.all_labels:
            self._run(f"MATCH (n:{label}) WHERE n._sig IS NOT NULL "
                      f"CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS")

    # -- sync -------------------------------------------------------------------------
    def differences(self, dataset: Dataset) -> LoadReport:
        report, stored, held = LoadReport(), {}, self._held()
        for name, split, _, _ in self._splits(dataset, stored):
            report.add(name, len(split.new), len(split.changed), split.same)
            held[name] |= split.keys
        for name, keys in held.items():
            report.add(name, 0, 0, 0, sum(1 for k in self._stored_cached(stored, name) if k not in keys))
        return report

    def _splits(self, dataset: Dataset, stored: dict[str, Stored]):
        """Per node label, then per relationship group: (name, rows split against the store, create, update)."""
        for label, table in node_tables(dataset, self.onto).items():
            split = rows.node_rows(self.onto, label, table, self._stored_cached(stored, label))
            yield label, split, rows.create_nodes(label), rows.set_nodes()
        for group in rel_groups(dataset, self.onto).values():
            split = rows.rel_rows(self.onto, group, self._stored_cached(stored, group.type))
            yield group.type, split, rows.create_rels(group.type, group.from_label, group.to_label), rows.set_rels()

    def _held(self) -> dict[str, set]:
        """Every label and relationship type, with the keys the files hold (filled as tables are split)."""
        return {name: set() for name in [*self.onto.all_labels, *self.onto.relationships]}

    def _stored_cached(self, cache: dict[str, Stored], name: str) -> Stored:
        """What graphkit wrote under a label or type (read once per load): key → (element id, signature)."""
        if name not in cache:
            records = self._read(rows.stored_statement(self.onto, name))
            cache[name] = {tuple(r["key"]): (r["eid"], r["sig"]) for r in records}
        return cache[name]

    def _delete_gone(self, held: dict[str, set], stored: dict[str, Stored], report: LoadReport) -> None:
        """Links first, then nodes that nothing links to any more (another tool's links keep a node)."""
        names = [*self.onto.relationships, *self.onto.all_labels]
        for name in names:
            gone = [eid for key, (eid, _) in self._stored_cached(stored, name).items() if key not in held[name]]
            cypher = rows.delete_statement(self.onto, name)
            deleted = sum(self._write(cypher, ids=batch) for batch in self._batched(gone))
            report.add(name, 0, 0, 0, deleted)
            if deleted < len(gone):
                report.notes.append(f"{len(gone) - deleted} {name} node(s) no longer in the files are kept: "
                                    "links that graphkit did not write still reach them")

    def _read(self, cypher: str) -> list[dict]:
        with self._session() as session:
            return session.execute_read(lambda tx: [rec.data() for rec in tx.run(cypher)])

    # -- queries ------------------------------------------------------------------
    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False,
              timeout_s: float | None = None, window: tuple[int, int] | None = None) -> QueryResult:
        from neo4j import unit_of_work

        check_statement(cypher, write=write, engine=self.engine)
        start, stop = (window[0], window[0] + window[1]) if window else (0, None)

        @unit_of_work(timeout=timeout_s)
        def work(tx):
            result = tx.run(cypher, params or {})
            keys, rows, total = list(result.keys()), [], 0
            for total, rec in enumerate(result, 1):  # rows outside the window are counted, not converted
                if total > start and (stop is None or total <= stop):
                    rows.append([plain_value(v) for v in rec.values()])
            return QueryResult(keys, rows, total if window else None)

        try:
            with self._session(own=False) as session:
                return session.execute_write(work) if write else session.execute_read(work)
        except Exception as exc:
            raise GraphkitError(_neo4j_message(exc, self.settings, write=write)) from None

    def stream(self, cypher: str, params: dict[str, Any] | None = None, *,
               timeout_s: float | None = None, batch_rows: int = 10_000) -> QueryStream:
        """A read-only query's rows as the server sends them, converted `batch_rows` at a time."""
        check_statement(cypher, write=False, engine=self.engine)
        session = self._driver.session(database=self.settings.database, default_access_mode="READ")
        try:
            tx = session.begin_transaction(timeout=timeout_s)
            result = tx.run(cypher, params or {})
            keys = list(result.keys())
        except Exception as exc:
            session.close()
            raise GraphkitError(_neo4j_message(exc, self.settings, write=False)) from None
        return QueryStream(keys, self._batches(session, tx, result, batch_rows))

    def _batches(self, session, tx, result, batch_rows: int):
        try:
            batch = []
            for rec in result:
                batch.append([plain_value(v) for v in rec.values()])
                if len(batch) >= batch_rows:
                    yield batch
                    batch = []
            if batch:
                yield batch
            tx.commit()
        except Exception as exc:
            raise GraphkitError(_neo4j_message(exc, self.settings, write=False)) from None
        finally:
            tx.close()
            session.close()

    def _run(self, cypher: str, params: dict | None = None) -> None:
        with self._session() as session:
            session.run(cypher, params or {}).consume()

    def _session(self, own: bool = True):
        """A session; for graphkit's own statements (`own`) without the server's notices of property keys
        and labels it has not seen yet (`_sig` and every label, in an empty database), which are no news."""
        quiet = {"notifications_disabled_classifications": ["UNRECOGNIZED"]} if own else {}
        return self._driver.session(database=self.settings.database, **quiet)

    def close(self) -> None:
        self._driver.close()


def _scrub(text: str, settings: Neo4jSettings) -> str:
    """Remove the password (and the full URI with credentials) from a message."""
    text = " ".join(text.split())  # one line, whatever the driver wrapped
    return config.redact(text.replace(settings.uri, settings.safe_uri), settings.password)


def _neo4j_message(exc: Exception, settings: Neo4jSettings, write: bool = True) -> str:
    code = getattr(exc, "code", "") or ""
    message = getattr(exc, "message", None) or str(exc)
    if "AccessMode" in code or "in read access mode" in message:
        return "this query writes to the store; add --write to run it"
    if "DatabaseNotFound" in code:
        return f"database {settings.database!r} does not exist on {settings.safe_uri} (check NEO4J_DATABASE)"
    if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
        return "query timed out (raise --timeout or narrow the query)"
    return _scrub(message, settings)
