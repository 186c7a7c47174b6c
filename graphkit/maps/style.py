"""How the map encodes the data: colour and shape by label and kind, widths and sizes by money."""
from __future__ import annotations

import math
from functools import lru_cache

from ..model.ontology import Ontology, load_ontology


@lru_cache(maxsize=4)
def _families(onto: Ontology) -> tuple[dict[str, tuple[str, str, str]], tuple[str, str, str], list[str]]:
    """(kind -> family, the family of other organisations, the order of the key) from the ontology's `map`."""
    spec = onto.vocabulary.map
    by_kind = {kind: (f.key, f.title, f.colour) for f in spec.organisation_families for kind in f.kinds}
    other = spec.other_organisations
    order = [f.key for f in spec.organisation_families] + [other.key] + [f.key for f in spec.label_families.values()]
    return by_kind, (other.key, other.title, other.colour), order


def __getattr__(name: str):
    """SHAPES (label -> vis-network shape) and FAMILY_ORDER (the key's order), read from the ontology."""
    if name == "SHAPES":
        return load_ontology().vocabulary.map.shapes
    if name == "FAMILY_ORDER":
        return _families(load_ontology())[2]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def family(label: str, kind: str | None) -> tuple[str, str, str]:
    """(key, words for the key, colour) of the family a node belongs to.

    >>> family("Organisation", "consultancy")
    ('consultancies', 'consultancies', '#d62f2f')
    """
    onto = load_ontology()
    if label == "Organisation":
        by_kind, other, _ = _families(onto)
        return by_kind.get(kind or "", other)
    found = onto.vocabulary.map.label_families.get(label)
    return (found.key, found.title, found.colour) if found else (label.lower(), words(label), "#999999")


def node_colour(label: str, kind: str | None) -> str:
    return family(label, kind)[2]


MONEY_TYPES = ("PAID", "FUNDS", "AWARDED_TO", "COMMISSIONED")
VAT_WORDS = {"excluded": "ex VAT", "included": "inc VAT"}


def edge_colour(rtype: str) -> str:
    """The colour of a relationship type on the map (ontology `map.relationship_colours`).

    >>> edge_colour("PAID"), edge_colour("PART_OF")
    ('#c0392b', '#9aa5b1')
    """
    spec = load_ontology().vocabulary.map
    return spec.relationship_colours.get(rtype, spec.structure_colour)


def words(name: str | None) -> str:
    """'AWARDED_TO' -> 'awarded to', 'pilot_area' -> 'pilot area'."""
    return (name or "").replace("_", " ").lower()


def money_short(amount: float) -> str:
    """£218k, £1.2m, £5m, £950.

    >>> money_short(218000), money_short(1_250_000), money_short(5e6), money_short(950), money_short(2.5e9)
    ('£218k', '£1.2m', '£5m', '£950', '£2.5bn')
    >>> money_short(540e6), money_short(130e6), money_short(20e6), money_short(100e3)
    ('£540m', '£130m', '£20m', '£100k')
    """
    for limit, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(amount) >= limit:
            value = amount / limit
            text = f"{value:.1f}".removesuffix(".0") if value < 100 else f"{value:.0f}"
            return f"£{text}{suffix}"
    return f"£{amount:,.0f}"


def money_full(amount: float, vat: str | None = None) -> str:
    """£218,000 ex VAT.

    >>> money_full(218000, "excluded"), money_full(99.5, None)
    ('£218,000 ex VAT', '£99.50 (VAT basis unknown)')
    """
    text = f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"
    return f"{text} {VAT_WORDS[vat]}" if vat in VAT_WORDS else f"{text} (VAT basis unknown)"


def vat_short(vat: str | None) -> str:
    return VAT_WORDS.get(vat or "", "")


def node_size(received: float, max_received: float, degree: int, max_degree: int) -> float:
    """Money received sets the size; actors without money are sized by their number of links."""
    if received > 0 and max_received > 0:
        return round(18 + 24 * math.sqrt(received / max_received), 1)
    return round(9 + 14 * (degree / max(max_degree, 1)) ** 0.75, 1)


def weight(received: float, max_received: float, degree: int, max_degree: int) -> float:
    """How much a node matters on the map, 0 to 1: its share of the money, or of the links.

    >>> weight(50, 200, 1, 10), weight(0, 200, 10, 10)
    (0.5, 1.0)
    """
    money = math.sqrt(received / max_received) if received > 0 and max_received > 0 else 0.0
    links = (degree / max(max_degree, 1)) ** 0.75
    return round(max(money, links), 3)


def edge_width(amount: float | None, max_amount: float) -> float:
    if not amount or max_amount <= 0:
        return 1.2
    return round(2 + 6 * math.sqrt(amount / max_amount), 2)


def short_label(text: str, limit: int = 36) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
