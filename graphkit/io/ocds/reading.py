"""Reading OCDS files release by release, grouped by `ocid`, without holding a JSON lines file.

A JSON lines file is read twice: the first pass parses each line (orjson, falling back to the
`json` module for what orjson refuses, so NaN and huge numbers are judged where they are used),
checks it and notes where each release lies; the second reads the releases of one `ocid` at a
time from those places. Memory holds one process's releases and a few integers per release.
A file holding one JSON document (a release package, a record package) is parsed whole.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson

from ...errors import GraphkitError
from ...model.values import one_line
from ..reading import MAX_DEPTH, InputError, check_depth, decode_utf8, utf8_problem
from ..report import ImportReport
from .fields import _date, _dict, _list, _str

MAX_OCID = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
Progress = Callable[[str, int], None]


@dataclass
class Release:
    """One release as read (its fields read once: `data` is never changed once read)."""

    data: dict
    seq: int  # order of reading: breaks ties between equal dates
    where: str  # file:line
    package: dict = field(default_factory=dict)
    compiled: bool = False  # a record's compiledRelease: already merged

    ocid: str = field(init=False, repr=False)
    date: str = field(init=False, repr=False)
    tender: dict = field(init=False, repr=False)
    tags: set[str] = field(init=False, repr=False)

    def __post_init__(self):
        data = self.data
        self.ocid = str(data.get("ocid") or "")
        date = data.get("date")
        self.date = date if isinstance(date, str) else ""
        self.tender = _dict(data.get("tender"))
        self.tags = {t for t in _list(data.get("tag")) if isinstance(t, str)}

    @property
    def id(self) -> str:
        rid = self.data.get("id")
        return str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid) \
            else f"{self.ocid}-{self.date[:10] or self.seq}"

    def parties(self) -> dict[str, dict]:
        return {str(p.get("id")): p for p in _list(self.data.get("parties"))
                if isinstance(p, dict) and isinstance(p.get("id"), (str, int)) and p.get("id") != ""}


def read_groups(paths: list[Path], report: ImportReport, progress: Progress | None = None) -> Iterator[list[Release]]:
    """The releases of each ocid in `paths`, one list per ocid in order of first appearance.

    Raises GraphkitError (one line naming the file) for a file that is not UTF-8, is
    empty, or holds one JSON document that is not an OCDS object.
    """
    import contextlib

    places: dict[str, list[tuple[int, int, int, int, int]]] = {}  # ocid -> (file, offset, length, seq, line)
    held: dict[str, list[Release]] = {}  # ocid -> releases read whole (packages, records, documents)
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(open(path, "rb")) for path in paths]
        for number, (path, fh) in enumerate(zip(paths, files)):
            whole = _index_lines(fh, number, path, report, progress, places, held)
            for rel in whole or ():
                places.setdefault(rel.ocid, [])
                held.setdefault(rel.ocid, []).append(rel)
        names, fds = [p.name for p in paths], [f.fileno() for f in files]
        for ocid, refs in places.items():
            group = held.pop(ocid, [])
            for number, offset, length, seq, n in refs:
                group.append(Release(_loads(os.pread(fds[number], length, offset)), seq, f"{names[number]}:{n}"))
            yield group


def _index_lines(fh, number: int, path: Path, report: ImportReport, progress: Progress | None,
                 places: dict, held: dict) -> list[Release] | None:
    """First pass over a file: notes where each plain release line lies (`places`) and holds the
    releases a package line gives (`held`); a file that is one JSON document: its releases."""
    offset, usable, failed, first_error, nonblank = 0, 0, [], None, 0
    name = path.name
    for n, raw in enumerate(fh, start=1):
        progress and progress("reading", len(raw))
        at, line = offset, raw
        offset += len(raw)
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line, at = line[3:], at + 3
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise GraphkitError(f"{path}: {utf8_problem(exc, at)}; save the file as UTF-8") from None
        if not text.strip():
            continue
        nonblank += 1
        item, error = _parse(line)
        if error is not None and nonblank == 1:  # a document over several lines (pretty-printed), or broken
            whole = _document(fh, path, report)
            if whole is not None:
                return whole
            fh.seek(offset)
        if error is not None:
            failed.append((n, error))
            first_error = first_error or error
            continue
        usable += 1
        if not isinstance(item, dict):
            failed.append((n, None))
            report.skip("line is not an OCDS release or package (a JSON object)", f"{path.name}:{n}: a JSON {_json_kind(item)}")
            continue
        for rel in unpack(item, f"{name}:{n}", report):
            if rel.data is item and not rel.package:
                places.setdefault(rel.ocid, []).append((number, at, len(line), rel.seq, n))
            else:
                places.setdefault(rel.ocid, [])
                held.setdefault(rel.ocid, []).append(rel)
    if nonblank == 0:
        raise GraphkitError(f"{path}: empty file (no OCDS release, release package or record package)")
    if usable == 0:
        fh.seek(0)
        raise GraphkitError(f"{path}: {_parse(decode_utf8(fh.read(), path))[1]}")
    if nonblank == 1:  # read whole instead (a document on one line): the line's release is not kept twice
        for refs in places.values():
            refs[:] = [ref for ref in refs if ref[0] != number]
        fh.seek(0)
        return list(_whole(path, fh.read(), report))
    for n, error in failed:
        if error is not None:
            report.skip("line is not JSON", f"{path.name}:{n}: {error}")
    return None


def _document(fh, path: Path, report: ImportReport) -> list[Release] | None:
    """The releases of a file that is one JSON document; None when it is not one."""
    fh.seek(0)
    data = fh.read()
    text = decode_utf8(data, path)
    if _parse(text)[1] is not None:
        return None
    return list(_whole(path, data, report))


def _whole(path: Path, data: bytes, report: ImportReport) -> Iterator[Release]:
    text = decode_utf8(data, path)
    whole, error = _parse(text)
    if error is not None:
        raise GraphkitError(f"{path}: {error}")
    if not isinstance(whole, dict):
        raise GraphkitError(f"{path}: a JSON {_json_kind(whole)}, not an OCDS release, release package "
                            "or record package")
    yield from unpack(whole, path.name, report)


def _loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        text = data.decode("utf-8") if isinstance(data, bytes) else data  # JSON Lines are UTF-8, never UTF-16 or 32
        return json.loads(text)  # NaN, Infinity, integers beyond 64 bits, lone surrogates


def _parse(text: bytes | str) -> tuple[Any, str | None]:
    """(value, None) or (None, the reason it is not usable JSON)."""
    try:
        value = _loads(text)  # NaN and Infinity parse; every amount is checked where it is read
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text at byte {exc.start + 1}"
    except RecursionError:
        return None, f"nesting deeper than {MAX_DEPTH} levels"
    if isinstance(text, bytes) and text.count(b"{") + text.count(b"[") <= MAX_DEPTH:
        return value, None  # so few brackets cannot nest deeper: no walk of the value needed
    try:
        check_depth(value)
    except InputError as exc:
        return None, str(exc)
    return value, None


def _json_kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def unpack(item: dict, where: str, report: ImportReport) -> Iterator[Release]:
    """The releases of a release package, a record package or a release."""
    meta = {"uri": _str(item.get("uri")), "publisher": _str(_dict(item.get("publisher")).get("name"))}
    for key, what, read in (("releases", "release", _release), ("records", "record", _record)):
        if key in item and "ocid" not in item:
            if not isinstance(item[key], list):
                report.skip(f"package whose {key} are not a list", where)
                return
            for i, entry in enumerate(item[key]):
                yield from read(entry, f"{where} {what} {i}", report, meta)
            return
    yield from _release(item, where, report, {})


def _record(rec: Any, where: str, report: ImportReport, meta: dict) -> Iterator[Release]:
    rec = _dict(rec)
    if isinstance(rec.get("compiledRelease"), dict):
        yield from _release(rec["compiledRelease"], f"{where} compiledRelease", report, meta, compiled=True)
        return
    embedded = [r for r in _list(rec.get("releases"))
                if isinstance(r, dict) and ("parties" in r or "awards" in r or "tender" in r)]
    if not embedded:
        report.skip("record without embedded releases or compiledRelease", where)
    for i, rel in enumerate(embedded):
        yield from _release(rel, f"{where} release {i}", report, meta)


_SEQ = iter(range(1 << 62))


def _release(data: Any, where: str, report: ImportReport, meta: dict, compiled: bool = False) -> Iterator[Release]:
    if not isinstance(data, dict):
        report.skip("release is not a JSON object", where)
        return
    problem = _release_problem(data)
    if problem:
        report.skip(problem, where)
        return
    if not data.get("id"):
        report.tally("releases without id (kept, id made from ocid and date)")
    yield Release(data, next(_SEQ), where, meta, compiled)


def _release_problem(data: dict) -> str | None:
    """Why a release cannot be used at all (its ocid and date are what every step relies on)."""
    ocid = data.get("ocid")
    if not ocid:
        return "release without ocid"
    if not isinstance(ocid, str):
        return "release whose ocid is not text"
    if len(ocid) > MAX_OCID or _CONTROL.search(ocid):
        return f"release whose ocid is not an identifier ({len(ocid)} characters{', control characters' if _CONTROL.search(ocid) else ''})"
    date = data.get("date")
    if date is not None and not isinstance(date, str):
        return "release whose date is not text"
    if date and _date(date) is None:
        return f"release whose date {one_line(date, 40)!r} is not a real calendar date"
    return None
