"""Every row of an answer written column by column from the engine's Arrow batches: the same bytes as the
rows written one by one, for CSV and JSON, cell rules included (lists, marked list texts, citations,
formula guard, quoting, nulls, unicode)."""
from __future__ import annotations

import datetime
import io
import json

import pyarrow as pa
import pytest

from graphkit.cli.output import write_rows
from graphkit.query import columnar
from graphkit.query.named import CITATION_COLUMNS, named_queries, run_named, sort_rows, stream_named, tidy_citations
from graphkit.stores import LadybugStore
from graphkit.stores.base import ArrowBatches
from graphkit.stores.list_text import arrow_rows
from graphkit.stores.loading import load

M = "\x1f"
TEXTS = ["plain", "=1+1", "'=x", "''@y", "-3", "+4", "@home", "", None, 'say "hi"', "a,b", "line\nbreak", "cr\rhere",
         "tab\there", "café ☕ 𝄞", "\u2028sep", "'", "'plain", "back\\slash", " spaced "]


def _batch(n: int = len(TEXTS)) -> pa.RecordBatch:
    cycle = lambda values: [values[i % len(values)] for i in range(n)]  # noqa: E731
    return pa.record_batch({
        "text": cycle(TEXTS),
        "marked": cycle(["a" + M + "=b" + M, None, "x,y" + M, "plain", "q\"" + M + "q\"" + M, M]),
        "n": cycle([1, None, -5, 0, 2**40]),
        "gbp": pa.array(cycle([60000.0, None, 0.1, -0.0, 1e16, 1.5e-5, float("nan"), float("inf"), 123.456]), pa.float64()),
        "yes": cycle([True, False, None]),
        "day": pa.array(cycle([datetime.date(2009, 4, 1), None]), pa.date32()),
        "items": pa.array(cycle([["a", "=b"], [], None, ["x", None], ["é", "a,b"]]), pa.list_(pa.string())),
        "nothing": pa.nulls(n),
        "sources": pa.array(cycle([["s1", "s2" + M + "s1" + M, None, "s3"], ["s1", "s1"], [], None, ["=s"]]),
                            pa.list_(pa.string())),
        "source_ids": cycle(["s1" + M + "s2" + M + "s1" + M, None, "one", "-s" + M]),
    })


def _both(columns, record_batches, fmt, cited=()):
    """(text written column by column, text written from the rows the row path converts)."""
    tidy = (lambda rows: tidy_citations(columns, rows)) if cited else None
    columnar_out, rows_out = io.StringIO(), io.StringIO()
    write_rows(columns, ArrowBatches(columns, record_batches, cited, tidy), fmt, columnar_out)
    rows = [tidy(arrow_rows(b)) if tidy else arrow_rows(b) for b in record_batches]
    write_rows(columns, rows, fmt, rows_out)
    return columnar_out.getvalue(), rows_out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_arrow_batches_are_written_byte_for_byte_as_their_rows(fmt):
    batches = [_batch(), _batch(7).slice(2), _batch(0)]
    columns = batches[0].schema.names
    cited = tuple(c for c in CITATION_COLUMNS if c in columns)
    text_of = columnar.csv_text if fmt == "csv" else columnar.json_text
    assert all(text_of(b, cited) is not None for b in batches), "the columnar path writes these batches itself"
    written, expected = _both(columns, batches, fmt, cited)
    assert written == expected
    if fmt == "csv":
        assert "'=1+1" in written and "s1; s2; s3" in written and '"line\nbreak"' in written
    else:
        assert json.loads(written.replace("NaN", "null").replace("Infinity", "1e999"))[0]["sources"] == ["s1", "s2", "s3"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_one_column_and_no_rows_are_written_as_python_writes_them(fmt):
    one = pa.record_batch({"x": ["", None, "a", "=b"]})
    assert _both(["x"], [one], fmt)[0] == _both(["x"], [one], fmt)[1]
    empty = pa.record_batch({"x": pa.array([], pa.string())})
    written, expected = _both(["x"], [empty], fmt)
    assert written == expected == ("x\r\n" if fmt == "csv" else "[]\n")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_what_only_rows_can_write_falls_back_to_them(fmt):
    odd = pa.record_batch({"node": pa.array([{"id": "a", "_LABEL": "X"}, None]),
                           "nested": pa.array([["a" + M + "b" + M], ["c"]]),
                           "ctrl": ["bell\x07", "ok"]})
    text_of = columnar.csv_text if fmt == "csv" else columnar.json_text
    assert text_of(odd, ()) is None
    plain = pa.record_batch({"node": pa.array([None, None], pa.null()), "nested": [["d"], None], "ctrl": ["x", None]})
    written, expected = _both(odd.schema.names, [plain, odd, plain], fmt)  # mixed: some batches each way
    assert written == expected


def test_sorting_in_arrow_is_sort_rows():
    batch = pa.record_batch({"id": ["b", "a", None, "c", "a", "é", "Z"], "gbp": [5.0, None, 9.0, 5.0, 5.0, 1.0, 5.0],
                             "k": [1, 2, 3, 4, 5, 6, 7]})
    order = [("gbp", True), ("id", False)]
    ordered = columnar.sorted_batches([batch.slice(0, 3), batch.slice(3)], order, batch.schema.names, 2)
    rows = [r for b in ordered for r in arrow_rows(b)]
    assert rows == sort_rows(batch.schema.names, arrow_rows(batch), order)
    marked = pa.record_batch({"id": ["a" + M, "b"]})
    assert columnar.sorted_batches([marked], [("id", False)], ["id"], 10) is None  # lists sort as Python lists


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from graphkit.resources import seed_dataset_dir

    store = LadybugStore(tmp_path_factory.mktemp("columnar") / "graph.lbug")
    load([seed_dataset_dir()], store)
    yield store
    store.close()


GIVEN = {"advisers-of-pilot": {"pilot": "pilot-croydon"}}


def _runnable():
    for name, query in named_queries().items():
        if name in GIVEN or all(p.default is not None for p in query.params):
            yield name


def _unordered(rows):
    """Rows with sums to the penny and lists as sorted lists: the engine adds and collects in any order."""
    return [[round(v, 2) if isinstance(v, float) else sorted(v) if isinstance(v, list) else v for v in r] for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("name", list(_runnable()))
def test_every_named_query_streams_its_whole_answer_column_by_column(seeded, name, fmt):
    stream = stream_named(seeded, name, GIVEN.get(name, {}))
    assert isinstance(stream.batches, ArrowBatches), "the embedded store hands out Arrow batches"
    held, columns = list(stream.batches.record_batches), stream.columns
    again = lambda: ArrowBatches(columns, held, stream.batches.cited, stream.batches.tidy)  # noqa: E731
    written, expected = io.StringIO(), io.StringIO()
    write_rows(columns, again(), fmt, written)
    rows = [row for batch in again() for row in batch]
    write_rows(columns, [rows], fmt, expected)
    assert written.getvalue() == expected.getvalue()
    whole = run_named(seeded, name, GIVEN.get(name, {}))  # a second run: the rows in the same order
    assert whole.columns == columns and _unordered(rows) == _unordered(whole.rows)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_ad_hoc_query_streams_the_text_of_its_rows(seeded, fmt):
    cypher = ("MATCH (a)-[r]->(b) RETURN a.id AS from_id, label(r) AS type, r.source_ids AS source_ids, r.evidence, "
              "r.amount_gbp, r.start_date, a.aliases AS aliases ORDER BY from_id, type, b.id")
    streamed, whole = io.StringIO(), io.StringIO()
    stream = seeded.stream(cypher, batch_rows=7)
    write_rows(stream.columns, stream.batches, fmt, streamed)
    result = seeded.query(cypher)
    write_rows(result.columns, [result.rows], fmt, whole)
    assert len(result.rows) > 20 and streamed.getvalue() == whole.getvalue()
