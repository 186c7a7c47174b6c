"""graphkit/config.py: every environment variable and default in one place, used by the commands."""
from __future__ import annotations

from pathlib import Path

from graphkit import config
from graphkit.cli import app


def test_the_dataset_folder_is_the_one_given_else_graphkit_dataset_else_seeds(runner, workdir, tiny_dir, monkeypatch):
    monkeypatch.delenv(config.DATASET_VARIABLE, raising=False)
    assert config.dataset_path() == Path("seeds")
    monkeypatch.setenv(config.DATASET_VARIABLE, str(tiny_dir))
    assert config.dataset_path() == tiny_dir
    result = runner.invoke(app, ["merge", "tribal", "leadership-centre", "--reason", "test"])
    assert result.exit_code == 0, result.output
    assert (tiny_dir / "merges.csv").is_file() and not Path("seeds").exists()


def test_the_store_file_is_graphkit_store_else_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv(config.STORE_VARIABLE, raising=False)
    assert config.store_path() == config.DEFAULT_STORE
    monkeypatch.setenv(config.STORE_VARIABLE, str(tmp_path / "g.lbug"))
    assert config.store_path() == tmp_path / "g.lbug"
