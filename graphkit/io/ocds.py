"""Import Open Contracting (OCDS) releases: Contracts Finder, Find a Tender, Public Contracts
Scotland, Sell2Wales, and any publisher of the standard.

Reads release packages, record packages and JSON lines of releases (or of packages).

- The releases of one `ocid` are compiled by the standard's merge rules (`ocdsmerge`,
  with the OCDS 1.1.5 release schema shipped beside this module, from the standard's
  repository open-contracting/standard, Apache License 2.0): a field a later
  release leaves out keeps its earlier value, arrays of objects merge by `id`, and on
  equal dates the later line wins. So a buyer, a party or a framework flag stated in the
  tender release reaches the award published later. A record package's
  `compiledRelease` is used as it is.
- An award is identified by (ocid, award id), counted once, in its compiled state
  (`awardUpdate`s and contract amendments included). It cites the latest release that
  states it. A contract naming its `awardID` is the same agreement: its value, when in
  GBP, is preferred (the signed value).
- Buyer -COMMISSIONED-> Contract -AWARDED_TO-> each supplier; every claim cites the
  release it comes from (the notice URL when the release gives one) with a quote that
  states the release's own fields, e.g. `Award ocds-…-1 "Parking Pilot": value 93007 GBP;
  supplier Marstons holdings plc`. Evidence: documented (the buyer's own notice).
- Only GBP counts as `value_gbp`; other currencies keep `currency` and `value_original`.
  A zero value is kept as `value_original` only (portals publish 0 for "not stated").
  A tender's value is an estimate, never money: kept as `value_original` only.
- Awards to several suppliers, and notices with `techniques.hasFrameworkAgreement` /
  `hasDynamicPurchasingSystem`, become Contracts of kind framework_agreement /
  dynamic_purchasing_system: their value is a ceiling shared by all suppliers, which
  the money queries keep apart from contract values (never multiplied by suppliers).
- Processes without an award become Contracts of kind tender (or framework_agreement /
  dynamic_purchasing_system), without money.
- Party ids such as `org-1` are local to a release; actors are matched by organisation
  identifiers (`GB-COH-…`, `GB-CFS-…`, kept as aliases) and by normalised name. Names
  have HTML entities decoded once (`AB Building &amp; Electrical` → `&`).
- An award recorded by an earlier import is updated when a later release states it
  (the recorded one is moved out of that import's folder), and the report says so.
- Input is checked before use: UTF-8 (else one line with the byte offset), nesting
  depth, and the type of every field read. A bad record is skipped with file:line and a
  reason; a file from which nothing can be read is refused in one line.
"""
from __future__ import annotations

import html
import json
import math
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from ..model import values
from ..errors import GraphkitError
from ..stores import Store
from .batch import Cite, ImportBatch, clean_text, safe_id
from .importing import ImportPlan, Progress, run_record_import
from .kinds import organisation_kind
from .reading import MAX_DEPTH, InputError, check_depth, decode_utf8
from .report import ImportReport

FORMAT = "ocds"
RELEASE_SCHEMA = Path(__file__).with_name("ocds-release-schema-1.1.5.json")
PUBLISHERS = {"ocds-b5fd17": "Contracts Finder", "ocds-h6vhtk": "Find a Tender",
              "ocds-r6ebe6": "Public Contracts Scotland", "ocds-kuma6s": "Sell2Wales"}
NOTICE_TYPES = ("awardNotice", "contractAwardNotice", "contractNotice", "tenderNotice", "planningNotice")
ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,6}-\S+$")
CALL_OFF = re.compile(r"call[- ]off|direct award from a framework|further competition", re.I)
KEPT_ROLES = {"buyer", "supplier", "procuringEntity"}
CEILING_KINDS = ("framework_agreement", "dynamic_purchasing_system")
MAX_DESCRIPTION = 2000
MAX_AMOUNT = values.MAX_AMOUNT
MAX_OCID = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def import_ocds(paths: list[str | Path], into: str | Path | None = None, *, dataset: str | Path | list | None = None,
                store: Store | None = None, dry_run: bool = False, source_id: str | None = None,
                progress: Progress | None = None, force: bool = False) -> ImportReport:
    """Import OCDS files into `into` (a folder of `dataset`), then load the dataset into `store`.

    Without `into`, each file gets a folder of its own (`<dataset>/imports/ocds-<file name>`).
    `source_id` cites one source for every claim instead of one per release.
    """
    from .importing import run_per_file

    def one(files: list[Path], folder: str | Path | None, target: Store | None) -> ImportReport:
        plan = ImportPlan.make(FORMAT, files, folder, dataset, force=force)
        return run_record_import(plan, lambda batch: convert(plan.inputs, batch, source_id, progress),
                                 store=target, dry_run=dry_run, progress=progress)

    return run_per_file(FORMAT, paths, into, one, dataset=dataset, store=store, dry_run=dry_run, progress=progress)


# -- reading ----------------------------------------------------------------------------------
@dataclass
class Release:
    data: dict
    seq: int  # order of reading: breaks ties between equal dates
    where: str  # file:line
    package: dict = field(default_factory=dict)
    compiled: bool = False  # a record's compiledRelease: already merged

    @property
    def ocid(self) -> str:
        return str(self.data.get("ocid") or "")

    @property
    def date(self) -> str:
        value = self.data.get("date")
        return value if isinstance(value, str) else ""

    @property
    def id(self) -> str:
        rid = self.data.get("id")
        return str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid) \
            else f"{self.ocid}-{self.date[:10] or self.seq}"

    @property
    def tender(self) -> dict:
        return _dict(self.data.get("tender"))

    @property
    def tags(self) -> set[str]:
        return {t for t in _list(self.data.get("tag")) if isinstance(t, str)}

    def parties(self) -> dict[str, dict]:
        return {str(p.get("id")): p for p in _list(self.data.get("parties"))
                if isinstance(p, dict) and isinstance(p.get("id"), (str, int)) and p.get("id") != ""}


def read_releases(path: Path, report: ImportReport, progress: Progress | None = None) -> Iterator[Release]:
    """Releases of a package, a record package, one release, or JSON lines of either.

    Raises GraphkitError (one line naming the file) for a file that is not UTF-8, is
    empty, or holds one JSON document that is not an OCDS object.
    """
    data = path.read_bytes()
    text = decode_utf8(data, path)
    if not text.strip():
        raise GraphkitError(f"{path}: empty file (no OCDS release, release package or record package)")
    whole, whole_error = _parse(text)
    if whole_error is None:
        if not isinstance(whole, dict):
            raise GraphkitError(f"{path}: a JSON {_json_kind(whole)}, not an OCDS release, release package "
                                "or record package")
        yield from _unpack(whole, path.name, report)
        progress and progress("reading", len(data))
        return
    lines = []
    for n, line in enumerate(text.splitlines(), start=1):
        progress and progress("reading", len(line.encode("utf-8")) + 1)
        if line.strip():
            lines.append((n, line, *_parse(line)))
    if all(error is not None for _, _, _, error in lines):  # one document, broken (a truncated package, say)
        raise GraphkitError(f"{path}: {whole_error}")
    for n, line, item, error in lines:
        if error is not None:
            report.skip("line is not JSON", f"{path.name}:{n}: {error}")
        elif not isinstance(item, dict):
            report.skip("line is not an OCDS release or package (a JSON object)", f"{path.name}:{n}: a JSON {_json_kind(item)}")
        else:
            yield from _unpack(item, f"{path.name}:{n}", report)


def _parse(text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, the reason it is not usable JSON)."""
    try:
        value = json.loads(text)  # NaN and Infinity parse; every amount is checked where it is read
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    except RecursionError:
        return None, f"nesting deeper than {MAX_DEPTH} levels"
    try:
        check_depth(value)
    except InputError as exc:
        return None, str(exc)
    return value, None


def _json_kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def _unpack(item: dict, where: str, report: ImportReport) -> Iterator[Release]:
    meta = {"uri": _str(item.get("uri")), "publisher": _str(_dict(item.get("publisher")).get("name"))}
    if "releases" in item and "ocid" not in item:
        if not isinstance(item["releases"], list):
            report.skip("package whose releases are not a list", where)
            return
        for i, rel in enumerate(item["releases"]):
            yield from _release(rel, f"{where} release {i}", report, meta)
    elif "records" in item and "ocid" not in item:
        if not isinstance(item["records"], list):
            report.skip("package whose records are not a list", where)
            return
        for i, rec in enumerate(item["records"]):
            yield from _record(rec, f"{where} record {i}", report, meta)
    else:
        yield from _release(item, where, report, {})


def _record(rec: Any, where: str, report: ImportReport, meta: dict) -> Iterator[Release]:
    rec = _dict(rec)
    if isinstance(rec.get("compiledRelease"), dict):
        yield from _release(rec["compiledRelease"], f"{where} compiledRelease", report, meta, compiled=True)
        return
    embedded = [r for r in _list(rec.get("releases"))
                if isinstance(r, dict) and ("parties" in r or "awards" in r or "tender" in r)]
    if not embedded:
        report.skip("record without embedded releases or compiledRelease", where)
    for i, rel in enumerate(embedded):
        yield from _release(rel, f"{where} release {i}", report, meta)


_SEQ = iter(range(1 << 62))


def _release(data: Any, where: str, report: ImportReport, meta: dict, compiled: bool = False) -> Iterator[Release]:
    if not isinstance(data, dict):
        report.skip("release is not a JSON object", where)
        return
    problem = _release_problem(data)
    if problem:
        report.skip(problem, where)
        return
    if not data.get("id"):
        report.tally("releases without id (kept, id made from ocid and date)")
    yield Release(data, next(_SEQ), where, meta, compiled)


def _release_problem(data: dict) -> str | None:
    """Why a release cannot be used at all (its ocid and date are what every step relies on)."""
    ocid = data.get("ocid")
    if not ocid:
        return "release without ocid"
    if not isinstance(ocid, str):
        return "release whose ocid is not text"
    if len(ocid) > MAX_OCID or _CONTROL.search(ocid):
        return f"release whose ocid is not an identifier ({len(ocid)} characters{', control characters' if _CONTROL.search(ocid) else ''})"
    date = data.get("date")
    if date is not None and not isinstance(date, str):
        return "release whose date is not text"
    if date and _date(date) is None:
        return f"release whose date {clean_text(date, 40)!r} is not a real calendar date"
    return None


# -- compiling --------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _merger():
    from ocdsmerge import Merger
    from ocdsmerge.rules import get_merge_rules

    return Merger(merge_rules=get_merge_rules(str(RELEASE_SCHEMA)))


@dataclass
class Process:
    """One ocid: its compiled release and the releases it was compiled from (in date order)."""

    ocid: str
    compiled: dict
    releases: list[Release]

    def view(self, latest: Release) -> Release:
        """The compiled release, cited as `latest` (its id, date, tags, package and place)."""
        data = {**self.compiled, "date": latest.date, "tag": sorted(latest.tags)}
        if latest.data.get("id"):
            data["id"] = latest.data["id"]
        else:
            data.pop("id", None)
        return Release(data, latest.seq, latest.where, latest.package, latest.compiled)

    def latest_stating(self, key: str, item_id: str) -> Release:
        """The latest release whose `key` array holds an item with `item_id`."""
        stating = [r for r in self.releases if any(isinstance(x, dict) and str(x.get("id")) == item_id
                                                  for x in _list(r.data.get(key)))]
        return (stating or self.releases)[-1]


def compile_processes(releases: list[Release], report: ImportReport) -> list[Process]:
    """Every ocid's releases merged by the standard's rules; a process that cannot be merged is skipped."""
    groups: dict[str, list[Release]] = {}
    for rel in releases:
        groups.setdefault(rel.ocid, []).append(rel)
    processes = []
    for ocid, group in groups.items():
        group.sort(key=lambda r: (r.date, r.seq))
        compiled_one = [r for r in group if r.compiled]
        try:
            compiled = compiled_one[-1].data if compiled_one and len(group) == 1 else _compile(group)
        except Exception as exc:  # ocdsmerge meets shapes the schema forbids: skip this process only
            report.skip("releases of one ocid cannot be merged by the OCDS rules", f"{group[-1].where}: {exc}")
            continue
        processes.append(Process(ocid, compiled, group))
    return processes


def _compile(group: list[Release]) -> dict:
    from ocdsmerge.exceptions import OCDSMergeWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OCDSMergeWarning)
        return _merger().create_compiled_release([{**r.data, "date": r.date} for r in group])


# -- converting -------------------------------------------------------------------------------
def convert(paths: list[Path], batch: ImportBatch, source_id: str | None = None,
            progress: Progress | None = None) -> None:
    """Every award (compiled), every process without an award, into `batch`."""
    report = batch.report
    releases = [r for p in paths for r in read_releases(p, report, progress)]
    report.figures["releases read"] = len(releases)
    if not releases:
        return
    fixed = _fixed_source(batch, source_id)
    recorded = RecordedAwards(batch)
    for process in compile_processes(releases, report):
        awards = [a for a in _list(process.compiled.get("awards")) if isinstance(a, dict)]
        _count_versions(report, process)
        if not awards and process.compiled.get("awards"):
            report.skip("award without id", process.releases[-1].where)
        for award in awards:
            if not isinstance(award.get("id"), (str, int)) or award.get("id") == "":
                report.skip("award without id", process.releases[-1].where)
                continue
            rel = process.view(process.latest_stating("awards", str(award["id"])))
            contract = _contract_of(process, str(award["id"]))
            _convert_safely(batch, rel, lambda: _award(batch, rel, award, contract, fixed, recorded))
        if awards:
            continue
        if process.releases and all(r.tags and r.tags <= {"planning", "planningUpdate"} for r in process.releases):
            report.skip("planning notice (no tender or award yet)", process.ocid)
            continue
        rel = process.view(process.releases[-1])
        if rel.tender:
            _convert_safely(batch, rel, lambda: _tender(batch, rel, fixed))


def _count_versions(report: ImportReport, process: Process) -> None:
    """Earlier versions the compiled release supersedes, counted as before: one skip each."""
    seen: dict[str, int] = {}
    tender_releases = 0
    for rel in process.releases:
        for award in _list(rel.data.get("awards")):
            if isinstance(award, dict) and award.get("id") not in (None, ""):
                seen[str(award["id"])] = seen.get(str(award["id"]), 0) + 1
        tender_releases += bool(rel.tender)
    for award_id, n in seen.items():
        if n > 1:
            report.skip("earlier version of an award (a later release updates it)",
                        f"{process.ocid} award {award_id}", n=n - 1)
    if not seen and tender_releases > 1:
        report.skip("earlier version of a tender notice (a later release updates it)", process.ocid,
                    n=tender_releases - 1)


def _contract_of(process: Process, award_id: str) -> tuple[Release, dict] | None:
    for contract in _list(process.compiled.get("contracts")):
        if isinstance(contract, dict) and str(contract.get("awardID")) == award_id:
            return process.view(process.latest_stating("contracts", str(contract.get("id")))), contract
    return None


def _convert_safely(batch: ImportBatch, release: Release, work) -> None:
    """Real data breaks in unforeseen ways: one bad release is skipped, not the import."""
    batch.where = release.where
    try:
        work()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        batch.report.skip(f"malformed release ({type(exc).__name__})", f"{release.where}: {clean_text(exc, 200)}")
    finally:
        batch.where = ""


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
        from .targets import is_import_folder

        if record_id not in self.batch.existing:
            return "new"
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
        batch.entity(record, Cite(sid, quote))  # matched: noted, left as recorded
        return
    if batch.entity(record, Cite(sid, quote)) is None:
        return
    if decision == "update":
        report.created["Contract"] -= 1  # restated, not new
    _account(report, record, len(suppliers))
    _buyers(batch, rel, parties, record["id"], lambda who: Cite(sid, f'"{title}" ({rel.ocid}): buyer {who}'))
    for supplier, name in zip(suppliers, names):
        cite = Cite(sid, f'Award {award["id"]} "{title}": supplier {name}, value {_money_text(value)}')
        _supplier(batch, rel, parties, supplier, record["id"], cite)
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
    ceiling = record["kind"] in CEILING_KINDS
    report.tally("awards counted")
    report.tally(f"awards: {'framework/DPS ceilings' if ceiling else 'contract values'} (GBP)",
                 float(record.get("value_gbp") or 0))
    report.tally("awards with a GBP value", 1 if record.get("value_gbp") is not None else 0)
    if suppliers > 1:
        report.tally("awards naming several suppliers")


def _kind(rel: Release, title: str, suppliers: int, has_contract: bool) -> str:
    tech = _dict(rel.tender.get("techniques"))
    method = _str(rel.tender.get("procurementMethodDetails")) or ""
    text = f"{title} {method}"
    if tech.get("hasDynamicPurchasingSystem") is True:
        return "dynamic_purchasing_system"
    if tech.get("hasFrameworkAgreement") is True:
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
    kind = "tender" if kind in ("award", "contract") else kind
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
    if batch.entity(record, Cite(sid, quote)) is None or record["id"] in batch.existing:
        return
    if estimate:
        batch.report.tally("tender estimates (not money; kept as value_original)")
    batch.report.tally("tender notices")
    _buyers(batch, rel, rel.parties(), record["id"], lambda who: Cite(sid, f'"{title}" ({rel.ocid}): buyer {who}'))
    _skip_other_parties(batch.report, rel, rel.parties())


# -- parties ----------------------------------------------------------------------------------
def _buyers(batch: ImportBatch, rel: Release, parties: dict[str, dict], contract_id: str, cite_for) -> None:
    main = _dict(rel.data.get("buyer"))
    main_id = _str(main.get("id")) or ""
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
        text = _text(candidate)
        if text:
            return text
    return None


def _identifiers(party: dict, ref: dict | None = None) -> tuple[str, ...]:
    """Organisation identifiers that hold across releases (never local ids such as org-1)."""
    found = []
    for ident in [_dict(party.get("identifier")), *[_dict(i) for i in _list(party.get("additionalIdentifiers"))]]:
        if _str(ident.get("scheme")) and _str(ident.get("id")):
            found.append(_org_id(str(ident["scheme"]), str(ident["id"])))
    for pid in (party.get("id"), (ref or {}).get("id")):
        if _str(pid) and ORG_ID.match(str(pid)):
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
    return f"{clean_text(amount, 40)} {clean_text(value.get('currency'), 20) or '(no currency)'}"


def _date(value: Any) -> str | None:
    """The calendar day of an OCDS date-time, when it is a real one."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return values.check_date(value[:10])
    except ValueError:
        return None


def _text(value: Any, limit: int = values.MAX_NAME) -> str | None:
    """Text of a field that should hold text, HTML entities decoded once; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return clean_text(html.unescape(value) if isinstance(value, str) else value, limit)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
