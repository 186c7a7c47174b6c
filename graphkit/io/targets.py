"""Where imports and exports may write, and how a folder is replaced whole.

- Never over the active store (its file, its `.wal`, or a folder holding them), nor
  over a file that is not a regular file (`/dev/full`): always refused.
- Never over a file graphkit did not write. Each folder an import or export writes
  keeps `.graphkit-written.json`, the SHA-256 of every file it wrote; a file that is
  missing from it, or changed since, is someone else's, hidden ones (`.git`, `.notes/`)
  too. A target holding such files is refused unless `force`; even then a foreign
  dataset file is never overwritten, and every foreign file is kept.
- An import folder is built complete in a hidden sibling folder and swapped in with
  one rename (an atomic exchange where the kernel offers one), so a crash leaves the
  old folder or the new one, never a mix. Failures leave no staging folder behind.
- Errors of the environment (no space, no permission, a bad path) are one line.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Iterator

from ..files import fsync_path, write_text_atomic
from ..errors import GraphkitError

MANIFEST = ".graphkit-written.json"
LEGACY_IMPORT_FILES = {"sources.csv", "entities.csv", "relationships.csv", "records.yaml"}
LEGACY_MARK = "# Written by `graphkit import"
STAGING = ".staging-"
_STAGING_NAME = re.compile(r"\..+\.staging-[0-9a-f]{8}(-old)?")  # a folder being built (or left by a kill)
_LOCK_NAME = re.compile(r"\..+\.lock")  # a dataset write lock (graphkit.files.dataset_lock)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


# -- environment errors -----------------------------------------------------------------------
@contextlib.contextmanager
def writing(target: Path | str) -> Iterator[None]:
    """Turn an OSError while writing `target` into one line naming it."""
    try:
        yield
    except OSError as exc:
        raise GraphkitError(os_error_line(target, exc)) from None


def os_error_line(target: Path | str, exc: OSError) -> str:
    """`out/x.gexf: cannot write: No space left on device`.

    >>> os_error_line("out/x", OSError(28, "No space left on device"))
    'out/x: cannot write: No space left on device'
    """
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "No space left on device"
    return f"{target}: cannot write: {reason}"


# -- who wrote a file -------------------------------------------------------------------------
def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def written_by_graphkit(folder: Path) -> dict[str, str]:
    """{file name: sha256} of the files graphkit wrote in `folder` (empty when none recorded)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def record_written(folder: Path, names: list[str], keep_previous: bool = True) -> None:
    """Note in `folder`'s manifest that graphkit wrote these files (as they are now)."""
    files = written_by_graphkit(folder) if keep_previous else {}
    for name in names:
        path = folder / name
        if path.is_file():
            files[name] = file_digest(path)
    files = {k: v for k, v in files.items() if (folder / k).is_file()}
    write_text_atomic(folder / MANIFEST, json.dumps({"files": dict(sorted(files.items()))}, indent=1) + "\n")


def foreign_files(folder: Path, hidden: bool = True) -> list[str]:
    """Entries of `folder` that graphkit did not write (or that changed since), hidden ones
    included unless `hidden` is False; graphkit's manifest, staging folders and locks are its own.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> for name in (".git", ".merges.lock", MANIFEST, "notes.txt"): (folder / name).touch()
    >>> foreign_files(folder), foreign_files(folder, hidden=False)
    (['.git', 'notes.txt'], ['notes.txt'])
    """
    if not folder.is_dir():
        return []
    known = written_by_graphkit(folder)
    entries = sorted(p for p in folder.iterdir() if not graphkit_own_hidden(p.name))
    visible = [p for p in entries if not p.name.startswith(".")]
    if not known and _legacy_import_folder(folder, visible):
        visible = []  # the record files of an import written before manifests
    dot = [p for p in entries if p.name.startswith(".")] if hidden else []
    return sorted(p.name for p in [*visible, *dot] if not written_here(p, known))


def graphkit_own_hidden(name: str) -> bool:
    """The manifest, a staging folder left by a killed write, a dataset lock.

    >>> [graphkit_own_hidden(n) for n in (MANIFEST, ".fw.staging-0123abcd", ".merges.lock", ".git", ".keep")]
    [True, True, True, False, False]
    """
    return name == MANIFEST or bool(_STAGING_NAME.fullmatch(name) or _LOCK_NAME.fullmatch(name))


def written_here(path: Path, known: dict[str, str]) -> bool:
    """Whether graphkit wrote `path` as it is now (`known`: its folder's manifest)."""
    return path.is_file() and not path.is_symlink() and known.get(path.name) == file_digest(path)


def is_import_folder(folder: Path) -> bool:
    """Whether every visible file of `folder` was written by a graphkit import (its record files may
    be rewritten; hidden entries are kept as they are)."""
    return folder.is_dir() and not foreign_files(folder, hidden=False)


def _legacy_import_folder(folder: Path, entries: list[Path]) -> bool:
    """Import folders written before manifests: the four record files, records.yaml marked."""
    names = {p.name for p in entries}
    if not names or not names <= LEGACY_IMPORT_FILES or "records.yaml" not in names:
        return False
    with open(folder / "records.yaml", encoding="utf-8", errors="replace") as fh:
        return fh.read(len(LEGACY_MARK)) == LEGACY_MARK


# -- what may never be written over ---------------------------------------------------------------
def store_paths(store=None) -> list[Path]:
    """The active store's files: the open store's, and the default one (GRAPHKIT_STORE's when set, see config)."""
    from ..stores.ladybug_store import default_store_path

    paths = [default_store_path()]
    if getattr(store, "path", None):
        paths.append(Path(store.path))
    out = []
    for p in paths:
        out += [p, p.with_name(p.name + ".wal")]
    return [p.resolve() for p in out]


def refuse_store(target: Path, store=None) -> None:
    """Refuse `target` when it is, or holds, the active store."""
    resolved = target.resolve()
    for path in store_paths(store):
        if resolved == path or _within(path, resolved):
            raise GraphkitError(f"{target}: that is the active store ({path.name}); write somewhere else")


def refuse_special(target: Path) -> None:
    if target.exists() and not target.is_file() and not target.is_dir():
        raise GraphkitError(f"{target}: not a regular file; give a file or folder path")


def refuse_dataset(target: Path, roots: list[Path]) -> None:
    """Exports never land inside a dataset folder (they would join the record)."""
    resolved = target.resolve()
    for root in roots:
        if root.exists() and (resolved == root.resolve() or _within(resolved, root.resolve())):
            raise GraphkitError(f"{target}: lies in the dataset folder {root}; exports go elsewhere "
                                "(an export read back as the record would duplicate it)")


def check_file_target(path: Path, *, store=None, datasets: list[Path] = (), force: bool = False) -> None:
    """May an export write the single file `path`?"""
    refuse_special(path)
    refuse_store(path, store)
    refuse_dataset(path, list(datasets))
    if path.is_dir():
        raise GraphkitError(f"{path}: is a folder; give a file name")
    if path.exists() and not force and written_by_graphkit(path.parent).get(path.name) != file_digest(path):
        raise GraphkitError(f"{path}: exists and graphkit did not write it; choose another name or add --force")


def check_folder_target(folder: Path, writes: list[str], *, store=None, datasets: list[Path] = (),
                        force: bool = False, dataset_files_kept: bool = True, own: tuple[str, ...] = ()) -> None:
    """May an import or export write `writes` into `folder`?

    Foreign files need `force`; a foreign dataset file among `writes` is never overwritten
    when `dataset_files_kept` (imports: the folder is part of the dataset). `own` names
    files the caller knows are its own (inputs imported in place).
    """
    refuse_special(folder)
    refuse_store(folder, store)
    refuse_dataset(folder, list(datasets))
    if folder.exists() and not folder.is_dir():
        raise GraphkitError(f"{folder}: is a file; give a folder")
    foreign = [n for n in foreign_files(folder) if n not in own]
    if not foreign:
        return
    clash = [n for n in foreign if n in writes]
    if clash and dataset_files_kept:
        raise GraphkitError(f"{folder}: holds {clash[0]}, which graphkit did not write; it is never overwritten: "
                            "choose another folder (--into)")
    if not force:
        raise GraphkitError(f"{folder}: holds files graphkit did not write ({', '.join(foreign[:3])}"
                            f"{' …' if len(foreign) > 3 else ''}); choose another folder or add --force")


def prepare_file(target: Path | str, default_name: str, *, store=None, datasets: list[Path] = (),
                 force: bool = False) -> Path:
    """The file a single-file export writes (`target`, or `target/default_name` for a folder), checked."""
    path = Path(target)
    if path.is_dir() or (not path.suffix and not path.exists()):
        path = path / default_name
    check_file_target(path, store=store, datasets=datasets, force=force)
    return path


def write_export_file(path: Path, text: str) -> None:
    """Write one export file atomically and note that graphkit wrote it; one line on failure."""
    missing = _missing_folders(path.parent)
    try:
        with writing(path):
            write_text_atomic(path, text)
            record_written(path.parent, [path.name])
    except GraphkitError:
        for folder in missing:  # deepest first; only what this export created, and only if empty
            with contextlib.suppress(OSError):
                (folder / MANIFEST).unlink(missing_ok=True)
                folder.rmdir()
        raise


def _missing_folders(folder: Path) -> list[Path]:
    """`folder` and its parents that do not exist yet, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def _within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return path != folder


# -- building a folder aside, then swapping it in ---------------------------------------------
class StagedFolder:
    """A hidden sibling of `target` to build in; `swap_in()` replaces `target` with it whole.

    What graphkit did not write in `target` (hidden entries too) is copied into the new
    folder first, so the swap replaces only graphkit's own earlier files and `replaces`;
    `keep_other_files=False` starts empty, for a target known to hold nothing else.
    Leaving the `with` block without a swap (an error) removes the staging folder and any
    parent folders it had to create, so a failed import leaves nothing behind.
    """

    def __init__(self, target: Path, keep_other_files: bool = True, replaces: list[str] = ()):
        self.target = target
        self.keep_other_files = keep_other_files
        self.replaces = set(replaces)
        self.created_parents: list[Path] = []
        self.path = target.parent / f".{target.name}{STAGING}{uuid.uuid4().hex[:8]}"
        self.swapped = False

    def __enter__(self) -> "StagedFolder":
        with writing(self.target):
            self._make_parents()
            remove_stale_staging(self.target)
            self.path.mkdir()
            if self.keep_other_files and self.target.is_dir():
                self._keep_others()
        return self

    def _keep_others(self) -> None:
        """Copy what graphkit did not write (or changed since) into the staging folder, links as links."""
        known = written_by_graphkit(self.target)  # graphkit's earlier output, as written: replaced whole
        for entry in self.target.iterdir():
            if entry.name in self.replaces or entry.name == MANIFEST or _STAGING_NAME.fullmatch(entry.name) \
                    or written_here(entry, known):
                continue
            copy = self.path / entry.name
            if entry.is_symlink():
                os.symlink(os.readlink(entry), copy)
            elif entry.is_dir():
                shutil.copytree(entry, copy, symlinks=True)
            else:
                shutil.copy2(entry, copy)

    def _make_parents(self) -> None:
        for folder in reversed(_missing_folders(self.target.parent)):
            folder.mkdir()
            self.created_parents.append(folder)

    def swap_in(self, written: list[str]) -> None:
        """Record what graphkit wrote, then put the staged folder in the target's place."""
        with writing(self.target):
            record_written(self.path, written, keep_previous=False)
            fsync_path(self.path)
            exchange_folders(self.path, self.target)
            self.swapped = True

    def __exit__(self, exc_type, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)  # the staging folder, or the old target after a swap
        if exc_type is not None and not self.swapped:
            for folder in reversed(self.created_parents):
                with contextlib.suppress(OSError):
                    folder.rmdir()


def remove_stale_staging(target: Path) -> None:
    """Staging folders of `target` left by a killed import (matched by the exact name)."""
    if not target.parent.is_dir():
        return
    for entry in target.parent.glob(f".{target.name}{STAGING}*"):
        shutil.rmtree(entry, ignore_errors=True)


def exchange_folders(staged: Path, target: Path) -> None:
    """Make `staged` the `target`; afterwards `staged` holds the old target (if there was one).

    One rename when `target` does not exist; an atomic exchange (renameat2
    RENAME_EXCHANGE) when it does; two renames where the kernel lacks it.
    """
    if not target.exists():
        os.rename(staged, target)
    elif not _rename_exchange(staged, target):
        aside = staged.with_name(staged.name + "-old")
        os.rename(target, aside)
        os.rename(staged, target)
        os.rename(aside, staged)
    fsync_path(target.parent)


def _rename_exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
