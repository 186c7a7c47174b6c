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


def test_the_command_line_sets_its_libraries_defaults_and_keeps_what_the_user_set():
    """Arrow allocates from jemalloc where its build has it, and pydantic looks for no plugins,
    unless the user's environment says otherwise."""
    import os
    import subprocess
    import sys

    import pyarrow as pa

    script = ("import os, sys\nsys.argv = ['graphkit', '--help']\nfrom graphkit.cli import main\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\nimport pyarrow as pa\n"
              "print(pa.default_memory_pool().backend_name, repr(os.environ['PYDANTIC_DISABLE_PLUGINS']))\n")

    def run(**env):
        base = {k: v for k, v in os.environ.items() if k not in config.COMMAND_LINE_DEFAULTS}
        done = subprocess.run([sys.executable, "-c", script], env={**base, **env}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1].split(" ", 1)

    pool, plugins = run()
    assert plugins == "'__all__'"
    if config.COMMAND_LINE_DEFAULTS["ARROW_DEFAULT_MEMORY_POOL"] and "jemalloc" in pa.supported_memory_backends():
        assert pool == "jemalloc"
    assert run(ARROW_DEFAULT_MEMORY_POOL="system", PYDANTIC_DISABLE_PLUGINS="") == ["system", "''"]
