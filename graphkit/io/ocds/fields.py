"""Reading one OCDS field safely: text, dates, objects and lists as the standard says, None otherwise.

>>> _text("AB Building &amp; Electrical"), _date("2025-01-23T22:10:19Z"), _date("2025-02-30")
('AB Building & Electrical', '2025-01-23', None)
"""
from __future__ import annotations

import html
import math
import re
from functools import lru_cache
from typing import Any

from ...model import values
from ...model.values import clean_text


def _money_text(value: dict) -> str:
    amount = value.get("amount")
    if amount is None:
        return "not stated"
    return f"{clean_text(amount, 40)} {clean_text(value.get('currency'), 20) or '(no currency)'}"


def _date(value: Any) -> str | None:
    """The calendar day of an OCDS date-time, when it is a real one."""
    if not isinstance(value, str):
        return None
    return _day(value[:10])


@lru_cache(maxsize=65536)
def _day(text: str) -> str | None:
    """A real calendar day YYYY-MM-DD (the same days recur across releases: checked once each)."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return values.check_date(text)
    except ValueError:
        return None


def _text(value: Any, limit: int = values.MAX_NAME) -> str | None:
    """Text of a field that should hold text, HTML entities decoded once; None for anything else."""
    if isinstance(value, str):
        return _short_text(value, limit) if len(value) <= SHORT else _clean_str(value, limit)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return clean_text(value, limit)


SHORT = 300  # names and titles recur across releases: their text is made once (descriptions are not kept)


def _clean_str(value: str, limit: int) -> str | None:
    return clean_text(html.unescape(value) if "&" in value else value, limit)


_short_text = lru_cache(maxsize=65536)(_clean_str)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
