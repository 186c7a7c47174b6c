"""The few Cypher spellings that differ between Neo4j and Ladybug."""
from __future__ import annotations


def rel_type(engine: str, var: str) -> str:
    """The expression giving a relationship's type: type(r) on Neo4j, label(r) on Ladybug."""
    return f"label({var})" if engine == "ladybug" else f"type({var})"


def node_label(engine: str, var: str) -> str:
    """A node's single label: labels(n)[0] on Neo4j; Ladybug's labels(n) is already a string."""
    return f"labels({var})" if engine == "ladybug" else f"labels({var})[0]"


def list_property(engine: str, expr: str) -> str:
    """A list property usable as a list inside a query. Ladybug keeps lists as text whose items each end
    in U+001F (see stores/list_text.py), so the split ends with one empty item: fine for IN, mind it in size().
    Results need nothing: both engines return the property as a list."""
    return f"string_split({expr}, '\\u001f')" if engine == "ladybug" else expr
