"""The ontology: labels, kinds and relationship types, read from ontology.yaml.

>>> onto = load_ontology()
>>> "Organisation" in onto.labels and "AWARDED_TO" in onto.relationships
True
>>> onto.allows("Contract", "AWARDED_TO", "Organisation")
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .value_types import known_type
from .vocabulary import OntologyError, Vocabulary, parse_vocabulary


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False


@dataclass(frozen=True)
class LabelSpec:
    name: str
    description: str
    kinds: tuple[str, ...]
    fields: dict[str, FieldSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class RelTypeSpec:
    name: str
    description: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(a, b) for a in self.from_labels for b in self.to_labels]


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per file read
class Ontology:
    labels: dict[str, LabelSpec]
    relationships: dict[str, RelTypeSpec]
    node_fields: dict[str, FieldSpec]
    relationship_fields: dict[str, FieldSpec]
    source_label: str
    source_fields: dict[str, FieldSpec]
    enums: dict[str, tuple[str, ...]]
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    @property
    def actor_labels(self) -> tuple[str, ...]:
        """Labels whose nodes are actors (they pay, receive, advise).

        >>> load_ontology().actor_labels
        ('Organisation', 'Person')
        """
        return self.vocabulary.actor_labels

    def group(self, name: str) -> tuple[str, ...]:
        """The kinds of a kind group of ontology.yaml.

        >>> load_ontology().group("ceilings")
        ('framework_agreement', 'dynamic_purchasing_system')
        """
        try:
            return self.vocabulary.kind_groups[name]
        except KeyError:
            raise OntologyError(f"ontology: no kind group {name!r} in kind_groups") from None

    def kind(self, role: str) -> str:
        """The one kind of a kind group that names a role (`buyer`, `supplier`, `contract` …).

        >>> load_ontology().kind("contract")
        'contract'
        """
        kinds = self.group(role)
        if len(kinds) != 1:
            raise OntologyError(f"ontology: kind group {role!r} holds {len(kinds)} kinds, not one")
        return kinds[0]

    def kind_from_name(self, name: str | None, default: str) -> str:
        """An organisation's kind from words in its name (kinds_by_name; first match wins), else `default`."""
        for pattern, kind in self.vocabulary.kinds_by_name:
            if name and pattern.search(name):
                return kind
        return default

    def allows(self, from_label: str, rel_type: str, to_label: str) -> bool:
        spec = self.relationships.get(rel_type)
        return bool(spec) and from_label in spec.from_labels and to_label in spec.to_labels

    @property
    def extra_node_fields(self) -> dict[str, FieldSpec]:
        """Label-specific fields of all labels, in declaration order (union)."""
        merged: dict[str, FieldSpec] = {}
        for spec in self.labels.values():
            for name, fs in spec.fields.items():
                merged.setdefault(name, fs)
        return merged

    @property
    def all_labels(self) -> list[str]:
        """Entity labels plus the source label: every node table there is."""
        return [*self.labels, self.source_label]

    def check_label(self, label: str) -> str:
        """Return label if it is in the allow-list; raise otherwise (guards Cypher text)."""
        if label not in self.labels and label != self.source_label:
            raise ValueError(f"unknown label {label!r}")
        return label

    def check_type(self, rel_type: str) -> str:
        """Return rel_type if it is in the allow-list; raise otherwise (guards Cypher text)."""
        if rel_type not in self.relationships:
            raise ValueError(f"unknown relationship type {rel_type!r}")
        return rel_type


def _fields(raw: dict | None, enums: dict) -> dict[str, FieldSpec]:
    out = {}
    for name, spec in (raw or {}).items():
        if not known_type(spec["type"], enums):
            raise ValueError(f"ontology: field {name!r} has unknown type {spec['type']!r}")
        out[name] = FieldSpec(name, spec["type"], bool(spec.get("required", False)))
    return out


def parse_ontology(raw: dict) -> Ontology:
    enums = {k: tuple(v) for k, v in raw.get("enums", {}).items()}
    labels = {
        name: LabelSpec(name, spec.get("description", ""), tuple(spec["kinds"]), _fields(spec.get("fields"), enums))
        for name, spec in raw["labels"].items()
    }
    rels = {}
    for name, spec in raw["relationships"].items():
        ends = [tuple(labels) if spec[k] == "*" else tuple(spec[k]) for k in ("from", "to")]
        for lab in ends[0] + ends[1]:
            if lab not in labels:
                raise ValueError(f"ontology: relationship {name} names unknown label {lab!r}")
        rels[name] = RelTypeSpec(name, spec.get("description", ""), ends[0], ends[1])
    return Ontology(
        vocabulary=parse_vocabulary(raw, labels, rels),
        labels=labels,
        relationships=rels,
        node_fields=_fields(raw["node_fields"], enums),
        relationship_fields=_fields(raw["relationship_fields"], enums),
        source_label=raw.get("source_label", "Source"),
        source_fields=_fields(raw.get("source_fields"), enums),
        enums=enums,
    )


def _shipped_text() -> str:
    return resources.files("graphkit.model").joinpath("ontology.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def load_ontology(path: str | None = None) -> Ontology:
    """Read the ontology shipped with the package, or the file at `path`."""
    text = Path(path).read_text(encoding="utf-8") if path else _shipped_text()
    return parse_ontology(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))  # noqa: S506 - safe loader (libyaml)
