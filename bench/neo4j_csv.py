"""Neo4j: graphkit's Bolt load beside the server's own `LOAD CSV` of the same rows, on the test Neo4j.

Both take the first --neo4j-rows relationships with their endpoints and cited sources
(see `neo4j_load.subset`), into an emptied database, constraints and indexes first.
`LOAD CSV` reads the neo4j-admin export of those rows (`graphkit export neo4j-admin`'s
writer), one file per node label and, split by the labels at their ends, per relationship
type and label pair, each with `CALL … IN TRANSACTIONS OF 10000 ROWS`; writing and
splitting the files is not timed. Goal: graphkit's load within 2x of `LOAD CSV`.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .figure import Context, Row
from .neo4j_load import _rows, bolt_load_s, started_server, subset

GOAL = 2.0
BATCH = 10_000
CONVERT = {"double": "toFloat({})", "boolean": "toBoolean({})", "string[]": "split({}, '\\u001f')"}


def _setters(var: str, header: list[str]) -> str:
    """`n.name = row.name, n.amount_gbp = toFloat(row.`amount_gbp:double`)` for the data columns of a header."""
    out = []
    for column in header:
        name, _, kind = column.partition(":")
        if not name or kind in ("START_ID", "END_ID", "TYPE", "LABEL"):
            continue
        value = CONVERT.get(kind, "{}").format(f"row.`{column}`")
        out.append(f"{var}.{name} = {value}")
    return ", ".join(out)


def _header(path: Path) -> list[str]:
    return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                          read_options=pacsv.ReadOptions(block_size=1 << 16)).column_names


def _read(path: Path) -> pa.Table:
    names = _header(path)
    return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                          convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                               strings_can_be_null=True))


def csv_statements(folder: Path) -> list[str]:
    """The LOAD CSV statements for an export folder: nodes per label, then relationships per type and label pair."""
    labels: dict[str, pa.Array] = {}
    stmts = []
    for path in sorted(folder.glob("nodes-*.csv")):
        label = path.stem.split("-", 1)[1]
        labels[label] = _read(path).column("id:ID").combine_chunks()
        stmts.append(f"LOAD CSV WITH HEADERS FROM 'file://{path}' AS row CALL (row) {{ CREATE (n:{label}) "
                     f"SET n.id = row.`id:ID`, {_setters('n', _header(path))} }} IN TRANSACTIONS OF {BATCH} ROWS")
    split = folder / "by-pair"
    split.mkdir(exist_ok=True)
    for path in sorted(folder.glob("relationships-*.csv")):
        rtype, table = path.stem.split("-", 1)[1], _read(path)
        for a, a_ids in labels.items():
            from_a = table.filter(pc.is_in(table.column(":START_ID"), a_ids))
            for b, b_ids in labels.items():
                part = from_a.filter(pc.is_in(from_a.column(":END_ID"), b_ids))
                if not part.num_rows:
                    continue
                out = split / f"{rtype}-{a}-{b}.csv"
                pacsv.write_csv(part, out)
                stmts.append(f"LOAD CSV WITH HEADERS FROM 'file://{out}' AS row CALL (row) {{ "
                             f"MATCH (x:{a} {{id: row.`:START_ID`}}) MATCH (y:{b} {{id: row.`:END_ID`}}) "
                             f"CREATE (x)-[r:{rtype}]->(y) SET {_setters('r', part.column_names)} }} "
                             f"IN TRANSACTIONS OF {BATCH} ROWS")
    return stmts


def _load_csv(driver, schema: list[str], stmts: list[str]) -> float:
    t0 = time.perf_counter()
    with driver.session() as session:
        for stmt in schema + stmts:
            session.run(stmt).consume()
    return time.perf_counter() - t0


def run(ctx: Context) -> list[Row]:
    import neo4j

    from graphkit.io.export_neo4j_admin import export_neo4j_admin, schema_statements
    from graphkit.model.ontology import load_ontology

    mod, server = started_server()
    part = subset(ctx.dataset(), ctx.options.get("neo4j_rows", 100_000))
    folder = ctx.work_dir("neo4j-csv") / "export"
    export_neo4j_admin(part, folder)
    stmts = csv_statements(folder)
    schema = [s.rstrip(";") for s in schema_statements(load_ontology())]
    bolt, csv = [], []
    try:
        with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            mod.clear_database(driver)
            bolt_load_s(server, part)  # untimed: JIT, query plans
            for _ in range(ctx.repeat):  # turns, so a slow spell on a shared machine hits both
                mod.clear_database(driver)
                csv.append(_load_csv(driver, schema, stmts))
                mod.clear_database(driver)
                bolt.append(bolt_load_s(server, part))
    finally:
        server.stop()
    n = _rows(part)
    counts = part.counts()
    what = f"{counts['relationships']:,} rels + {counts['entities']:,} entities + {counts['sources']:,} sources"
    csv_s, bolt_s = statistics.median(csv), statistics.median(bolt)
    return [Row("server's LOAD CSV … IN TRANSACTIONS (neo4j-admin export)", n / csv_s, "rows/s",
                note=f"{csv_s:.1f} s for {what}; {len(stmts)} statements",
                detail={"runs_s": [round(x, 2) for x in csv], "rows": n}),
            Row("graphkit load over Bolt (default batch)", n / bolt_s, "rows/s", "LOAD CSV", n / csv_s,
                bolt_s / csv_s, f"<= {GOAL:g}x LOAD CSV time", bolt_s / csv_s <= GOAL,
                note=f"{bolt_s:.1f} s; ratio = graphkit time / LOAD CSV time",
                detail={"runs_s": [round(x, 2) for x in bolt], "rows": n})]
