"""`graphkit validate`: every problem, with file, line and field; nothing half-read."""
from __future__ import annotations

import re
from pathlib import Path

from graphkit.cli import app
from graphkit.dataset import read_dataset, validate

FAULTS = Path(__file__).parent / "fixtures" / "faults" / "twenty_faults.yaml"


def planted_lines(path: Path) -> dict[int, str]:
    """Line number -> fault label, from the `# Fnn` markers in the file."""
    out = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        m = re.search(r"# (F\d\d)", line)
        if m:
            out[number] = m.group(1)
    return out


def test_twenty_planted_faults_are_all_reported_with_their_line():
    problems = validate([FAULTS])
    expected = planted_lines(FAULTS)
    assert len(expected) == 20
    assert sorted(p.line for p in problems) == sorted(expected)
    assert all(p.file.endswith("twenty_faults.yaml") for p in problems)


def test_cli_lists_every_problem_and_exits_1(runner):
    result = runner.invoke(app, ["validate", str(FAULTS)])
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if "twenty_faults.yaml:" in l]
    assert len(lines) == 20
    assert "20 problem(s); nothing was loaded or written." in result.output
    assert "Traceback" not in result.output


def test_messages_name_file_line_field_and_suggest_close_ids():
    text = "\n".join(str(p) for p in validate([FAULTS]))
    assert re.search(r"twenty_faults.yaml:\d+: relationship AWARDED_TO: target 'tribl' is not a known id "
                     r"\(did you mean 'tribal'\?\)", text)
    assert "value_gbp -5 is negative" in text
    assert "start_date '2009-02-30' is not a real calendar date" in text
    assert "url 'javascript:alert(1)' is not an http(s) URL" in text
    assert "conflicts with 'Tribal'" in text
    assert "'HIRED' is not a known relationship type" in text


def test_clean_dataset_validates(runner, tiny_dir):
    result = runner.invoke(app, ["validate", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert "ok: 3 sources, 11 entities, 14 relationships" in result.output


def test_same_claim_in_two_files_merges_its_citations(tiny_dir):
    (tiny_dir / "more.yaml").write_text(
        "entities:\n"
        "  - {id: tribal, label: Organisation, kind: consultancy, name: Tribal,\n"
        "     sources: [{source: foi, quote: Tribal Consulting}]}\n")
    ds = read_dataset([tiny_dir])
    tribal = ds.entity("tribal")
    assert tribal["source_ids"] == ["blog", "foi"]
    assert tribal["aliases"] == ["Tribal Group plc"]


def test_yaml_aliases_and_syntax_errors_are_refused_with_a_line(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("entities:\n  - id: x\n   label: [\n")
    problems = validate([bomb]) + validate([broken])
    assert any("aliases are not allowed" in p.message and p.line == 2 for p in problems)
    assert any("invalid YAML" in p.message and p.file.endswith("broken.yaml") for p in problems)


def test_non_utf8_bytes_are_reported_with_their_line(tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("sources:\n  - id: s\n    title: caf\xe9\n".encode("latin-1"))
    [problem] = validate([bad])
    assert problem.line == 3 and "not UTF-8" in problem.message
