"""The Neo4j password never prints, whatever the command and however broken NEO4J_URI is."""
from __future__ import annotations

import traceback

import pytest
import typer

from graphkit.cli import app
from graphkit.config import redact, safe_uri

SECRET = "S3cr3tPw"
BAD_URIS = [
    f"bolt://neo:{SECRET}@127.0.0.1:notaport",
    f"bolt://neo:{SECRET}@127.0.0.1:99999",
    f"neo4j://neo:{SECRET}@[::1",
    f"bolt://neo:{SECRET}@127.0.0.1:1",
    f"nosuch://neo:{SECRET}@example.invalid",
    f"bolt://neo:{SECRET}/x@127.0.0.1:1",
    f"bolt://neo:x@{SECRET}@127.0.0.1:1",
]


def _invocations(tiny_dir, tmp_path) -> dict[str, list[str]]:
    """One call of every command, each with what it needs to reach the store."""
    d, out = str(tiny_dir), tmp_path / "out"
    return {
        "validate": ["validate", d],
        "load": ["load", d],
        "query": ["query", "RETURN 1"],
        "queries": ["queries"],
        "run": ["run", "who-profits"],
        "show": ["show", "tribal"],
        "sources": ["sources", d],
        "import": ["import", "csv", str(_entities_csv(tmp_path)), "--dataset", d],
        "export": ["export", "csv", str(out / "csv")],
        "dedupe": ["dedupe", d],
        "merge": ["merge", "dclg", "tribal", "--dataset", d],
        "unmerge": ["unmerge", "dclg", "tribal", "--dataset", d],
        "map": ["map", "-o", str(out / "m.html")],
        "brief": ["brief", "-o", str(out / "b.html")],
        "demo": ["demo", "--out", str(out / "demo")],
        "doctor": ["doctor", d],
        "add entity": ["add", "entity", "--label", "Organisation", "--kind", "consultancy", "--name", "Zed Ltd",
                       "--source", "https://example.org/z", "--quote", "Zed Ltd", "--dataset", d],
        "add relation": ["add", "relation", "tribal", "ADVISES", "croydon", "--source", "https://example.org/z",
                         "--quote", "Acme advises Beta", "--dataset", d],
        "add contract": ["add", "contract", "dclg", "tribal", "--title", "T", "--source", "https://example.org/z",
                         "--quote", "T", "--dataset", d],
        "add source": ["add", "source", "https://example.org/r", "--title", "R", "--dataset", d],
        "analyse money": ["analyse", "money"],
        "analyse brokers": ["analyse", "brokers"],
        "analyse path": ["analyse", "path", "dclg", "tribal"],
        "analyse ego": ["analyse", "ego", "tribal"],
        "analyse communities": ["analyse", "communities"],
    }


def _entities_csv(tmp_path):
    path = tmp_path / "entities.csv"
    path.write_text("id,label,kind,name,source,quote\n"
                    "zed,Organisation,consultancy,Zed Ltd,https://example.org/z,Zed Ltd\n")
    return path


def _command_names(group, prefix: str = "") -> set[str]:
    names = set()
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        names |= _command_names(cmd, full + " ") if hasattr(cmd, "commands") else {full}
    return names


def test_every_command_is_covered(tiny_dir, tmp_path):
    assert _command_names(typer.main.get_command(app)) == set(_invocations(tiny_dir, tmp_path))


@pytest.mark.parametrize("uri", BAD_URIS)
def test_no_command_prints_the_password(workdir, runner, tiny_dir, tmp_path, monkeypatch, uri):
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_PASSWORD", "AlsoSecret")
    for name, args in _invocations(tiny_dir, tmp_path).items():
        result = runner.invoke(app, args)
        shown = result.output + "".join(traceback.format_exception(result.exception)) if result.exception and \
            not isinstance(result.exception, SystemExit) else result.output
        assert SECRET not in shown and "AlsoSecret" not in shown, (name, shown)
        assert "Traceback" not in shown, (name, shown)


def test_redaction_never_raises():
    for uri in BAD_URIS + ["", "::::", "bolt://@", "bolt://a@b@c:1/x?y#z"]:
        assert SECRET not in safe_uri(uri)
        assert SECRET not in redact(f"failed on {uri} twice {uri}")
