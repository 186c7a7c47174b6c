"""A named query's file: the `// key: value` header lines and the Cypher under them.

>>> header, body = parse_lines(["// name: pilots", "// order: name", "", "MATCH (n) RETURN n.name AS name"])
>>> header, body
({'name': 'pilots', 'order': 'name'}, 'MATCH (n) RETURN n.name AS name')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import GraphkitError

HEADER = re.compile(r"^//\s*(\w+)\s*:\s*(.*)$")
TOTAL = re.compile(r"^//\s*total\s*$", re.MULTILINE)


@dataclass
class Param:
    """A parameter of a named query, as its `// params` header describes it."""

    name: str
    description: str
    default: str | None = None


_PARAM = re.compile(r"\s*(\w+)\s*(?:\(([^)]*)\))?\s*(?:=\s*([^;]*?))?\s*(?:;|$)")


def parse_params_header(value: str) -> list[Param]:
    """`a (desc; more) = default; b (desc)` → params. A quoted default is a string.

    >>> [(p.name, p.default) for p in parse_params_header("supplier (one id; all when empty) = ''; hops = 2")]
    [('supplier', ''), ('hops', '2')]
    """
    params, pos, value = [], 0, value.strip()
    while pos < len(value):
        m = _PARAM.match(value, pos)
        if not m or m.end() == pos:
            raise ValueError(f"bad params header near {value[pos:]!r}")
        default = m.group(3)
        if default is not None and len(default) >= 2 and default[0] == default[-1] and default[0] in "'\"":
            default = default[1:-1]
        params.append(Param(m.group(1), m.group(2) or "", default))
        pos = m.end()
    return params


def parse_actors(value: str) -> dict[str, tuple[str, ...]]:
    """`pilot (pilot_area), a, b` → {"pilot": ("pilot_area",), "a": (), "b": ()}.

    >>> parse_actors("pilot (pilot_area council), a")
    {'pilot': ('pilot_area', 'council'), 'a': ()}
    """
    out = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        m = re.fullmatch(r"(\w+)\s*(?:\(([^)]*)\))?", item)
        if not m:
            raise ValueError(f"bad actors header near {item!r}")
        out[m.group(1)] = tuple((m.group(2) or "").split())
    return out


def parse_order(value: str) -> list[tuple[str, bool]]:
    """`total_gbp desc, supplier_id` → [("total_gbp", True), ("supplier_id", False)].

    >>> parse_order("total_gbp desc, supplier_id")
    [('total_gbp', True), ('supplier_id', False)]
    """
    out = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        words = item.split()
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise ValueError(f"bad order header near {item!r}")
        out.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return out


def by_type_name(path: Path, name: str, body: str) -> str:
    """The relationship name a `// by_type` header gives, checked against the query's `[name]` pattern."""
    if not re.fullmatch(r"\w+", name) or f"[{name}]" not in body:
        raise GraphkitError(f"named query {path.name}: `// by_type: {name}` needs a pattern [{name}] in the query")
    return name


def parse_query_file(path: Path) -> tuple[dict[str, str], str]:
    """The header (keys in lower case) and the Cypher of a named query's file."""
    return parse_lines(path.read_text(encoding="utf-8").splitlines())


def parse_lines(lines: list[str]) -> tuple[dict[str, str], str]:
    """The `// key: value` lines before the first line of Cypher, and the Cypher."""
    header: dict[str, str] = {}
    body: list[str] = []
    for line in lines:
        m = HEADER.match(line)
        if m and not body:
            header[m.group(1).lower()] = m.group(2).strip()
        elif line.strip() or body:
            body.append(line)
    return header, "\n".join(body).strip()
