"""The README is executable: every shell command in its ```sh blocks runs, in order, in a fresh folder.

The folder is what a reader has after cloning: `seeds/` beside them, and `../shared` (the
shared data) next to the checkout when this machine has it; commands that name `../shared`
are skipped where it is absent. Installing and the test suite itself are not run from here.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NOT_RUN = ("pip install", "sh tests/install.sh", "python -m pytest")  # the reader's set-up, not a command under test
NEEDS_IMPORTED = ("graphkit merge",)  # the README merges an actor that the OCDS import brings in
# the start of a command -> why it fails today (strict: the suite says so once it passes)
EXPECTED_FAILURES: dict[str, str] = {}

pytestmark = pytest.mark.slow


def readme_commands(text: str) -> list[str]:
    """Each command of the ```sh blocks, continuation lines joined, in README order.

    >>> readme_commands("x\\n```sh\\ngraphkit a \\\\\\n    --b c   # note\\n\\ngraphkit d\\n```\\n")
    ['graphkit a --b c   # note', 'graphkit d']
    """
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for command in re.sub(r"\\\n\s*", "", block).splitlines():
            if command.strip():
                commands.append(command.strip())
    return commands


def runnable(command: str) -> str:
    """The part of a README line this test runs: its `&&` steps without installing or the test suite."""
    steps = [step.strip() for step in command.split("&&")]
    return " && ".join(step for step in steps if not step.startswith(NOT_RUN))


COMMANDS = [c for c in readme_commands((ROOT / "README.md").read_text(encoding="utf-8")) if runnable(c)]


@pytest.fixture(scope="module")
def reader_folder(tmp_path_factory) -> Path:
    """`checkout/` holding the seeds, and `shared/` beside it when this machine has the shared data."""
    top = tmp_path_factory.mktemp("readme")
    checkout = top / "checkout"
    shutil.copytree(ROOT / "seeds", checkout / "seeds")
    if SHARED.is_dir():
        (top / "shared").symlink_to(SHARED)
    return checkout


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHKIT_"))}
    env["COLUMNS"] = "100"
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, reader_folder, request):
    needs_shared = "../shared" in command or command.startswith(NEEDS_IMPORTED)
    if needs_shared and not (reader_folder.parent / "shared").is_dir():
        pytest.skip("the shared data (../shared) is not on this machine")
    reason = next((why for start, why in EXPECTED_FAILURES.items() if command.startswith(start)), None)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    run = subprocess.run(["bash", "-c", runnable(command)], cwd=reader_folder, env=_env(reader_folder),
                         capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"`{command}` exited {run.returncode}:\n{output[-2000:]}"
    assert "Traceback" not in output, output[-2000:]


def test_the_readme_has_the_commands_a_reader_follows():
    """A parsing slip would make the test above pass on nothing."""
    names = [c.split()[1] for c in COMMANDS if c.startswith("graphkit ")]
    for name in ("demo", "validate", "load", "run", "show", "add", "map", "analyse", "import", "export", "merge"):
        assert name in names, name


def test_ftm_commands_without_the_extra_say_what_to_install_in_one_line(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from graphkit.cli import app

    monkeypatch.setitem(sys.modules, "followthemoney", None)  # as if the ftm extra were not installed
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.ftm.json").write_text("{}\n", encoding="utf-8")
    for args in (["import", "ftm", "x.ftm.json"], ["export", "ftm", "out.ftm.json"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines() == ["error: FollowTheMoney needs the ftm extra: pip install 'graphkit[ftm]'"]
