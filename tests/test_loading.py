"""The one load path (`stores.loading.load`, which `graphkit load` and `graphkit.load` use) and the one progress bar."""
from __future__ import annotations

import pytest

from graphkit.cli import app
from graphkit.cli.progress import ProgressBar
from graphkit.errors import InvalidDataset
from graphkit.stores import LadybugStore
from graphkit.stores.loading import ROWS_AHEAD, load


def test_a_store_to_open_is_opened_only_for_valid_files_and_closed_after(tiny_dir, tmp_path):
    opened = []

    def open_store():
        opened.append(LadybugStore(tmp_path / "graph.lbug"))
        return opened[-1]

    (tiny_dir / "bad.yaml").write_text("entities:\n  - id: x\n    label: Nope\n    name: X\n")
    with pytest.raises(InvalidDataset):
        load([tiny_dir], open_store)
    assert opened == [] and not (tmp_path / "graph.lbug").exists()
    (tiny_dir / "bad.yaml").unlink()
    report = load([tiny_dir], open_store)
    assert report.totals()["created"] == 28 and len(opened) == 1
    store = LadybugStore(tmp_path / "graph.lbug", read_only=True)  # opens: the loader let go of the file
    assert store.query("MATCH (n) RETURN count(n)").rows[0][0] > 0
    store.close()


def test_progress_hears_the_rows_ahead_then_every_table(tiny_dir, tmp_path):
    heard = []
    store = LadybugStore(tmp_path / "graph.lbug")
    load([tiny_dir], store, progress=lambda what, n: heard.append((what, n)))
    store.close()
    assert heard[0] == (ROWS_AHEAD, 28)
    assert sum(n for what, n in heard[1:]) == 28


def test_the_bar_is_drawn_only_for_long_work(monkeypatch):
    monkeypatch.setattr("graphkit.cli.progress.BAR_FROM_ROWS", 10)
    with ProgressBar() as quiet:
        quiet(ROWS_AHEAD, 9)
        quiet("Organisation", 9)
    assert quiet.bar is None
    with ProgressBar() as drawn:
        drawn(ROWS_AHEAD, 10)
        drawn("Organisation", 4)
        assert drawn.bar.tasks[0].completed == 4 and drawn.bar.tasks[0].total == 10
    with ProgressBar(read_bytes=6 * 2**20) as reading:  # an import: bytes read first, then rows of unknown total
        reading("reading", 2**20)
        reading("Organisation", 3)
        assert [(t.completed, t.total) for t in reading.bar.tasks] == [(2**20, 6 * 2**20), (3, None)]


def test_an_import_reports_its_load_as_load_does(runner, workdir, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    assert runner.invoke(app, ["export", "csv", "exported"]).exit_code == 0
    result = runner.invoke(app, ["import", "csv", "exported", "--dataset", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert "loaded: " in result.output and " unchanged" in result.output
