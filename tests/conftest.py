"""Shared fixtures: small datasets, stores on both engines, the CLI runner, one Neo4j per session."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))

ENGINES = ["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    """A copy of the tiny dataset that a test may change."""
    target = tmp_path / "dataset"
    shutil.copytree(FIXTURES / "tiny", target)
    return target


@pytest.fixture
def seed_dir() -> Path:
    return ROOT / "seeds" / "total_place"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """Run in an empty folder with no NEO4J_URI: the embedded store lands under it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)
    return tmp_path


# -- Neo4j ------------------------------------------------------------------------------------
def _neo4j_required() -> bool:
    return os.environ.get("GRAPHKIT_TEST_NEO4J", "").lower() == "require"


@pytest.fixture(scope="session")
def neo4j_server():
    """One Neo4j for the session: NEO4J_URI when set, else Neo4j's test harness from Maven Central."""
    if os.environ.get("NEO4J_URI"):
        yield {"uri": os.environ["NEO4J_URI"], "auth": (os.environ.get("NEO4J_USERNAME", "neo4j"),
                                                        os.environ.get("NEO4J_PASSWORD", ""))}
        return
    from neo4j_server import Neo4jUnavailable, start_neo4j

    try:
        server = start_neo4j()
    except Neo4jUnavailable as exc:
        if _neo4j_required():
            pytest.fail(f"GRAPHKIT_TEST_NEO4J=require but Neo4j could not start: {exc}")
        pytest.skip(f"Neo4j unavailable (set GRAPHKIT_TEST_NEO4J=require to fail instead): {exc}")
    try:
        yield {"uri": server.uri, "auth": server.auth}
    finally:
        server.stop()


@pytest.fixture
def neo4j_env(neo4j_server, monkeypatch):
    """Environment pointing graphkit at the test Neo4j, with an empty database."""
    from neo4j import GraphDatabase
    from neo4j_server import clear_database

    with GraphDatabase.driver(neo4j_server["uri"], auth=neo4j_server["auth"]) as driver:
        clear_database(driver)
    monkeypatch.setenv("NEO4J_URI", neo4j_server["uri"])
    user, password = neo4j_server["auth"] or ("", "")
    for key, value in (("NEO4J_USERNAME", user), ("NEO4J_PASSWORD", password)):
        if value:
            monkeypatch.setenv(key, value)
        else:
            monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return neo4j_server


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture
def store(engine, tmp_path, request):
    """An empty store on each engine (parametrised: the same test runs on Ladybug and Neo4j)."""
    from graphkit.stores import LadybugStore, Neo4jStore

    if engine == "ladybug":
        s = LadybugStore(tmp_path / "store" / "graph.lbug")
    else:
        request.getfixturevalue("neo4j_env")
        s = Neo4jStore()
    yield s
    s.close()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED
