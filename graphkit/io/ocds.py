"""Import Open Contracting (OCDS) releases: Contracts Finder, Find a Tender, Public Contracts
Scotland, Sell2Wales.

Reads release packages, record packages and JSON lines of releases (or of packages).

- An award is identified by (ocid, award id). Later releases of the same award
  (`awardUpdate`) replace it: the latest release date wins (on a tie, the later line),
  and it is counted once. A contract naming its `awardID` is the same agreement: it
  becomes the award's Contract (its value, when in GBP, is preferred).
- Buyer -COMMISSIONED-> Contract -AWARDED_TO-> each supplier; every claim cites the
  release it comes from (the notice URL when the release gives one) with a quote that
  states the release's own fields, e.g. `Award ocds-…-1 "Parking Pilot": value 93007 GBP;
  supplier Marstons holdings plc`. Evidence: documented (the buyer's own notice).
- Only GBP counts as `value_gbp`; other currencies keep `currency` and `value_original`.
  A zero value is kept as `value_original` only (portals publish 0 for "not stated").
- Awards to several suppliers, and notices with `techniques.hasFrameworkAgreement` /
  `hasDynamicPurchasingSystem`, become Contracts of kind framework_agreement /
  dynamic_purchasing_system: their value is a ceiling shared by all suppliers, which
  the money queries keep apart from contract values (never multiplied by suppliers).
- Tender notices of processes without an award in the import become Contracts of kind
  tender (or framework_agreement / dynamic_purchasing_system).
- Party ids such as `org-1` are local to a release; actors are matched by organisation
  identifiers (`GB-COH-…`, `GB-CFS-…`, kept as aliases) and by normalised name.
- Real faults are skipped with a reason, never fatal: lines that are not JSON, releases
  without ocid, blank supplier names, parties with roles other than buyer and supplier
  (reviewBody, mediationBody, processContactPoint …). Releases without `id` are kept,
  with an id made from ocid and date.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..stores import Store
from .batch import Cite, ImportBatch, clean_text, safe_id
from .importing import ImportPlan, Progress, run_record_import
from .kinds import organisation_kind
from .report import ImportReport

FORMAT = "ocds"
PUBLISHERS = {"ocds-b5fd17": "Contracts Finder", "ocds-h6vhtk": "Find a Tender",
              "ocds-r6ebe6": "Public Contracts Scotland", "ocds-kuma6s": "Sell2Wales"}
NOTICE_TYPES = ("awardNotice", "contractAwardNotice", "contractNotice", "tenderNotice", "planningNotice")
ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,6}-\S+$")
CALL_OFF = re.compile(r"call[- ]off|direct award from a framework|further competition", re.I)
KEPT_ROLES = {"buyer", "supplier", "procuringEntity"}
MAX_DESCRIPTION = 2000
MAX_AMOUNT = 1e13

def import_ocds(paths: list[str | Path], into: str | Path | None = None, *, dataset: str | Path | list | None = None,
                store: Store | None = None, dry_run: bool = False, source_id: str | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Import OCDS files into `into` (a folder of `dataset`), then load the dataset into `store`.

    `source_id` cites one source for every claim instead of one per release.
    """
    plan = ImportPlan.make(FORMAT, paths, into, dataset)
    return run_record_import(plan, lambda batch: convert(plan.inputs, batch, source_id, progress),
                             store=store, dry_run=dry_run, progress=progress)


# -- reading ----------------------------------------------------------------------------------
@dataclass
class Release:
    data: dict
    seq: int  # order of reading: breaks ties between equal dates
    where: str  # file:line
    package: dict = field(default_factory=dict)

    @property
    def ocid(self) -> str:
        return str(self.data.get("ocid") or "")

    @property
    def date(self) -> str:
        return str(self.data.get("date") or "")

    @property
    def id(self) -> str:
        rid = self.data.get("id")
        return str(rid) if rid else f"{self.ocid}-{self.date[:10] or self.seq}"

    @property
    def tender(self) -> dict:
        return _dict(self.data.get("tender"))

    def parties(self) -> dict[str, dict]:
        return {str(p.get("id")): p for p in _list(self.data.get("parties")) if isinstance(p, dict) and p.get("id")}


def read_releases(path: Path, report: ImportReport, progress: Progress | None = None) -> Iterator[Release]:
    """Releases of a package, a record package, one release, or JSON lines of either."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if whole is not None:
        yield from _unpack(whole, f"{path.name}", report)
        progress and progress("reading", len(text.encode("utf-8")))
        return
    for n, line in enumerate(text.splitlines(), start=1):
        progress and progress("reading", len(line.encode("utf-8")) + 1)
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            report.skip("line is not JSON", f"{path.name}:{n}: {exc.msg}")
            continue
        yield from _unpack(item, f"{path.name}:{n}", report)


def _unpack(item: Any, where: str, report: ImportReport) -> Iterator[Release]:
    if isinstance(item, list):
        for i, sub in enumerate(item):
            yield from _unpack(sub, f"{where}[{i}]", report)
        return
    if not isinstance(item, dict):
        report.skip("not a release, release package or record package", where)
        return
    meta = {"uri": item.get("uri"), "publisher": _dict(item.get("publisher")).get("name")}
    if isinstance(item.get("releases"), list):
        for i, rel in enumerate(item["releases"]):
            yield from _release(rel, f"{where} release {i}", report, meta)
    elif isinstance(item.get("records"), list):
        for i, rec in enumerate(item["records"]):
            yield from _record(rec, f"{where} record {i}", report, meta)
    else:
        yield from _release(item, where, report, {})


def _record(rec: Any, where: str, report: ImportReport, meta: dict) -> Iterator[Release]:
    rec = _dict(rec)
    embedded = [r for r in _list(rec.get("releases"))
                if isinstance(r, dict) and ("parties" in r or "awards" in r or "tender" in r)]
    if embedded:
        for i, rel in enumerate(embedded):
            yield from _release(rel, f"{where} release {i}", report, meta)
    elif isinstance(rec.get("compiledRelease"), dict):
        yield from _release(rec["compiledRelease"], f"{where} compiledRelease", report, meta)
    else:
        report.skip("record without embedded releases or compiledRelease", where)


_SEQ = iter(range(1 << 62))


def _release(data: Any, where: str, report: ImportReport, meta: dict) -> Iterator[Release]:
    if not isinstance(data, dict):
        report.skip("release is not a JSON object", where)
        return
    if not data.get("ocid"):
        report.skip("release without ocid", where)
        return
    if not data.get("id"):
        report.tally("releases without id (kept, id made from ocid and date)")
    yield Release(data, next(_SEQ), where, meta)


# -- converting -------------------------------------------------------------------------------
def convert(paths: list[Path], batch: ImportBatch, source_id: str | None = None,
            progress: Progress | None = None) -> None:
    """Every award (latest version), every tender notice without an award, into `batch`."""
    report = batch.report
    releases = [r for p in paths for r in read_releases(p, report, progress)]
    report.figures["releases read"] = len(releases)
    awards, contracts, tenders = _latest(releases, report)
    fixed = _fixed_source(batch, source_id)
    awarded_ocids = {key[0] for key in awards}
    for key in sorted(awards):
        release, award = awards[key]
        _convert_safely(batch, release, lambda: _award(batch, release, award, contracts.get(key), fixed))
    for ocid in sorted(tenders):
        release = tenders[ocid]
        if ocid in awarded_ocids:
            report.skip("tender notice of a process whose award is imported (the award stands for it)", ocid)
            continue
        _convert_safely(batch, release, lambda: _tender(batch, release, fixed))


def _convert_safely(batch: ImportBatch, release: Release, work) -> None:
    """Real data breaks in unforeseen ways: one bad release is skipped, not the import."""
    try:
        work()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        batch.report.skip(f"malformed release ({type(exc).__name__})", f"{release.where}: {exc}")


def _latest(releases: list[Release], report: ImportReport):
    awards: dict[tuple[str, str], tuple[Release, dict]] = {}
    contracts: dict[tuple[str, str], tuple[Release, dict]] = {}
    tenders: dict[str, Release] = {}
    for rel in releases:
        tags = set(_list(rel.data.get("tag")))
        for award in _list(rel.data.get("awards")):
            if not isinstance(award, dict) or not award.get("id"):
                report.skip("award without id", rel.where)
                continue
            _keep_latest(awards, (rel.ocid, str(award["id"])), rel, award, report, "award")
        for contract in _list(rel.data.get("contracts")):
            if isinstance(contract, dict) and contract.get("awardID"):
                _keep_latest(contracts, (rel.ocid, str(contract["awardID"])), rel, contract, report, "contract")
        if rel.tender and (tags & {"tender", "tenderUpdate", "tenderAmendment"} or not rel.data.get("awards")):
            if tags == {"planning"} or tags == {"planningUpdate"}:
                report.skip("planning notice (no tender or award yet)", rel.ocid)
                continue
            current = tenders.get(rel.ocid)
            if current is None or (rel.date, rel.seq) >= (current.date, current.seq):
                if current is not None:
                    report.skip("earlier version of a tender notice (a later release updates it)", rel.ocid)
                tenders[rel.ocid] = rel
            else:
                report.skip("earlier version of a tender notice (a later release updates it)", rel.ocid)
    return awards, contracts, tenders


def _keep_latest(table: dict, key: tuple, rel: Release, item: dict, report: ImportReport, what: str) -> None:
    current = table.get(key)
    if current is not None:
        newer = (rel.date, rel.seq) >= (current[0].date, current[0].seq)
        older = current[0] if newer else rel
        report.skip(f"earlier version of an {what} (a later release updates it)",
                    f"{key[0]} {what} {key[1]} of {older.date[:10]}")
        if not newer:
            return
    table[key] = (rel, item)


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
    title = clean_text(rel.tender.get("title") or (item or {}).get("title") or rel.ocid)
    tags = ", ".join(str(t) for t in _list(rel.data.get("tag")))
    base = rel.id if rel.id.startswith("ocds-") else f"ocds-{rel.id}"
    return batch.source(base, url=_notice_url(rel, item), publisher=publisher, date=rel.date,
                        title=f"{title} ({tags or 'release'} {rel.ocid})")


def _notice_url(rel: Release, item: dict | None) -> str | None:
    docs = [d for d in _list((item or {}).get("documents")) + _list(rel.tender.get("documents"))
            if isinstance(d, dict)]
    for doc in docs:
        if doc.get("documentType") in NOTICE_TYPES and doc.get("url"):
            return str(doc["url"])
    for doc in docs:
        if doc.get("url"):
            return str(doc["url"])
    return rel.package.get("uri")


# -- awards -----------------------------------------------------------------------------------
def _award(batch: ImportBatch, rel: Release, award: dict, contract: tuple[Release, dict] | None,
           fixed: str | None) -> None:
    report = batch.report
    status = str(award.get("status") or "")
    if status in ("cancelled", "unsuccessful"):
        report.skip(f"award status {status} (not counted)", f"{rel.ocid} {award['id']}")
        return
    parties = rel.parties()
    title = clean_text(award.get("title") or rel.tender.get("title") or rel.ocid)
    suppliers = [s for s in _list(award.get("suppliers")) if isinstance(s, dict)]
    value = _dict(award.get("value"))
    if contract and _dict(contract[1].get("value")).get("amount") is not None:
        value = _dict(contract[1]["value"])  # the signed contract's value, when it gives one
    names = [_party_name(s, parties) or "(no name)" for s in suppliers]
    sid = _release_source(batch, rel, award, fixed)
    plural = "s" if len(names) != 1 else ""
    quote = f'Award {award["id"]} "{title}": value {_money_text(value)}; supplier{plural} {", ".join(names) or "(none)"}'
    record = _award_record(rel, award, contract, title, _kind(rel, title, len(suppliers), contract is not None))
    record.update(_value_fields(value, report, f"{rel.ocid} award {award['id']}"))
    batch.entity(record, Cite(sid, quote))
    if record["id"] in batch.existing:
        return
    _account(report, record, len(suppliers))
    _buyers(batch, rel, parties, record["id"], lambda who: Cite(sid, f'"{title}" ({rel.ocid}): buyer {who}'))
    for supplier, name in zip(suppliers, names):
        cite = Cite(sid, f'Award {award["id"]} "{title}": supplier {name}, value {_money_text(value)}')
        _supplier(batch, rel, parties, supplier, record["id"], cite)
    _skip_other_parties(report, rel, parties)


def _award_record(rel: Release, award: dict, contract: tuple[Release, dict] | None, title: str, kind: str) -> dict:
    award_id = str(award["id"])
    period = _dict((contract[1].get("period") if contract else None) or award.get("contractPeriod")
                   or rel.tender.get("contractPeriod"))
    description = award.get("description") or rel.tender.get("description")
    return {"id": safe_id(award_id if award_id.startswith(rel.ocid) else f"{rel.ocid}-{award_id}"),
            "label": "Contract", "kind": kind, "name": title, "title": title, "ocid": rel.ocid,
            "procedure": clean_text(rel.tender.get("procurementMethodDetails")),
            "start_date": _date(period.get("startDate")), "end_date": _date(period.get("endDate")),
            "description": clean_text(description, MAX_DESCRIPTION), "evidence": "documented",
            "aliases": [f"ocds:{rel.ocid}/{award_id}"]}


def _account(report: ImportReport, record: dict, suppliers: int) -> None:
    ceiling = record["kind"] in ("framework_agreement", "dynamic_purchasing_system")
    report.tally("awards counted")
    report.tally(f"awards: {'framework/DPS ceilings' if ceiling else 'contract values'} (GBP)",
                 float(record.get("value_gbp") or 0))
    report.tally("awards with a GBP value", 1 if record.get("value_gbp") is not None else 0)
    if suppliers > 1:
        report.tally("awards naming several suppliers")


def _kind(rel: Release, title: str, suppliers: int, has_contract: bool) -> str:
    tech = _dict(rel.tender.get("techniques"))
    method = str(rel.tender.get("procurementMethodDetails") or "")
    text = f"{title} {method}"
    if tech.get("hasDynamicPurchasingSystem"):
        return "dynamic_purchasing_system"
    if tech.get("hasFrameworkAgreement"):
        return "framework_agreement"
    if suppliers > 1:
        return "dynamic_purchasing_system" if re.search(r"dynamic purchasing|\bdps\b", text, re.I) else "framework_agreement"
    if CALL_OFF.search(method):
        return "contract" if has_contract else "award"  # a call-off is money to one supplier
    if re.search(r"dynamic purchasing system", title, re.I):
        return "dynamic_purchasing_system"
    if re.search(r"\bframework\b", title, re.I):
        return "framework_agreement"
    return "contract" if has_contract else "award"


def _value_fields(value: dict, report: ImportReport, where: str) -> dict:
    amount, currency = value.get("amount"), value.get("currency")
    if amount is None:
        return {}
    try:
        number = round(float(amount), 2)
    except (TypeError, ValueError):
        report.skip("value is not a number", f"{where}: {amount!r}")
        return {}
    if number < 0 or number > MAX_AMOUNT:
        report.skip("value out of range (kept out)", f"{where}: {amount}")
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
    tender = rel.tender
    title = clean_text(tender.get("title") or rel.ocid)
    sid = _release_source(batch, rel, None, fixed)
    value = _dict(tender.get("value"))
    kind = _kind(rel, title, 0, False)
    kind = "tender" if kind in ("award", "contract") else kind
    period = _dict(tender.get("contractPeriod"))
    record = {"id": safe_id(f"{rel.ocid}-tender"), "label": "Contract", "kind": kind, "name": title, "title": title,
              "ocid": rel.ocid, "procedure": clean_text(tender.get("procurementMethodDetails")),
              "start_date": _date(period.get("startDate")), "end_date": _date(period.get("endDate")),
              "description": clean_text(tender.get("description"), MAX_DESCRIPTION), "evidence": "documented",
              **_value_fields(value, batch.report, f"{rel.ocid} tender")}
    quote = f'Tender notice {rel.ocid} "{title}"' + (f": estimated value {_money_text(value)}" if value else "")
    batch.entity(record, Cite(sid, quote))
    if record["id"] in batch.existing:
        return
    batch.report.tally("tender notices")
    _buyers(batch, rel, rel.parties(), record["id"], lambda who: Cite(sid, f'"{title}" ({rel.ocid}): buyer {who}'))
    _skip_other_parties(batch.report, rel, rel.parties())


# -- parties ----------------------------------------------------------------------------------
def _buyers(batch: ImportBatch, rel: Release, parties: dict[str, dict], contract_id: str, cite_for) -> None:
    main = _dict(rel.data.get("buyer"))
    main_id = str(main.get("id") or "")
    entries = []
    if main:
        entries.append((parties.get(main_id) or {}, main, None))
    for pid, party in parties.items():
        if "buyer" in _list(party.get("roles")) and pid != main_id:
            entries.append((party, {}, "joint buyer"))
    if not entries:
        batch.report.skip("release without a buyer", rel.ocid)
    for party, ref, role in entries:
        name = _party_name(ref, {str(ref.get('id')): party}) if ref else _party_name(party, {})
        if "centralPurchasingBody" in _list(party.get("roles")):
            role = f"{role}; central purchasing body" if role else "central purchasing body"
        actor = batch.actor("Organisation", _kind_by_name(name, "public_body", party), name,
                            cite_for(name), identifiers=_identifiers(party, ref))
        if actor is None:
            batch.report.skip("buyer without a name", rel.ocid)
            continue
        batch.relate(actor, "COMMISSIONED", contract_id, cite_for(name), role=role, evidence="documented")


def _supplier(batch: ImportBatch, rel: Release, parties: dict[str, dict], ref: dict, contract_id: str, cite: Cite) -> None:
    party = parties.get(str(ref.get("id"))) or {}
    name = _party_name(ref, parties)
    identifiers = _identifiers(party, ref)
    if not name:
        known = next((batch.index.aliases[i] for i in identifiers if i in batch.index.aliases), None)
        if known is None:
            batch.report.skip("supplier without a name (and no known identifier)", f"{rel.ocid} supplier {ref.get('id')}")
            return
        batch.relate(contract_id, "AWARDED_TO", known, cite, evidence="documented")
        return
    kind = _kind_by_name(name, "company", party)
    actor = batch.actor("Organisation", kind, name, cite, identifiers=identifiers)
    if actor:
        batch.relate(contract_id, "AWARDED_TO", actor, cite, evidence="documented")


REVIEW_ROLES = {"reviewBody", "reviewContactPoint", "mediationBody"}


def _skip_other_parties(report: ImportReport, rel: Release, parties: dict[str, dict]) -> None:
    """Parties that neither buy nor supply: counted with the reason they are left out."""
    for party in parties.values():
        roles = {str(r) for r in _list(party.get("roles"))}
        example = f"{rel.ocid} {party.get('name')} ({'/'.join(sorted(roles)) or 'no role'})"
        if not roles:
            report.skip("party without a role", example)
        elif KEPT_ROLES & roles:
            continue
        elif roles <= REVIEW_ROLES:
            report.skip("review or mediation body only (not a party to the contract)", example)
        elif "processContactPoint" in roles:
            report.skip("process contact point (an agent running the procurement, not a buyer)", example)
        else:
            report.skip(f"party with role {'/'.join(sorted(roles))} only (not a buyer or supplier)", example)


def _party_name(ref: dict, parties: dict[str, dict]) -> str | None:
    party = parties.get(str(ref.get("id"))) or {}
    for candidate in (ref.get("name"), party.get("name"), _dict(party.get("identifier")).get("legalName")):
        text = clean_text(candidate)
        if text:
            return text
    return None


def _identifiers(party: dict, ref: dict | None = None) -> tuple[str, ...]:
    """Organisation identifiers that hold across releases (never local ids such as org-1)."""
    found = []
    for ident in [_dict(party.get("identifier")), *[_dict(i) for i in _list(party.get("additionalIdentifiers"))]]:
        if ident.get("scheme") and ident.get("id"):
            found.append(_org_id(str(ident["scheme"]), str(ident["id"])))
    for pid in (party.get("id"), (ref or {}).get("id")):
        if pid and ORG_ID.match(str(pid)):
            scheme, _, rest = str(pid).partition("-")[2].partition("-")
            found.append(_org_id(f"{str(pid)[:2]}-{scheme}", rest))
    return tuple(dict.fromkeys(found))


def _org_id(scheme: str, value: str) -> str:
    """`GB-COH-158718` and `GB-COH-00158718` are one company."""
    value = value.strip()
    if scheme.upper() == "GB-COH" and value.isdigit():
        value = value.zfill(8)
    return f"{scheme.upper()}-{value}"


def _kind_by_name(name: str | None, default: str, party: dict) -> str:
    classes = " ".join(str(_dict(c).get("id", "")) for c in _list(_dict(party.get("details")).get("classifications")))
    if default == "public_body" and "Regional or local authority" in classes:
        return "council"
    kind = organisation_kind(name, default)
    return "company" if default == "company" and kind in ("union", "government_department") else kind


# -- small helpers ----------------------------------------------------------------------------
def _money_text(value: dict) -> str:
    amount = value.get("amount")
    if amount is None:
        return "not stated"
    return f"{amount} {value.get('currency') or '(no currency)'}"


def _date(value: Any) -> str | None:
    text = str(value or "")[:10]
    return text if re.match(r"^\d{4}-\d{2}-\d{2}$", text) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
