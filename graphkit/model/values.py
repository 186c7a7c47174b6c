"""Rules for single values (ids, dates, amounts, URLs), shared by record and bulk checks."""
from __future__ import annotations

import math
import re
from datetime import date

ID_PATTERN = r"^[a-z0-9][a-z0-9._:-]{0,199}$"
# ID_PATTERN spelt out for column checks that need no regular expression
ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._:-"
ID_NOT_FIRST = "._:-"
ID_MAX_LENGTH = 200
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
NUMBER_PATTERN = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"
MAX_AMOUNT = 1e13  # above any public budget: larger values are typing errors
MAX_NAME = 500
MAX_TEXT = 20_000
MAX_QUOTE = 2000  # a verbatim quote: a sentence or two, not the source

_ID = re.compile(ID_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_URL = re.compile(URL_PATTERN, re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def check_id(value: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{value!r} is not a valid id (lowercase letters, digits, '-', '.', '_', ':')")
    return value


def check_date(value: object) -> str:
    """ISO date as text: year, year-month or full date, and a real calendar day.

    >>> check_date("2009-11"), check_date(2010)
    ('2009-11', '2010')
    """
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip() if value is not None else ""
    if not _DATE.match(text):
        raise ValueError(f"{text!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if len(text) == 10:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a real calendar date") from None
    return text


def check_amount(value: object) -> float:
    """A non-negative, finite amount in GBP below an absurdity ceiling."""
    if isinstance(value, bool):
        raise ValueError("an amount must be a number")
    if isinstance(value, str):
        cleaned = value.replace(",", "").replace("£", "").strip()
        if not re.match(NUMBER_PATTERN, cleaned):
            raise ValueError(f"{value!r} is not a number")
        value = cleaned
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError("an amount must be finite")
    if number < 0:
        raise ValueError(f"{value} is negative")
    if number > MAX_AMOUNT:
        raise ValueError(f"{value} is implausibly large")
    return number


def check_url(value: str) -> str:
    text = str(value).strip()
    if not _URL.match(text):
        raise ValueError(f"{text!r} is not an http(s) URL")
    return text


def check_text(value: object, limit: int = MAX_NAME) -> str:
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValueError("must be text")
    text = value.strip()
    if _CONTROL.search(text):
        raise ValueError("contains control characters")
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    return text


def clean_text(value: object, limit: int = MAX_NAME) -> str | None:
    """Text as the dataset accepts it: no control characters, trimmed, at most `limit` characters.

    >>> clean_text("  Tribal Group plc ")
    'Tribal Group plc'
    >>> clean_text("Tribal Group plc", limit=10)
    'Tribal Gr…'
    >>> clean_text("   ") is None
    True
    """
    if value is None:
        return None
    text = str(value)
    if not text.isprintable():  # printable text holds no control character: most text skips the pattern
        text = _CONTROL.sub(" ", text)
    text = text.strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(value: object, limit: int = 80) -> str:
    """Any value as a short line for a message: whitespace runs (newlines too) made one space.

    >>> one_line("Company\\n0", 20)
    'Company 0'
    """
    return clean_text(" ".join(str(value).split()), limit) or repr(value)


def slugify(name: str) -> str:
    """An id derived from a name.

    >>> slugify("Tribal Group plc")
    'tribal-group-plc'
    """
    slug = _SLUG_JUNK.sub("-", name.lower()).strip("-")
    return slug[:120] or "item"
