"""Candidates for dedupe: pairs of recorded actors that may be one, scored, best first.

Not to be confused with `dataset.repeated_ids` (rows that share one id).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from .names import is_identifier, normalise_names

MAX_BLOCK = 400  # names sharing only a token more common than this are compared by exact key only
MIN_TOKEN = 3


@dataclass(frozen=True)
class Candidate:
    """Two entities that may be one: `keep` and `merge` ids, with a score (0–100) and why."""

    score: float
    keep: str
    keep_name: str
    merge: str
    merge_name: str
    label: str
    reason: str


def suggest_matches(rows: list[dict], threshold: float = 90.0, citations: dict[str, int] | None = None) -> list[Candidate]:
    """Candidate duplicate pairs among entities (id, label, name, aliases), best first.

    Exact normalised names score 100. Other pairs are compared with rapidfuzz's WRatio
    inside blocks of names that share a rare word, so 100k names stay fast. The entity
    with more citations (then the shorter id) is proposed as the one to keep.

    >>> rows = [{"id": "tribal", "label": "Organisation", "name": "Tribal", "aliases": []},
    ...         {"id": "tribal-group-plc", "label": "Organisation", "name": "TRIBAL GROUP PLC", "aliases": []}]
    >>> [(c.keep, c.merge, round(c.score)) for c in suggest_matches(rows)]
    [('tribal', 'tribal-group-plc', 90)]
    """
    strings, owners = [], []
    by_identifier: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for text in [row["name"], *(row.get("aliases") or [])]:
            if is_identifier(text):
                by_identifier[text].append(i)
                continue
            strings.append(text)
            owners.append(i)
    keys = normalise_names(strings).to_pylist() if strings else []
    best: dict[tuple[int, int], tuple[float, str]] = {}

    def offer(a: int, b: int, score: float, reason: str) -> None:
        if a == b or rows[a]["label"] != rows[b]["label"]:
            return
        pair = (min(a, b), max(a, b))
        if pair not in best or score > best[pair][0]:
            best[pair] = (score, reason)

    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for s, key in enumerate(keys):
        if key:
            by_key[(rows[owners[s]]["label"], key)].append(s)
    for (_, key), members in by_key.items():
        for s in members[1:]:
            offer(owners[members[0]], owners[s], 100.0, "same normalised name")
    for ident, members in by_identifier.items():
        for i in members[1:]:
            offer(members[0], i, 100.0, f"same identifier {ident}")
    _fuzzy_blocks(keys, owners, rows, threshold, offer)
    weight = citations or {}
    out = []
    for (a, b), (score, reason) in best.items():
        if score < threshold:
            continue
        ra, rb = rows[a], rows[b]
        if (-weight.get(rb["id"], 0), len(rb["id"]), rb["id"]) < (-weight.get(ra["id"], 0), len(ra["id"]), ra["id"]):
            ra, rb = rb, ra
        out.append(Candidate(round(score, 1), ra["id"], ra["name"], rb["id"], rb["name"], ra["label"], reason))
    return sorted(out, key=lambda c: (-c.score, c.keep, c.merge))


def dedupe_candidates(paths: list, threshold: float = 90.0, labels: Iterable[str] | None = None) -> list[Candidate]:
    """Candidate duplicate actors in the dataset files under `paths` (merge decisions already applied);
    `labels` defaults to the ontology's actor labels."""
    from ..dataset import read_dataset
    from ..model.ontology import load_ontology

    labels = load_ontology().actor_labels if labels is None else labels
    ds = read_dataset(paths)
    actors = ds.entities.filter(pc.is_in(ds.entities.column("label"), pa.array(list(labels), pa.string())))
    rows = actors.select(["id", "label", "name", "aliases"]).to_pylist()
    lengths = pc.fill_null(pc.list_value_length(actors.column("source_ids")), 0).to_pylist()
    weight = dict(zip(actors.column("id").to_pylist(), lengths))
    return suggest_matches(rows, threshold, weight)


def _fuzzy_blocks(keys: list[str], owners: list[int], rows: list[dict], threshold: float, offer) -> None:
    from rapidfuzz import fuzz, process

    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for s, key in enumerate(keys):
        for token in set((key or "").split()):
            if len(token) >= MIN_TOKEN:
                blocks[(rows[owners[s]]["label"], token)].append(s)
    seen: set[frozenset] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        block = frozenset(members)
        if block in seen:
            continue
        seen.add(block)
        texts = [keys[s] for s in members]
        scores = process.cdist(texts, texts, scorer=fuzz.WRatio, score_cutoff=threshold, workers=-1)
        rows_i, cols_j = scores.nonzero()
        for i, j in zip(rows_i.tolist(), cols_j.tolist()):
            if i < j and markers(texts[i]) == markers(texts[j]):
                offer(owners[members[i]], owners[members[j]], float(scores[i, j]), "similar names")


_COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "northeast",
            "northwest", "southeast", "southwest", "central", "mid", "upper", "lower", "inner", "outer"}
_NUMBERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "i", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "x"}


def markers(key: str) -> frozenset[str]:
    """The words of a name key that tell apart bodies otherwise named alike: compass words and numbers.

    Names whose markers differ are never candidates, however close their spelling.

    >>> markers("east lothian council") == markers("west lothian council")
    False
    >>> sorted(markers("lot 2 framework")), sorted(markers("tribal group"))
    (['2'], [])
    """
    return frozenset(w for w in (key or "").split() if w in _COMPASS or w in _NUMBERS or any(c.isdigit() for c in w))
