"""Writing the record safely: atomic file replacement, per-dataset write locks, CSV cells safe in a spreadsheet."""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import GraphkitError

LOCK_TIMEOUT_S = 30
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a text cell that starts so as a formula


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename in it), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text`: a temp file in the same folder, fsync, then a rename.

    A reader (or a crash) sees the old file or the new one, never half of either. A path that
    names a device or a pipe (`/dev/stdout`, `/dev/full`) is written in place, never replaced;
    a symlink's target is replaced, not the link.
    """
    kind = _kind(path)
    if kind == "folder":
        raise GraphkitError(f"{path} is a folder; give a file name")
    if kind == "special":
        try:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        return
    path = Path(os.path.realpath(path)) if path.is_symlink() else path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary new file, not mkstemp's 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


PAGE_SUFFIXES = {".html": "an HTML page", ".htm": "an HTML page", ".png": "a PNG picture"}


def check_output(path: Path, suffix: str) -> Path:
    """Refuse to write a page or picture anywhere but a file named for it (or a device such as /dev/stdout),
    so `-o` can never replace the store, a dataset file or anything else by mistake.

    >>> check_output(Path("out/map.html"), ".html")
    PosixPath('out/map.html')
    >>> check_output(Path(".graphkit/graph.lbug"), ".html")
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: .graphkit/graph.lbug: the output must be a file ending in .html (or a device such as /dev/stdout)
    """
    wanted = {s for s, what in PAGE_SUFFIXES.items() if what == PAGE_SUFFIXES[suffix]}
    if _kind(path) == "special" or path.suffix.lower() in wanted:
        return path
    raise GraphkitError(f"{path}: the output must be a file ending in {suffix} (or a device such as /dev/stdout)")


def _kind(path: Path) -> str:
    """"missing", "file", "folder" or "special" (a device, pipe or socket), following symlinks."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "special"


class dataset_lock:
    """Hold a named write lock of a dataset folder: a second writer waits, then fails with 'busy, retry'."""

    def __init__(self, dataset_dir: Path, name: str, busy: str):
        if not dataset_dir.is_dir():
            raise GraphkitError(f"{dataset_dir}: no such dataset folder (use --dataset)")
        from filelock import FileLock  # only where a dataset is written: the command line starts without it

        self.lock = FileLock(str(dataset_dir / f".{name}.lock"), timeout=LOCK_TIMEOUT_S)
        self.busy = busy

    def __enter__(self):
        from filelock import Timeout

        try:
            self.lock.acquire()
        except Timeout:
            raise GraphkitError(f"dataset busy: {self.busy}; retry") from None

    def __exit__(self, *exc):
        self.lock.release()


def guard_cell(value):
    """A text cell safe to open in a spreadsheet: a leading `'` where it would start a formula.

    The one guard for every CSV graphkit writes (exports, query results). A cell already
    starting with `'` before such a character gets one more, so `unguard_cell` gives back
    exactly what was guarded; numbers are left alone.

    >>> [guard_cell(v) for v in ("'=x", "=1+1", "+1", "-1", "@x", "Foo", -5)]
    ["''=x", "'=1+1", "'+1", "'-1", "'@x", 'Foo', -5]
    >>> [unguard_cell(v) for v in ("''=x", "'-1", "'Allo")]
    ["'=x", '-1', "'Allo"]
    """
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_START and value.lstrip("'"):
        return "'" + value
    return value


def unguard_cell(value):
    """The cell as it was before `guard_cell` (a reader of graphkit's CSV takes exactly one `'` off)."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'")[:1] in FORMULA_START and value.lstrip("'"):
        return value[1:]
    return value
