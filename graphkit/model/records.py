"""Pydantic models built from the ontology: they validate every single record."""
from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from . import values
from .ontology import Ontology, load_ontology
from .value_types import value_type

Id = Annotated[str, AfterValidator(values.check_id)]


class Citation(BaseModel):
    """A claim's evidence: a source id and a short verbatim quote."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Id
    quote: Annotated[str, BeforeValidator(lambda v: values.check_text(v, values.MAX_QUOTE)), Field(min_length=1)]

    @classmethod
    def of(cls, source: str, quote: object) -> Citation:
        """An importer's citation: the quote made text the dataset accepts ("-" when it says nothing).

        Built without a second validation, since importers make one per claim; the dataset
        validates every citation when it is read.

        >>> Citation.of("s1", "  Tribal won the award ").record()
        {'source': 's1', 'quote': 'Tribal won the award'}
        >>> Citation.of("s1", "   ").quote
        '-'
        """
        return cls.model_construct(source=source, quote=values.clean_text(quote, values.MAX_QUOTE) or "-")

    def record(self) -> dict:
        """The citation as a dataset record holds it."""
        return {"source": self.source, "quote": self.quote}


def _annotation(onto: Ontology, ftype: str) -> Any:
    return value_type(ftype).annotation(onto.enums.get(ftype))


def _field_defs(onto: Ontology, specs: dict) -> dict[str, tuple]:
    defs = {}
    for name, fs in specs.items():
        ann = _annotation(onto, fs.type)
        defs[name] = (ann, ...) if fs.required else (ann | None, None)
    return defs


_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True)


@lru_cache(maxsize=64)
def entity_model(label: str, onto: Ontology | None = None) -> type[BaseModel]:
    """The model of one entity label, e.g. entity_model("Contract")."""
    onto = onto or load_ontology()
    spec = onto.labels[label]
    defs = {
        "id": (Id, ...),
        "label": (Literal[label], ...),
        "kind": (Literal[spec.kinds], ...),
        **_field_defs(onto, onto.node_fields),
        **_field_defs(onto, spec.fields),
        "sources": (list[Citation], Field(min_length=1)),
    }
    return create_model(f"{label}Record", __config__=_CONFIG, **defs)


@lru_cache(maxsize=4)
def relationship_model(onto: Ontology | None = None) -> type[BaseModel]:
    onto = onto or load_ontology()
    defs = {
        "id": (Id | None, None),
        "source": (Id, ...),
        "type": (Literal[tuple(onto.relationships)], ...),
        "target": (Id, ...),
        **_field_defs(onto, onto.relationship_fields),
        "sources": (list[Citation], Field(min_length=1)),
    }
    return create_model("RelationshipRecord", __config__=_CONFIG, **defs)


@lru_cache(maxsize=4)
def source_model(onto: Ontology | None = None) -> type[BaseModel]:
    onto = onto or load_ontology()
    defs = {"id": (Id, ...), **_field_defs(onto, onto.source_fields)}
    return create_model("SourceRecord", __config__=_CONFIG, **defs)


def describe_error(err: dict) -> tuple[str, str]:
    """A pydantic error as (field, message) in the project's words.

    >>> describe_error({"loc": ("vat",), "type": "literal_error", "msg": "", "input": "maybe",
    ...                 "ctx": {"expected": "'excluded', 'included' or 'unknown'"}})
    ('vat', "'maybe' must be one of 'excluded', 'included', 'unknown'")
    """
    loc = [str(p) for p in err["loc"]]
    field = ".".join(loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        msg = (f"{err['input']!r} is not a known relationship type" if field == "type"
               else f"{err['input']!r} must be one of {expected.replace(' or ', ', ')}")
    elif err["type"] in ("too_short", "string_too_short"):
        msg = "is required: every claim cites a source with a quote" if field == "sources" else "is empty"
    elif err["type"] == "extra_forbidden":
        msg = "is not a known field"
    elif err["type"] == "missing":
        msg = "is required"
    return field, msg
