"""The Total Place seed dataset: valid, sourced, and holding what the project started from."""
from __future__ import annotations

import pytest

from graphkit.dataset import read_dataset
from graphkit.stores.loading import load
from graphkit.query.named import run_named

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


# -- quotes that hold --------------------------------------------------------------------------
def test_every_seed_relationship_quote_names_one_of_its_ends(seeds):
    from graphkit.dataset.quote_check import weak_claims

    assert [str(p) for p in weak_claims(seeds)] == []


def test_the_weak_check_finds_a_planted_claim_and_the_cli_exits_1(tmp_path, runner):
    from graphkit.cli import app
    from graphkit.dataset import read_dataset
    from graphkit.dataset.quote_check import weak_claims

    (tmp_path / "d.yaml").write_text(
        "sources:\n  - {id: s, url: 'https://example.org/a', title: A}\n"
        "entities:\n"
        "  - {id: cles, label: Organisation, kind: think_tank, name: Centre for Local Economic Strategies, aliases: [CLES], sources: [{source: s, quote: CLES}]}\n"
        "  - {id: b68, label: Report, kind: newsletter, name: 'B68: Understanding public sector investment', sources: [{source: s, quote: B68}]}\n"
        "relationships:\n"
        "  - {source: cles, type: PUBLISHED, target: b68, sources: [{source: s, quote: 'This Bulletin looks at two areas of contemporary policy'}]}\n"
        "  - {source: cles, type: AUTHORED, target: b68, sources: [{source: s, quote: 'CLES’s bulletin B68 was written by its staff'}]}\n",
        encoding="utf-8")
    problems = weak_claims(read_dataset([tmp_path]))
    assert [(p.line, p.context) for p in problems] == [(7, "relationship cles PUBLISHED b68")]
    result = runner.invoke(app, ["sources", str(tmp_path), "--weak"])
    assert result.exit_code == 1
    assert "d.yaml:7: relationship cles PUBLISHED b68: quotes name neither end" in result.output
    assert runner.invoke(app, ["sources", str(tmp_path)]).exit_code == 0


def test_the_mended_relationships(seeds):
    rels = seeds.relationships.to_pylist()
    keyed = {(r["source"], r["type"], r["target"]): r for r in rels}
    assert ("eric-pickles", "SUPPORTS", "pilot-leicester-leicestershire") not in keyed
    assert keyed["eric-pickles", "LINKED_TO", "pilot-leicester-leicestershire"]["role"] == "cited the pilot's evidence"
    assert ("pa-consulting", "PUBLISHED", "cherrett-total-place-tantalising-truth") not in keyed
    cles = keyed["cles", "PUBLISHED", "cles-bulletin-b68"]["quotes"]
    assert "This Bulletin looks at two areas of contemporary policy" not in cles
    for contract in ("contract-tribal-spend-counting-deep-dive", "contract-tribal-customer-insight"):
        assert keyed["foi-total-place-tribal-contract", "DISCLOSED", contract]["evidence"] == "inferred"
    riep = keyed["east-midlands-riep", "SUPPORTS", "total-place"]["quotes"]
    assert all("The Government Office is promoting" not in q for q in riep)
    assert any("Total Place report published today" in q for q in keyed["clg-news-total-place-report", "ABOUT", "total-place"]["quotes"])


def test_the_seed_documents_in_full(seeds):
    quotes = {(s, q) for r in seeds.relationships.to_pylist() for s, q in zip(r["source_ids"], r["quotes"])}
    motion, blog = "seed-unison-ndc-2010-total-place", "seed-blog-totally-bad-place"
    for source, phrase in ((motion, "possible outsourcing, potential privatisation"),
                           (motion, "Promote public sector collaboration as an alternative to outsourcing"),
                           (motion, "Local Strategic Partnerships"), (motion, "five alliances"),
                           (blog, "The Local Government Association Leadership Centre provides support to this process")):
        assert any(s == source and phrase in q for s, q in quotes), phrase


def test_seed_document_quotes_are_verbatim(seeds, shared_dir):
    """Every quote citing a seed document appears in it, whitespace aside."""
    texts = {"seed-blog-totally-bad-place": "000_850e5cc95cec9722.txt", "seed-unison-ndc-2010-total-place": "001_239b89f5123ba9f1.txt"}
    flat = {sid: " ".join((shared_dir / "seeds" / name).read_text(encoding="utf-8").split()) for sid, name in texts.items()}
    for table in (seeds.entities, seeds.relationships):
        for row in table.select(["source_ids", "quotes"]).to_pylist():
            for sid, quote in zip(row["source_ids"], row["quotes"]):
                if sid in flat:
                    assert " ".join(quote.split()) in flat[sid], (sid, quote)


# -- money as data, never added across overlapping figures -------------------------------------
def test_at_least_twenty_amounts_are_data(seeds):
    edges = [r for r in seeds.relationships.to_pylist() if r["amount_gbp"] is not None]
    contracts = [e for e in seeds.entities.to_pylist() if e["label"] == "Contract" and e["value_gbp"] is not None]
    assert len(edges) + len(contracts) >= 20
    assert all(r["type"] in ("FUNDS", "PAID", "AWARDED_TO") for r in edges)


def test_who_profits_names_six_recipients_with_sourced_amounts(store, seed_dir):
    load([seed_dir], store)
    rows = run_named(store, "who-profits", {"supplier": ""}).records()
    recipients = {r["supplier_id"] for r in rows if r["total_gbp"] and all(r["sources"])}
    assert {"tribal", "capita", "deloitte", "locality", "turning-point", "catch-22"} <= recipients


def test_overlapping_riep_funding_is_shown_side_by_side_not_summed(seed_dir, tmp_path):
    from graphkit.analysis import money_summary, money_totals, store_graph
    from graphkit.stores import LadybugStore

    store = LadybugStore(tmp_path / "g.lbug")
    try:
        load([seed_dir], store)
        graph = store_graph(store)
    finally:
        store.close()
    rows = [r for r in money_totals(graph) if r.actor_id == "rieps" and r.direction == "received"]
    amounts = sorted(r.total_gbp for r in rows)
    assert amounts == [31_706_000, 185_000_000] and all(r.held_apart for r in rows)
    totals = money_summary(money_totals(graph))
    assert 216_706_000 not in {t.total_gbp for t in totals}
    package = next(t for t in totals if t.total_gbp == 185_000_000)
    assert len(package.overlaps) == 10  # the 2009-10 share and the nine regional grants
    nscso = [t for t in totals if t.total_gbp in (350_000_000, 320_000_000)]
    assert len(nscso) == 2 and all(t.overlaps for t in nscso)  # LGC and Local Government Lawyer, side by side


def test_the_succession_chain_walks_in_cypher(store, seed_dir):
    load([seed_dir], store)
    rows = store.query("MATCH (a:Programme {id: 'total-place'})-[:SUCCEEDED_BY*1..8]->(b:Programme) "
                       "RETURN DISTINCT b.id AS id").records()
    assert {"place-based-budgets", "community-budgets", "whole-place-community-budgets",
            "neighbourhood-community-budgets", "our-place", "communities-fund",
            "public-service-transformation-network"} <= {r["id"] for r in rows}


def test_quotes_not_found_again_are_alleged(seeds):
    unverified = {"nf-clg-committee-hc163-community-budgets", "nf-hfforum-2014-08-07-deloitte", "nf-mrreasonable-2021-05-capita"}
    for row in seeds.relationships.to_pylist():
        if set(row["source_ids"]) <= unverified:
            assert row["evidence"] == "alleged", row["rid"]
