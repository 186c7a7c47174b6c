"""Problems found in user input: which of them `graphkit sources` lists is a rule of the problem, not of the CLI."""
from __future__ import annotations

from graphkit.dataset import validate


def test_only_problems_with_a_claims_source_or_quote_are_about_citations(tiny_dir):
    (tiny_dir / "more.yaml").write_text(
        "entities:\n"
        "  - {id: blog, label: Organisation, kind: consultancy, name: Blog Ltd, sources: [{source: motion, quote: q}]}\n"
        "relationships:\n"
        "  - {source: dclg, type: ADVISES, target: croydon, sources: [{source: blog, quote: ''}]}\n"
        "  - {source: dclg, type: SUPPORTS, target: croydon, sources: [{source: nowhere, quote: 'q'}]}\n")
    problems = validate([tiny_dir])
    about = {(p.line, p.field): p.about_citation for p in problems}
    assert about[(4, "sources.0.quote")] and about[(5, "sources")]
    assert not about[(2, "id")]  # "is also the id of a source": no claim lacks its source


def test_sources_lists_only_claims_lacking_a_source_or_quote(runner, tiny_dir):
    from graphkit.cli import app

    (tiny_dir / "more.yaml").write_text(
        "entities:\n"
        "  - {id: blog, label: Organisation, kind: consultancy, name: Blog Ltd, sources: [{source: motion, quote: q}]}\n")
    result = runner.invoke(app, ["sources", str(tiny_dir)])
    assert result.exit_code == 0, result.output  # an id shared with a source is a problem, not a missing source
    assert "every claim cites a source with a quote" in result.output
