"""The quick paths of validation report what the column-by-column checks report.

Files without control bytes skip the per-column control-character checks; both endpoint
columns share one dictionary; merged relationships look their endpoints up among their
group. Each test builds a small dataset where a shortcut could miss or misplace a problem.
"""
from __future__ import annotations

import pytest

from graphkit.dataset import read_dataset, validate
from graphkit.errors import InvalidDataset

SOURCES = "id,url,title,publisher,date\nreg,https://example.org/register,Register,Example,2010-01\n"
ENTITIES = (
    "id,label,kind,name,aliases,description,source_id,quote\n"
    "acme,Organisation,consultancy,Acme Ltd,,,reg,Acme Ltd\n"
    "barset,Organisation,council,Barset Council,,,reg,Barset\n"
    "jo,Person,person,Jo Bloggs,,,reg,Jo\n"
)
HEADER = "source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote\n"


def write(folder, newline="\n", **files):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_bytes(text.replace("\n", newline).encode("utf-8"))
    return folder


def found(folder) -> set[tuple[str, int, str, str]]:
    return {(p.file.rsplit("/", 1)[-1], p.line, p.field, p.message) for p in validate([folder])}


def test_delete_character_is_refused_where_no_other_control_byte_is(tmp_path):
    rels = HEADER + "barset,PAID,acme,1,,,,,,reg,paid\x7f twice\n"
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, relationships=rels)
    assert found(folder) == {("relationships.csv", 2, "quote", "contains control characters")}


def test_tabs_and_carriage_returns_are_allowed_and_do_not_hide_control_characters(tmp_path):
    rels = HEADER + "barset,PAID,acme,1,,,,,,reg,\"paid\tin full\"\nbarset,ADVISES,acme,,,,,lead\x1b,,reg,advice\n"
    folder = write(tmp_path / "d", "\r\n", sources=SOURCES, entities=ENTITIES, relationships=rels)
    assert found(folder) == {("relationships.csv", 3, "role", "contains control characters")}


def test_a_file_of_only_a_header_beside_others_keeps_endpoints_in_place(tmp_path):
    rels = HEADER + "barset,PAID,acmee,1,,,,,,reg,paid\nacme,ADVISES,barset,,,,,,,reg,advice\n"
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, **{"relationships-1": HEADER, "relationships-2": rels})
    assert found(folder) == {("relationships-2.csv", 2, "target", "'acmee' is not a known id (did you mean 'acme'?)")}


def test_merged_relationships_are_checked_against_their_endpoints(tmp_path):
    row = "barset,AUTHORED,ghost,,,2011,,,,reg,{}\n"
    label = "acme,EMPLOYED_BY,jo,,,2012,,,,reg,{}\n"
    first = HEADER + row.format("one") + label.format("one")
    second = HEADER + row.format("two") + label.format("two")
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, **{"relationships-1": first, "relationships-2": second})
    problems = found(folder)
    assert ("relationships-1.csv", 2, "target", "'ghost' is not a known id") in problems
    assert {p[:3] for p in problems} == {("relationships-1.csv", 2, "target"), ("relationships-1.csv", 3, "source"),
                                         ("relationships-1.csv", 3, "target")}


def test_each_date_rule_is_reported_for_its_own_values(tmp_path):
    rows = "".join(f"barset,PAID,acme,1,,{d},{d},,,reg,q\n" for d in ("2010-02-30", "2010-13", "2010-02-30", "2011"))
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, relationships=HEADER + rows)
    bad = sorted((line, field, message) for _, line, field, message in found(folder))
    assert bad == [(2, "end_date", "'2010-02-30' is not a real calendar date"),
                   (2, "start_date", "'2010-02-30' is not a real calendar date"),
                   (3, "end_date", "'2010-13' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
                   (3, "start_date", "'2010-13' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
                   (4, "end_date", "'2010-02-30' is not a real calendar date"),
                   (4, "start_date", "'2010-02-30' is not a real calendar date")]


def test_same_claim_in_two_files_is_one_relationship_with_both_citations(tmp_path):
    claim = "barset,PAID,acme,\"1,000\",included,2010-02,,,documented,reg,{}\n"
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES,
                   **{"relationships-1": HEADER + claim.format("first"), "relationships-2": HEADER + claim.format("second")})
    [paid] = read_dataset([folder]).relationships.to_pylist()
    assert paid["quotes"] == ["first", "second"] and paid["amount_gbp"] == 1000.0
    assert paid["rid"] == "barset|PAID|acme|2010-02|||1000|included"


def test_the_byte_count_refuses_exactly_what_the_column_check_refuses():
    import re

    import numpy as np
    import pyarrow as pa

    from graphkit.dataset.csv_reader import CONTROL_CHARACTERS, REFUSED_BYTES, _count_control_bytes

    assert sorted(REFUSED_BYTES) == [b for b in range(128) if re.fullmatch(CONTROL_CHARACTERS, chr(b))]
    data = np.random.default_rng(7).integers(0, 256, 300_001, dtype=np.uint8)  # every byte value, slices uneven
    expected = (int(np.count_nonzero(data == ord("\n"))), int(np.isin(data, REFUSED_BYTES).sum()))
    assert _count_control_bytes(pa.py_buffer(data.tobytes()), step=65_536) == expected


def test_unchanged_yaml_files_are_read_from_the_parse_cache_beside_the_store(tmp_path, monkeypatch, tiny_dir):
    import graphkit.dataset.yaml_reader as yaml_reader

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)
    first = read_dataset([tiny_dir])  # no store folder yet: nothing is kept
    assert not (tmp_path / ".graphkit").exists()
    (tmp_path / ".graphkit").mkdir()
    read_dataset([tiny_dir])
    entries = [e.name for e in (tmp_path / ".graphkit" / "parse-cache").iterdir()]
    assert len([e for e in entries if not e.startswith("dataset-")]) == 3  # one per file, and the whole dataset
    parsed = []
    real = yaml_reader.read_yaml_records
    monkeypatch.setattr(yaml_reader, "read_yaml_records", lambda path, *rest: parsed.append(path.name) or real(path, *rest))
    cached = read_dataset([tiny_dir])
    assert parsed == [] and cached.entities.to_pylist() == first.entities.to_pylist()
    actors = tiny_dir / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace("name: Tribal\n", "name: Tribal Ltd\n"), encoding="utf-8")
    assert read_dataset([tiny_dir]).entity("tribal")["name"] == "Tribal Ltd"  # stale: parsed again
    assert parsed == ["actors.yaml"]  # the unchanged files came from the cache
    actors.write_text(actors.read_text(encoding="utf-8").replace("kind: consultancy", "kind: bank"), encoding="utf-8")
    for _ in range(2):  # a file with a problem is never kept: reported every time
        with pytest.raises(InvalidDataset, match="bank"):
            read_dataset([tiny_dir])
    assert parsed == ["actors.yaml"] * 3


def test_a_store_named_with_store_keeps_the_parse_cache_beside_it(tmp_path, monkeypatch, tiny_dir):
    """`--store elsewhere/g.lbug`: the next command given that store reads the unchanged files from its cache."""
    from typer.testing import CliRunner

    from graphkit.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)
    store = tmp_path / "elsewhere" / "g.lbug"
    runner = CliRunner()
    for _ in range(2):  # the first load makes the store's folder, the second keeps the parse there
        assert runner.invoke(app, ["load", str(tiny_dir), "--store", str(store)]).exit_code == 0
    kept = sorted(e.name for e in (store.parent / "parse-cache").iterdir())
    assert any(e.startswith("dataset-") for e in kept) and not (tmp_path / ".graphkit").exists()
    result = runner.invoke(app, ["load", str(tiny_dir), "--store", str(store)])
    assert result.exit_code == 0 and "nothing changed" in result.output, result.output
    assert sorted(e.name for e in (store.parent / "parse-cache").iterdir()) == kept  # read, not written again


def test_a_kept_dataset_is_read_again_when_a_merge_decision_changes(tmp_path, monkeypatch, tiny_dir):
    from graphkit.dataset.merges import record_merge

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)
    (tmp_path / ".graphkit").mkdir()
    fresh = read_dataset([tiny_dir])
    kept = read_dataset([tiny_dir])
    assert [e.name for e in (tmp_path / ".graphkit" / "parse-cache").iterdir() if e.name.startswith("dataset-")]
    assert kept.entities.equals(fresh.entities) and kept.relationships.equals(fresh.relationships)
    record_merge(tiny_dir, "croydon", "lewisham")
    assert read_dataset([tiny_dir]).entity("lewisham") is None


def test_the_parse_cache_depends_on_the_model_and_resolve_code():
    from pathlib import Path

    import graphkit
    from graphkit.dataset import parse_cache

    package = Path(graphkit.__file__).parent
    read = [package / folder for folder in parse_cache.DEPENDS_ON]
    assert all(folder.is_dir() and any(folder.glob("*.py")) for folder in read)
    assert {"model", "resolve", "dataset"} <= set(parse_cache.DEPENDS_ON)


def test_a_small_dataset_is_merged_and_checked_without_starting_threads(tmp_path, monkeypatch, tiny_dir):
    import threading

    from graphkit.dataset import parallel

    monkeypatch.chdir(tmp_path)  # no store folder: no parse cache, every read merges and checks
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)
    started = []
    real = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name) or real(self))
    small = read_dataset([tiny_dir])
    assert started == []  # threads cost more than they save on a few hundred rows
    monkeypatch.setattr("graphkit.dataset.SERIAL_ROWS", 0)
    assert read_dataset([tiny_dir]).entities.equals(small.entities) and started  # the same tables either way
    with parallel.serially():
        assert parallel.at_once(lambda: threading.current_thread().name) == [threading.current_thread().name]


def test_a_dataset_of_yaml_files_is_read_without_the_csv_reader(tmp_path, tiny_dir):
    import subprocess
    import sys

    code = ("import sys; from graphkit.dataset import read_dataset; read_dataset([sys.argv[1]]); "
            "print('graphkit.dataset.csv_reader' in sys.modules, 'pyarrow.csv' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code, str(tiny_dir)], capture_output=True, text=True, cwd=tmp_path)
    assert run.stdout.split() == ["False", "False"], run.stderr


@pytest.mark.parametrize("seed", range(5))
def test_rows_that_see_their_values_first_are_those_a_plain_scan_finds(seed):
    """`first_seen` (hash passes, no sort) marks the same rows as remembering every combination seen,
    with nulls as values, numbers of any size, and more combinations than an int64 holds."""
    import numpy as np
    import pyarrow as pa

    from graphkit.first_seen import first_seen

    rng = np.random.default_rng(seed)
    n = 2_000
    groups = rng.integers(0, 2**40, n) * (rng.random(n) < 0.5)  # wide, and often 0: combinations repeat
    more = rng.integers(0, 2**40, n) * (rng.random(n) < 0.5)
    texts = [None if x == 0 else f"s{x}" for x in rng.integers(0, 6, n)]
    seen, expected = set(), []
    for row in zip(groups.tolist(), more.tolist(), texts):
        expected.append(row not in seen)
        seen.add(row)
    assert first_seen(groups, more, pa.array(texts)).tolist() == expected
    assert sum(expected) < n  # some rows repeat an earlier one
    assert first_seen(np.arange(5), np.array([4, 2**62, 0, 0, 0])).tolist() == [True] * 5  # (4, 0) is not (0, 4)
    many = 2**16  # five columns of 2**16 numbers: 2**80 combinations, which int64 keys must renumber to hold
    columns = [np.arange(many) for _ in range(5)]
    for column in columns[1:]:
        column[1] = 0  # rows 0 and 1 differ in the first column only: (0, 0, 0, 0, 0) and (1, 0, 0, 0, 0)
    assert first_seen(*columns).all()
    assert first_seen(np.array([0, 1]), np.array([0, 2**64 - 1], np.uint64)).tolist() == [True, True]
