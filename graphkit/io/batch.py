"""Records an importer builds: sources, actors matched or created, claims with citations.

Every importer that converts records (FtM, OCDS) fills one ImportBatch; it matches
actors against the dataset the import joins (id, identifier alias, normalised name),
gives new ones readable ids, merges repeated claims, and hands the result to the
writer as ordinary dataset records.
"""
from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

from ..model import values
from ..model.records import Citation
from ..model.values import MAX_QUOTE, clean_text
from ..resolve.index import ActorIndex
from .record_checks import RecordChecks
from .report import ImportReport
from .runs import SortedRuns

RID_FIELDS = ("start_date", "end_date", "role", "amount_gbp", "vat")


def short_hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:10]


def safe_id(text: str, limit: int = 150) -> str:
    """An id from an external identifier: [a-z0-9._:-], one id per identifier.

    A text that is already a valid id is kept; any other (capitals, '/', spaces, too
    long) is slugged and gets a short hash of the original, so two identifiers that
    slug alike (`A/1`, `a-1`) never become one id.

    >>> safe_id("ocds-b5fd17-e3b5-1"), safe_id("ocds-b5fd17-E3B5/1"), safe_id("ocds-b5fd17-e3b5/1")
    ('ocds-b5fd17-e3b5-1', 'ocds-b5fd17-e3b5-1-f3a3f25163', 'ocds-b5fd17-e3b5-1-7c4259798d')
    """
    slug = re.sub(r"[^a-z0-9._:-]+", "-", text.lower()).strip("-._:") or "item"
    if slug == text and len(slug) <= limit:
        return slug
    return f"{slug[: limit - 11].rstrip('-._:')}-{short_hash(text)}"


class Cited(NamedTuple):
    """A citation as an importer makes it, one per claim (a `Citation` without the model's cost)."""

    source: str
    quote: str

    def record(self) -> dict:
        """The citation as a dataset record holds it."""
        return {"source": self.source, "quote": self.quote}


def cite(source: str, quote: object) -> Cited:
    """An importer's citation: the quote made text the dataset accepts ("-" when it says nothing),
    as `Citation.of` makes it; the dataset checks every citation when the files are read.

    >>> cite("s1", "  Tribal won the award ").record()
    {'source': 's1', 'quote': 'Tribal won the award'}
    """
    return Cited(source, clean_text(quote, MAX_QUOTE) or "-")


class ImportBatch:
    """The records of one import, matched against `index` (the dataset it joins)."""

    def __init__(self, index: ActorIndex, report: ImportReport, known_sources: dict[str, str] | None = None,
                 recorded=None):
        self.index = index
        self.recorded = recorded  # the Dataset the import joins, when known
        self.updates: dict = {}  # import folder -> ids whose records a later release replaces here
        self.where = ""  # the input record being converted (file:line), for skip lines
        self._recorded_claims: set[tuple] | None = None
        self.report = report
        self.known_sources = dict(known_sources or {})  # url -> source id, from the dataset
        self.sources: dict[str, dict] = {}
        self.entities: dict[str, dict] = {}
        self.relationships: dict[tuple, dict] = {}
        self.existing = set(index.labels)  # ids recorded before this import
        self._matched: set[str] = set()
        self.checks = RecordChecks()  # the dataset's checks of one record (see `valid`)
        self._cited: dict[tuple, set[tuple[str, str]]] = {}  # ("e", id) or ("r", key) -> (source, quote) cited
        self._fresh: list[str] = []  # entities (not actors) created since the last `settle`
        self.settled: dict[str, SortedRuns] = {}  # section -> finished records, sorted on disk (see `settle`)
        self._settled_ids: set[str] = set()  # ids of settled entities
        self._settled_sources: set[str] = set()
        self._late: dict[str, list[dict]] = {}  # settled entity id -> citations given after it was settled
        self._recounted: set[tuple] = set()  # claims stated again after being settled (counted once)

    # -- sources --------------------------------------------------------------------------------
    def source(self, base_id: str, *, url: str | None = None, title: str | None = None,
               publisher: str | None = None, date: str | None = None) -> str:
        """The id of the source at `url` (reused when known), else a new source record."""
        url = url if url and re.match(values.URL_PATTERN, url, re.IGNORECASE) else None
        if url and url in self.known_sources:
            return self.known_sources[url]
        sid = safe_id(base_id)
        if sid in self.sources or sid in self._settled_sources:
            return sid
        if sid in self.index.taken:
            sid = self.index.free_id(sid)
        else:
            self.index.taken.add(sid)
        date = date[:10] if date and re.match(values.DATE_PATTERN, date[:10]) else None
        self.sources[sid] = _clean({"id": sid, "url": url, "title": clean_text(title),
                                    "publisher": clean_text(publisher), "date": date})
        if url:
            self.known_sources[url] = sid
        self.report.created["Source"] += 1
        return sid

    # -- actors ---------------------------------------------------------------------------------
    def actor(self, label: str, kind: str, name: str | None, cite: Citation | Cited, *, identifiers: tuple[str, ...] = (),
              id_hint: str | None = None, description: str | None = None, evidence: str | None = None,
              match_created_by_name: bool = True) -> str | None:
        """The id of the actor called `name`: matched by identifier or normalised name, else created.

        `match_created_by_name=False` keeps two records of this import apart when only their
        names agree (sources such as FtM give each actor an id of its own).
        """
        name = clean_text(name)
        if not name:
            return None
        found = self.index.find(label, name, identifiers)
        if found and (match_created_by_name or found[0] not in self.entities or found[1].startswith("identifier")):
            return self._joined(found[0], name, found[1], identifiers, cite)
        if not found and self.index.ambiguous(label, name):
            self.report.skip("name matches several recorded actors; created a new one (see `graphkit dedupe`)", name)
        entity_id = self.index.free_id(safe_id(id_hint or values.slugify(name)))
        aliases = [a for a in dict.fromkeys(clean_text(i) for i in identifiers) if a]
        record = _clean({"id": entity_id, "label": label, "kind": kind, "name": name, "aliases": aliases,
                         "description": clean_text(description, values.MAX_TEXT), "evidence": evidence,
                         "sources": [cite.record()]})
        if not self.valid(record):
            return None
        self.entities[entity_id] = record
        self.index.add(entity_id, label, name, aliases)
        self.report.created[label] += 1
        return entity_id

    def _joined(self, entity_id: str, name: str, how: str, identifiers: tuple[str, ...], cite: Citation | Cited) -> str:
        record = self.entities.get(entity_id)
        if record is None:  # recorded before this import, in another file: refer to it, never rewrite it
            self._note_match(name, entity_id, how)
            return entity_id
        if how != "id":
            self.report.tally("records matched to an actor met earlier in this import")
        self._add_citation(("e", entity_id), record, cite.record())
        aliases = record.setdefault("aliases", [])
        for alias in (name, *identifiers):
            if alias and alias.casefold() != record["name"].casefold() and alias not in aliases:
                if not any(a.casefold() == alias.casefold() for a in aliases):
                    aliases.append(alias)
                    self.index.add(entity_id, record["label"], record["name"], [alias])
        return entity_id

    def _note_match(self, incoming: str, entity_id: str, how: str) -> None:
        if entity_id in self.existing and entity_id not in self._matched:
            self._matched.add(entity_id)
            self.report.match(incoming, entity_id, how)

    # -- other entities -------------------------------------------------------------------------
    def entity(self, record: dict, cite: Citation | Cited) -> str | None:
        """An entity with an id of its own (a contract, a report); a known id is left as recorded.

        None when the record would not pass validation (skipped with the reason)."""
        entity_id = record["id"]
        if entity_id in self.existing:
            self._note_match(record.get("name") or entity_id, entity_id, "id")
            return entity_id
        current = self.entities.get(entity_id)
        if current is None and entity_id in self._settled_ids:
            self._late.setdefault(entity_id, []).append(cite.record())
        elif current is None:
            record = _clean({**record, "sources": [cite.record()]})
            if not self.valid(record):
                return None
            self.entities[entity_id] = record
            self._fresh.append(entity_id)
            self.index.taken.add(entity_id)
            self.index.labels.setdefault(entity_id, record["label"])
            self.report.created[record["label"]] += 1
        else:
            self._add_citation(("e", entity_id), current, cite.record())
        return entity_id

    def replace_entity(self, record: dict, cite: Citation | Cited) -> None:
        """Overwrite an entity created by this import (a later release of the same award)."""
        if record["id"] in self.entities:
            self.entities[record["id"]] = _clean({**record, "sources": [cite.record()]})
            self._cited.pop(("e", record["id"]), None)

    # -- claims ---------------------------------------------------------------------------------
    def relate(self, source: str, rel_type: str, target: str, cite: Citation | Cited, **props) -> None:
        """A claim; the same claim twice gains a second citation instead of a duplicate."""
        props = {k: v for k, v in props.items() if v not in (None, "", [])}
        key = (source, rel_type, target, *map(props.get, RID_FIELDS))
        if key in self.recorded_claims():  # stated by another file already: referred to, never restated
            self.report.skip("claim already recorded in the dataset (kept as recorded)", self.where or None)
            return
        current = self.relationships.get(key)
        if current is None:
            record = {"source": source, "type": rel_type, "target": target, **props, "sources": [cite.record()]}
            if not self.valid(record):
                return
            self.relationships[key] = record
            self.report.created[rel_type] += 1
        else:
            self._add_citation(("r", key), current, cite.record())

    def _add_citation(self, key: tuple, record: dict, citation: dict) -> None:
        """Append `citation` to the record unless it cites it already (a set per record: actors
        cited by thousands of awards are checked at once, not by scanning their list)."""
        seen = self._cited.get(key)
        if seen is None:
            seen = self._cited[key] = {(c["source"], c["quote"]) for c in record["sources"]}
        pair = (citation["source"], citation["quote"])
        if pair not in seen:
            seen.add(pair)
            record["sources"].append(citation)

    def drop_relationships(self, entity_id: str) -> None:
        """Forget the claims about an entity (before a later release restates them)."""
        for key in [k for k in self.relationships if entity_id in (k[0], k[2])]:
            self.report.created[key[1]] -= 1
            del self.relationships[key]
            self._cited.pop(("r", key), None)

    def recorded_claims(self) -> set[tuple]:
        """Keys of the relationships the dataset already holds (as `relate` keys them)."""
        if self._recorded_claims is None:
            self._recorded_claims = set()
            if self.recorded is not None and self.recorded.relationships.num_rows:
                cols = ["source", "type", "target", *RID_FIELDS]
                rows = self.recorded.relationships.select(cols).to_pylist()
                self._recorded_claims = {tuple(r[c] for c in cols) for r in rows}
        return self._recorded_claims

    # -- checks ---------------------------------------------------------------------------------
    def valid(self, record: dict) -> bool:
        """Whether `record` passes the dataset's own checks; if not, it is skipped with the reason."""
        problem = self.checks.problem(record)
        if problem:
            what = record.get("label") or record.get("type") or "record"
            self.report.skip(f"{what} fails validation: {problem}", self.where or record.get("id"))
        return problem is None

    # -- finished records -----------------------------------------------------------------------
    def settle(self) -> None:
        """The sources, claims and entities (not actors) made since the last call are final: they
        go to sorted runs (on disk past a limit), and only their ids stay here. An entity cited
        again later gains the citation when the files are written."""
        runs = self.settled = self.settled or {name: SortedRuns() for name in ("sources", "entities", "relationships")}
        for sid, record in self.sources.items():
            runs["sources"].add(sid, record)
        self._settled_sources.update(self.sources)
        self.sources = {}
        for entity_id in self._fresh:
            record = self.entities.pop(entity_id, None)
            if record is not None:
                runs["entities"].add(entity_id, record)
                self._settled_ids.add(entity_id)
                self._cited.pop(("e", entity_id), None)
        self._fresh = []
        for key, record in self.relationships.items():
            runs["relationships"].add(_sort_key(key), (key, record))
            self._cited.pop(("r", key), None)
        self.relationships = {}

    def has_records(self) -> bool:
        return bool(self.entities or self.relationships or any(r.count for r in self.settled.values()))

    # -- output ---------------------------------------------------------------------------------
    def sections(self) -> dict:
        """Records sorted for small diffs between runs: lists, or (once records are settled)
        streams that can be read more than once."""
        if self.settled:
            return {"sources": _Section(lambda: self.settled["sources"].merged(
                        (k, self.sources[k]) for k in sorted(self.sources)), lambda items: (r for _, r in items)),
                    "entities": _Section(lambda: self.settled["entities"].merged(
                        (k, self.entities[k]) for k in sorted(self.entities)), self._with_late_citations),
                    "relationships": _Section(lambda: self.settled["relationships"].merged(
                        (_sort_key(k), (k, self.relationships[k])) for k in sorted(self.relationships, key=_sort_key)),
                        self._claims_once)}
        return {
            "sources": [self.sources[k] for k in sorted(self.sources)],
            "entities": [self.entities[k] for k in sorted(self.entities)],
            "relationships": [self.relationships[k] for k in sorted(self.relationships, key=_sort_key)],
        }


    def _with_late_citations(self, items):
        for entity_id, record in items:
            for citation in self._late.get(entity_id, ()):
                if (citation["source"], citation["quote"]) not in {(c["source"], c["quote"]) for c in record["sources"]}:
                    record["sources"].append(citation)
            yield record

    def _claims_once(self, items):
        """Claims in order; one stated again after its first statement was settled is one claim, cited twice."""
        previous_key, previous = None, None
        for _, (key, record) in items:
            key = tuple(key)
            if previous is not None and key == previous_key:
                seen = {(c["source"], c["quote"]) for c in previous["sources"]}
                previous["sources"] += [c for c in record["sources"] if (c["source"], c["quote"]) not in seen]
                if key not in self._recounted:
                    self._recounted.add(key)
                    self.report.created[record["type"]] -= 1
                continue
            if previous is not None:
                yield previous
            previous_key, previous = key, record
        if previous is not None:
            yield previous


class _Section:
    """Records read in order each time they are iterated (settled runs merged with those held)."""

    def __init__(self, items, finish):
        self.items, self.finish = items, finish

    def __iter__(self):
        return iter(self.finish(self.items()))


def _sort_key(key: tuple) -> tuple:
    """A claim's key (ends, type, dates, role, amount, VAT) in an order that never compares None with text."""
    return tuple("" if v is None else str(v) for v in key)


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, [], "")}
