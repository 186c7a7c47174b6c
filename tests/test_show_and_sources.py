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
