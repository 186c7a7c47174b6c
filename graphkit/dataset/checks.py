"""Checks across files: dangling references, endpoint labels, citations (duplicates: duplicates.py)."""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ..model.ontology import Ontology
from ..errors import ProblemList
from .endpoints import ENDS, Endpoints
from .parallel import at_once

MAX_SUGGESTIONS = 200  # fuzzy suggestions cost time; the first ones are what users read


def suggest(bad: str, choices: list[str]) -> str:
    """' (did you mean 'x'?)' when a close id exists."""
    if not choices:
        return ""
    from rapidfuzz import process  # only when an id is wrong
    from rapidfuzz.distance import Levenshtein

    hit = process.extractOne(bad, choices, scorer=Levenshtein.normalized_similarity, score_cutoff=0.6)
    return f" (did you mean {hit[0]!r}?)" if hit else ""


def is_blank(col) -> pa.ChunkedArray | pa.Array:
    """Null, empty or only whitespace (what utf8_trim_whitespace empties), without trimmed copies."""
    empty = pc.or_(pc.equal(pc.binary_length(col), 0), pc.utf8_is_space(col))
    return pc.or_kleene(pc.is_null(col), empty)


def _report_missing(table, column, position, context, message, problems, choices_cache) -> None:
    """Report the non-null values of `column` that have no `position` among the known ids."""
    col = table.column(column)
    bad = pc.and_kleene(pc.is_valid(col), pc.is_null(position))
    idx = pc.indices_nonzero(pc.fill_null(bad, False)).to_pylist()
    for n, i in enumerate(idx):
        value = col[i].as_py()
        if value in problems.invalid_ids:
            continue
        hint = suggest(value, choices_cache()) if n < MAX_SUGGESTIONS else ""
        problems.add(table.column("_file")[i].as_py(), table.column("_line")[i].as_py(),
                     context(i), column, f"{value!r} {message}{hint}")


@dataclass
class References:
    """The cross-file checks in two parts, each run as soon as the tables it needs are final:
    `of` once entities and sources are, `check` once relationships are too. `report` words
    what both found."""

    entities: pa.Table
    onto: Ontology
    entity_ids: pa.Array
    source_ids: pa.Array
    clash: pa.ChunkedArray  # entities whose id is also a source's
    entity_citations: CitationFaults
    entity_rows: pa.Array  # per distinct endpoint value: its entity row, null when unknown
    rels: pa.Table | None = None
    labels: _EndpointLabels | None = None
    ends: dict[str, tuple[pa.Array, pa.Array]] | None = None  # per end: each row's entity row, bad-label flags
    rel_citations: CitationFaults | None = None

    @classmethod
    def of(cls, entities: pa.Table, sources: pa.Table, onto: Ontology, endpoints: Endpoints) -> "References":
        entity_ids = entities.column("id").combine_chunks()
        source_ids = sources.column("id").combine_chunks()
        return cls(entities, onto, entity_ids, source_ids, pc.is_in(entities.column("id"), source_ids),
                   CitationFaults.of(entities, source_ids),
                   pc.index_in(endpoints.distinct, entity_ids))

    def check(self, rels: pa.Table, endpoints: Endpoints) -> "References":
        """The relationship checks (`endpoints`: the relationships' endpoints, row for row), side by side."""
        rel_citations, (labels, ends) = at_once(lambda: CitationFaults.of(rels, self.source_ids),
                                                lambda: self._endpoint_faults(rels, endpoints))
        self.rels, self.labels, self.ends, self.rel_citations = rels, labels, ends, rel_citations
        return self

    def _endpoint_faults(self, rels: pa.Table, endpoints: Endpoints) -> tuple[_EndpointLabels, dict]:
        """Per end: each row's entity row and where its label is not allowed."""
        labels = _EndpointLabels.of(self.entities, rels, self.onto)
        return labels, {end: labels.faults(end, endpoints.rows_of(end, self.entity_rows)) for end in ENDS}

    def report(self, problems: ProblemList) -> None:
        """Word every problem `of` and `check` found."""
        rels = self.rels
        _report_clash(self.entities, self.clash, problems)
        ids_list = _lazy(lambda: self.entity_ids.to_pylist())
        rel_ctx = lambda i: f"relationship {rels.column('type')[i].as_py()}"  # noqa: E731
        for end, (found, _) in self.ends.items():
            _report_missing(rels, end, found, rel_ctx, "is not a known id", problems, ids_list)
        for end, (found, bad_label) in self.ends.items():
            self.labels.report(end, found, bad_label, problems)
        src_list = _lazy(lambda: self.source_ids.to_pylist())
        self.entity_citations.report(self.entities, "entity", problems, src_list)
        self.rel_citations.report(rels, "relationship", problems, src_list)


def _lazy(fn):
    cache = []
    def get():
        if not cache:
            cache.append(fn())
        return cache[0]
    return get


def _report_clash(entities: pa.Table, both: pa.ChunkedArray, problems: ProblemList) -> None:
    for i in pc.indices_nonzero(pc.fill_null(both, False)).to_pylist():
        problems.add(entities.column("_file")[i].as_py(), entities.column("_line")[i].as_py(),
                     f"entity {entities.column('id')[i].as_py()}", "id", "is also the id of a source; ids must be unique")


@dataclass
class _EndpointLabels:
    """Relationship types and entity labels as numbers, to check endpoint labels by table look-up."""

    rels: pa.Table
    onto: Ontology
    labels: pa.Array  # each entity's label
    label_code: pa.Array  # each entity's label as its position among the ontology's labels
    type_code: pa.ChunkedArray  # each relationship's type as its position among the ontology's types

    @classmethod
    def of(cls, entities: pa.Table, rels: pa.Table, onto: Ontology) -> "_EndpointLabels":
        labels = entities.column("label").combine_chunks()
        return cls(rels, onto, labels, pc.index_in(labels, pa.array(list(onto.labels), pa.string())),
                   pc.index_in(rels.column("type"), pa.array(list(onto.relationships), pa.string())))

    def faults(self, end: str, found: pa.Array) -> tuple[pa.Array, pa.Array]:
        """`found` (each row's `end` as an entity row, null when unknown) and where its label is not allowed."""
        attr = "from_labels" if end == "source" else "to_labels"
        label_names = list(self.onto.labels)
        allowed = pa.array([lab in getattr(spec, attr) for spec in self.onto.relationships.values() for lab in label_names])
        pair = pc.add(pc.multiply(self.type_code, len(label_names)), pc.take(self.label_code, found))
        has_label = pc.fill_null(pc.take(pc.is_valid(self.labels), found), False)
        bad = pc.and_(pc.and_(pc.is_valid(self.type_code), has_label), pc.invert(pc.fill_null(pc.take(allowed, pair), False)))
        return found, bad

    def report(self, end: str, found: pa.Array, bad: pa.Array, problems: ProblemList) -> None:
        """Word each `end` whose label its relationship type does not allow."""
        attr = "from_labels" if end == "source" else "to_labels"
        rels = self.rels
        for i in pc.indices_nonzero(bad).to_pylist():
            rtype = rels.column("type")[i].as_py()
            want = ", ".join(getattr(self.onto.relationships[rtype], attr))
            got = self.labels[found[i].as_py()].as_py()
            problems.add(rels.column("_file")[i].as_py(), rels.column("_line")[i].as_py(), f"relationship {rtype}",
                         end, f"{rels.column(end)[i].as_py()!r} is {_article(got)}; {rtype} {end}s must be {want}")


def _article(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


@dataclass
class CitationFaults:
    """What is wrong with the citations of a table's claims, found column by column."""

    uncited: pa.Array  # claims that cite no source
    flat_ids: pa.Array  # every cited source id, claim after claim
    parent: pa.Array  # the claim of each cited source id
    unknown: pa.Array  # cited ids that are no source's id
    blank: pa.Array  # citations without a quote

    @classmethod
    def of(cls, table: pa.Table, source_ids: pa.Array) -> "CitationFaults":
        n = pc.fill_null(pc.list_value_length(table.column("source_ids")), 0)
        flat_ids = pc.list_flatten(table.column("source_ids"))
        unknown = pc.and_kleene(pc.is_valid(flat_ids), pc.invert(pc.is_in(flat_ids, source_ids)))
        return cls(pc.equal(n, 0), flat_ids, pc.list_parent_indices(table.column("source_ids")), unknown,
                   is_blank(pc.list_flatten(table.column("quotes"))))

    def report(self, table: pa.Table, kind: str, problems: ProblemList, choices) -> None:
        """Each claim cites at least one known source with a non-empty quote."""
        ctx_col = "id" if kind == "entity" else "type"
        for i in pc.indices_nonzero(self.uncited).to_pylist():
            problems.add(table.column("_file")[i].as_py(), table.column("_line")[i].as_py(),
                         f"{kind} {table.column(ctx_col)[i].as_py()}", "sources",
                         "is required: every claim cites a source with a quote")
        for mask, message in ((self.unknown, "is not a known source id"), (self.blank, "has no quote")):
            for j in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()[:10_000]:
                i = self.parent[j].as_py()
                sid = self.flat_ids[j].as_py()
                hint = suggest(sid, choices()) if message.startswith("is not") and j < MAX_SUGGESTIONS else ""
                field = "source_id" if table.column("_file")[i].as_py().endswith(".csv") else "sources"
                text = f"{sid!r} {message}{hint}" if message.startswith("is not") else f"citation of {sid!r} {message}"
                problems.add(table.column("_file")[i].as_py(), table.column("_line")[i].as_py(),
                             f"{kind} {table.column(ctx_col)[i].as_py()}", field, text)
