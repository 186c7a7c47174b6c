"""Reading FollowTheMoney JSON lines: every line checked before FtM sees it, fragments of one id merged."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import GraphkitError
from ..model.values import one_line
from .importing import Progress
from .reading import MAX_DEPTH, InputError, check_depth, decode_utf8
from .report import ImportReport

MAX_FTM_ID = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def read_entities(path: Path, report: ImportReport, progress: Progress | None = None) -> dict[str, Any]:
    """FtM proxies of one file by id; fragments of one id are merged, as FtM does.

    Each line is checked before FtM sees it: a JSON object no deeper than FtM's shape,
    `id` and `schema` text, `properties` an object of text or number lists. A bad line
    is skipped with file:line and the reason. A file that is not UTF-8 or holds no
    entity at all is refused in one line.
    """
    from followthemoney import model
    from followthemoney.exc import FollowTheMoneyException

    data = path.read_bytes()
    text = decode_utf8(data, path)
    if not text.strip():
        raise GraphkitError(f"{path}: empty file (no FollowTheMoney entity)")
    proxies: dict[str, Any] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        progress and progress("reading", len(line.encode("utf-8")) + 1)
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            entity = checked_entity(line)
            proxy = model.get_proxy(entity, cleaned=False)
        except (InputError, FollowTheMoneyException) as exc:
            report.skip("line is not a FollowTheMoney entity", f"{where}: {one_line(exc, 200)}")
            continue
        for prop in entity.get("properties") or {}:
            if prop not in proxy.schema.properties:
                report.skip("property not in the FtM schema (ignored)", f"{where}: {proxy.schema.name}.{one_line(prop)}")
        proxy.context["_where"] = where
        proxy.context["_file"] = path.name
        add_fragment(proxies, proxy, report, where)
    if not proxies:
        raise GraphkitError(f"{path}: no FollowTheMoney entity could be read"
                            + (f" ({next(iter(report.examples.get('line is not a FollowTheMoney entity', [])), '')})"
                               if report.skipped else ""))
    return proxies


def checked_entity(line: str) -> dict:
    """One line as an FtM entity's JSON, with every part of the right type; InputError otherwise."""
    try:
        entity = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels") from None
    check_depth(entity)
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
    return entity


def _no_constant(name: str):
    raise InputError(f"{name} is not a JSON number")


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
