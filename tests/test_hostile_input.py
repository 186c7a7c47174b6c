"""Hostile and broken input: a clear one-line error naming file, line and field, or a correct load.

Never a traceback, never a partial load, never a change to other data.
"""
from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphkit.cli import app
from graphkit.dataset import read_dataset, validate
from graphkit.stores.loading import load
from graphkit.errors import InvalidDataset

HOSTILE = [
    "'}) DETACH DELETE n //",
    "`); MATCH (n) DETACH DELETE n; //",
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    'quote " and \\ backslash',
    "line\nbreak",
    "=HYPERLINK(\"http://evil\")",
    "x" * 400,
    "emoji 🏛️ and RTL \u202e text",
]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def entity_yaml(name: str) -> str:
    import json

    return ("sources:\n  - {id: s, url: 'https://example.org/s', title: S}\n"
            "entities:\n"
            f"  - {{id: e, label: Organisation, kind: company, name: {json.dumps(name, ensure_ascii=False)}, "
            f"sources: [{{source: s, quote: {json.dumps(name, ensure_ascii=False)}}}]}}\n")


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_load_as_plain_text(store, tmp_path, name):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.yaml").write_text(entity_yaml(name), encoding="utf-8")
    load([folder], store)
    assert store.query("MATCH (o:Organisation {id: 'e'}) RETURN o.name").rows == [[name.strip()]]
    assert store.query("MATCH (n) RETURN count(n)").rows == [[2]]


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_yaml_give_problems_not_exceptions(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    for problem in validate([path]):
        assert problem.file.endswith("fuzz.yaml")


@FUZZ
@given(st.text(alphabet=string.printable + "é£\u2028", max_size=400))
def test_any_text_as_csv_gives_problems_not_exceptions(tmp_path, text):
    for name in ("entities.csv", "relationships.csv", "sources.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        for problem in validate([path]):
            assert problem.file.endswith(name)
        path.unlink()


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20))
def test_any_yaml_structure_gives_problems_not_exceptions(tmp_path, value):
    import yaml

    path = tmp_path / "shape.yaml"
    for doc in (value, {"entities": value}, {"relationships": [value]}, {"sources": [value]}):
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        validate([path])


def test_deep_nesting_and_huge_files_are_refused_with_a_reason(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("entities: " + "[" * 5000 + "]" * 5000 + "\n")
    [problem] = validate([deep])
    assert "nesting deeper" in problem.message
    big = tmp_path / "entities.csv"
    row = "id{},Organisation,company,Name {},,,s,quote\n"
    with big.open("w") as fh:
        fh.write("id,label,kind,name,aliases,description,source_id,quote\n")
        for i in range(1_200_000):  # ~55 MB
            fh.write(row.format(i, i))
    problems = validate([big])
    assert problems and all("'s' is not a known source id" in p.message or "more rows" in p.message
                            for p in problems[:5])


def test_a_rejected_file_leaves_the_store_and_other_files_alone(runner, workdir, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    before = runner.invoke(app, ["query", "MATCH (n) RETURN count(n) AS n", "-f", "json"]).output
    snapshot = {p.name: p.read_bytes() for p in tiny_dir.iterdir()}
    (tiny_dir / "zz.yaml").write_bytes(b"entities:\n  - id: \xff\xfe\n")
    result = runner.invoke(app, ["load", str(tiny_dir)])
    assert result.exit_code == 1
    assert "zz.yaml:2" in result.output and "not UTF-8" in result.output and "Traceback" not in result.output
    assert runner.invoke(app, ["query", "MATCH (n) RETURN count(n) AS n", "-f", "json"]).output == before
    assert {p.name: p.read_bytes() for p in tiny_dir.iterdir() if p.name != "zz.yaml"} == snapshot


@pytest.mark.parametrize("args", [
    ["load", "no/such/folder"],
    ["validate", "no/such/file.yaml"],
    ["run", "no-such-query"],
    ["show", "nobody"],
    ["query", "MATCH (n RETURN n"],
    ["run", "advisers-of-pilot"],
    ["run", "pilots", "--param", "novalue"],
])
def test_cli_errors_are_one_line_with_exit_1(runner, workdir, tiny_dir, args):
    runner.invoke(app, ["load", str(tiny_dir)])
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.strip()


def test_duplicate_ids_with_conflicting_data_across_files(tiny_dir):
    (tiny_dir / "other.yaml").write_text(
        "entities:\n  - {id: tribal, label: Organisation, kind: company, name: Tribal, sources: [{source: blog, quote: x}]}\n")
    with pytest.raises(InvalidDataset) as err:
        read_dataset([tiny_dir])
    assert "other.yaml:2: entity tribal: kind 'company' conflicts with 'consultancy'" in str(err.value.problems[0])
