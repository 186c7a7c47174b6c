"""The few Cypher spellings that differ between Neo4j and Ladybug."""
from __future__ import annotations


def rel_type(engine: str, var: str) -> str:
    """The expression giving a relationship's type: type(r) on Neo4j, label(r) on Ladybug."""
    return f"label({var})" if engine == "ladybug" else f"type({var})"


def node_label(engine: str, var: str) -> str:
    """A node's single label: labels(n)[0] on Neo4j; Ladybug's labels(n) is already a string."""
    return f"labels({var})" if engine == "ladybug" else f"labels({var})[0]"
