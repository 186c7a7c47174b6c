"""Find recorded actors by id, name or alias: from the dataset files, or from a large store."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dataset import dataset_files, read_dataset
from .dataset.checks import suggest
from .dialect import list_property
from .ontology import load_ontology
from .problems import GraphkitError
from .stores import Store

SMALL_DATASET_BYTES = 8 * 2**20  # above this, `add` looks ids up in the store instead of re-reading files


@dataclass(frozen=True)
class Match:
    id: str
    label: str
    kind: str
    name: str


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class Index:
    """Actors and sources known so far, looked up by id, name or alias."""

    matches: dict[str, Match] = field(default_factory=dict)  # id and normalised names/aliases
    sources: set[str] = field(default_factory=set)
    source_by_url: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    from_dataset: bool = True
    store: Store | None = None

    def find(self, text: str) -> Match | None:
        return self.matches.get(text) or self.matches.get(_key(text)) or self._from_store(text)

    def has_source(self, source_id: str) -> bool:
        if source_id in self.sources:
            return True
        if self.from_dataset or self.store is None:
            return False
        label = load_ontology().source_label
        return bool(self.store.query(f"MATCH (s:{label} {{id: $t}}) RETURN s.id", {"t": source_id}).rows)

    def require(self, text: str) -> Match:
        found = self.find(text)
        if found:
            return found
        hint = suggest(text, [m.id for m in self.matches.values()]) if self.matches else ""
        raise GraphkitError(f"{text!r} is not a recorded id, name or alias{hint}; add it first with `graphkit add entity`")

    def free_id(self, base: str) -> str:
        candidate, n = base, 2
        while self.find(candidate) or candidate in self.sources:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _from_store(self, text: str) -> Match | None:
        if self.from_dataset or self.store is None or not text.strip():
            return None
        onto = load_ontology()
        aliases = list_property(self.store.engine, "n.aliases")
        for label in onto.labels:
            rows = self.store.query(
                f"MATCH (n:{label}) WHERE n.id = $t OR toLower(n.name) = toLower($t) OR $t IN {aliases} "
                "RETURN n.id, n.kind, n.name LIMIT 1", {"t": text}).rows
            if rows:
                return Match(rows[0][0], label, rows[0][1], rows[0][2])
        return None

    def stored_entity(self, store: Store, label: str, entity_id: str) -> dict | None:
        rows = store.query(f"MATCH (n:{load_ontology().check_label(label)} {{id: $id}}) RETURN n", {"id": entity_id}).rows
        return rows[0][0] if rows else None


def build_index(dataset_dir: Path, store: Store | None) -> Index:
    """Index of the dataset folder; of the store when the folder is too large to re-read per finding."""
    files = dataset_files([dataset_dir]) if dataset_dir.is_dir() else []
    size = sum(f.stat().st_size for f in files)
    if store is not None and size > SMALL_DATASET_BYTES:
        return _store_index(store, [str(f) for f in files])
    ds = read_dataset(files) if files else None
    index = Index(files=[str(f) for f in files], store=store)
    if ds is None:
        return index
    for row in ds.entities.select(["id", "label", "kind", "name", "aliases"]).to_pylist():
        m = Match(row["id"], row["label"], row["kind"], row["name"])
        index.matches[row["id"]] = m
        for text in [row["name"], *(row["aliases"] or [])]:
            index.matches.setdefault(_key(text), m)
    for row in ds.sources.select(["id", "url"]).to_pylist():
        index.sources.add(row["id"])
        if row["url"]:
            index.source_by_url.setdefault(row["url"], row["id"])
    return index


def _store_index(store: Store, files: list[str]) -> Index:
    index = Index(files=files, from_dataset=False, store=store)
    return index
