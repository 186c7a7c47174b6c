"""A damaged store is never a dead end: it is set aside and rebuilt from the files, and doctor says so."""
from __future__ import annotations

import os

import pytest

from graphkit.cli import app

DAMAGE = {
    "truncated": lambda p: os.truncate(p, 4096),
    "random bytes": lambda p: p.write_bytes(os.urandom(200_000)),
    "a text file": lambda p: p.write_text("hello\n"),
    "a corrupt log beside it": lambda p: p.with_name(p.name + ".wal").write_bytes(os.urandom(5000)),
}


@pytest.fixture
def loaded(workdir, runner, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    return workdir / ".graphkit" / "graph.lbug"


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_store_is_set_aside_and_rebuilt(loaded, runner, tiny_dir, how):
    DAMAGE[how](loaded)
    query = runner.invoke(app, ["query", "MATCH (n) RETURN count(n) AS n"])
    assert query.exit_code == 1 and "graphkit load --reset" in query.output and "Traceback" not in query.output
    doctor = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert doctor.exit_code == 1 and "graphkit load --reset" in doctor.output

    result = runner.invoke(app, ["load", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert "set aside as" in result.output and "28 created" in result.output
    aside = sorted(loaded.parent.glob("graph.damaged-*.lbug"))
    assert len(aside) == 1
    assert runner.invoke(app, ["query", "MATCH (n) RETURN count(n) AS n", "-f", "csv"]).output.split() == ["n", "14"]
    assert runner.invoke(app, ["doctor", str(tiny_dir)]).exit_code == 0


def test_reset_rebuilds_a_damaged_store_too(loaded, runner, tiny_dir):
    loaded.write_text("not a store")
    result = runner.invoke(app, ["load", "--reset", str(tiny_dir)])
    assert result.exit_code == 0 and "set aside as" in result.output


def test_doctor_finds_what_differs_from_the_files(loaded, runner, tiny_dir):
    assert runner.invoke(app, ["doctor", str(tiny_dir)]).exit_code == 0
    assert runner.invoke(app, ["query", "MATCH (o:Organisation {id: 'tribal'}) SET o.name = 'x'", "--write"]).exit_code == 0
    links = tiny_dir / "links.yaml"
    text = links.read_text()
    links.write_text(text[:text.index("  - {source: tribal, type: ADVISES")])
    result = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert result.exit_code == 1
    assert "0 missing, 1 with other values, 1 no longer in the files" in result.output
    assert "run `graphkit load`" in result.output
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    assert runner.invoke(app, ["doctor", str(tiny_dir)]).exit_code == 0


def test_doctor_without_a_store_says_to_load(workdir, runner, tiny_dir):
    result = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert result.exit_code == 1 and "run `graphkit load` to build it" in result.output


def test_doctor_on_neo4j(workdir, neo4j_env, runner, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    assert runner.invoke(app, ["doctor", str(tiny_dir)]).exit_code == 0
    runner.invoke(app, ["query", "MATCH (o:Organisation {id: 'tribal'}) DETACH DELETE o", "--write"])
    result = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert result.exit_code == 1 and "(Neo4j)" in result.output and "missing" in result.output
