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
- Memory: a process's contracts, claims and sources are final once it is converted; they are
  kept in sorted runs on disk (io/runs.py) and merged when the files are written, so only
  actors, source URLs and ids stay in memory however many releases the files hold.
- Input is checked before use: UTF-8 (else one line with the byte offset), nesting
  depth, and the type of every field read. A bad record is skipped with file:line and a
  reason; a file from which nothing can be read is refused in one line.
"""
from __future__ import annotations

from pathlib import Path

from ...stores import Store
from ..batch import ImportBatch
from ...model.values import one_line
from ..importing import ImportPlan, Progress, run_record_import
from ..report import ImportReport
from .awards import RecordedAwards, _award, _fixed_source, _tender
from .compiling import Process, compile_process
from .fields import _list
from .reading import Release, read_groups

FORMAT = "ocds"


def import_ocds(paths: list[str | Path], into: str | Path | None = None, *, dataset: str | Path | list | None = None,
                store: Store | None = None, dry_run: bool = False, source_id: str | None = None,
                progress: Progress | None = None, force: bool = False) -> ImportReport:
    """Import OCDS files into `into` (a folder of `dataset`), then load the dataset into `store`.

    Without `into`, each file gets a folder of its own (`<dataset>/imports/ocds-<file name>`).
    `source_id` cites one source for every claim instead of one per release.
    """
    from ..importing import run_per_file

    def one(files: list[Path], folder: str | Path | None, target: Store | None) -> ImportReport:
        plan = ImportPlan.make(FORMAT, files, folder, dataset, force=force)
        return run_record_import(plan, lambda batch: convert(plan.inputs, batch, source_id, progress),
                                 store=target, dry_run=dry_run, progress=progress)

    return run_per_file(FORMAT, paths, into, one, dataset=dataset, store=store, dry_run=dry_run, progress=progress)


def convert(paths: list[Path], batch: ImportBatch, source_id: str | None = None,
            progress: Progress | None = None) -> None:
    """Every award (compiled), every process without an award, into `batch`."""
    report = batch.report
    report.figures["releases read"] = 0
    fixed = _fixed_source(batch, source_id) if source_id else None
    recorded = RecordedAwards(batch)
    for group in read_groups(paths, report, progress):
        report.figures["releases read"] += len(group)
        process = compile_process(group, report)
        if process is not None:
            _convert_process(batch, process, fixed, recorded)
            batch.settle()  # its contracts and claims are final: kept on disk, not in memory


def _convert_process(batch: ImportBatch, process: Process, fixed: str | None, recorded: RecordedAwards) -> None:
    """A process's awards (compiled), or its tender when it has no award."""
    report = batch.report
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
        return
    if process.releases and all(r.tags and r.tags <= {"planning", "planningUpdate"} for r in process.releases):
        report.skip("planning notice (no tender or award yet)", process.ocid)
        return
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
        batch.report.skip(f"malformed release ({type(exc).__name__})", f"{release.where}: {one_line(exc, 200)}")
    finally:
        batch.where = ""


