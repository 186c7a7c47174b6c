"""Entity resolution: normalised names, an index of known actors, fuzzy match suggestions.

Names are normalised column by column (pyarrow), so a 200k-name dataset is keyed in
well under a second; one name goes through the same code.

>>> normalise_name("TRIBAL GROUP PLC"), normalise_name("Tribal Group plc.")
('tribal group', 'tribal group')
>>> normalise_name("Axis Europe Plc") == normalise_name("Axis Europe plc")
True
>>> normalise_name("DCLG") == normalise_name("Department for Communities & Local Government")
True
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from ..errors import GraphkitError

_IDENTIFIER = re.compile(r"^([A-Z]{2}-[A-Z0-9]{2,8}-\S+|[a-z][a-z0-9]*:\S+)$")
MAX_BLOCK = 400  # names sharing only a token more common than this are compared by exact key only
MIN_TOKEN = 3
FEW_NAMES = 5_000  # up to this many names, normalise one by one in Python
MAX_LISTED = 10  # an error naming several actors lists this many


@dataclass(frozen=True)
class NameRules:
    """The data behind normalisation: word expansions, legal suffixes, equivalent names."""

    words: dict[str, str]
    legal_suffixes: tuple[str, ...]
    equivalents: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def name_rules() -> NameRules:
    # through the top package: importing graphkit.io would load every format (networkx among them)
    text = resources.files("graphkit.resolve").joinpath("name_variants.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader (libyaml)
    return NameRules({str(k).lower(): str(v).lower() for k, v in (raw.get("words") or {}).items()},
                     tuple(str(s).lower() for s in raw.get("legal_suffixes") or []),
                     tuple(tuple(str(n) for n in group) for group in raw.get("equivalents") or []))


def _basic(names: pa.Array, rules: NameRules) -> pa.Array:
    """Case, accents, '&', punctuation, word abbreviations, a leading 'the', legal suffixes."""
    text = pc.utf8_normalize(names.cast(pa.string()), "NFKD")
    text = pc.utf8_lower(pc.replace_substring_regex(text, r"\p{Mn}+", ""))
    text = pc.replace_substring_regex(text, r"['’`]", "")
    text = pc.replace_substring_regex(text, r"&|\+", " and ")
    text = pc.replace_substring_regex(text, r"[\s(](t/a|trading as)\s.*$", "")
    text = pc.replace_substring_regex(text, r"[^\p{L}\p{N}]+", " ")
    text = pc.utf8_trim_whitespace(text)
    for short, long in rules.words.items():
        text = pc.replace_substring_regex(text, rf"\b{re.escape(short)}\b", long)
    text = pc.replace_substring_regex(text, r"^the\s+", "")
    suffixes = "|".join(re.escape(s) for s in sorted(rules.legal_suffixes, key=len, reverse=True))
    if suffixes:
        text = pc.replace_substring_regex(text, rf"(\s+({suffixes}))+$", "")
    return text


@lru_cache(maxsize=1)
def _equivalents() -> tuple[pa.Array, pa.Array]:
    keys = _equivalent_keys()
    return pa.array(list(keys), pa.string()), pa.array(list(keys.values()), pa.string())


def normalise_names(names: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Array:
    """The match key of every name (null stays null).

    >>> normalise_names(["The Leadership Centre Ltd", "Ernst & Young LLP"]).to_pylist()
    ['leadership centre', 'ernst and young']
    """
    if isinstance(names, list):
        names = pa.array(names, pa.string())
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    if len(names) == 0:
        return pa.array([], pa.string())
    if len(names) <= FEW_NAMES:  # Arrow's fixed cost per call (one per rule) outweighs the per-name loop
        return pa.array([None if n is None else normalise_name(n) for n in names.to_pylist()], pa.string())
    keys = _basic(names, name_rules())
    variants, canonical = _equivalents()
    mapped = pc.take(canonical, pc.index_in(keys, value_set=variants))
    return pc.coalesce(mapped, keys)


def normalise_name(name: str) -> str:
    """The match key of one name (the same key `normalise_names` gives, without Arrow's per-call cost)."""
    return _one(name) if name else ""


@lru_cache(maxsize=200_000)
def _one(name: str) -> str:
    text = _basic_one(name)
    return _equivalent_keys().get(text, text)


def _basic_one(name: str) -> str:
    """`_basic` for one name, in Python."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch.lower() for ch in text if unicodedata.category(ch) != "Mn")  # per character, as Arrow does
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"&|\+", " and ", text)
    text = re.sub(r"[\s(](t/a|trading as)\s.*$", "", text, flags=re.S)
    text = " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())
    for pattern, long in _word_patterns():
        text = pattern.sub(long, text)
    text = re.sub(r"^the\s+", "", text)
    return _suffix_pattern().sub("", text)


@lru_cache(maxsize=1)
def _word_patterns() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"\b{re.escape(short)}\b", re.ASCII), long) for short, long in name_rules().words.items()]


@lru_cache(maxsize=1)
def _suffix_pattern() -> re.Pattern:
    suffixes = "|".join(re.escape(s) for s in sorted(name_rules().legal_suffixes, key=len, reverse=True))
    return re.compile(rf"(\s+({suffixes}))+$" if suffixes else r"(?!)")


@lru_cache(maxsize=1)
def _equivalent_keys() -> dict[str, str]:
    """Key of each name variant -> key of its group's first name."""
    out: dict[str, str] = {}
    for group in name_rules().equivalents:
        keys = [_basic_one(name) for name in group]
        for key in keys:
            out.setdefault(key, keys[0])
    return out


def is_identifier(alias: str) -> bool:
    """An alias that is a register id (`GB-COH-04163458`) or a prefixed source id (`ftm:NK-1`), not a name.

    >>> is_identifier("GB-COH-04163458"), is_identifier("ftm:NK-abc"), is_identifier("Tribal Group plc")
    (True, True, False)
    """
    return bool(_IDENTIFIER.match(alias))


# -- the index of known actors --------------------------------------------------------------
@dataclass
class ActorIndex:
    """Known actors by id, by alias (identifiers such as GB-COH-… or ftm:…) and by name key.

    Names match only within one label: an Organisation never matches a Person.
    """

    labels: dict[str, str] = field(default_factory=dict)  # id -> label
    names: dict[str, str] = field(default_factory=dict)  # id -> name
    aliases: dict[str, str] = field(default_factory=dict)  # exact alias -> first id (identifier matching on import)
    alias_owners: dict[str, list[str]] = field(default_factory=dict)  # exact alias -> every id holding it
    keys: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (label, key) -> id; None: ambiguous
    taken: set[str] = field(default_factory=set)  # ids in use (entities and sources)
    kinds: dict[str, str | None] = field(default_factory=dict)  # id -> kind
    named: dict[str, list[str]] = field(default_factory=dict)  # key -> ids of any label named so

    @classmethod
    def from_entities(cls, rows: Iterable[dict], source_ids: Iterable[str] = ()) -> "ActorIndex":
        """Index rows with id, label, name and aliases (e.g. `Dataset.entities.to_pylist()`)."""
        index = cls()
        rows = list(rows)
        texts = [[r["name"], *[a for a in r.get("aliases") or [] if not is_identifier(a)]] for r in rows]
        flat = [t for group in texts for t in group]
        keys = iter(normalise_names(flat).to_pylist()) if flat else iter(())
        for row, group in zip(rows, texts):
            index._register(row["id"], row["label"], row["name"], row.get("aliases") or [],
                            [next(keys) for _ in group], row.get("kind"))
        index.taken.update(source_ids)
        return index

    def _register(self, entity_id: str, label: str, name: str, aliases: list[str], keys: list[str],
                  kind: str | None = None) -> None:
        self.labels[entity_id] = label
        self.names[entity_id] = name
        self.kinds.setdefault(entity_id, kind)
        self.taken.add(entity_id)
        for alias in aliases:
            self.aliases.setdefault(alias, entity_id)
            _own(self.alias_owners, alias, entity_id)
        for key in keys:
            if not key:
                continue
            current = self.keys.get((label, key), entity_id)
            self.keys[(label, key)] = entity_id if current == entity_id else None
            _own(self.named, key, entity_id)

    def add(self, entity_id: str, label: str, name: str, aliases: Iterable[str] = (), kind: str | None = None) -> None:
        aliases = list(aliases)
        keys = [normalise_name(t) for t in (name, *aliases) if not is_identifier(t)]
        self._register(entity_id, label, name, aliases, keys, kind)

    def lookup(self, text: str, kinds: Iterable[str] = (), what: str = "") -> str:
        """The one id that `text` names: an id, an alias, or a name or alias equal after normalisation.

        A miss raises GraphkitError suggesting the nearest actor; a name or alias shared by
        several actors raises one listing them; an id always names its actor alone.
        `kinds` narrows the actors considered (e.g. pilot areas).

        >>> index = ActorIndex.from_entities([
        ...     {"id": "ey", "label": "Organisation", "name": "Ernst & Young LLP", "aliases": []},
        ...     {"id": "pilot-croydon", "label": "Organisation", "kind": "pilot_area", "name": "Croydon"}])
        >>> index.lookup("Ernst and Young"), index.lookup("croydon"), index.lookup("EY")
        ('ey', 'pilot-croydon', 'ey')
        >>> index.lookup("pilot-croydn")
        Traceback (most recent call last):
        graphkit.errors.GraphkitError: 'pilot-croydn' is not a recorded id, name or alias (did you mean 'pilot-croydon'?)
        >>> index.add("ac-one", "Organisation", "Audit Commission", ["AC"])
        >>> index.add("ac-two", "Organisation", "Arts Council", ["AC"])
        >>> index.lookup("AC")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        graphkit.errors.GraphkitError: 'AC' names 2 actors: ac-one (Audit Commission, Organisation), ac-two ...
        """
        kinds = set(kinds)
        fits = (lambda i: self.kinds.get(i) in kinds) if kinds else (lambda i: True)
        found = self.candidates(text)
        matching = [i for i in found if fits(i)]
        if len(matching) == 1:
            return matching[0]
        named = f"{what} {text!r}" if what else repr(text)
        if matching:
            raise several_actors(named, [(i, self.names.get(i), self.labels.get(i)) for i in matching])
        wanted = f" of kind {', '.join(sorted(kinds))}" if kinds else ""
        if found:
            raise GraphkitError(f"{named} is {found[0]!r}, which is not{wanted}{self._hint(text, fits)}")
        raise GraphkitError(f"{named} is not a recorded id, name or alias{wanted}{self._hint(text, fits)}")

    def candidates(self, text: str) -> list[str]:
        """Ids `text` names exactly: the id itself, else every actor holding it as an alias or with its name key."""
        if text in self.labels:
            return [text]
        found = list(self.alias_owners.get(text) or ([self.aliases[text]] if text in self.aliases else []))
        key = normalise_name(text)
        found += [i for i in self.named.get(key, []) if i not in found] if key else []
        return found

    def _hint(self, text: str, fits) -> str:
        """' (did you mean 'x'?)' naming the id of the closest id, name or alias."""
        from rapidfuzz import fuzz, process

        choices: dict[str, str] = {" ".join(re.split(r"[-_\s]+", i)): i for i in self.labels if fits(i)}
        for key, owners in self.named.items():
            for owner in owners:
                if fits(owner):
                    choices.setdefault(key, owner)
        if not choices:
            return ""
        key = normalise_name(text) or text.casefold()
        hit = process.extractOne(key, list(choices), scorer=fuzz.token_set_ratio, score_cutoff=75)
        return f" (did you mean {choices[hit[0]]!r}?)" if hit else ""

    def find(self, label: str, name: str | None = None, identifiers: Iterable[str] = (),
             entity_id: str | None = None) -> tuple[str, str] | None:
        """(id, how) of the known actor: by id, by identifier alias, then by name key."""
        if entity_id and self.labels.get(entity_id) == label:
            return entity_id, "id"
        for ident in identifiers:
            found = self.aliases.get(ident)
            if found and self.labels.get(found) == label:
                return found, f"identifier {ident}"
        if name:
            key = normalise_name(name)
            found = self.keys.get((label, key))
            if found:
                how = "name" if self.names.get(found) == name else f"normalised name {key!r}"
                return found, how
        return None

    def ambiguous(self, label: str, name: str) -> bool:
        key = (label, normalise_name(name))
        return key in self.keys and self.keys[key] is None

    def free_id(self, base: str) -> str:
        """`base`, or `base-2`, `base-3` … when taken."""
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate


def _own(owners: dict[str, list[str]], key: str, entity_id: str) -> None:
    """Record `entity_id` among the owners of `key` (once)."""
    ids = owners.setdefault(key, [])
    if entity_id not in ids:
        ids.append(entity_id)


def several_actors(named: str, matches: list[tuple[str, str | None, str | None]]) -> GraphkitError:
    """The error for a text that names several actors, listing (id, name, label) of the first MAX_LISTED.

    >>> str(several_actors("'AC'", [("ac-one", "Audit Commission", "Organisation"), ("ac", "A C", "Person")]))
    "'AC' names 2 actors: ac-one (Audit Commission, Organisation), ac (A C, Person); give one id"
    """
    listed = ", ".join(f"{i} ({name}, {label})" for i, name, label in matches[:MAX_LISTED])
    return GraphkitError(f"{named} names {len(matches)} actors: {listed}; give one id")


# -- fuzzy suggestions ------------------------------------------------------------------------
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


ACTOR_LABELS = ("Organisation", "Person")


def find_duplicates(paths: list, threshold: float = 90.0, labels: Iterable[str] = ACTOR_LABELS) -> list[Candidate]:
    """Candidate duplicate actors in the dataset files under `paths` (merge decisions already applied)."""
    from ..dataset import read_dataset

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
