"""Checks across files: duplicate ids, dangling references, endpoint labels, citations."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..ontology import Ontology
from ..problems import ProblemList

MAX_SUGGESTIONS = 200  # fuzzy suggestions cost time; the first ones are what users read


def merge_duplicates(table: pa.Table, key: str, kind: str, problems: ProblemList) -> pa.Table:
    """Rows that share `key` state one thing: merge their citations, or report a conflict.

    Conflicting data (the same id with another name, say) is an error naming both places.
    """
    counts = pc.value_counts(table.column(key))
    dups = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(dups) == 0:
        return table
    is_dup = pc.is_in(table.column(key), dups)
    single, multi = table.filter(pc.invert(is_dup)), table.filter(is_dup)
    merged = [_merge_group(rows, key, kind, problems) for rows in _groups(multi.to_pylist(), key)]
    return pa.concat_tables([single, pa.Table.from_pylist(merged, schema=table.schema)])


def _groups(rows: list[dict], key: str) -> list[list[dict]]:
    by_key: dict[str, list[dict]] = {}
    for row in rows:
        by_key.setdefault(row[key], []).append(row)
    return list(by_key.values())


def _merge_group(rows: list[dict], key: str, kind: str, problems: ProblemList) -> dict:
    first = dict(rows[0])
    pairs = list(zip(first.get("source_ids") or [], first.get("quotes") or []))
    for row in rows[1:]:
        for name, value in row.items():
            if name.startswith("_") or name in ("source_ids", "quotes") or value is None:
                continue
            if first.get(name) is None:
                first[name] = value
            elif first[name] != value:
                problems.add(row["_file"], row["_line"], f"{kind} {row[key]}", name,
                             f"{value!r} conflicts with {first[name]!r} at {first['_file']}:{first['_line']} (same id)")
        for pair in zip(row.get("source_ids") or [], row.get("quotes") or []):
            if pair not in pairs:
                pairs.append(pair)
    if "source_ids" in first:
        first["source_ids"] = [p[0] for p in pairs]
        first["quotes"] = [p[1] for p in pairs]
    return first


def suggest(bad: str, choices: list[str]) -> str:
    """' (did you mean 'x'?)' when a close id exists."""
    if not choices:
        return ""
    hit = process.extractOne(bad, choices, scorer=Levenshtein.normalized_similarity, score_cutoff=0.6)
    return f" (did you mean {hit[0]!r}?)" if hit else ""


def _report_missing(table, column, known: pa.Array, context, message, problems, choices_cache) -> None:
    col = table.column(column)
    bad = pc.and_kleene(pc.is_valid(col), pc.invert(pc.is_in(col, known)))
    idx = pc.indices_nonzero(pc.fill_null(bad, False)).to_pylist()
    for n, i in enumerate(idx):
        value = col[i].as_py()
        if value in problems.invalid_ids:
            continue
        hint = suggest(value, choices_cache()) if n < MAX_SUGGESTIONS else ""
        problems.add(table.column("_file")[i].as_py(), table.column("_line")[i].as_py(),
                     context(i), column, f"{value!r} {message}{hint}")


def check_references(entities: pa.Table, rels: pa.Table, sources: pa.Table, onto: Ontology,
                     problems: ProblemList) -> None:
    """Every endpoint and citation points at something that exists, with allowed labels."""
    entity_ids = entities.column("id").combine_chunks()
    source_ids = sources.column("id").combine_chunks()
    _clash(entities, source_ids, problems)
    ids_list = _lazy(lambda: entity_ids.to_pylist())
    rel_ctx = lambda i: f"relationship {rels.column('type')[i].as_py()}"  # noqa: E731
    for end in ("source", "target"):
        _report_missing(rels, end, entity_ids, rel_ctx, "is not a known id", problems, ids_list)
    _check_endpoints(entities, rels, onto, problems)
    src_list = _lazy(lambda: source_ids.to_pylist())
    for table, kind in ((entities, "entity"), (rels, "relationship")):
        _check_citations(table, kind, source_ids, problems, src_list)


def _lazy(fn):
    cache = []
    def get():
        if not cache:
            cache.append(fn())
        return cache[0]
    return get


def _clash(entities: pa.Table, source_ids: pa.Array, problems: ProblemList) -> None:
    both = pc.is_in(entities.column("id"), source_ids)
    for i in pc.indices_nonzero(pc.fill_null(both, False)).to_pylist():
        problems.add(entities.column("_file")[i].as_py(), entities.column("_line")[i].as_py(),
                     f"entity {entities.column('id')[i].as_py()}", "id", "is also the id of a source; ids must be unique")


def _check_endpoints(entities: pa.Table, rels: pa.Table, onto: Ontology, problems: ProblemList) -> None:
    ids, labels = entities.column("id").combine_chunks(), entities.column("label").combine_chunks()
    src_label = pc.take(labels, pc.index_in(rels.column("source"), ids))
    dst_label = pc.take(labels, pc.index_in(rels.column("target"), ids))
    for end, got, attr in (("source", src_label, "from_labels"), ("target", dst_label, "to_labels")):
        allowed = [f"{t}:{lab}" for t, spec in onto.relationships.items() for lab in getattr(spec, attr)]
        key = pc.binary_join_element_wise(rels.column("type"), got, ":")
        known_type = pc.is_in(rels.column("type"), pa.array(list(onto.relationships)))
        bad = pc.and_kleene(pc.and_kleene(pc.is_valid(key), known_type), pc.invert(pc.is_in(key, pa.array(allowed))))
        for i in pc.indices_nonzero(pc.fill_null(bad, False)).to_pylist():
            rtype = rels.column("type")[i].as_py()
            want = ", ".join(getattr(onto.relationships[rtype], attr))
            problems.add(rels.column("_file")[i].as_py(), rels.column("_line")[i].as_py(), f"relationship {rtype}",
                         end, f"{rels.column(end)[i].as_py()!r} is {_article(got[i].as_py())}; {rtype} {end}s must be {want}")


def _article(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def _check_citations(table: pa.Table, kind: str, source_ids: pa.Array, problems: ProblemList, choices) -> None:
    """Each claim cites at least one known source with a non-empty quote."""
    n = pc.fill_null(pc.list_value_length(table.column("source_ids")), 0)
    ctx_col = "id" if kind == "entity" else "type"
    for i in pc.indices_nonzero(pc.equal(n, 0)).to_pylist():
        problems.add(table.column("_file")[i].as_py(), table.column("_line")[i].as_py(),
                     f"{kind} {table.column(ctx_col)[i].as_py()}", "sources", "is required: every claim cites a source with a quote")
    flat_ids = pc.list_flatten(table.column("source_ids"))
    flat_quotes = pc.list_flatten(table.column("quotes"))
    parent = pc.list_parent_indices(table.column("source_ids"))
    blank = pc.or_kleene(pc.is_null(flat_quotes), pc.equal(pc.utf8_trim_whitespace(flat_quotes), ""))
    unknown = pc.and_kleene(pc.is_valid(flat_ids), pc.invert(pc.is_in(flat_ids, source_ids)))
    for mask, message in ((unknown, "is not a known source id"), (blank, "has no quote")):
        for j in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()[:10_000]:
            i = parent[j].as_py()
            sid = flat_ids[j].as_py()
            hint = suggest(sid, choices()) if message.startswith("is not") and j < MAX_SUGGESTIONS else ""
            field = "source_id" if table.column("_file")[i].as_py().endswith(".csv") else "sources"
            text = f"{sid!r} {message}{hint}" if message.startswith("is not") else f"citation of {sid!r} {message}"
            problems.add(table.column("_file")[i].as_py(), table.column("_line")[i].as_py(),
                         f"{kind} {table.column(ctx_col)[i].as_py()}", field, text)
