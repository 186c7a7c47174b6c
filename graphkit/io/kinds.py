"""The kind of an organisation from words in its name, for importers whose sources give none."""
from __future__ import annotations

import re

# First match wins. Checked against the organisation's name only.
ORGANISATION_KINDS = [
    (r"\b(nhs|health|hospital|clinical commissioning|ambulance)\b", "health_body"),
    (r"\b(police|constabulary)\b", "police"),
    (r"\bfire\b", "fire_service"),
    (r"\b(council|borough|county|city of|combined authority)\b", "council"),
    (r"\b(university|college)\b", "academic_institute"),
    (r"\b(department|ministry|cabinet office|home office|treasury)\b", "government_department"),
    (r"\b(union|unison|unite|gmb)\b", "union"),
    (r"\b(charity|charitable|foundation)\b", "charity"),
]
_COMPILED = [(re.compile(p, re.I), k) for p, k in ORGANISATION_KINDS]


def organisation_kind(name: str | None, default: str) -> str:
    """A kind from the name, else `default`.

    >>> organisation_kind("London Borough of Merton", "public_body"), organisation_kind("Acme Ltd", "company")
    ('council', 'company')
    """
    for pattern, kind in _COMPILED:
        if name and pattern.search(name):
            return kind
    return default
