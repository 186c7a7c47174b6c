"""neo4j-admin export: the import tool's header syntax, and a real import opened in Neo4j.

The `neo4j` test runs `neo4j-admin database import full` (org.neo4j.cli.AdminTool from
`org.neo4j:neo4j-import-tool`, already on the test harness's classpath) on the export
of the tiny dataset, opens the result in the harness (`copy_from`), and checks that
every named query answers as it does on the embedded store.
"""
from __future__ import annotations

import csv
import inspect
import os
import re
import subprocess

import pytest

from graphkit.io import export_store
from graphkit.io.export_neo4j_admin import ARRAY_DELIMITER, import_arguments
from graphkit.stores.loading import load
from graphkit.query.named import named_queries, run_named
from graphkit.stores import LadybugStore

HEADER_CELL = re.compile(r"^(id:ID|:LABEL|:START_ID|:END_ID|:TYPE|[a-z_]+(:(double|boolean|string\[\]))?)$")
PARAMS = {"actor": "dclg", "pilot": "croydon", "a": "tribal", "b": "dclg"}


@pytest.fixture
def exported(tmp_path, tiny_dir):
    store = LadybugStore(tmp_path / "store" / "graph.lbug")
    load([tiny_dir], store)
    report = export_store("neo4j-admin", store, tmp_path / "neo4j")
    yield {"store": store, "folder": tmp_path / "neo4j", "report": report}
    store.close()


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_headers_follow_the_import_tool_syntax(exported):
    folder = exported["folder"]
    nodes = sorted(folder.glob("nodes-*.csv"))
    rels = sorted(folder.glob("relationships-*.csv"))
    assert {p.name for p in nodes} >= {"nodes-Organisation.csv", "nodes-Contract.csv", "nodes-Source.csv"}
    for path in nodes + rels:
        header = _rows(path)[0]
        assert all(HEADER_CELL.match(cell) for cell in header), (path.name, header)
    org = _rows(folder / "nodes-Organisation.csv")
    assert org[0][:2] == ["id:ID", ":LABEL"] and "aliases:string[]" in org[0] and "source_ids:string[]" in org[0]
    dclg = dict(zip(org[0], next(r for r in org if r[0] == "dclg")))
    assert dclg["aliases:string[]"].split(ARRAY_DELIMITER) == ["DCLG", "Communities and Local Government"]
    contract = _rows(folder / "nodes-Contract.csv")
    assert "value_gbp:double" in contract[0]
    awarded = _rows(folder / "relationships-AWARDED_TO.csv")
    assert awarded[0][:3] == [":START_ID", ":END_ID", ":TYPE"] and "amount_gbp:double" in awarded[0]
    assert {r[2] for r in awarded[1:]} == {"AWARDED_TO"}


def test_the_command_file_holds_the_exact_command(exported):
    folder = exported["folder"]
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh") and os.access(folder / "import.sh", os.X_OK)
    assert 'neo4j-admin database import full "${1:-neo4j}"' in script  # the name before the file options
    for path in folder.glob("*s-*.csv"):
        assert f"={path.name}" in script
    assert "--array-delimiter=U+001F" in script and "--multiline-fields=true" in script
    assert "neo4j-admin database import full neo4j --array-delimiter=U+001F" in (folder / "README.md").read_text()


def _canonical(value):
    """Order-free form of a query answer: engines may order collected lists differently."""
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@pytest.mark.neo4j
def test_the_import_tool_builds_a_database_that_answers_like_the_embedded_store(exported, tmp_path):
    neo4j_server = pytest.importorskip("neo4j_server")
    if "copy_from" not in inspect.signature(neo4j_server.start_neo4j).parameters:
        pytest.skip("tests/neo4j_server.py cannot start Neo4j from an existing database (copy_from)")
    try:
        classpath = neo4j_server.build_harness()
    except neo4j_server.Neo4jUnavailable as exc:
        pytest.skip(f"Neo4j harness unavailable: {exc}")
    folder = exported["folder"]
    home = tmp_path / "neo4j-home"
    home.mkdir()
    nodes = [str(p) for p in sorted(folder.glob("nodes-*.csv"))]
    rels = [str(p) for p in sorted(folder.glob("relationships-*.csv"))]
    java = os.environ.get("GRAPHKIT_JAVA") or "java"
    run = subprocess.run([java, *neo4j_server.JVM_OPTS, "-cp", classpath, "org.neo4j.cli.AdminTool",
                          *import_arguments(nodes, rels), "--max-off-heap-memory=256m"],
                         env={**os.environ, "NEO4J_HOME": str(home)}, cwd=home,  # its import.report lands there
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "IMPORT DONE" in run.stdout + run.stderr

    from graphkit.stores import Neo4jSettings, Neo4jStore

    server = neo4j_server.start_neo4j(copy_from=home)
    try:
        user, password = server.auth or (None, None)
        imported = Neo4jStore(Neo4jSettings(server.uri, user, password, None))
        try:
            counts = imported.query("MATCH (n) RETURN count(n)").rows[0][0]
            assert counts == 11 + 3  # entities and sources
            compared = 0
            for name, query in named_queries().items():
                params = {p.name: PARAMS[p.name] for p in query.params if p.default is None and p.name in PARAMS}
                want = run_named(exported["store"], name, params).records()
                got = run_named(imported, name, params).records()
                assert _canonical(got) == _canonical(want) or sorted(map(repr, _canonical(got))) == sorted(
                    map(repr, _canonical(want))), name
                compared += 1
            assert compared == len(named_queries())
        finally:
            imported.close()
    finally:
        server.stop()
