"""The kind of an organisation from words in its name, for importers whose sources give none.

The rules are the ontology's `kinds_by_name` (graphkit/model/ontology.yaml): first match wins.
"""
from __future__ import annotations

from ..model.ontology import load_ontology


def organisation_kind(name: str | None, default: str) -> str:
    """A kind from the name, else `default`.

    >>> organisation_kind("London Borough of Merton", "public_body"), organisation_kind("Acme Ltd", "company")
    ('council', 'company')
    """
    return load_ontology().kind_from_name(name, default)
