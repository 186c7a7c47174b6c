"""The Neo4j store, through the official driver.

Connection settings come from the environment (NEO4J_URI, NEO4J_USERNAME,
NEO4J_PASSWORD, NEO4J_DATABASE); the password is never printed. A load creates
constraints and indexes first, then runs batched `UNWIND $rows … MERGE` per
label and per relationship type in managed write transactions.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from .. import config
from ..dataset import Dataset
from ..ontology import Ontology, load_ontology
from ..problems import GraphkitError
from .base import LoadReport, ProgressFn, QueryResult
from .layout import node_columns, node_tables, rel_columns, rel_groups, signature
from .statements import check_statement
from .values import plain_value

DEFAULT_BATCH = 10_000  # best or within 5 % of best in bench (1k–50k at 100k and 1m)
OUTCOMES = ("created", "updated", "unchanged")


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
        except OSError as exc:
            self._driver.close()
            raise GraphkitError(f"{where} is unreachable: {exc}") from None

    # -- schema -----------------------------------------------------------------
    def schema_statements(self) -> list[str]:
        stmts = [f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
                 for label in self.onto.all_labels]
        stmts += [f"CREATE INDEX {t.lower()}_rid IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.rid)"
                  for t in self.onto.relationships]
        stmts += [f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)"
                  for label in self.onto.labels]
        return stmts

    def ensure_schema(self) -> None:
        for stmt in self.schema_statements():
            self._run(stmt)

    # -- loading ------------------------------------------------------------------
    def load(self, dataset: Dataset, *, reset: bool = False, sync: bool = True,
             progress: ProgressFn | None = None) -> LoadReport:
        """Batched upserts; with sync, then batched deletes of what graphkit loaded and the files no longer hold.

        What graphkit writes carries a `_sig` property; nodes and relationships without one (written by
        other tools into the same database) are never deleted.
        """
        report = LoadReport()
        written = [0]  # rows committed so far, batch by batch, for an honest "incomplete" report
        try:
            if reset:
                self._delete_all()
            self.ensure_schema()
            nodes, groups = node_tables(dataset, self.onto), rel_groups(dataset, self.onto)
            for label, table in nodes.items():
                cols = [n for n, _ in node_columns(self.onto, label)]
                cypher = _node_statement(label)
                self._batches(cypher, table, cols, label, report, progress, written)
            for group in groups:
                cols = [n for n, _ in rel_columns(self.onto)]
                cypher = _rel_statement(group.type, group.from_label, group.to_label)
                self._batches(cypher, group.table, cols, group.type, report, progress, written)
            if sync and not reset:
                self._delete_gone(_incoming(nodes, groups, self.onto), report)
        except GraphkitError:
            raise
        except Exception as exc:
            raise GraphkitError(f"load incomplete: {written[0]} rows were written before "
                                f"{_neo4j_message(exc, self.settings)}; run the load again to complete it "
                                "(it is idempotent)") from None
        return report

    def _batches(self, cypher, table: pa.Table, cols, name, report, progress, written: list[int]) -> None:
        sigs = signature(table, cols).to_pylist()
        for start in range(0, table.num_rows, self.batch_size):
            part = table.slice(start, self.batch_size).to_pylist()
            rows = [{"key": r.get("id", r.get("rid")), "src": r.get("source"), "dst": r.get("target"),
                     "sig": _digest(sigs[start + i]), "props": {c: r[c] for c in cols}}
                    for i, r in enumerate(part)]
            counts = self._write(cypher, rows)
            report.add(name, *(counts.get(o, 0) for o in OUTCOMES))
            written[0] += len(rows)
            progress and progress(name, len(rows))

    def _write(self, cypher: str, rows: list[dict]) -> dict[str, int]:
        def work(tx):
            return {rec["outcome"]: rec["n"] for rec in tx.run(cypher, rows=rows)}

        with self._session() as session:
            return session.execute_write(work)

    def _delete_all(self) -> None:
        for label in self.onto.all_labels:
            self._run(f"MATCH (n:{label}) WHERE n._sig IS NOT NULL "
                      f"CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS")

    # -- sync -------------------------------------------------------------------------
    def differences(self, dataset: Dataset) -> LoadReport:
        report = LoadReport()
        incoming = _incoming(node_tables(dataset, self.onto), rel_groups(dataset, self.onto), self.onto)
        for name, want in incoming.items():
            stored = self._stored(name)
            have = {key: sig for key, (_, sig) in stored.items()}
            new = sum(1 for k in want if k not in have)
            changed = sum(1 for k, sig in want.items() if k in have and have[k] != sig)
            report.add(name, new, changed, len(want) - new - changed, sum(1 for k in have if k not in want))
        return report

    def _stored(self, name: str) -> dict[tuple, tuple[str, str]]:
        """What graphkit loaded under a label or type: key → (element id, signature)."""
        if name in self.onto.relationships:
            cypher = (f"MATCH (a)-[r:{name}]->(b) WHERE r._sig IS NOT NULL "
                      "RETURN r.rid AS rid, a.id AS a, b.id AS b, elementId(r) AS eid, r._sig AS sig")
            return {(r["rid"], r["a"], r["b"]): (r["eid"], r["sig"]) for r in self._read(cypher)}
        cypher = f"MATCH (n:{name}) WHERE n._sig IS NOT NULL RETURN n.id AS id, n._sig AS sig"
        return {(r["id"],): (r["id"], r["sig"]) for r in self._read(cypher)}

    def _delete_gone(self, incoming: dict[str, dict[tuple, str]], report: LoadReport) -> None:
        """Links first, then nodes that nothing links to any more (another tool's links keep a node)."""
        rel_types = [t for t in incoming if t in self.onto.relationships]
        for name in rel_types + [n for n in incoming if n not in self.onto.relationships]:
            gone = [eid for key, (eid, _) in self._stored(name).items() if key not in incoming[name]]
            if name in self.onto.relationships:
                cypher = ("UNWIND $ids AS eid MATCH ()-[r]->() WHERE elementId(r) = eid "
                          "DELETE r RETURN count(*) AS n")
            else:
                cypher = (f"UNWIND $ids AS id MATCH (n:{name} {{id: id}}) WHERE n._sig IS NOT NULL "
                          "AND NOT EXISTS { (n)--() } DELETE n RETURN count(*) AS n")
            deleted = sum(self._delete_batch(cypher, gone[i:i + self.batch_size])
                          for i in range(0, len(gone), self.batch_size))
            report.add(name, 0, 0, 0, deleted)
            if deleted < len(gone):
                report.notes.append(f"{len(gone) - deleted} {name} node(s) no longer in the files are kept: "
                                    "links that graphkit did not write still reach them")

    def _delete_batch(self, cypher: str, ids: list) -> int:
        with self._session() as session:
            return session.execute_write(lambda tx: tx.run(cypher, ids=ids).single()["n"])

    def _read(self, cypher: str) -> list[dict]:
        with self._session() as session:
            return session.execute_read(lambda tx: [rec.data() for rec in tx.run(cypher)])

    # -- queries ------------------------------------------------------------------
    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False,
              timeout_s: float | None = None) -> QueryResult:
        from neo4j import unit_of_work

        check_statement(cypher, write=write, engine=self.engine)

        @unit_of_work(timeout=timeout_s)
        def work(tx):
            result = tx.run(cypher, params or {})
            keys = list(result.keys())
            return QueryResult(keys, [[plain_value(v) for v in rec.values()] for rec in result])

        try:
            with self._session() as session:
                return session.execute_write(work) if write else session.execute_read(work)
        except Exception as exc:
            raise GraphkitError(_neo4j_message(exc, self.settings, write=write)) from None

    def _run(self, cypher: str, params: dict | None = None) -> None:
        with self._session() as session:
            session.run(cypher, params or {}).consume()

    def _session(self):
        return self._driver.session(database=self.settings.database)

    def close(self) -> None:
        self._driver.close()


def _incoming(nodes: dict[str, pa.Table], groups, onto: Ontology) -> dict[str, dict[tuple, str]]:
    """Per label and relationship type: key → signature digest of what the files hold (every name present)."""
    out: dict[str, dict[tuple, str]] = {name: {} for name in [*onto.all_labels, *onto.relationships]}
    for label, table in nodes.items():
        sigs = signature(table, [n for n, _ in node_columns(onto, label)]).to_pylist()
        out[label].update({(i,): _digest(sig) for i, sig in zip(table.column("id").to_pylist(), sigs)})
    for g in groups:
        sigs = signature(g.table, [n for n, _ in rel_columns(onto)]).to_pylist()
        keys = zip(g.table.column("rid").to_pylist(), g.table.column("source").to_pylist(),
                   g.table.column("target").to_pylist())
        out[g.type].update({key: _digest(sig) for key, sig in zip(keys, sigs)})
    return out


def _node_statement(label: str) -> str:
    return (
        "UNWIND $rows AS row "
        f"OPTIONAL MATCH (old:{label} {{id: row.key}}) "
        "WITH row, CASE WHEN old IS NULL THEN 'created' WHEN old._sig = row.sig THEN 'unchanged' "
        "ELSE 'updated' END AS outcome "
        f"MERGE (n:{label} {{id: row.key}}) "
        "SET n += row.props, n._sig = row.sig "
        "RETURN outcome, count(*) AS n"
    )


def _rel_statement(rtype: str, a: str, b: str) -> str:
    return (
        "UNWIND $rows AS row "
        f"MATCH (x:{a} {{id: row.src}}) MATCH (y:{b} {{id: row.dst}}) "
        f"OPTIONAL MATCH (x)-[old:{rtype} {{rid: row.key}}]->(y) "
        "WITH x, y, row, CASE WHEN old IS NULL THEN 'created' WHEN old._sig = row.sig THEN 'unchanged' "
        "ELSE 'updated' END AS outcome "
        f"MERGE (x)-[r:{rtype} {{rid: row.key}}]->(y) "
        "SET r += row.props, r._sig = row.sig "
        "RETURN outcome, count(*) AS n"
    )


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


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
