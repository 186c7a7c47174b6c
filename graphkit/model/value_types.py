"""The field types of the ontology, each declared once with every spelling it has.

A field of ontology.yaml names one of these types (or one of the ontology's `enums`, a
string of a fixed set of values). Each type carries its check (which cleans a value or
raises ValueError), its Python type for the record models, its Arrow type for the
dataset tables, its Ladybug column type, its Neo4j property type, its neo4j-admin header
type and how a value read back from a store becomes the dataset's value.

>>> value_type("number").arrow, value_type("number").ladybug, value_type("number").neo4j_admin
(DataType(double), 'DOUBLE', 'double')
>>> value_type("list").check(["  Tribal "]), value_type("date").check(2010)
(['Tribal'], '2010')
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Callable

from . import values

if TYPE_CHECKING:  # Arrow is imported when a type's Arrow spelling is first asked for: checks and stores need none
    import pyarrow as pa


@lru_cache(maxsize=None)
def arrow_type(name: str) -> pa.DataType:
    """The Arrow type of this spelling: a pyarrow type factory's name, or `list` (a list of strings).

    >>> arrow_type("float64"), arrow_type("list")
    (DataType(double), ListType(list<item: string>))
    """
    import pyarrow as pa

    return pa.list_(pa.string()) if name == "list" else getattr(pa, name)()


def __getattr__(name: str):  # `STR_LIST` (Arrow's list of strings) without importing Arrow before it is used
    if name == "STR_LIST":
        return arrow_type("list")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _same(value: Any) -> Any:
    return value


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _check_list(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)):
        raise ValueError("must be a list")
    return [values.check_text(item) for item in value]


@dataclass(frozen=True)
class ValueType:
    """One field type: how it is checked and how every layer spells it."""

    name: str
    python: type  # the value once checked: str, float, bool or list
    check: Callable[[Any], Any]  # cleans one value, raises ValueError
    arrow_name: str  # its Arrow type (`arrow_type`): a pyarrow factory's name, or `list`
    ladybug: str  # column type of the embedded store (lists are kept as marked text)
    neo4j: str  # Cypher property type on Neo4j
    neo4j_admin: str | None = None  # header type of `neo4j-admin database import` (None: plain string)
    from_store: Callable[[Any], Any] = _same  # a value as a store returns it -> the dataset's value

    @property
    def arrow(self) -> pa.DataType:
        """Its type in the dataset tables."""
        return arrow_type(self.arrow_name)

    def annotation(self, enum: tuple[str, ...] | None = None) -> Any:
        """The pydantic annotation of a field of this type (an enum: its values as a Literal)."""
        from typing import Annotated, Literal

        from pydantic import BeforeValidator

        if enum:
            return Literal[enum]
        if self.python is bool:
            return bool
        if self.python is list:
            return list[Annotated[str, BeforeValidator(values.check_text)]]
        return Annotated[self.python, BeforeValidator(self.check)]


_TEXT = dict(python=str, arrow_name="string", ladybug="STRING", neo4j="STRING")
REGISTRY: dict[str, ValueType] = {t.name: t for t in (
    ValueType("string", check=values.check_text, **_TEXT),
    ValueType("text", check=partial(values.check_text, limit=values.MAX_TEXT), **_TEXT),
    ValueType("date", check=values.check_date, **_TEXT),
    ValueType("url", check=values.check_url, **_TEXT),
    ValueType("number", python=float, check=values.check_amount, arrow_name="float64", ladybug="DOUBLE", neo4j="FLOAT",
              neo4j_admin="double", from_store=_float),
    ValueType("bool", python=bool, check=_check_bool, arrow_name="bool_", ladybug="BOOLEAN", neo4j="BOOLEAN",
              neo4j_admin="boolean"),
    ValueType("list", python=list, check=_check_list, arrow_name="list", ladybug="STRING", neo4j="LIST<STRING>",
              neo4j_admin="string[]"),
)}
# A field typed by one of the ontology's enums is a string of a fixed set of values.
ENUM = ValueType("enum", check=values.check_text, **_TEXT)


def value_type(name: str) -> ValueType:
    """The registered type of this name; any other name is an enum of the ontology (stored as a string)."""
    return REGISTRY.get(name, ENUM)


def known_type(name: str, enums) -> bool:
    """Whether a field of ontology.yaml may have this type: a registered one or one of the ontology's enums."""
    return name in REGISTRY or name in enums
