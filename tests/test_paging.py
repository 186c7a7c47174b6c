"""Big answers come a page at a time: the first 100 rows, how many more, and how to get them."""
from __future__ import annotations

from graphkit.cli import app

NUMBERS = "UNWIND range(1, 250) AS x RETURN x ORDER BY x"


def test_a_store_converts_only_the_window_and_counts_the_rest(store):
    result = store.query(NUMBERS, window=(10, 5))
    assert result.rows == [[11], [12], [13], [14], [15]] and result.total == 250
    whole = store.query(NUMBERS)
    assert len(whole.rows) == 250 and whole.total is None


def test_query_shows_a_page_and_says_how_to_see_the_rest(workdir, runner, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    result = runner.invoke(app, ["query", NUMBERS, "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.split()[1:] == [str(i) for i in range(1, 101)]
    assert "rows 1–100 of 250; 150 more: --offset 100 for the next page" in result.stderr
    result = runner.invoke(app, ["query", NUMBERS, "--format", "csv", "--offset", "240", "--limit", "20"])
    assert result.stdout.split()[1:] == [str(i) for i in range(241, 251)] and result.stderr == ""
    result = runner.invoke(app, ["query", NUMBERS, "--format", "csv", "--all"])
    assert len(result.stdout.split()) == 251 and result.stderr == ""


def test_run_pages_a_named_query_after_its_declared_order(workdir, runner, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    whole = runner.invoke(app, ["run", "who-profits", "--format", "csv", "--all"]).stdout.splitlines()
    first = runner.invoke(app, ["run", "who-profits", "--format", "csv", "--limit", "1"])
    assert first.stdout.splitlines() == whole[:2]
    assert ("more: --offset 1" in first.stderr) == (len(whole) > 2)


def test_a_bad_page_is_one_line(workdir, runner, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    result = runner.invoke(app, ["query", "RETURN 1", "--limit", "0"])
    assert result.exit_code == 1 and "--limit must be at least 1" in result.output


def test_a_store_hands_out_rows_batch_by_batch(store):
    stream = store.stream(NUMBERS, batch_rows=100)
    assert stream.columns == ["x"]
    batches = iter(stream.batches)
    assert next(batches) == [[i] for i in range(1, 101)]  # the first batch comes before the rest is converted
    assert [len(b) for b in batches] == [100, 50]


def test_every_row_as_csv_or_json_is_streamed_and_equals_the_whole_answer(workdir, runner, tiny_dir, monkeypatch):
    import json

    from graphkit.cli import output
    from graphkit.stores import LadybugStore

    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    streamed = []
    real = output.write_rows
    monkeypatch.setattr("graphkit.cli.data.write_rows",
                        lambda columns, batches, fmt: streamed.append(fmt) or real(columns, batches, fmt))
    as_json = runner.invoke(app, ["query", "UNWIND range(1, 250) AS x RETURN x * 1.5 AS x ORDER BY x",
                                         "--all", "--format", "json"])
    as_csv = runner.invoke(app, ["run", "weakly-sourced", "--all", "--format", "csv"])
    assert streamed == ["json", "csv"] and as_json.exit_code == 0 and as_csv.exit_code == 0
    assert json.loads(as_json.stdout) == [{"x": i * 1.5} for i in range(1, 251)]
    store = LadybugStore(workdir / ".graphkit" / "graph.lbug", read_only=True)
    try:
        from graphkit.query.named import run_named

        whole = run_named(store, "weakly-sourced")
    finally:
        store.close()
    assert whole.rows and as_csv.stdout.splitlines()[0] == ",".join(whole.columns)
    assert len(as_csv.stdout.splitlines()) == len(whole.rows) + 1
    paged = runner.invoke(app, ["run", "weakly-sourced", "--limit", str(len(whole.rows)), "--format", "csv"])
    assert paged.stdout == as_csv.stdout  # the same text as the answer written at once


def test_a_page_ordered_by_type_reads_the_types_in_order_until_it_is_full(store, seed_dir, monkeypatch):
    from graphkit.query.named import named_queries, run_named
    from graphkit.stores.loading import load

    load([seed_dir], store)
    whole = run_named(store, "weakly-sourced")
    types = sorted({row[1] for row in whole.rows})
    assert len(types) > 2, "the seeds give weakly-sourced claims of several types"
    sent = []
    real = store.query
    monkeypatch.setattr(store, "query", lambda cypher, params=None, **kw: sent.append(cypher) or real(cypher, params, **kw))
    page = run_named(store, "weakly-sourced", window=(0, 1))
    assert page.rows == whole.rows[:1] and page.total == len(whole.rows)
    if named_queries()["weakly-sourced"].by_type_for(store.engine):  # the types after the first row's are not read
        assert not any(f"[r:{t}]" in cypher for cypher in sent for t in types[1:])
        assert any(f"[r:{types[0]}]" in cypher for cypher in sent)


def test_a_by_type_header_needs_its_pattern(tmp_path):
    import pytest

    from graphkit.errors import GraphkitError
    from graphkit.query.named import named_queries

    (tmp_path / "odd.cypher").write_text("// name: odd\n// by_type: rel\nMATCH (a)-[r]->(b) RETURN a\n", encoding="utf-8")
    with pytest.raises(GraphkitError, match=r"odd.cypher: `// by_type: rel` needs a pattern \[rel\]"):
        named_queries(tmp_path)
