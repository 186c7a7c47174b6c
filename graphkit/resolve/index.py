"""The one index of known actors: by id, alias and name key; every command finds an actor through it.

Where an index is built from (dataset files, a store, a graph) is `resolve.sources`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..errors import GraphkitError
from .names import is_identifier, normalise_name, normalise_names

MAX_LISTED = 10  # an error naming several actors lists this many


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
