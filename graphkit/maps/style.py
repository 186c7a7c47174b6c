"""How the map encodes the data: colour and shape by label and kind, widths and sizes by money."""
from __future__ import annotations

import math

SHAPES = {
    "Organisation": "dot",
    "Person": "triangle",
    "Programme": "hexagon",
    "Report": "square",
    "Contract": "diamond",
    "FOIRequest": "triangleDown",
    "Place": "star",
}

# Colour families: who buys, who sells, who shapes opinion, who objects. The key lists families,
# not every kind, so it stays short; the details panel names the exact kind.
ORG_FAMILIES = [
    ("pilots", "pilot areas", "#15b0a3", ("pilot_area",)),
    ("councils", "councils and partnerships", "#0f7c80", ("council", "partnership")),
    ("government", "government and public bodies", "#1f4e9c", ("government_department", "public_body", "regional_body")),
    ("services", "health, police and fire", "#6aa6de", ("health_body", "police", "fire_service")),
    ("consultancies", "consultancies", "#d62f2f", ("consultancy",)),
    ("companies", "companies", "#f0652f", ("company",)),
    ("thinkers", "think tanks, academics, professional bodies", "#7b3fa8",
     ("think_tank", "academic_institute", "professional_body", "membership_body")),
    ("unions", "unions, campaigns and charities", "#2e8b3a", ("union", "campaign_group", "charity")),
    ("media", "media and websites", "#9a8f2b", ("media", "website")),
]
OTHER_ORGS = ("organisations", "other organisations", "#999999")
LABEL_FAMILIES = {
    "Person": ("people", "people", "#4a4a4a"),
    "Programme": ("programmes", "programmes, policies and initiatives", "#d9a300"),
    "Report": ("documents", "reports, articles and other documents", "#8a97a8"),
    "Contract": ("contracts", "contracts, awards and frameworks", "#f29a2e"),
    "FOIRequest": ("foi", "FOI requests", "#8b5a2b"),
    "Place": ("places", "places", "#7fae7a"),
}
_BY_KIND = {kind: (key, text, colour) for key, text, colour, kinds in ORG_FAMILIES for kind in kinds}
FAMILY_ORDER = [key for key, *_ in ORG_FAMILIES] + [OTHER_ORGS[0]] + [f[0] for f in LABEL_FAMILIES.values()]


def family(label: str, kind: str | None) -> tuple[str, str, str]:
    """(key, words for the key, colour) of the family a node belongs to.

    >>> family("Organisation", "consultancy")
    ('consultancies', 'consultancies', '#d62f2f')
    """
    if label == "Organisation":
        return _BY_KIND.get(kind or "", OTHER_ORGS)
    return LABEL_FAMILIES.get(label, (label.lower(), words(label), "#999999"))


def node_colour(label: str, kind: str | None) -> str:
    return family(label, kind)[2]


MONEY_TYPES = ("PAID", "FUNDS", "AWARDED_TO", "COMMISSIONED")
TYPE_COLOURS = {
    "PAID": "#c0392b", "FUNDS": "#d35400", "AWARDED_TO": "#e67e22", "COMMISSIONED": "#b9770e",
    "ADVISES": "#8e44ad", "SUPPORTS": "#a569bd", "LEADS": "#5b2c6f",
    "CRITICISES": "#117a65", "EVALUATES": "#48c9b0",
    "AUTHORED": "#5d6d7e", "PUBLISHED": "#85929e", "ABOUT": "#aab7b8",
    "REQUESTED": "#8b5a2b", "ADDRESSED_TO": "#a0522d", "DISCLOSED": "#cd853f",
}
STRUCTURE_COLOUR = "#9aa5b1"  # PARTICIPATES_IN, MEMBER_OF, PART_OF, LOCATED_IN, DIRECTOR_OF, EMPLOYED_BY
VAT_WORDS = {"excluded": "ex VAT", "included": "inc VAT"}


def edge_colour(rtype: str) -> str:
    return TYPE_COLOURS.get(rtype, STRUCTURE_COLOUR)


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
