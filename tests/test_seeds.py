"""The Total Place seed dataset: valid, sourced, and holding what the project started from."""
from __future__ import annotations

import pytest

from graphkit.dataset import read_dataset
from graphkit.loading import load
from graphkit.named_queries import run_named

PILOTS = {
    "pilot-birmingham", "pilot-bradford", "pilot-coventry-solihull-warwickshire", "pilot-croydon",
    "pilot-dorset-poole-bournemouth", "pilot-durham", "pilot-kent", "pilot-leicester-leicestershire",
    "pilot-lewisham", "pilot-luton-central-bedfordshire", "pilot-manchester-warrington",
    "pilot-south-tyneside-gateshead-sunderland", "pilot-worcestershire",
}
MUST_HAVE = {
    "total-place": ("Programme", None), "hm-treasury": ("Organisation", "government_department"),
    "dclg": ("Organisation", "government_department"), "leadership-centre": ("Organisation", None),
    "tribal": ("Organisation", "consultancy"), "whatdotheyknow": ("Organisation", "website"),
    "foi-total-place-tribal-contract": ("FOIRequest", "foi_request"),
    "warwick-igpm": ("Organisation", "academic_institute"), "whole-systems-go": ("Report", None),
    "unison": ("Organisation", "union"), "tuc": ("Organisation", "union"), "gmb": ("Organisation", "union"),
    "unite": ("Organisation", "union"), "rieps": ("Organisation", None), "clyde-valley-review": (None, None),
    "powys-county-council": ("Organisation", None), "croydon-council": ("Organisation", None),
    "lewisham-council": ("Organisation", None), "barnet-council": ("Organisation", None),
    "lgc": ("Organisation", "media"), "lgc-article-welcoming-total-place": ("Report", "article"),
    "unison-ndc-2010-motion": ("Report", "motion"), "blog-more-from-a-totally-bad-place": ("Report", "blog_post"),
}


@pytest.fixture(scope="module")
def seeds(request):
    from pathlib import Path

    return read_dataset([Path(request.config.rootpath) / "seeds" / "total_place"])


def test_seed_dataset_is_valid_and_every_claim_is_quoted(seeds):
    for table in (seeds.entities, seeds.relationships):
        for row in table.select(["source_ids", "quotes"]).to_pylist():
            assert row["source_ids"] and len(row["source_ids"]) == len(row["quotes"])
            assert all(q.strip() for q in row["quotes"])


def test_all_thirteen_pilots_and_not_cumbria(seeds):
    pilots = {e["id"] for e in seeds.entities.to_pylist() if e["kind"] == "pilot_area"}
    assert pilots == PILOTS
    assert not any("cumbria" in p for p in pilots)


def test_the_actors_the_project_started_from(seeds):
    for entity_id, (label, kind) in MUST_HAVE.items():
        entity = seeds.entity(entity_id)
        assert entity, entity_id
        assert label is None or entity["label"] == label, entity_id
        assert kind is None or entity["kind"] == kind, entity_id


def test_tribals_contracts_rest_on_the_blog_as_alleged(seeds):
    spend = seeds.entity("contract-tribal-spend-counting-deep-dive")
    insight = seeds.entity("contract-tribal-customer-insight")
    assert (spend["value_gbp"], spend["vat"], insight["value_gbp"], insight["vat"]) == (218000, "excluded", 60000, "excluded")
    assert spend["evidence"] == insight["evidence"] == "alleged"
    rels = {(r["source"], r["type"], r["target"]) for r in seeds.relationships.to_pylist()}
    for contract in ("contract-tribal-spend-counting-deep-dive", "contract-tribal-customer-insight"):
        assert ("dclg", "COMMISSIONED", contract) in rels
        assert (contract, "AWARDED_TO", "tribal") in rels
        assert ("foi-total-place-tribal-contract", "DISCLOSED", contract) in rels
    assert ("warwick-igpm", "AUTHORED", "whole-systems-go") in rels or any(
        r[1] == "AUTHORED" and r[2] == "whole-systems-go" for r in rels)


def test_the_two_seed_documents_are_sources(seeds):
    urls = {s["id"]: s["url"] for s in seeds.sources.to_pylist()}
    assert urls["seed-blog-totally-bad-place"].startswith("http")
    assert urls["seed-unison-ndc-2010-total-place"].startswith("https://www.unison.org.uk/")


def test_who_profits_from_the_seeds_on_both_engines(store, seed_dir):
    load([seed_dir], store)
    rows = [r for r in run_named(store, "who-profits", {"supplier": "tribal"}).records() if r["money"] == "contract"]
    assert [(r["supplier_id"], r["vat"], r["total_gbp"], r["items"]) for r in rows] == [("tribal", "excluded", 278000, 2)]
    assert sorted(rows[0]["what"]) == ["contract-tribal-customer-insight", "contract-tribal-spend-counting-deep-dive"]
    assert all(sources for sources in rows[0]["sources"])
