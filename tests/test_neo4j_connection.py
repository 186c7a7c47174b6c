"""Neo4j connection problems fail fast with a clear message; the password is never printed."""
from __future__ import annotations

import socket
import time

import pytest

from graphkit.cli import app
from graphkit.errors import GraphkitError
from graphkit.stores import Neo4jSettings, Neo4jStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_fails_in_seconds(monkeypatch, runner, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
    started = time.monotonic()
    result = runner.invoke(app, ["run", "pilots"])
    assert result.exit_code == 1
    assert "is unreachable" in result.output and "s3cret-pw" not in result.output
    assert time.monotonic() - started < 30  # generous: the point is "not the driver's 60 s retry"


def test_credentials_in_the_uri_are_not_echoed():
    settings = Neo4jSettings("neo4j://user:hunter2@127.0.0.1:1", None, "hunter2", None)
    assert settings.safe_uri == "neo4j://127.0.0.1:1"
    with pytest.raises(GraphkitError) as err:
        Neo4jStore(settings, connect_timeout_s=2)
    assert "hunter2" not in str(err.value)


@pytest.fixture(scope="module")
def neo4j_with_auth():
    import os

    if os.environ.get("NEO4J_URI"):
        pytest.skip("an external NEO4J_URI is in use; the auth check starts its own server")
    from neo4j_server import Neo4jUnavailable, start_neo4j

    try:
        server = start_neo4j(auth_password="right-password-123")
    except Neo4jUnavailable as exc:
        if os.environ.get("GRAPHKIT_TEST_NEO4J", "").lower() == "require":
            pytest.fail(f"Neo4j could not start: {exc}")
        pytest.skip(f"Neo4j unavailable: {exc}")
    yield server
    server.stop()


@pytest.mark.neo4j
def test_wrong_password_is_a_clear_error_without_the_password(neo4j_with_auth, monkeypatch, runner, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEO4J_URI", neo4j_with_auth.uri)
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong-password-456")
    result = runner.invoke(app, ["run", "pilots"])
    assert result.exit_code == 1
    assert "authentication failed for user 'neo4j'" in result.output
    assert "wrong-password-456" not in result.output
    monkeypatch.setenv("NEO4J_PASSWORD", "right-password-123")
    assert runner.invoke(app, ["run", "pilots"]).exit_code == 0
