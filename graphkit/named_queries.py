"""The library of named Cypher queries shipped in `cypher/`.

Each `.cypher` file starts with a header of `// key: value` lines:

    // name: who-profits
    // description: Contract and payment totals per supplier, with the sources behind each figure
    // params: supplier (optional id; all suppliers when empty)

A query that needs engine-specific Cypher ships a variant beside it,
`NAME.neo4j.cypher` or `NAME.ladybug.cypher`, chosen by the store's engine.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import GraphkitError
from .resources import cypher_dir
from .stores import QueryResult, Store

_HEADER = re.compile(r"^//\s*(\w+)\s*:\s*(.*)$")
ENGINES = ("neo4j", "ladybug")


@dataclass
class Param:
    name: str
    description: str
    default: str | None = None


@dataclass
class NamedQuery:
    name: str
    description: str
    params: list[Param]
    texts: dict[str, str] = field(default_factory=dict)  # engine (or "any") -> Cypher
    path: Path | None = None

    def text_for(self, engine: str) -> str:
        return self.texts.get(engine) or self.texts["any"]


_PARAM = re.compile(r"\s*(\w+)\s*(?:\(([^)]*)\))?\s*(?:=\s*([^;]*?))?\s*(?:;|$)")


def _parse_params(value: str) -> list[Param]:
    """`a (desc; more) = default; b (desc)` → params. A quoted default is a string.

    >>> [(p.name, p.default) for p in _parse_params("supplier (one id; all when empty) = ''; hops = 2")]
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


def parse_query_file(path: Path) -> tuple[dict[str, str], str]:
    header: dict[str, str] = {}
    body = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if m and not body:
            header[m.group(1).lower()] = m.group(2).strip()
        elif line.strip() or body:
            body.append(line)
    return header, "\n".join(body).strip()


def named_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """All named queries, by name."""
    folder = folder or cypher_dir()
    out: dict[str, NamedQuery] = {}
    for path in sorted(folder.glob("*.cypher")):
        stem, _, engine = path.stem.partition(".")
        header, body = parse_query_file(path)
        query = out.get(stem)
        if query is None:
            query = out[stem] = NamedQuery(stem, "", [], {}, path)
        if not engine:
            query.description = header.get("description", "")
            query.params = _parse_params(header.get("params", ""))
            query.path = path
        if body:
            query.texts[engine or "any"] = body
    for name, q in out.items():
        if "any" not in q.texts:
            missing = [e for e in ENGINES if e not in q.texts]
            if missing:
                raise GraphkitError(f"named query {name}: no variant for {', '.join(missing)}")
            q.texts["any"] = q.texts[ENGINES[0]]
    return out


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`["k=v", "n=3"]` → {"k": "v", "n": 3}; numbers become numbers.

    >>> parse_params(["a=tribal", "hops=3", "x=2.5"])
    {'a': 'tribal', 'hops': 3, 'x': 2.5}
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise GraphkitError(f"--param {pair!r}: expected key=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = _number(value)
    return out


def _number(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def run_named(store: Store, name: str, params: dict[str, Any] | None = None,
              timeout_s: float | None = None) -> QueryResult:
    """Run the named query `name` on `store` (read-only), filling defaults for missing params."""
    queries = named_queries()
    if name not in queries:
        raise GraphkitError(f"no named query {name!r}; `graphkit queries` lists them")
    query = queries[name]
    given = dict(params or {})
    unknown = set(given) - {p.name for p in query.params}
    if unknown:
        raise GraphkitError(f"{name}: unknown parameter(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for p in query.params:
        if p.name in given:
            values[p.name] = given[p.name]
        elif p.default is not None:
            values[p.name] = _number(p.default) if p.default else p.default
        else:
            raise GraphkitError(f"{name}: parameter {p.name!r} is required ({p.description})")
    return store.query(query.text_for(store.engine), values, timeout_s=timeout_s)
