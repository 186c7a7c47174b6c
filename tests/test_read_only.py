"""A query reads the graph, or with --write changes it; it never loads code, touches files or the network."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from graphkit.cli import app
from graphkit.errors import GraphkitError
from graphkit.stores.statements import check_statement

MARKER_SOURCE = """
#include <stdio.h>
__attribute__((constructor)) static void planted(void) {
    FILE *f = fopen("%s", "w");
    if (f) { fputs("ran", f); fclose(f); }
}
"""


@pytest.fixture
def loaded(workdir, runner, tiny_dir):
    result = runner.invoke(app, ["load", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    return workdir


@pytest.fixture
def planted_extension(tmp_path):
    """A shared library whose constructor writes a marker file when anything loads it."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler to build the planted extension")
    marker = tmp_path / "marker"
    source = tmp_path / "evil.c"
    source.write_text(MARKER_SOURCE % marker)
    library = tmp_path / "evil.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library, marker


def _hostile(out, library):
    leak, passwd = out / "leak.csv", "/etc/passwd"
    forged = out / "forged.csv"
    return {
        "load extension": f"LOAD EXTENSION '{library}'",
        "load extension mixed case and comments": f"lOaD /* x */ ExTeNsIoN '{library}'",
        "install": "INSTALL httpfs",
        "copy to csv": f"COPY (MATCH (n) RETURN n.id) TO '{leak}'",
        "copy to parquet": f"COPY (MATCH (n) RETURN n.id) TO '{out / 'leak.parquet'}'",
        "forged dataset file": ("COPY (RETURN 'pwn-co' AS id, 'Organisation' AS label, 'forged quote' AS quote) "
                                f"TO '{forged}' (header=true)"),
        "load from": f"LOAD FROM '{passwd}' (file_format='csv', header=false, delim=':') RETURN *",
        "attach": f"ATTACH '{out / 'other.lbug'}' AS other (dbtype lbug)",
        "export database": f"EXPORT DATABASE '{out / 'dump'}'",
        "import database": f"IMPORT DATABASE '{out / 'dump'}'",
        "second statement after commit": f"RETURN 1; COMMIT; COPY (RETURN 1) TO '{leak}'",
        "commit then write": "COMMIT",
        "setting": "CALL threads = 1",
        "unknown procedure": "CALL create_fts_index('Organisation', 'i', ['name'])",
        "clause behind an alias named as": f"UNWIND [1] AS as LOAD FROM '{passwd}' (file_format='csv', header=false, "
                                           "delim=':') RETURN *",
        "table function behind an alias": f"UNWIND [1] AS as CALL READ_CSV_SERIAL('{passwd}') RETURN *",
        "file reader as a function": f"RETURN READ_CSV_SERIAL('{passwd}')",
        "extension update": "UPDATE httpfs",
        "alias spelled like a clause": "MATCH (n) RETURN n AS load",
    }


@pytest.mark.parametrize("write", [False, True], ids=["read-only", "with --write"])
def test_hostile_queries_are_refused_and_run_nothing(loaded, runner, planted_extension, write):
    library, marker = planted_extension
    out = loaded / "out"
    out.mkdir()
    for case, cypher in _hostile(out, library).items():
        args = ["query", cypher] + (["--write"] if write else [])
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (case, result.output)
        assert "refused" in result.output, (case, result.output)
        assert "root:" not in result.output, case
    assert not marker.exists()
    assert list(out.iterdir()) == []


def test_unguarded_engine_would_have_run_the_extension(tmp_path, planted_extension):
    """The hazard is real: Ladybug itself, read-only, runs the library's constructor."""
    import ladybug

    library, marker = planted_extension
    ladybug.Database(str(tmp_path / "g.lbug")).close()
    db = ladybug.Database(str(tmp_path / "g.lbug"), read_only=True)
    with pytest.raises(RuntimeError):
        ladybug.Connection(db).execute(f"LOAD EXTENSION '{library}'")
    assert marker.read_text() == "ran"


def test_graph_reads_with_keywords_in_strings_and_names_still_run(loaded, runner):
    cypher = ("MATCH (n) WHERE n.name <> 'LOAD EXTENSION x; COPY' // COPY in a comment\n"
              "RETURN count(n) AS `copy`, 'INSTALL' AS `load`")
    result = runner.invoke(app, ["query", cypher, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "INSTALL" in result.output


def test_writes_need_write(loaded, runner):
    result = runner.invoke(app, ["query", "MATCH (n) DETACH DELETE n"])
    assert result.exit_code == 1 and "--write" in result.output
    result = runner.invoke(app, ["query", "CREATE (:Organisation {id: 'x', name: 'X'})", "--write"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("cypher", [
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "WITH 1 AS as LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "WITH 1 AS as CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CALL dbms.security.createUser('x', 'y')",
    "CALL apoc.load.json('http://example.org/x')",
    "CREATE DATABASE other",
    "GRANT ROLE admin TO neo4j",
])
def test_neo4j_outside_the_graph_is_refused(cypher):
    with pytest.raises(GraphkitError, match="refused"):
        check_statement(cypher, write=True, engine="neo4j")


@pytest.mark.parametrize("cypher", [
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (n) CALL (n) { RETURN n.id AS id } RETURN id",
    "MATCH (n) CALL { RETURN 1 AS one } RETURN one",
    "SHOW INDEXES",
    "MATCH (a:Organisation) WHERE a.name STARTS WITH 'T' RETURN a.name",
])
def test_neo4j_reads_pass(cypher):
    check_statement(cypher, engine="neo4j")


def test_read_only_on_both_engines(store):
    for cypher in ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "COPY (RETURN 1) TO 'x.csv'"):
        with pytest.raises(GraphkitError, match="refused"):
            store.query(cypher, write=True)
    assert store.query("RETURN 1 AS one").rows == [[1]]
