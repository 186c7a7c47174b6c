"""Awards and tenders of a compiled OCDS process as Contracts, and the releases they cite.

- An award is identified by (ocid, award id), counted once, in its compiled state. It cites
  the latest release that states it. A contract naming its `awardID` is the same agreement:
  its value, when in GBP, is preferred (the signed value).
- Only GBP counts as `value_gbp`; other currencies keep `currency` and `value_original`.
  A zero value is kept as `value_original` only; a tender's value is an estimate, never money.
- Awards to several suppliers and notices flagged as frameworks or dynamic purchasing
  systems are Contracts whose value is a ceiling shared by all suppliers.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from ...model import values
from ...model.ontology import load_ontology
from ..batch import ImportBatch, cite, safe_id
from ...model.values import clean_text
from ..report import ImportReport
from .fields import _date, _dict, _list, _money_text, _str, _text
from .parties import _buyers, _party_name, _skip_other_parties, _supplier
from .reading import Release

PUBLISHERS = {"ocds-b5fd17": "Contracts Finder", "ocds-h6vhtk": "Find a Tender",
              "ocds-r6ebe6": "Public Contracts Scotland", "ocds-kuma6s": "Sell2Wales"}
NOTICE_TYPES = ("awardNotice", "contractAwardNotice", "contractNotice", "tenderNotice", "planningNotice")
CALL_OFF = re.compile(r"call[- ]off|direct award from a framework|further competition", re.I)
DPS_WORDS = re.compile(r"dynamic purchasing|\bdps\b", re.I)
DPS_TITLE = re.compile(r"dynamic purchasing system", re.I)
FRAMEWORK_TITLE = re.compile(r"\bframework\b", re.I)
MAX_DESCRIPTION = 2000
MAX_AMOUNT = values.MAX_AMOUNT


class RecordedAwards:
    """Awards the dataset already holds: the date of the latest release each cites, and its file."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self._rows: dict[str, tuple[str, str]] | None = None

    def rows(self) -> dict[str, tuple[str, str]]:
        if self._rows is None:
            self._rows = {}
            ds = self.batch.recorded
            if ds is not None and ds.entities.num_rows:
                dates = {r["id"]: r["date"] or "" for r in ds.sources.select(["id", "date"]).to_pylist()}
                for row in ds.entities.select(["id", "label", "source_ids", "_file"]).to_pylist():
                    if row["label"] == "Contract":
                        latest = max((dates.get(s, "") for s in row["source_ids"] or []), default="")
                        self._rows[row["id"]] = (latest, row["_file"])
        return self._rows

    def decide(self, record_id: str, release: Release, quote: str) -> str:
        """"new", "update" (a later release than the recorded one: restated here) or "keep"."""
        if record_id not in self.batch.existing:
            return "new"
        from ..targets import is_import_folder

        recorded_date, file = self.rows().get(record_id, ("", ""))
        report = self.batch.report
        if (release.date or "")[:10] <= recorded_date[:10]:
            if (release.date or "")[:10] < recorded_date[:10]:
                report.skip("an earlier release than the one recorded (kept as recorded)", f"{record_id} in {file}")
            return "keep"
        folder = Path(file).parent
        if not is_import_folder(folder):
            report.skip("a later release of an award recorded by hand: not applied (update it in its file)",
                        f"{record_id} in {file}")
            return "keep"
        self.batch.updates.setdefault(folder, set()).add(record_id)
        self.batch.existing.discard(record_id)
        report.updated.append(f"{record_id}: recorded from a release of {recorded_date[:10] or 'no date'} in "
                              f"{folder}, now the release of {release.date[:10]} ({quote})")
        return "update"


def _fixed_source(batch: ImportBatch, source_id: str | None) -> str | None:
    if not source_id:
        return None
    if source_id in batch.index.taken:
        return source_id
    return batch.source(source_id, title=f"OCDS import {source_id}")


def _release_source(batch: ImportBatch, rel: Release, item: dict | None, fixed: str | None) -> str:
    if fixed:
        return fixed
    prefix = "-".join(rel.ocid.split("-")[:2])
    publisher = PUBLISHERS.get(prefix) or rel.package.get("publisher")
    title = _text(rel.tender.get("title")) or _text((item or {}).get("title")) or rel.ocid
    tags = ", ".join(sorted(rel.tags))
    base = rel.id if rel.id.startswith("ocds-") else f"ocds-{rel.id}"
    return batch.source(base, url=_notice_url(rel, item), publisher=publisher, date=rel.date,
                        title=f"{title} ({tags or 'release'} {rel.ocid})")


def _notice_url(rel: Release, item: dict | None) -> str | None:
    docs = [d for d in _list((item or {}).get("documents")) + _list(rel.tender.get("documents"))
            if isinstance(d, dict)]
    for doc in docs:
        if doc.get("documentType") in NOTICE_TYPES and _str(doc.get("url")):
            return str(doc["url"])
    for doc in docs:
        if _str(doc.get("url")):
            return str(doc["url"])
    return rel.package.get("uri")


# -- awards -----------------------------------------------------------------------------------
def _award(batch: ImportBatch, rel: Release, award: dict, contract: tuple[Release, dict] | None,
           fixed: str | None, recorded: RecordedAwards) -> None:
    report = batch.report
    status = _str(award.get("status")) or ""
    if status in ("cancelled", "unsuccessful"):
        report.skip(f"award status {status} (not counted)", f"{rel.ocid} {award['id']}")
        return
    parties = rel.parties()
    title = _text(award.get("title")) or _text(rel.tender.get("title")) or _framework_title(rel) or clean_text(rel.ocid)
    suppliers = [s for s in _list(award.get("suppliers")) if isinstance(s, dict)]
    value = _dict(award.get("value"))
    if contract and _dict(contract[1].get("value")).get("amount") is not None:
        value = _dict(contract[1]["value"])  # the signed contract's value, when it gives one
        rel = contract[0] if contract[0].date > rel.date else rel  # cite the release that states it
    names = [_party_name(s, parties) or "(no name)" for s in suppliers]
    sid = _release_source(batch, rel, award, fixed)
    plural = "s" if len(names) != 1 else ""
    quote = f'Award {award["id"]} "{title}": value {_money_text(value)}; supplier{plural} {", ".join(names) or "(none)"}'
    record = _award_record(rel, award, contract, title, _kind(rel, title, len(suppliers), contract is not None))
    record.update(_value_fields(value, report, f"{rel.where}: {rel.ocid} award {award['id']}"))
    decision = recorded.decide(record["id"], rel, quote)
    if decision == "keep":
        batch.entity(record, cite(sid, quote))  # matched: noted, left as recorded
        return
    if batch.entity(record, cite(sid, quote)) is None:
        return
    if decision == "update":
        report.created["Contract"] -= 1  # restated, not new
    _account(report, record, len(suppliers))
    _buyers(batch, rel, parties, record["id"], lambda who: cite(sid, f'"{title}" ({rel.ocid}): buyer {who}'))
    for supplier, name in zip(suppliers, names):
        citation = cite(sid, f'Award {award["id"]} "{title}": supplier {name}, value {_money_text(value)}')
        _supplier(batch, rel, parties, supplier, record["id"], citation)
    _skip_other_parties(report, rel, parties)


def _framework_title(rel: Release) -> str | None:
    """A call-off without a title of its own is named after the framework it draws on."""
    for process in _list(rel.data.get("relatedProcesses")):
        if isinstance(process, dict) and "framework" in _list(process.get("relationship")) and _text(process.get("title")):
            return f"{_text(process.get('title'))} (call-off)"
    return None


def _award_record(rel: Release, award: dict, contract: tuple[Release, dict] | None, title: str, kind: str) -> dict:
    award_id = str(award["id"])
    period = _dict((contract[1].get("period") if contract else None) or award.get("contractPeriod")
                   or rel.tender.get("contractPeriod"))
    description = _text(award.get("description"), MAX_DESCRIPTION) or _text(rel.tender.get("description"), MAX_DESCRIPTION)
    return {"id": safe_id(award_id if award_id.startswith(rel.ocid) else f"{rel.ocid}-{award_id}"),
            "label": "Contract", "kind": kind, "name": title, "title": title, "ocid": rel.ocid,
            "procedure": _text(rel.tender.get("procurementMethodDetails")),
            "start_date": _date(period.get("startDate")), "end_date": _date(period.get("endDate")),
            "description": description, "evidence": "documented",
            "aliases": [clean_text(f"ocds:{rel.ocid}/{award_id}")]}


def _account(report: ImportReport, record: dict, suppliers: int) -> None:
    ceiling = record["kind"] in load_ontology().group("ceilings")
    report.tally("awards counted")
    report.tally(f"awards: {'framework/DPS ceilings' if ceiling else 'contract values'} (GBP)",
                 float(record.get("value_gbp") or 0))
    report.tally("awards with a GBP value", 1 if record.get("value_gbp") is not None else 0)
    if suppliers > 1:
        report.tally("awards naming several suppliers")


def _kind(rel: Release, title: str, suppliers: int, has_contract: bool) -> str:
    """The Contract kind of an award (the ontology's roles: framework, dynamic_purchasing, contract, award)."""
    onto = load_ontology()
    tech = _dict(rel.tender.get("techniques"))
    method = _str(rel.tender.get("procurementMethodDetails")) or ""
    agreed = onto.kind("contract") if has_contract else onto.kind("award")
    if tech.get("hasDynamicPurchasingSystem") is True:
        return onto.kind("dynamic_purchasing")
    if tech.get("hasFrameworkAgreement") is True:
        return onto.kind("framework")
    if suppliers > 1:
        return onto.kind("dynamic_purchasing") if DPS_WORDS.search(f"{title} {method}") else onto.kind("framework")
    if CALL_OFF.search(method):
        return agreed  # a call-off is money to one supplier
    if DPS_TITLE.search(title):
        return onto.kind("dynamic_purchasing")
    if FRAMEWORK_TITLE.search(title):
        return onto.kind("framework")
    return agreed


def _value_fields(value: dict, report: ImportReport, where: str) -> dict:
    """`value_gbp` for a GBP amount; `currency` and `value_original` for what is kept apart.

    An amount must be a JSON number (`true`, "lots" and strings are refused with a reason).
    """
    amount, currency = value.get("amount"), value.get("currency")
    if amount is None:
        return {}
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        report.skip("value is not a number (left out)", f"{where}: {clean_text(repr(amount), 80)}")
        return {}
    if not math.isfinite(amount) or amount < 0 or amount > MAX_AMOUNT:
        report.skip("value out of range (left out)", f"{where}: {clean_text(repr(amount), 80)}")
        return {}
    number = round(float(amount), 2)
    if currency is not None and not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        report.skip("currency is not a three-letter code (value left out)", f"{where}: {clean_text(repr(currency), 40)}")
        return {}
    fields = {"currency": currency, "value_original": number}
    if currency != "GBP":
        report.skip(f"value in {currency or 'no currency'}: not counted as GBP (kept as value_original)", where)
        return fields
    if number == 0:
        report.skip("value 0 (not stated): not counted (kept as value_original)", where)
        return fields
    return {**fields, "value_gbp": number}


# -- tenders ----------------------------------------------------------------------------------
def _tender(batch: ImportBatch, rel: Release, fixed: str | None) -> None:
    """A process without an award: a Contract of kind tender whose value is an estimate, never money."""
    tender = rel.tender
    title = _text(tender.get("title")) or clean_text(rel.ocid)
    sid = _release_source(batch, rel, None, fixed)
    value = _dict(tender.get("value"))
    kind = _kind(rel, title, 0, False)
    onto = load_ontology()
    kind = onto.kind("tender") if kind in (onto.kind("award"), onto.kind("contract")) else kind
    period = _dict(tender.get("contractPeriod"))
    estimate = _value_fields(value, batch.report, f"{rel.where}: {rel.ocid} tender")
    estimate.pop("value_gbp", None)
    status = _str(tender.get("status"))
    record = {"id": safe_id(f"{rel.ocid}-tender"), "label": "Contract", "kind": kind, "name": title, "title": title,
              "ocid": rel.ocid, "procedure": _text(tender.get("procurementMethodDetails")),
              "start_date": _date(period.get("startDate")), "end_date": _date(period.get("endDate")),
              "description": _text(tender.get("description"), MAX_DESCRIPTION), "evidence": "documented", **estimate}
    quote = (f'Tender notice {rel.ocid} "{title}"' + (f" (status {status})" if status else "")
             + (f": estimated value {_money_text(value)}" if value else ""))
    if batch.entity(record, cite(sid, quote)) is None or record["id"] in batch.existing:
        return
    if estimate:
        batch.report.tally("tender estimates (not money; kept as value_original)")
    batch.report.tally("tender notices")
    _buyers(batch, rel, rel.parties(), record["id"], lambda who: cite(sid, f'"{title}" ({rel.ocid}): buyer {who}'))
    _skip_other_parties(batch.report, rel, rel.parties())


