"""A full disk, a device, a bad path or a bad option: one line, exit 1, nothing half-written."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import uuid

import pytest

from graphkit.cli import app


@pytest.fixture
def full_folder(tmp_path, monkeypatch):
    """A folder on a file system with no space left: a small tmpfs where the machine allows one,
    otherwise an ordinary folder whose writes fail as a full disk's do."""
    folder = tmp_path / f"full-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    mounted = os.geteuid() == 0 and shutil.which("mount") and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True).returncode == 0
    if not mounted:
        import graphkit.files

        def no_space(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(graphkit.files.os, "fsync", no_space)
    yield folder, bool(mounted)
    if mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder):
    try:
        with open(folder / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 65536)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "filler"}


def test_add_and_merge_on_a_full_disk_change_nothing(full_folder, runner, tiny_dir, workdir):
    folder, mounted = full_folder
    dataset = folder / "dataset"
    shutil.copytree(tiny_dir, dataset)
    if mounted:
        _fill(folder)
    before = _snapshot(dataset)
    for args in (["add", "source", "https://example.org/full", "--title", "Full", "--dataset", str(dataset), "--no-store"],
                 ["merge", "tribal", "dclg", "--dataset", str(dataset)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "no space left on device" in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    after = _snapshot(dataset)
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == before


@pytest.mark.parametrize("command", ["map", "brief"])
def test_pages_on_a_full_disk_leave_no_file(full_folder, runner, tiny_dir, workdir, command):
    folder, mounted = full_folder
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    if mounted:
        _fill(folder)
    result = runner.invoke(app, [command, "-o", str(folder / "page.html")])
    assert result.exit_code == 1 and "no space left on device" in result.output, result.output
    assert not (folder / "page.html").exists()
    assert [p.name for p in folder.iterdir() if p.name != "filler"] == []


@pytest.mark.parametrize("command", ["map", "brief"])
def test_a_device_is_written_in_place_never_replaced(runner, tiny_dir, workdir, command):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    before = os.stat("/dev/full")
    result = runner.invoke(app, [command, "-o", "/dev/full"])
    assert result.exit_code == 1 and "cannot write /dev/full: no space left on device" in result.output
    after = os.stat("/dev/full")
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)


def test_bad_paths_and_options_are_one_line(runner, tiny_dir, workdir, tmp_path):
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    cases = [
        ["query", "RETURN 1", "--store", str(a_file / "graph.lbug")],
        ["load", str(tiny_dir), "--store", str(a_file / "graph.lbug")],
        ["map", "-o", str(a_file / "m.html")],
        ["dedupe", str(tiny_dir), "--threshold", "-5"],
    ]
    for args in cases:
        result = runner.invoke(app, args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_a_lock_file_that_is_a_symlink_is_one_line(runner, tiny_dir, workdir, tmp_path):
    (tiny_dir / ".findings.lock").symlink_to(tmp_path / "nowhere" / "lock")
    result = runner.invoke(app, ["add", "source", "https://example.org/l", "--dataset", str(tiny_dir), "--no-store"])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output


@pytest.mark.parametrize("command", ["map", "brief"])
def test_a_page_never_replaces_the_store_or_a_dataset_file(runner, tiny_dir, workdir, command):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    store = workdir / ".graphkit" / "graph.lbug"
    for target in (store, tiny_dir / "actors.yaml"):
        before = target.read_bytes()
        result = runner.invoke(app, [command, "-o", str(target)])
        assert result.exit_code == 1 and "must be a file ending in .html" in result.output, result.output
        assert target.read_bytes() == before
