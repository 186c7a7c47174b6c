"""Where the one actor index (`resolve.index.ActorIndex`) is built from: dataset files, a store, a graph.

Every command that takes an actor (`show`, `add`, `merge`, `map --focus`, `analyse path|ego`,
`run --param`) names it the same way: by id, alias, or a name equal after normalisation;
a miss suggests the nearest actor, a shared name lists the candidates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..stores.dialect import list_property
from ..model.ontology import load_ontology
from ..errors import GraphkitError
from .index import ActorIndex, several_actors
from .names import is_identifier, normalise_name

if TYPE_CHECKING:
    import networkx as nx

    from ..dataset import Dataset
    from ..stores import Store

SMALL_DATASET_BYTES = 8 * 2**20  # above this, `add` looks ids up in the store instead of re-reading files
ENTITY_COLUMNS = ["id", "label", "kind", "name", "aliases"]
CONTRACT_COLUMNS = ["id", "kind", "name", "title", "value_gbp", "vat", "start_date", "procedure", "_file", "_line"]


@dataclass(frozen=True)
class Match:
    id: str
    label: str
    kind: str
    name: str


def dataset_actor_index(ds: "Dataset") -> ActorIndex:
    """The index of a dataset's entities (sources' ids count as taken)."""
    rows = ds.entities.select(ENTITY_COLUMNS).to_pylist()
    return ActorIndex.from_entities(rows, ds.sources.column("id").to_pylist())


def graph_actor_index(graph: "nx.MultiDiGraph") -> ActorIndex:
    """The index of a graph's nodes (as `analysis.store_graph` builds them)."""
    rows = [{"id": str(node), "label": props.get("label") or "", "kind": props.get("kind"),
             "name": props.get("name") or str(node), "aliases": list(props.get("aliases") or [])}
            for node, props in graph.nodes(data=True)]
    return ActorIndex.from_entities(rows)


def store_actor_index(store: "Store") -> ActorIndex:
    """The index of every entity in a store (one query per label)."""
    rows = []
    for label in load_ontology().labels:
        result = store.query(f"MATCH (n:{label}) RETURN n.id, n.kind, n.name, n.aliases")
        rows += [{"id": r[0], "label": label, "kind": r[1], "name": r[2] or r[0], "aliases": list(r[3] or [])}
                 for r in result.rows]
    return ActorIndex.from_entities(rows)


def find_in_graph(graph: "nx.MultiDiGraph", text: str, what: str = "") -> str:
    """The node id `text` names in `graph` (see `ActorIndex.lookup`)."""
    if text in graph:
        return text
    return graph_actor_index(graph).lookup(text, what=what)


def find_in_store(store: "Store", text: str, kinds: Iterable[str] = (), what: str = "") -> str:
    """The id `text` names in `store`: one query when it is an id (of one of `kinds`), else the whole index."""
    kinds = tuple(kinds)
    rows = store.query("MATCH (n) WHERE n.id = $id RETURN n.kind LIMIT 1", {"id": text}).rows  # not the whole node
    if rows and (not kinds or rows[0][0] in kinds):
        return text
    return store_actor_index(store).lookup(text, kinds, what=what)


@dataclass
class Index:
    """Actors and sources known to `graphkit add`: the dataset's, or the store's when the dataset is large."""

    actors: ActorIndex = field(default_factory=ActorIndex)
    sources: set[str] = field(default_factory=set)
    source_by_url: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    from_dataset: bool = True
    store: "Store | None" = None
    contracts: list[dict] = field(default_factory=list)  # id, name, title, buyers, suppliers (dataset only)
    digest: str | None = None  # what the dataset files held when the index was read (`Dataset.digest`)

    def find(self, text: str) -> Match | None:
        """The actor `text` names, or None; a name shared by several actors is an error."""
        if not self.from_dataset:
            return self._from_store(text)
        found = self.actors.candidates(text)
        if len(found) > 1:
            self.actors.lookup(text)  # raises, listing the candidates
        return self._match(found[0]) if found else None

    def require(self, text: str) -> Match:
        """The actor `text` names; a miss says what is nearest and how to add it."""
        if not self.from_dataset:
            found = self._from_store(text)
            if found is None:
                raise GraphkitError(f"{text!r} is not a recorded id, name or alias; "
                                    "add it first with `graphkit add entity`")
            return found
        return self._match(self.actors.lookup(text))

    def _match(self, entity_id: str) -> Match:
        a = self.actors
        return Match(entity_id, a.labels[entity_id], a.kinds.get(entity_id) or "", a.names.get(entity_id) or "")

    def has_source(self, source_id: str) -> bool:
        if source_id in self.sources:
            return True
        if self.from_dataset or self.store is None:
            return False
        label = load_ontology().source_label
        return bool(self.store.query(f"MATCH (s:{label} {{id: $t}}) RETURN s.id", {"t": source_id}).rows)

    def free_id(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.actors.taken or candidate in self.sources or (
                not self.from_dataset and self._stored_id(candidate)):
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _from_store(self, text: str) -> Match | None:
        """The stored actor `text` names (its id wins), or None; a name or alias of several is an error."""
        by_id = self._stored_id(text)  # a look-up by key in each table: names are read only for a name
        if by_id is not None:
            return by_id
        found = self._stored(text) or self._stored_by_key(text)
        exact = [m for m in found if m.id == text]
        if exact or len(found) < 2:
            return (exact or found or [None])[0]
        raise several_actors(repr(text), [(m.id, m.name, m.label) for m in found])

    def _stored_id(self, text: str) -> Match | None:
        """The stored actor whose id is `text`, or None."""
        if self.store is None or not text.strip():
            return None
        for label in load_ontology().labels:
            rows = self.store.query(f"MATCH (n:{label} {{id: $t}}) RETURN n.kind, n.name", {"t": text}).rows
            if rows:
                return Match(text, label, rows[0][0], rows[0][1])
        return None

    def _stored(self, text: str) -> list[Match]:
        """Every stored actor whose id, name (ignoring case) or alias is `text`."""
        if self.store is None or not text.strip():
            return []
        aliases = list_property(self.store.engine, "n.aliases")
        found: list[Match] = []
        for label in load_ontology().labels:
            rows = self.store.query(
                f"MATCH (n:{label}) WHERE n.id = $t OR toLower(n.name) = toLower($t) OR $t IN {aliases} "
                "RETURN n.id, n.kind, n.name", {"t": text}).rows
            found += [Match(r[0], label, r[1], r[2]) for r in rows]
        return found

    def _stored_by_key(self, text: str) -> list[Match]:
        """Stored actors whose name or alias normalises as `text` does, as the dataset's index matches them.

        Read among the actors whose name holds the key's longest word (one scan per label, as `_stored`).
        """
        key = normalise_name(text) if self.store is not None else ""
        if not key:
            return []
        word = max(key.split(), key=len)
        found: list[Match] = []
        for label in load_ontology().labels:
            rows = self.store.query(f"MATCH (n:{label}) WHERE toLower(n.name) CONTAINS $w "
                                    "RETURN n.id, n.kind, n.name, n.aliases", {"w": word}).rows
            found += [Match(r[0], label, r[1], r[2]) for r in rows
                      if key in {normalise_name(n) for n in (r[2], *(r[3] or [])) if n and not is_identifier(n)}]
        return found

    def stored_entity(self, store: "Store", label: str, entity_id: str) -> dict | None:
        rows = store.query(f"MATCH (n:{load_ontology().check_label(label)} {{id: $id}}) RETURN n", {"id": entity_id}).rows
        return rows[0][0] if rows else None

    def stored_link(self, store: "Store", rel_type: str, rid: str) -> dict | None:
        """The stored relationship of type `rel_type` with relationship id `rid`, or None."""
        rows = store.query(f"MATCH ()-[r:{load_ontology().check_type(rel_type)} {{rid: $rid}}]->() RETURN r",
                           {"rid": rid}).rows
        return rows[0][0] if rows else None


def build_index(dataset_dir: Path, store: "Store | None") -> Index:
    """Index of the dataset folder; of the store when the folder is too large to re-read per finding."""
    from ..dataset import dataset_files, read_dataset

    files = dataset_files([dataset_dir]) if dataset_dir.is_dir() else []
    names = [str(f) for f in files]
    if store is not None and sum(f.stat().st_size for f in files) > SMALL_DATASET_BYTES:
        return Index(files=names, from_dataset=False, store=store)
    if not files:
        return Index(files=names, store=store)
    ds = read_dataset(files)
    index = Index(actors=dataset_actor_index(ds), files=names, store=store, contracts=_contracts(ds), digest=ds.digest)
    for row in ds.sources.select(["id", "url"]).to_pylist():
        index.sources.add(row["id"])
        if row["url"]:
            index.source_by_url.setdefault(row["url"], row["id"])
    return index


def _contracts(ds: "Dataset") -> list[dict]:
    """Each contract with the ids of its buyers (COMMISSIONED) and suppliers (AWARDED_TO)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    contracts = ds.entities.filter(pc.equal(ds.entities.column("label"), "Contract"))
    rows = {r["id"]: {**r, "buyers": set(), "suppliers": set()}
            for r in contracts.select(CONTRACT_COLUMNS).to_pylist()}
    kinds = pa.array(["COMMISSIONED", "AWARDED_TO"], pa.string())
    links = ds.relationships.filter(pc.is_in(ds.relationships.column("type"), value_set=kinds))
    for link in links.select(["source", "type", "target"]).to_pylist():
        if link["type"] == "COMMISSIONED" and link["target"] in rows:
            rows[link["target"]]["buyers"].add(link["source"])
        elif link["type"] == "AWARDED_TO" and link["source"] in rows:
            rows[link["source"]]["suppliers"].add(link["target"])
    return list(rows.values())
