"""Neo4j: Neo4jStore.load over Bolt at several batch sizes, and the bulk import tool, into the test Neo4j.

The Bolt loads use up to --neo4j-rows relationships (with their endpoints and the
sources they cite): at about 10k rows/s on two cores a full 1M load per batch size
would take hours. The import tool (`neo4j-admin database import full`, run through
org.neo4j.cli.AdminTool from the harness's jars) takes the whole dataset, written as
neo4j-admin CSV files; its result is opened in the harness and counted.
"""
from __future__ import annotations

import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .figure import Context, Row, Skipped

ROOT = Path(__file__).resolve().parent.parent
SERVER_MODULE = ROOT / "tests" / "neo4j_server.py"
DEFAULT_GOAL = 0.10  # the default batch size within 10 % of the best rate


def _server_module():
    if not SERVER_MODULE.exists():
        raise Skipped(f"no Neo4j harness at {SERVER_MODULE}")
    spec = importlib.util.spec_from_file_location("neo4j_server", SERVER_MODULE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["neo4j_server"] = module
    spec.loader.exec_module(module)
    return module


def started_server():
    """(the test harness module, the test Neo4j it started); Skipped when it cannot start here."""
    mod = _server_module()
    try:
        return mod, mod.start_neo4j()
    except mod.Neo4jUnavailable as exc:
        raise Skipped(f"the test Neo4j cannot start here: {str(exc)[:300]}") from None


def bolt_load_s(server, ds, batch: int | None = None) -> float:
    """Seconds `Neo4jStore.load` takes to load `ds` into the test Neo4j (at `batch` rows a batch; default: its own)."""
    from graphkit.stores import Neo4jSettings, Neo4jStore

    store = Neo4jStore(Neo4jSettings(server.uri, None, None, None), **({"batch_size": batch} if batch else {}))
    t0 = time.perf_counter()
    try:
        store.load(ds)
    finally:
        store.close()
    return time.perf_counter() - t0


def subset(ds, max_rels: int):
    """The first max_rels relationships, the entities at their ends and the sources cited."""
    from graphkit.dataset import Dataset

    rels = ds.relationships.slice(0, max_rels)
    ends = pc.unique(pa.concat_arrays([rels.column("source").combine_chunks(), rels.column("target").combine_chunks()]))
    entities = ds.entities.filter(pc.is_in(ds.entities.column("id"), ends))
    cited = pc.unique(pa.concat_arrays([pc.list_flatten(rels.column("source_ids")).combine_chunks(),
                                        pc.list_flatten(entities.column("source_ids")).combine_chunks()]))
    sources = ds.sources.filter(pc.is_in(ds.sources.column("id"), cited))
    return Dataset(entities, rels, sources)


def _rows(ds) -> int:
    return sum(ds.counts().values())


def bolt_rates(server, mod, ds, batches: list[int], repeat: int) -> dict[int, list[float]]:
    """Seconds per load of ds into an emptied database, per batch size.

    One untimed load first (JIT, query plans, schema); then the batch sizes take turns,
    so a slow spell on a shared machine does not land on one size alone.
    """
    import neo4j

    driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)

    def load(batch: int) -> float:
        mod.clear_database(driver)
        return bolt_load_s(server, ds, batch)

    out: dict[int, list[float]] = {b: [] for b in batches}
    try:
        load(max(batches))
        for _ in range(repeat):
            for batch in batches:
                out[batch].append(load(batch))
    finally:
        driver.close()
    return out


# -- the bulk import tool ----------------------------------------------------------------

def _joined(col: pa.ChunkedArray) -> pa.Array:
    if pa.types.is_list(col.type):
        return pc.binary_join(col, ";")
    return col


def write_admin_csv(ds, folder: Path) -> list[str]:
    """neo4j-admin import files, one per node label and per (type, from, to); returns the CLI arguments."""
    from graphkit.model.ontology import load_ontology
    from graphkit.stores.columns import node_columns, node_tables, rel_columns, rel_groups

    onto = load_ontology()
    types = {"number": ":double", "list": ":string[]"}
    args = []
    for label, table in node_tables(ds, onto).items():
        cols = node_columns(onto, label)
        header = [("id:ID" if n == "id" else n + types.get(t, "")) for n, t in cols]
        body = pa.table([_joined(table.column(n)) for n, _ in cols], names=header)
        path = folder / f"nodes-{label}.csv"
        pacsv.write_csv(body, path)
        args.append(f"--nodes={label}={path}")
    rcols = rel_columns(onto)
    for k, group in enumerate(rel_groups(ds, onto).values()):
        header = [":START_ID", ":END_ID", *[n + types.get(t, "") for n, t in rcols]]
        body = pa.table([group.table.column("source"), group.table.column("target"),
                         *[_joined(group.table.column(n)) for n, _ in rcols]], names=header)
        path = folder / f"rels-{k:03d}-{group.type}.csv"
        pacsv.write_csv(body, path)
        args.append(f"--relationships={group.type}={path}")
    return args


def _reported_seconds(text: str) -> float | None:
    """The tool's own 'IMPORT DONE in 4s 279ms' (JVM start excluded)."""
    m = re.search(r"IMPORT DONE in ((?:\d+h )?(?:\d+m )?(?:\d+s )?\d+ms)", text)
    if not m:
        return None
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)(h|ms|m|s)", m.group(1)))


def admin_import(mod, ds, work: Path) -> tuple[float, float, float | None]:
    """(seconds to write the files, seconds for the tool, the tool's own count) into a fresh NEO4J_HOME."""
    classpath = mod.build_harness()
    java = os.environ.get("GRAPHKIT_JAVA") or "java"
    home = work / "home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text("")
    files = work / "csv"
    files.mkdir()
    t0 = time.perf_counter()
    args = write_admin_csv(ds, files)
    written = time.perf_counter() - t0
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    cmd = [java, "-Xmx1g", *mod.JVM_OPTS[2:], "-cp", classpath, "org.neo4j.cli.AdminTool",
           "database", "import", "full", "neo4j", "--overwrite-destination=true", "--array-delimiter=;",
           *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"import tool exited {proc.returncode}: {(proc.stderr or proc.stdout)[-600:]}")
    return written, seconds, _reported_seconds(proc.stdout + proc.stderr)


def count_imported(mod, home: Path) -> tuple[int, int]:
    """Open the imported database in the harness (--copy-from) and count nodes and relationships."""
    import neo4j

    classpath = mod.build_harness()
    java = os.environ.get("GRAPHKIT_JAVA") or "java"
    proc = subprocess.Popen([java, *mod.JVM_OPTS, "-cp", classpath, mod.MAIN_CLASS, "--copy-from", str(home)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        uri = ""
        for line in proc.stdout:
            if line.startswith("BOLT_URI="):
                uri = line.strip().split("=", 1)[1]
                break
        if not uri:
            raise RuntimeError("the harness did not start on the imported database")
        with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
            nodes = driver.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
            rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c").records[0]["c"]
        return nodes, rels
    finally:
        proc.stdin.close()
        proc.wait(timeout=120)


def run(ctx: Context) -> list[Row]:
    mod, server = started_server()
    from graphkit.stores.neo4j_store import DEFAULT_BATCH

    ds = ctx.dataset()
    part = subset(ds, ctx.options.get("neo4j_rows", 100_000))
    batches = sorted(set(ctx.options.get("neo4j_batches", [1000, 5000, 10000, 50000])) | {DEFAULT_BATCH})
    try:
        times = bolt_rates(server, mod, part, batches, ctx.repeat)
    finally:
        server.stop()
    n = _rows(part)
    rates = {b: n / statistics.median(t) for b, t in times.items()}
    best = max(rates.values())
    counts = part.counts()
    what = f"{counts['relationships']:,} rels + {counts['entities']:,} entities + {counts['sources']:,} sources"
    out = [Row(f"Bolt load, batch {b:,}" + (" (default)" if b == DEFAULT_BATCH else ""), rates[b], "rows/s",
               "best batch", best, rates[b] / best,
               f"within {DEFAULT_GOAL:.0%} of best" if b == DEFAULT_BATCH else None,
               rates[b] >= (1 - DEFAULT_GOAL) * best if b == DEFAULT_BATCH else None,
               note=f"{statistics.median(times[b]):.1f} s for {what}",
               detail={"runs_s": [round(x, 2) for x in times[b]], "rows": n}) for b in batches]
    work = ctx.work_dir("neo4j-import")
    written, seconds, own = admin_import(mod, ds, work)
    nodes, rels = count_imported(mod, work / "home")
    total = _rows(ds)
    out.append(Row("import tool, whole dataset (JVM start included)", total / seconds, "rows/s", "best batch", best,
                   total / seconds / best, note=f"{seconds:.1f} s (tool's own: {own} s); CSV written by bench in {written:.1f} s; "
                                                f"opened: {nodes:,} nodes, {rels:,} rels",
                   detail={"seconds": round(seconds, 2), "tool_reported_s": own, "write_s": round(written, 2), "rows": total,
                           "nodes": nodes, "relationships": rels}))
    return out
