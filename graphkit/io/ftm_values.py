"""Values of FollowTheMoney entities as the import keeps them: amounts, dates, quotes and the `FtM: {…}` line."""
from __future__ import annotations

import json
import math
import re
from typing import Any

from ..model import values
from ..model.values import clean_text
from .ftm_reading import context_of
from .report import ImportReport

TAIL = "FtM: "  # the description's last line: FtM properties without a graphkit field, as JSON
_TAIL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # as json.dumps with these options


def statement(proxy, parts: list[tuple[str, Any]]) -> str:
    shown = ", ".join(f"{k} {v}" for k, v in parts if v not in (None, ""))
    return f"FtM {proxy.schema.name} {proxy.id}: {shown}" if shown else f"FtM {proxy.schema.name} {proxy.id}"


def amount_of(proxy, report: ImportReport) -> tuple[float | None, str | None]:
    """The entity's `amount` and `currency`; an amount that is not a usable number is refused with a reason."""
    from followthemoney import registry

    raw = proxy.first("amount", quiet=True)
    currency = (proxy.first("currency", quiet=True) or "").upper() or None
    if raw is None:
        return None, currency
    where = f"{context_of(proxy, '_where')}: {proxy.schema.name}.amount {clean_text(raw, 60)!r}"
    text = str(raw).strip().lower().lstrip("+-")
    if text in ("nan", "inf", "infinity"):
        report.skip("amount is not a finite number (left out)", where)
        return None, currency
    number = registry.number.to_number(raw)
    if number is None:  # FtM's parser refuses what it cannot read; say why when it is a number after all
        try:
            number = float(str(raw).replace(",", ""))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        report.skip("amount is not a number (left out)", where)
    elif number < 0:
        report.skip("amount is negative (left out)", where)
    elif number > values.MAX_AMOUNT:
        report.skip(f"amount above {values.MAX_AMOUNT:.0e}, implausible (left out)", where)
    else:
        return round(float(number), 2), currency
    return None, currency


def contract_value(amount: float | None, currency: str | None, report: ImportReport, proxy) -> dict:
    if amount is None:
        return {}
    fields = {"currency": currency, "value_original": amount}
    if currency != "GBP":
        report.skip(f"value in {currency or 'no currency'}: not counted as GBP (kept as value_original)",
                    context_of(proxy, "_where"))
        return fields
    return {**fields, "value_gbp": amount}


def described(proxy, kept: tuple[str, ...], extra: dict | None = None, lead: str | None = None) -> str | None:
    """The FtM description, then the line `FtM: {…}` with the schema, id and the `kept` properties."""
    tail = {"schema": proxy.schema.name, "id": proxy.id}
    for prop in proxy.iterprops():  # the few properties set, rather than every one kept
        if prop.name in kept:
            tail[prop.name] = proxy.get(prop)
    tail.update(extra or {})
    text = "\n".join(x for x in (lead, clean_text(proxy.first("description", quiet=True), values.MAX_TEXT // 2)) if x)
    line = TAIL + _TAIL_JSON.encode(tail)
    return clean_text(f"{text}\n{line}" if text else line, values.MAX_TEXT)


def ftm_tail(description: str | None) -> tuple[str | None, dict]:
    r"""Split a description written by the FtM import into its text and the `FtM: {…}` properties.

    >>> ftm_tail('Board seat\nFtM: {"id": "o1", "percentage": ["25"], "schema": "Ownership"}')
    ('Board seat', {'id': 'o1', 'percentage': ['25'], 'schema': 'Ownership'})
    >>> ftm_tail("plain text")
    ('plain text', {})
    """
    if not description:
        return description, {}
    head, _, last = description.rpartition("\n")
    if not last.startswith(TAIL):
        return description, {}
    try:
        tail = json.loads(last[len(TAIL):])
    except ValueError:
        return description, {}
    return (head or None), (tail if isinstance(tail, dict) else {})


def plain_number(number: float):
    return str(int(number)) if float(number).is_integer() else str(number)


def money_text(amount: float | None, currency: str | None) -> str | None:
    if amount is None:
        return None
    shown = int(amount) if float(amount).is_integer() else amount
    return f"{shown} {currency or '(no currency)'}"


def ftm_date(value: str | None) -> str | None:
    if not value:
        return None
    for size in (10, 7, 4):
        text = value[:size]
        if re.match(values.DATE_PATTERN, text):
            try:
                return values.check_date(text)
            except ValueError:
                continue
    return None


class Captions(dict):
    """The caption of each read entity by FtM id (the id itself when it was not read), each worked
    out once: FtM works a caption out again each time it is asked, and a busy actor is an end of
    thousands of links.

    >>> from followthemoney import model
    >>> acme = model.get_proxy({"id": "c1", "schema": "Company", "properties": {"name": ["Acme Ltd"]}})
    >>> captions = Captions({"c1": acme})
    >>> captions["c1"], captions["c9"]
    ('Acme Ltd', 'c9')
    """

    def __init__(self, proxies: dict):
        super().__init__()
        self.proxies = proxies

    def __missing__(self, ref: str) -> str:
        proxy = self.proxies.get(ref)
        text = self[ref] = proxy.caption if proxy is not None else ref
        return text
