"""The library of named Cypher queries shipped in `cypher/`.

Each `.cypher` file starts with a header of `// key: value` lines:

    // name: who-profits
    // description: Contract and payment totals per supplier, with the sources behind each figure
    // params: supplier (optional id; all suppliers when empty)
    // actors: supplier
    // order: total_gbp desc, supplier_id

`actors` lists the parameters that name an actor: `graphkit run` accepts an id, name or
alias for them and resolves it as every command does (a kind in brackets narrows the
actors considered: `pilot (pilot_area)`). `order` is the order of the rows, column by
column (`desc` for descending; empty cells last). Citation columns (`sources`,
`source_ids`) list each source once, however many items of a total cite it.

A query that needs engine-specific Cypher ships a variant beside it,
`NAME.neo4j.cypher` or `NAME.ladybug.cypher`, chosen by the store's engine.

A query with a large answer pages in the engine: it ends (each UNION branch) with
`ORDER BY … LIMIT $first`, and graphkit passes `first` = offset + limit, so the engine
sorts and cuts; the branches' rows are merged by the declared order and the window taken.
A line of its own `WITH … ORDER BY … LIMIT $first` cuts early what can reach the page (the
first `first` people by id, when the answer is ordered by person first); it is left out,
with the closing clause, when every row is streamed. A file (or variant) whose answer is
ordered by the type of a relationship first says so with `// by_type: r` (r the relationship's
name in a pattern `[r]`): its first page is read one type at a time, in the order of type
names, until the page is full, so the types after it are not read at all.
Below a line `// total`, the file holds a statement counting the whole answer (its first
column summed over its rows, so a UNION counts each branch); it runs only when the page
is full.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GraphkitError
from ..resources import cypher_dir
from ..stores import QueryResult, Store
from ..stores.base import ArrowBatches, QueryStream
from .query_file import TOTAL, Param, by_type_name, parse_actors, parse_order, parse_params_header, parse_query_file

PAGE_PARAM = re.compile(r"\$first\b")
PAGE_CLAUSE = re.compile(r"^[ \t]*ORDER BY [^\n]*LIMIT \$first[ \t]*(?:\n(?=UNION)|\n?\Z)", re.MULTILINE)
EARLY_CUT = re.compile(r"^[ \t]*WITH [^\n]* ORDER BY [^\n]*LIMIT \$first[ \t]*\n", re.MULTILINE)
ALL_ROWS = 2**62  # `first` when every row is wanted
STREAM_ROWS = 10_000  # rows per batch of a sorted answer handed out
ENGINES = ("neo4j", "ladybug")
CITATION_COLUMNS = ("sources", "source_ids")


@dataclass
class NamedQuery:
    name: str
    description: str
    params: list[Param]
    texts: dict[str, str] = field(default_factory=dict)  # engine (or "any") -> Cypher
    path: Path | None = None
    actors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # actor parameter -> kinds allowed (all when empty)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (column, descending)
    totals: dict[str, str] = field(default_factory=dict)  # engine (or "any") -> statement counting the answer
    by_type: dict[str, str] = field(default_factory=dict)  # engine (or "any") -> relationship paged type by type

    def text_for(self, engine: str) -> str:
        return self.texts.get(engine) or self.texts["any"]

    def by_type_for(self, engine: str) -> str | None:
        """The relationship whose type orders the answer first, where the first page is read type by type."""
        return self.by_type.get(engine) if engine in self.texts else self.by_type.get("any")

    def total_for(self, engine: str) -> str | None:
        return self.totals.get(engine) if engine in self.texts else self.totals.get("any")

    def unsorted_text_for(self, engine: str) -> str | None:
        """For every row of a query with a declared order, which graphkit sorts itself: the Cypher without the
        `ORDER BY … LIMIT $first` that ends each branch (and any early cut), so the engine sorts nothing; None
        when `$first` is left (a branch that cuts before it collects: its lists could come in another order)."""
        text = EARLY_CUT.sub("", PAGE_CLAUSE.sub("", self.text_for(engine)))
        return text if self.order and not PAGE_PARAM.search(text) else None

    def pages_in_engine(self, engine: str) -> bool:
        """Whether the engine sorts and cuts the answer (the Cypher ends in `LIMIT $first`)."""
        return PAGE_PARAM.search(self.text_for(engine)) is not None


def typed_text(text: str, name: str, rel_type: str) -> str:
    """The query with its relationship `[name]` narrowed to one type.

    >>> typed_text("MATCH (a)-[r]->(b) RETURN label(r)", "r", "ADVISES")
    'MATCH (a)-[r:ADVISES]->(b) RETURN label(r)'
    """
    return text.replace(f"[{name}]", f"[{name}:{rel_type}]")


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
            query.params = parse_params_header(header.get("params", ""))
            query.actors = parse_actors(header.get("actors", ""))
            query.order = parse_order(header.get("order", ""))
            query.path = path
        if body:
            main, total = (TOTAL.split(body, 1) + [""])[:2]
            query.texts[engine or "any"] = main.strip()
            if total.strip():
                query.totals[engine or "any"] = total.strip()
        if header.get("by_type"):
            query.by_type[engine or "any"] = by_type_name(path, header["by_type"], body)
    for name, q in out.items():
        if "any" not in q.texts:
            missing = [e for e in ENGINES if e not in q.texts]
            if missing:
                raise GraphkitError(f"named query {name}: no variant for {', '.join(missing)}")
            q.texts["any"] = q.texts[ENGINES[0]]
    return out


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`["k=v", "n=3"]` → {"k": "v", "n": 3}; values are trimmed, and only a plain decimal becomes a number.

    >>> parse_params(["a= tribal ", "hops=3", "x=2.5", "supplier=007", "big=1e308", "neg=-4"])
    {'a': 'tribal', 'hops': 3, 'x': 2.5, 'supplier': '007', 'big': '1e308', 'neg': -4}
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise GraphkitError(f"--param {pair!r}: expected key=value")
        key, value = pair.split("=", 1)
        if not key.strip():
            raise GraphkitError(f"--param {pair!r}: the name before = is empty")
        out[key.strip()] = _number(value.strip())
    return out


_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,17}")


def _number(value: str) -> Any:
    """A plain decimal as a number; anything else (an id such as 007, 1e308, inf) stays text."""
    if _PLAIN_INT.fullmatch(value):
        return int(value)
    if _PLAIN_DECIMAL.fullmatch(value):
        return float(value)
    return value


def run_named(store: Store, name: str, params: dict[str, Any] | None = None,
              timeout_s: float | None = None, window: tuple[int, int] | None = None) -> QueryResult:
    """Run the named query `name` on `store` (read-only), filling defaults for missing params.

    Actor parameters are resolved to ids first; rows come back in the declared order with
    each citation cell listing every source once. With `window` (offset, limit) only those
    rows come back, and `total` counts them all.
    """
    query, values = prepare(store, name, params)
    return _run(store, query, values, timeout_s, window)


def _run(store: Store, query: NamedQuery, values: dict[str, Any], timeout_s: float | None,
         window: tuple[int, int] | None) -> QueryResult:
    if query.pages_in_engine(store.engine):
        return _paged_in_engine(store, query, values, timeout_s, window)
    text = query.text_for(store.engine)
    if not query.order:  # the engine's own order: only the window is converted
        result = store.query(text, values, timeout_s=timeout_s, window=window)
        return QueryResult(result.columns, tidy_citations(result.columns, result.rows), result.total)
    result = store.query(text, values, timeout_s=timeout_s)
    rows = sort_rows(result.columns, tidy_citations(result.columns, result.rows), query.order)
    if window is None:
        return QueryResult(result.columns, rows)
    return QueryResult(result.columns, rows[window[0]:window[0] + window[1]], len(rows))


def stream_named(store: Store, name: str, params: dict[str, Any] | None = None,
                 timeout_s: float | None = None) -> QueryStream:
    """Every row of a named query, handed out batch by batch as the engine sends them. A query whose
    declared order merges several branches is sorted first (its rows are held once, then handed out)."""
    query, values = prepare(store, name, params)
    text = query.text_for(store.engine)
    if query.pages_in_engine(store.engine):
        values["first"] = ALL_ROWS
        text = query.unsorted_text_for(store.engine) or text
    stream = store.stream(text, values, timeout_s=timeout_s)
    columns, batches = stream.columns, stream.batches
    if isinstance(batches, ArrowBatches):
        batches = batches.citing(CITATION_COLUMNS, lambda rows: tidy_citations(columns, rows))
        if query.order:  # sorted in Arrow where it sorts as Python does
            from .columnar import sorted_batches

            held = list(batches.record_batches)
            ordered = sorted_batches(held, query.order, columns, STREAM_ROWS)
            if ordered is not None:
                return QueryStream(columns, ArrowBatches(columns, ordered, batches.cited, batches.tidy))
            rows = [row for batch in held for row in batches.rows_of(batch)]
            return QueryStream(columns, [sort_rows(columns, rows, query.order)])
    elif query.order:
        return QueryStream(columns, [sort_rows(columns, tidy_citations(columns, list(stream.rows())), query.order)])
    else:
        batches = (tidy_citations(columns, batch) for batch in batches)
    return QueryStream(columns, batches)


def prepare(store: Store, name: str, params: dict[str, Any] | None) -> tuple[NamedQuery, dict[str, Any]]:
    """The named query and its parameter values: defaults filled, actor names resolved to ids."""
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
    for param, kinds in query.actors.items():
        if values.get(param) not in (None, ""):
            values[param] = actor_id(store, str(values[param]), kinds, what=f"--param {param}")
    return query, values


def actor_id(store: Store, text: str, kinds: tuple[str, ...], what: str) -> str:
    """The id an actor parameter names: `text` itself when it is the id of an actor of `kinds`, else found
    by name or alias (`resolve.sources.find_in_store`)."""
    from ..resolve.sources import find_in_store

    return find_in_store(store, text, kinds, what=what)


def _paged_in_engine(store: Store, query: NamedQuery, values: dict[str, Any], timeout_s: float | None,
                     window: tuple[int, int] | None) -> QueryResult:
    """The engine sorts and keeps the first offset + limit rows (of each UNION branch); the branches are
    merged by the declared order and the window cut. The whole answer is counted only when the page is full."""
    first = min(ALL_ROWS, window[0] + window[1]) if window else ALL_ROWS
    name = query.by_type_for(store.engine)
    if name and window is not None:
        result = _first_by_type(store, query, name, {**values, "first": first}, timeout_s)
    else:
        result = store.query(query.text_for(store.engine), {**values, "first": first}, timeout_s=timeout_s)
    rows = tidy_citations(result.columns, result.rows)
    if query.order:
        rows = sort_rows(result.columns, rows, query.order)
    if window is None:
        return QueryResult(result.columns, rows)
    total = len(rows)
    if total >= first:  # some branch may have been cut: count the whole answer
        total = count_answer(store, query, values, timeout_s)
    return QueryResult(result.columns, rows[window[0]:first], total)


def _first_by_type(store: Store, query: NamedQuery, name: str, values: dict[str, Any],
                   timeout_s: float | None) -> QueryResult:
    """The first `values["first"]` rows of a query ordered by the type of its relationship `name` first: one
    type at a time, in the order of type names (the ontology's), until that many are found."""
    from ..model.ontology import load_ontology

    onto = getattr(store, "onto", None) or load_ontology()
    text, first, columns, rows = query.text_for(store.engine), values["first"], [], []
    for rel_type in sorted(onto.relationships):
        got = store.query(typed_text(text, name, rel_type), {**values, "first": first - len(rows)},
                          timeout_s=timeout_s)
        columns, rows = got.columns, rows + got.rows
        if len(rows) >= first:
            break
    return QueryResult(columns, rows)


def count_answer(store: Store, query: NamedQuery, values: dict[str, Any], timeout_s: float | None) -> int:
    """How many rows the whole answer holds, by the query's `// total` statement."""
    statement = query.total_for(store.engine)
    if statement is None:
        raise GraphkitError(f"named query {query.name} pages in the engine but has no `// total` statement")
    counts = store.query(statement, values, timeout_s=timeout_s)
    return int(sum(row[0] or 0 for row in counts.rows))


def tidy_citations(columns: list[str], rows: list[list[Any]]) -> list[list[Any]]:
    """Citation cells flattened (a list of lists from `collect`) and each source listed once, in first-cited order.

    >>> tidy_citations(["who", "sources"], [["a", [["s1", "s2"], ["s1"], None, "s3"]]])
    [['a', ['s1', 's2', 's3']]]
    """
    at = [i for i, c in enumerate(columns) if c in CITATION_COLUMNS]
    if not at:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in at:
            cell = row[i]
            if isinstance(cell, list):
                flat = all(type(item) is str for item in cell)
                row[i] = list(dict.fromkeys(cell if flat else _flat(cell)))
        out.append(row)
    return out


def _flat(items: list) -> list:
    out = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out += _flat(list(item))
        elif item is not None:
            out.append(item)
    return out


def sort_rows(columns: list[str], rows: list[list[Any]], order: list[tuple[str, bool]]) -> list[list[Any]]:
    """Rows sorted column by column as declared; empty cells last in either direction.

    >>> sort_rows(["id", "gbp"], [["a", 5], ["b", None], ["c", 9], ["d", 5]], [("gbp", True), ("id", False)])
    [['c', 9], ['a', 5], ['d', 5], ['b', None]]
    """
    for column, descending in reversed(order):
        if column not in columns:
            raise GraphkitError(f"the declared order names {column!r}, which the query does not return")
        i = columns.index(column)
        present = [r for r in rows if r[i] is not None]
        present.sort(key=lambda r: r[i], reverse=descending)  # stable: earlier keys keep their order
        rows = present + [r for r in rows if r[i] is None]
    return rows
