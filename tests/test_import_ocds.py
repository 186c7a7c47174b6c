"""OCDS import: real releases from three UK portals, checked against a count made another way."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.io.ocds import import_ocds
from graphkit.stores import LadybugStore

FILES = ["contracts-finder.releases.jsonl", "public-contracts-scotland.releases.jsonl", "sell2wales.releases.jsonl"]


def plain_award_count(path: Path) -> dict:
    """Awards counted with nothing but json: one per (ocid, award id), the latest release wins."""
    latest: dict[tuple, tuple] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        release = json.loads(line)
        for award in release.get("awards", []):
            key = (release["ocid"], award["id"])
            stamp = (release.get("date", ""), n)
            if key not in latest or stamp >= latest[key][0]:
                latest[key] = (stamp, award)
    gbp = [a["value"]["amount"] for _, a in latest.values()
           if (a.get("value") or {}).get("currency") == "GBP" and a["value"]["amount"] > 0]
    several = [a for _, a in latest.values() if len(a.get("suppliers", [])) > 1]
    return {"awards": len(latest), "gbp_total": round(sum(gbp), 2), "several_suppliers": len(several),
            "values": {k: a.get("value", {}).get("amount") for k, (_, a) in latest.items()}}


@pytest.fixture(scope="module")
def imported(tmp_path_factory, request):
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocds"
    if not shared.is_dir():
        pytest.skip("../shared/data/ocds is not beside the checkout")
    root = tmp_path_factory.mktemp("ocds")
    store = LadybugStore(root / "store" / "graph.lbug")
    report = import_ocds([shared / f for f in FILES], root / "seeds" / "imports" / "ocds-uk", dataset=root / "seeds",
                         store=store)
    yield {"report": report, "store": store, "root": root, "shared": shared}
    store.close()


def one(store, cypher, **params):
    return store.query(cypher, params).rows[0]


def test_award_count_and_gbp_total_match_a_plain_json_count(imported):
    plain = plain_award_count(imported["shared"] / FILES[0])
    report, store = imported["report"], imported["store"]
    assert plain["awards"] == 143 and report.figures["awards counted"] == 143
    count, total = one(store, "MATCH (c:Contract) WHERE c.ocid STARTS WITH 'ocds-b5fd17' AND NOT c.id ENDS WITH '-tender' "
                              "RETURN count(c), sum(c.value_gbp)")
    assert count == plain["awards"]
    assert round(total, 2) == plain["gbp_total"]
    figures = report.figures
    assert round(figures["awards: contract values (GBP)"] + figures["awards: framework/DPS ceilings (GBP)"], 2) == plain["gbp_total"]


def test_a_later_award_update_replaces_the_earlier_value_and_counts_once(imported):
    store = imported["store"]
    rows = store.query("MATCH (c:Contract) WHERE c.ocid = $ocid RETURN c.value_gbp",
                       {"ocid": "ocds-b5fd17-09a309a3-8541-48b9-91c4-411c52e5bd34"}).rows
    assert rows == [[109320.0]]  # 10,932,000 was published first, then corrected
    assert imported["report"].skipped["earlier version of an award (a later release updates it)"] == 4


def test_multi_supplier_awards_are_frameworks_whose_ceiling_is_counted_once(imported):
    plain = plain_award_count(imported["shared"] / FILES[0])
    store = imported["store"]
    rows = store.query("MATCH (c:Contract)-[:AWARDED_TO]->(s) WITH c, count(s) AS n WHERE n > 1 "
                       "RETURN c.kind AS kind, count(c) AS contracts").rows
    assert sum(n for _, n in rows) == plain["several_suppliers"] == 11
    assert {kind for kind, _ in rows} <= {"framework_agreement", "dynamic_purchasing_system"}
    cid, kind, value, suppliers = one(store, "MATCH (c:Contract {name: 'Repairs and Planned Works Framework'})"
                                             "-[:AWARDED_TO]->(s) RETURN c.id, c.kind, c.value_gbp, count(s)")
    # 30 listings; one firm appears under several Contracts Finder ids (Axis Europe five times)
    assert (kind, value) == ("framework_agreement", 175_000_000) and suppliers >= 15
    from graphkit.query.named import run_named

    money = run_named(store, "who-profits").records()
    assert not any(cid in r["what"] for r in money if r["money"] == "contract")  # a ceiling is not contract money
    assert any(cid in r["what"] for r in money if r["money"] == "framework_ceiling")


def test_spellings_of_one_supplier_become_one_actor(imported):
    store = imported["store"]
    rows = store.query("MATCH (o:Organisation) WHERE lower(o.name) STARTS WITH 'axis europe' RETURN o.id, o.aliases").rows
    assert len(rows) == 1
    assert any(a.startswith("GB-CFS-") for a in rows[0][1])


def test_real_faults_are_skipped_with_reasons_not_crashes(imported):
    report = imported["report"]
    assert report.skipped["supplier without a name (and no known identifier)"] == 1
    assert report.figures["releases without id (kept, id made from ocid and date)"] == 90
    assert report.skipped["review or mediation body only (not a party to the contract)"] >= 100
    assert any("value in EUR" in reason for reason in report.skipped)
    assert report.figures["tender notices"] > 150  # Scottish and Welsh notices, no awards


def test_every_claim_cites_its_release_with_a_quote(imported):
    ds = read_dataset([imported["root"] / "seeds"])
    sources = {r["id"]: r for r in ds.sources.to_pylist()}
    for rel in ds.relationships.to_pylist():
        assert rel["source_ids"] and all(q for q in rel["quotes"])
        assert all(s in sources for s in rel["source_ids"])
    contract = ds.entity("ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30-1")
    assert contract["quotes"][0].startswith('Award ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30-1 "Parking Pilot - CEO": value 93007 GBP')
    source = sources[contract["source_ids"][0]]
    assert source["url"].startswith("https://www.contractsfinder.service.gov.uk/Notice/")
    assert source["publisher"] == "Contracts Finder"


def test_reimport_matches_everything_and_changes_nothing(imported):
    root, shared = imported["root"], imported["shared"]
    report = import_ocds([shared / f for f in FILES], root / "seeds" / "imports" / "ocds-uk", dataset=root / "seeds",
                         store=imported["store"])
    assert report.loaded.changed_nothing and not report.created
    assert report.figures["records already in the previous run's files"] > 1000


# -- synthetic faults and package shapes ----------------------------------------------------------
def release(ocid="ocds-test-1", rid="r1", date="2025-01-01T00:00:00Z", **extra):
    base = {"ocid": ocid, "id": rid, "date": date, "tag": ["award"],
            "parties": [{"id": "org-1", "name": "Barnet Council", "roles": ["buyer"]},
                        {"id": "GB-COH-123", "name": "Acme Ltd", "roles": ["supplier"]},
                        {"id": "org-9", "name": "High Court", "roles": ["reviewBody"]}],
            "buyer": {"id": "org-1", "name": "Barnet Council"},
            "tender": {"title": "Support services"},
            "awards": [{"id": "a1", "value": {"amount": 1000, "currency": "GBP"},
                        "suppliers": [{"id": "GB-COH-123", "name": "Acme Ltd"}]}]}
    base.update(extra)
    return base


def test_packages_records_and_faulty_lines(tmp_path):
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"uri": "https://example.org/p.json", "publisher": {"name": "Example"},
                                   "releases": [release(), release(rid="r2", date="2025-02-01T00:00:00Z",
                                                                   awards=[{"id": "a1", "value": {"amount": 1500, "currency": "GBP"},
                                                                            "suppliers": [{"id": "GB-COH-123", "name": "ACME LIMITED"}]}])]}))
    records = tmp_path / "records.json"
    records.write_text(json.dumps({"records": [{"ocid": "ocds-test-2", "compiledRelease": release(
        ocid="ocds-test-2", rid="c1", awards=[{"id": "b1", "value": {"amount": 50, "currency": "EUR"},
                                               "suppliers": [{"id": "x", "name": "  "}]}],
        contracts=[{"id": "k1", "awardID": "b1", "value": {"amount": 60, "currency": "EUR"}}])}]}))
    lines = tmp_path / "lines.jsonl"
    lines.write_text("not json\n" + json.dumps({"id": "no-ocid"}) + "\n"
                     + json.dumps(release(ocid="ocds-test-3", rid=None, awards=[{"id": "c1", "status": "cancelled"}])) + "\n")
    report = import_ocds([package, records, lines], tmp_path / "ds", dataset=tmp_path / "ds")
    ds = read_dataset([tmp_path / "ds"])
    award = ds.entity("ocds-test-1-a1")
    assert award["value_gbp"] == 1500 and award["kind"] == "award"
    assert ds.entity("ocds-test-2-b1")["value_original"] == 60 and ds.entity("ocds-test-2-b1")["value_gbp"] is None
    acme = [e for e in ds.entities.to_pylist() if e["label"] == "Organisation" and "acme" in e["name"].casefold()]
    assert len(acme) == 1 and "GB-COH-00000123" in acme[0]["aliases"]
    assert report.skipped["line is not JSON"] == 1
    assert report.skipped["release without ocid"] == 1
    assert report.skipped["award status cancelled (not counted)"] == 1
    assert report.skipped["supplier without a name (and no known identifier)"] == 1
    assert report.figures["awards counted"] == 2


def test_cli_import_ocds_dry_run_writes_nothing(runner, workdir, shared_dir):
    path = shared_dir / "data" / "ocds" / FILES[1]
    result = runner.invoke(app, ["import", "ocds", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "tender notices: 90" in result.output
    assert not (workdir / "seeds").exists() and not (workdir / ".graphkit").exists()
    result = runner.invoke(app, ["import", "ocds", str(path)])
    assert result.exit_code == 0, result.output
    assert (workdir / "seeds" / "imports" / "ocds-public-contracts-scotland" / "entities.csv").is_file()
    assert "loaded:" in result.output and "review or mediation body" in result.output
