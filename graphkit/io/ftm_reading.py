"""Reading FollowTheMoney JSON lines: every line checked before FtM sees it, fragments of one id merged."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import orjson

from ..errors import GraphkitError
from ..model.values import one_line
from .importing import Progress
from .reading import MAX_DEPTH, InputError, check_depth, utf8_problem
from .report import ImportReport

MAX_FTM_ID = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PROGRESS_STEP = 1 << 16  # bytes read between two progress reports
_PLAIN = (str, int)  # exact types: a bool is not a value; a float is read again by `json`


def read_entities(path: Path, report: ImportReport, progress: Progress | None = None) -> dict[str, Any]:
    """FtM proxies of one file by id; fragments of one id are merged, as FtM does.

    The file is read line by line, never whole. Each line is checked before FtM sees it:
    a JSON object no deeper than FtM's shape, `id` and `schema` text, `properties` an object
    of text or number lists. A bad line is skipped with file:line and the reason. A file that
    is not UTF-8 or holds no entity at all is refused in one line.
    """
    from followthemoney.exc import FollowTheMoneyException

    proxies: dict[str, Any] = {}
    cleaner = ValueCleaner()
    blank = True
    for n, line in numbered_lines(path, progress):
        if not line.strip():
            continue
        blank = False
        where = f"{path.name}:{n}"
        try:
            entity = checked_entity(line)
            proxy = cleaner.proxy(entity)
        except (InputError, FollowTheMoneyException) as exc:
            report.skip("line is not a FollowTheMoney entity", f"{where}: {one_line(exc, 200)}")
            continue
        for prop in entity.get("properties") or {}:
            if prop not in proxy.schema.properties:
                report.skip("property not in the FtM schema (ignored)", f"{where}: {proxy.schema.name}.{one_line(prop)}")
        proxy.context["_where"] = where
        proxy.context["_file"] = path.name
        add_fragment(proxies, proxy, report, where)
    if blank:
        raise GraphkitError(f"{path}: empty file (no FollowTheMoney entity)")
    if not proxies:
        raise GraphkitError(f"{path}: no FollowTheMoney entity could be read"
                            + (f" ({next(iter(report.examples.get('line is not a FollowTheMoney entity', [])), '')})"
                               if report.skipped else ""))
    return proxies


def numbered_lines(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, str]]:
    """The file's lines as text, numbered from 1 as `str.splitlines` numbers the whole text
    (a leading BOM dropped); read in binary lines, one at a time. Bytes that are not UTF-8
    stop the reading with one line naming the file's byte offset.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
    ...     _ = fh.write(b'\\xef\\xbb\\xbf{"a": 1}\\r\\n\\n{"b": "x\\xe2\\x80\\xa8y"}')
    >>> list(numbered_lines(Path(fh.name)))
    [(1, '{"a": 1}'), (2, ''), (3, '{"b": "x'), (4, 'y"}')]
    """
    n, offset, shown = 0, 0, 0
    with open(path, "rb") as fh:
        for raw in fh:
            if progress and offset - shown >= PROGRESS_STEP:
                progress("reading", offset - shown)
                shown = offset
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise GraphkitError(f"{path}: {utf8_problem(exc, offset)}; save the file as UTF-8") from None
            if offset == 0 and text.startswith("\ufeff"):
                text = text[1:]
            offset += len(raw)
            for line in text.splitlines():
                n += 1
                yield n, line
    if progress and offset > shown:
        progress("reading", offset - shown)


def checked_entity(line: str) -> dict:
    """One line as an FtM entity's JSON, with every part of the right type; InputError otherwise.

    Parsed by orjson. A line orjson refuses, or whose entity is not plainly of FtM's shape
    with text and integer values, is parsed again by the `json` module, whose result and
    words stand: it reads what orjson does not (lone surrogates, NaN refused in its own words)
    and keeps integers beyond 64 bits exact, where orjson makes them floats."""
    try:
        entity = orjson.loads(line)
    except orjson.JSONDecodeError:
        entity = None
    if entity is None or not _shaped(entity):
        entity = _json_entity(line)
        check_depth(entity)  # the reasons in the order they were always given: depth first
        _shape_problem(entity)
    _check_depth_outside_properties(entity)
    return entity


def _json_entity(line: str) -> Any:
    try:
        return json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels") from None


def _no_constant(name: str):
    raise InputError(f"{name} is not a JSON number")


def _shaped(entity: Any) -> bool:
    """Whether `entity` has FtM's shape (see `_shape_problem`) with text and integer values only."""
    if type(entity) is not dict:
        return False
    for key in ("id", "schema"):
        value = entity.get(key)
        if type(value) is not str or not value.strip() or len(value) > MAX_FTM_ID or _CONTROL.search(value):
            return False
    props = entity.get("properties", {})
    if type(props) is not dict:
        return False
    for value in props.values():
        for item in (value if type(value) is list else (value,)):
            if type(item) not in _PLAIN:
                return False
    return True


def _shape_problem(entity: Any) -> None:
    """Raise InputError naming the first part of `entity` that is not of FtM's shape."""
    if not isinstance(entity, dict):
        raise InputError("not a JSON object")
    for key in ("id", "schema"):
        value = entity.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{key} is not text")
        if _CONTROL.search(value) or len(value) > MAX_FTM_ID:
            raise InputError(f"{key} is not an identifier (control characters or over {MAX_FTM_ID} characters)")
    props = entity.get("properties", {})
    if not isinstance(props, dict):
        raise InputError("properties is not an object")
    for name, value in props.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise InputError(f"property {one_line(name, 60)} holds a {type(item).__name__}, not text")


def _check_depth_outside_properties(entity: dict) -> None:
    """The depth check of an entity of FtM's shape: its properties nest three levels at most,
    so only the other keys (context, datasets …) can nest deeper."""
    others = {key: value for key, value in entity.items() if key != "properties" and isinstance(value, (dict, list))}
    if others:
        check_depth(others)


class ValueCleaner:
    """FtM proxies made as `model.get_proxy(entity, cleaned=False)` makes them: every value
    cleaned by FtM's own type, in the same order. The types whose cleaning reads the value
    alone (URLs, dates: not the entity it is added to) clean each distinct text once; an
    import cites the same `sourceUrl` in thousands of entities.

    >>> cleaner = ValueCleaner()
    >>> proxy = cleaner.proxy({"id": "c1", "schema": "Company", "properties": {
    ...     "name": [" Acme "], "sourceUrl": ["example.org/a"], "incorporationDate": ["2001-02-03T00:00"]}})
    >>> proxy.get("sourceUrl"), proxy.get("incorporationDate"), proxy.get("name")
    (['http://example.org/a'], ['2001-02-03T00:00'], ['Acme'])
    """

    PURE_TYPES = frozenset({"url", "date"})  # FtM types whose `clean_text` ignores the proxy
    LIMIT = 65536  # texts remembered per type and format; forgotten all at once past it

    def __init__(self):
        from followthemoney import model
        from followthemoney.value import string_list

        self.model = model
        self.strings = string_list  # a value or list of values as texts, sanitized as FtM does
        self._cleaned: dict[tuple, list[str | None]] = {}

    def proxy(self, entity: dict):
        """The entity's proxy with its properties cleaned (FollowTheMoneyException as FtM raises it)."""
        props = entity.get("properties") or {}
        proxy = self.model.get_proxy({k: v for k, v in entity.items() if k != "properties"}, cleaned=False)
        known = proxy.schema.properties
        for name, values in props.items():
            prop = known.get(name)
            if prop is None or prop.stub:  # as `proxy.add(…, quiet=True)` leaves them
                continue
            if prop.type.name in self.PURE_TYPES:
                self._add_pure(proxy, prop, values)
            else:  # `proxy.add` without looking the property up again
                for value in self.strings(values, sanitize=True):
                    proxy.unsafe_add(prop, value)
        return proxy

    def _add_pure(self, proxy, prop, values) -> None:
        for raw in values if type(values) is list else (values,):
            key = (prop.type.name, prop.format, type(raw), raw)
            cleaned = self._cleaned.get(key)
            if cleaned is None:
                cleaned = [prop.type.clean_text(text, fuzzy=False, format=prop.format, proxy=proxy)
                           for text in self.strings(raw, sanitize=True)]
                if len(self._cleaned) >= self.LIMIT:
                    self._cleaned.clear()
                self._cleaned[key] = cleaned
            for value in cleaned:
                proxy.unsafe_add(prop, value, cleaned=True)


def add_fragment(proxies: dict[str, Any], proxy, report: ImportReport, where: str) -> None:
    """Merge a fragment into the entity of its id (FtM picks the common schema)."""
    from followthemoney.exc import InvalidData

    current = proxies.get(proxy.id)
    if current is None:
        proxies[proxy.id] = proxy
        return
    try:
        current.merge(proxy)
    except InvalidData:
        report.skip("fragment whose schema cannot merge with the entity's other fragments (FtM's rule)",
                    f"{where}: {proxy.id} is {current.schema.name} and {proxy.schema.name}")


def context_of(proxy, key: str, default: str | None = None) -> str | None:
    """A context value set on reading (merged fragments keep a list: the first fragment's)."""
    value = proxy.context.get(key, default)
    return value[0] if isinstance(value, list) and value else value
