"""The vocabulary the code reads from ontology.yaml: kind groups, kinds by name, map styles, FtM schemata.

Every kind, label and relationship type named here must exist in the ontology; a wrong one
is a one-line error naming the entry.

>>> from graphkit.model.ontology import load_ontology
>>> onto = load_ontology()
>>> "pilot_area" in onto.group("public"), onto.kind("supplier")
(True, 'company')
>>> onto.kind_from_name("London Borough of Merton", "public_body")
'council'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


class OntologyError(ValueError):
    """An ontology.yaml entry that names something the ontology does not hold."""


@dataclass(frozen=True)
class Family:
    """A colour family of the map: its key, the words for the key, its colour, its kinds."""

    key: str
    title: str
    colour: str
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapStyle:
    shapes: dict[str, str]
    organisation_families: tuple[Family, ...]
    other_organisations: Family
    label_families: dict[str, Family]
    relationship_colours: dict[str, str]
    structure_colour: str


@dataclass(frozen=True)
class FtmExportRule:
    label: str
    schema: str
    kinds: tuple[str, ...] | None = None  # None: every kind of the label


@dataclass(frozen=True)
class FtmImport:
    label: str
    kind: str
    by_name: bool = False  # the kind may come from the name (kinds_by_name), `kind` the default
    descendants: bool = False  # also every schema that extends this one


@dataclass(frozen=True)
class FtmLink:
    type: str
    schema: str
    start: str
    end: str
    role: str | None = None


@dataclass(frozen=True)
class FtmMapping:
    export: tuple[FtmExportRule, ...] = ()
    kept_schemata: dict[str, frozenset[str]] = field(default_factory=dict)
    imports: dict[str, FtmImport] = field(default_factory=dict)
    links: tuple[FtmLink, ...] = ()

    def export_schema(self, label: str, kind: str | None) -> str | None:
        """The FtM schema an entity of this label and kind is written as (None: no counterpart)."""
        for rule in self.export:
            if rule.label == label and (rule.kinds is None or kind in rule.kinds):
                return rule.schema
        return None

    def import_spec(self, schema) -> FtmImport | None:
        """The label and kind an FtM schema (a followthemoney Schema) is imported as; None: no counterpart."""
        if schema.name in self.imports:
            return self.imports[schema.name]
        return next((spec for name, spec in self.imports.items() if spec.descendants and schema.is_a(name)), None)

    @property
    def fallback_link(self) -> FtmLink:
        """The last link: what any other relationship type is exported as, and the link of unstated nature."""
        return self.links[-1]

    def link_by_schema(self, schema: str) -> FtmLink | None:
        return next((link for link in self.links if link.schema == schema), None)

    def link_by_type(self, rtype: str) -> FtmLink:
        return next((link for link in self.links if link.type == rtype), self.fallback_link)


@dataclass(frozen=True)
class Vocabulary:
    actor_labels: tuple[str, ...] = ()
    kind_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds_by_name: tuple[tuple[re.Pattern, str], ...] = ()
    map: MapStyle | None = None
    ftm: FtmMapping = field(default_factory=FtmMapping)


class _Checker:
    """Checks names against the ontology's labels, kinds and relationship types."""

    def __init__(self, labels: dict, relationships: dict):
        self.labels = labels
        self.relationships = relationships
        self.kinds = {k for spec in labels.values() for k in spec.kinds}

    def kind(self, kind, where: str, label: str | None = None) -> str:
        allowed = self.labels[label].kinds if label else self.kinds
        if kind not in allowed:
            of = f" of {label}" if label else ""
            raise OntologyError(f"ontology: {where} names unknown kind{of} {kind!r}")
        return kind

    def kinds_of(self, raw, where: str, label: str | None = None) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw:
            raise OntologyError(f"ontology: {where} must be a non-empty list of kinds")
        return tuple(self.kind(k, where, label) for k in raw)

    def label(self, label, where: str) -> str:
        if label not in self.labels:
            raise OntologyError(f"ontology: {where} names unknown label {label!r}")
        return label

    def rel_type(self, rtype, where: str) -> str:
        if rtype not in self.relationships:
            raise OntologyError(f"ontology: {where} names unknown relationship type {rtype!r}")
        return rtype


def _need(raw: dict, key: str, where: str):
    if not isinstance(raw, dict) or key not in raw:
        raise OntologyError(f"ontology: {where} lacks {key!r}")
    return raw[key]


def _kinds_by_name(raw: list, check: _Checker) -> tuple[tuple[re.Pattern, str], ...]:
    rules = []
    for i, rule in enumerate(raw or []):
        where = f"kinds_by_name[{i}]"
        try:
            pattern = re.compile(_need(rule, "pattern", where), re.I)
        except re.error as err:
            raise OntologyError(f"ontology: {where} has a bad pattern: {err}") from None
        rules.append((pattern, check.kind(_need(rule, "kind", where), where, "Organisation")))
    return tuple(rules)


def _family(raw: dict, where: str, check: _Checker, kinds: bool) -> Family:
    found = tuple(check.kinds_of(_need(raw, "kinds", where), where, "Organisation")) if kinds else ()
    return Family(str(_need(raw, "key", where)), str(_need(raw, "title", where)), str(_need(raw, "colour", where)),
                  found)


def _map_style(raw: dict | None, check: _Checker) -> MapStyle | None:
    if not raw:
        return None
    shapes = {check.label(k, "map.shapes"): str(v) for k, v in (raw.get("shapes") or {}).items()}
    families = tuple(_family(f, f"map.organisation_families[{i}]", check, True)
                     for i, f in enumerate(raw.get("organisation_families") or []))
    labels = {check.label(k, f"map.label_families.{k}"): _family(v, f"map.label_families.{k}", check, False)
              for k, v in (raw.get("label_families") or {}).items()}
    colours = {check.rel_type(k, "map.relationship_colours"): str(v)
               for k, v in (raw.get("relationship_colours") or {}).items()}
    other = _family(_need(raw, "other_organisations", "map"), "map.other_organisations", check, False)
    return MapStyle(shapes, families, other, labels, colours, str(_need(raw, "structure_colour", "map")))


def _ftm(raw: dict | None, check: _Checker, groups: dict[str, tuple[str, ...]]) -> FtmMapping:
    raw = raw or {}
    rules = []
    for i, rule in enumerate(raw.get("export") or []):
        where = f"ftm.export[{i}]"
        label = check.label(_need(rule, "label", where), where)
        kinds = None
        if "group" in rule:
            if rule["group"] not in groups:
                raise OntologyError(f"ontology: {where} names unknown kind group {rule['group']!r}")
            kinds = groups[rule["group"]]
        elif "kinds" in rule:
            kinds = check.kinds_of(rule["kinds"], where, label)
        rules.append(FtmExportRule(label, str(_need(rule, "schema", where)), kinds))
    kept = {check.label(k, "ftm.kept_schemata"): frozenset(v) for k, v in (raw.get("kept_schemata") or {}).items()}
    imports = {}
    for schema, spec in (raw.get("import") or {}).items():
        where = f"ftm.import.{schema}"
        label = check.label(_need(spec, "label", where), where)
        imports[schema] = FtmImport(label, check.kind(_need(spec, "kind", where), where, label),
                                    bool(spec.get("by_name", False)), bool(spec.get("descendants", False)))
    links = tuple(FtmLink(check.rel_type(_need(link, "type", f"ftm.links[{i}]"), f"ftm.links[{i}]"),
                          *(str(_need(link, k, f"ftm.links[{i}]")) for k in ("schema", "start", "end")),
                          link.get("role"))
                  for i, link in enumerate(raw.get("links") or []))
    return FtmMapping(tuple(rules), kept, imports, links)


def parse_vocabulary(raw: dict, labels: dict, relationships: dict) -> Vocabulary:
    """The vocabulary sections of a parsed ontology.yaml, each name checked against `labels` and `relationships`."""
    check = _Checker(labels, relationships)
    actors = tuple(check.label(lab, "actor_labels") for lab in raw.get("actor_labels") or [])
    groups = {str(name): check.kinds_of(kinds, f"kind_groups.{name}")
              for name, kinds in (raw.get("kind_groups") or {}).items()}
    return Vocabulary(actor_labels=actors, kind_groups=groups,
                      kinds_by_name=_kinds_by_name(raw.get("kinds_by_name"), check),
                      map=_map_style(raw.get("map"), check), ftm=_ftm(raw.get("ftm"), check, groups))
