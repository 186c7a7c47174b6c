"""`graphkit show` and `graphkit sources`: an actor's links with their evidence; claims lacking it."""
from __future__ import annotations

import json

from graphkit.cli import app


def test_show_prints_links_and_the_sources_behind_them(runner, workdir, tiny_dir):
    runner.invoke(app, ["load", str(tiny_dir)])
    result = runner.invoke(app, ["show", "tribal", "--format", "json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    assert view["node"]["name"] == "Tribal" and view["node"]["label"] == "Organisation"
    links = sorted((l["direction"], l["type"], l["other"]) for l in view["links"])
    assert links == [("in", "AWARDED_TO", "contract-insight"), ("in", "AWARDED_TO", "contract-spend"),
                     ("out", "ADVISES", "dclg")]
    assert view["sources"]["blog"]["url"] == "https://example.org/blog/2009/11/bad-place"
    table = runner.invoke(app, ["show", "tribal"])
    assert "Tribal Group plc" in table.output and "AWARDED_TO" in table.output


def test_sources_lists_claims_without_a_source_or_quote(runner, tiny_dir):
    assert runner.invoke(app, ["sources", str(tiny_dir)]).exit_code == 0
    (tiny_dir / "weak.yaml").write_text(
        "relationships:\n"
        "  - {source: dclg, type: FUNDS, target: total-place}\n"
        "  - {source: dclg, type: ADVISES, target: croydon, sources: [{source: blog, quote: ''}]}\n"
        "  - {source: dclg, type: SUPPORTS, target: croydon, sources: [{source: nowhere, quote: 'q'}]}\n")
    result = runner.invoke(app, ["sources", str(tiny_dir)])
    assert result.exit_code == 1
    assert "weak.yaml:2: relationship FUNDS: sources is required" in result.output
    assert "weak.yaml:3: relationship ADVISES: sources.0.quote is empty" in result.output and "is empty" in result.output
    assert "weak.yaml:4: relationship SUPPORTS: sources 'nowhere' is not a known source id" in result.output
    assert "3 claim(s) without a proper source" in result.output


def test_show_takes_a_name_and_fills_the_amount_of_each_award(runner, workdir, tiny_dir):
    """`graphkit show Tribal` once said `no node with id 'Tribal'`, and left £ empty on both awards."""
    runner.invoke(app, ["load", str(tiny_dir)])
    view = json.loads(runner.invoke(app, ["show", "Tribal Group PLC", "--format", "json"]).output)
    awards = {l["other"]: (l["amount_gbp"], l["vat"]) for l in view["links"] if l["type"] == "AWARDED_TO"}
    assert awards == {"contract-insight": (60000, "excluded"), "contract-spend": (218000, "excluded")}
    lines = runner.invoke(app, ["show", "tribal"]).output.splitlines()
    assert any("Customer Insight\t£60,000\texcluded" in line for line in lines), lines
    missed = runner.invoke(app, ["show", "Tribl"])
    assert missed.exit_code == 1 and "did you mean 'tribal'?" in missed.output


def test_piped_tables_are_plain_text_one_row_a_line(runner, workdir, tiny_dir):
    runner.invoke(app, ["load", str(tiny_dir)])
    lines = runner.invoke(app, ["run", "department-contracts"]).output.splitlines()
    assert lines[0].split("\t")[:2] == ["contract_id", "contract"]
    assert [line.split("\t")[0] for line in lines[1:]] == ["contract-insight", "contract-spend"]
    assert not any(ch in "".join(lines) for ch in "┃│━")


def test_the_installed_script_pipes_tables_without_click_installed(runner, workdir, tiny_dir):
    """typer may ship click inside itself: the script must not import click on its own."""
    import subprocess
    import sys

    runner.invoke(app, ["load", str(tiny_dir)])
    no_click = "import sys; sys.modules['click'] = None; from graphkit.cli import main; main()"

    def piped(*args):
        proc = subprocess.run([sys.executable, "-c", no_click, "run", "department-contracts", *args],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.splitlines()

    assert piped()[0].split("\t")[:2] == ["contract_id", "contract"]  # not asked: plain text
    assert piped("--format", "csv")[0].split(",")[:2] == ["contract_id", "contract"]
    assert "┃" in "".join(piped("--format", "table"))  # asked for a table: a table, even piped


def test_terminal_tables_cut_long_cells_and_never_wrap_ids(runner, workdir, tiny_dir, monkeypatch):
    from rich.console import Console

    import graphkit.cli.output as out

    long_id = "contract-" + "very-long-" * 8 + "id"
    (tiny_dir / "more.yaml").write_text(
        f"entities:\n  - {{id: {long_id}, label: Contract, kind: contract, name: Long, value_gbp: 5, vat: excluded,"
        " sources: [{source: blog, quote: q}]}\n"
        f"relationships:\n  - {{source: {long_id}, type: AWARDED_TO, target: tribal, sources: [{{source: blog, quote: q}}]}}\n")
    runner.invoke(app, ["load", str(tiny_dir)])
    monkeypatch.setattr(out, "console", Console(force_terminal=True, width=80))
    cut = runner.invoke(app, ["run", "who-profits"]).output
    assert "…" in cut and long_id not in cut
    body = [line for line in cut.splitlines() if line.startswith("│")]
    assert len(body) == len(runner.invoke(app, ["run", "who-profits", "-f", "json"]).output.split('"supplier_id"')) - 1
    assert any("278,005" in line for line in body)  # a number is never cut
    assert not any(line.strip("│ ").startswith("id") for line in cut.splitlines())  # no fragment of an id on a line of its own
    wide = runner.invoke(app, ["run", "who-profits", "--wide"]).output
    assert long_id in wide
