"""A load of unchanged files into an untouched store answers from the record of the last load; any write
to the store, any change to the files, and the record no longer holds: the load compares row by row."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.stores import LadybugStore, last_load


@pytest.fixture
def loaded(workdir, runner, tiny_dir):
    """The tiny dataset loaded into the active store of a fresh folder (its parse cache beside it)."""
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0  # the dataset is now read from the cache
    return workdir / ".graphkit" / "graph.lbug"


def _load(store_path, tiny_dir):
    """(the report, whether the store file was opened) of a load as `graphkit load` runs it."""
    store = LadybugStore(store_path, set_aside_damaged=True)
    try:
        report = store.load(read_dataset([tiny_dir]))
        return report, store._opened
    finally:
        store.close()


def _name(store_path, entity_id):
    store = LadybugStore(store_path, read_only=True)
    try:
        return store.query(f"MATCH (n {{id: '{entity_id}'}}) RETURN n.name").rows[0][0]
    finally:
        store.close()


def test_an_unchanged_load_does_not_open_the_store_and_says_what_it_holds(loaded, tiny_dir):
    report, opened = _load(loaded, tiny_dir)
    assert not opened and report.changed_nothing
    n = read_dataset([tiny_dir]).counts()
    assert report.totals()["unchanged"] == n["entities"] + n["relationships"] + n["sources"]
    assert last_load.record_path(loaded).exists()


def test_a_write_by_query_is_found_by_the_next_load(loaded, runner, tiny_dir):
    assert runner.invoke(app, ["query", "MATCH (o:Organisation {id: 'tribal'}) SET o.name = 'x'", "--write"]).exit_code == 0
    assert not last_load.record_path(loaded).exists()
    report, opened = _load(loaded, tiny_dir)
    assert opened and report.totals()["updated"] == 1
    assert _name(loaded, "tribal") == "Tribal"


def test_a_store_written_by_another_program_is_compared_row_by_row(loaded, tiny_dir):
    import ladybug

    db = ladybug.Database(str(loaded))
    conn = ladybug.Connection(db)
    conn.execute("MATCH (o:Organisation {id: 'tribal'}) SET o.name = 'changed behind graphkit'")
    conn.close()
    db.close()
    assert last_load.record_path(loaded).exists()  # graphkit did not see the write: the file's times say it
    report, opened = _load(loaded, tiny_dir)
    assert opened and report.totals()["updated"] == 1
    assert _name(loaded, "tribal") == "Tribal"


def test_a_store_replaced_by_hand_is_compared_row_by_row(loaded, tiny_dir, tmp_path):
    empty = LadybugStore(tmp_path / "other" / "g.lbug")
    empty.close()
    os.replace(tmp_path / "other" / "g.lbug", loaded)
    report, opened = _load(loaded, tiny_dir)
    assert opened and report.totals()["created"] > 0


def test_changed_files_are_loaded(loaded, tiny_dir):
    links = tiny_dir / "links.yaml"
    text = links.read_text()
    links.write_text(text[:text.index("  - {source: tribal, type: ADVISES")])
    report, opened = _load(loaded, tiny_dir)
    assert opened and report.deleted == {"ADVISES": 1}
    again, opened = _load(loaded, tiny_dir)
    assert not opened and again.changed_nothing


def test_an_add_style_load_without_sync_leaves_no_record(loaded, tiny_dir):
    store = LadybugStore(loaded, set_aside_damaged=True)
    try:
        dataset = read_dataset([tiny_dir])
        dataset.entities = dataset.entities  # a dataset changed in memory is no longer the files it was read from
        assert dataset.digest is None
        store.load(dataset, sync=False)
    finally:
        store.close()
    assert not last_load.record_path(loaded).exists()


def test_doctor_still_compares_row_by_row(loaded, runner, tiny_dir):
    import ladybug

    db = ladybug.Database(str(loaded))
    conn = ladybug.Connection(db)
    conn.execute("MATCH (o:Organisation {id: 'tribal'}) SET o.name = 'x'")
    conn.close()
    db.close()
    result = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert result.exit_code == 1 and "1 with other values" in result.output


CHILD = """
import sys
from graphkit.cli import app
sys.argv = ["graphkit", *sys.argv[1:]]
try:
    app()
except SystemExit:
    pass
print("store opened:", "ladybug" in sys.modules)
print("tables read:", any(m in sys.modules for m in ("graphkit.dataset.checks", "graphkit.dataset.yaml_reader", "pyarrow.compute")))
"""


@pytest.mark.parametrize("command", [["load"], ["validate"]])
def test_unchanged_load_and_validate_read_no_table_and_open_no_store(loaded, tiny_dir, command):
    run = subprocess.run([sys.executable, "-c", CHILD, *command, str(tiny_dir)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "7"})  # another seed than the loads above
    assert run.returncode == 0, run.stderr
    assert "store opened: False" in run.stdout and "tables read: False" in run.stdout, run.stdout + run.stderr
