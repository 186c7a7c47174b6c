"""The named query library gives the same answers on both engines."""
from __future__ import annotations

import json

import pytest

from graphkit.analysis.graph import store_graph
from graphkit.analysis.money import money_totals
from graphkit.cli import app
from graphkit.stores.loading import load
from graphkit.query.named import named_queries, run_named
from graphkit.errors import GraphkitError


@pytest.fixture
def loaded(store, tiny_dir):
    load([tiny_dir], store)
    return store


def records(store, name, **params):
    return run_named(store, name, params).records()


def test_the_library_has_at_least_twelve_documented_queries():
    queries = named_queries()
    assert len(queries) >= 12
    for q in queries.values():
        assert q.description, q.name
        assert q.text_for("neo4j") and q.text_for("ladybug")


def test_who_profits_counts_tribal_once_per_contract_with_sources(loaded):
    [row] = records(loaded, "who-profits")
    assert (row["supplier_id"], row["money"], row["vat"]) == ("tribal", "contract", "excluded")
    assert row["total_gbp"] == 278000 and row["items"] == 2
    assert sorted(row["what"]) == ["contract-insight", "contract-spend"]
    assert row["sources"] == ["blog"]  # each source once, however many items cite it


def test_award_amounts_count_for_a_contract_without_a_value(store, tiny_dir, tmp_path):
    """A CSV contract has no value column: each AWARDED_TO amount is that supplier's award."""
    (tmp_path / "entities.csv").write_text(
        "id,label,kind,name,aliases,description,source_id,quote\n"
        "lots,Contract,contract,Lots 1-2,,,blog,two lots\n", encoding="utf-8")
    (tmp_path / "relationships.csv").write_text(
        "source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote\n"
        "lots,AWARDED_TO,tribal,\"£1,000\",excluded,2010-01-04,,lot 1,reported,blog,lot 1 to Tribal\n"
        "lots,AWARDED_TO,tribal,500,excluded,2010-02-01,,lot 2,reported,blog,lot 2 to Tribal\n"
        "lots,AWARDED_TO,leadership-centre,250,,2010-01-04,,lot 3,reported,blog,lot 3\n"
        "lots,PART_OF,total-place,,,,,,reported,blog,for Total Place\n"
        "contract-spend,AWARDED_TO,tribal,,,2010-03-01,,extension,reported,blog,extended\n",  # its value counts once
        encoding="utf-8")
    load([tiny_dir, tmp_path], store)
    rows = {(r["supplier_id"], r["vat"]): r for r in records(store, "who-profits")}
    assert rows["tribal", "excluded"]["total_gbp"] == 278_000 + 1_500
    assert sorted(rows["tribal", "excluded"]["what"]) == ["contract-insight", "contract-spend", "lots", "lots"]
    assert (rows["leadership-centre", "unknown"]["total_gbp"], rows["leadership-centre", "unknown"]["sources"]) == (
        250, ["blog"])
    by_programme = {r["vat"]: r["total_gbp"] for r in records(store, "money-by-programme") if r["money"] == "contract"}
    assert by_programme == {"excluded": 218_000 + 1_500, "unknown": 250}
    analysed = {(r.actor_id, r.money, r.vat): (r.total_gbp, r.items)
                for r in money_totals(store_graph(store)) if r.direction == "received"}
    assert {k: (r["total_gbp"], r["items"]) for k, r in
            ((tuple(r[c] for c in ("supplier_id", "money", "vat")), r) for r in records(store, "who-profits"))} == analysed


def test_advisers_of_a_pilot(loaded):
    rows = records(loaded, "advisers-of-pilot", pilot="croydon")
    assert [(r["adviser_id"], r["via"], r["role"]) for r in rows] == [("leadership-centre", "direct", "deep dive support")]


def test_actor_footprint_lists_links_both_ways(loaded):
    rows = records(loaded, "actor-footprint", actor="dclg")
    got = sorted((r["direction"], r["relation"], r["other_id"], r["other_label"]) for r in rows)
    assert got == [("in", "ADDRESSED_TO", "foi-tribal", "FOIRequest"), ("in", "ADVISES", "tribal", "Organisation"),
                   ("out", "COMMISSIONED", "contract-insight", "Contract"),
                   ("out", "COMMISSIONED", "contract-spend", "Contract")]


def test_department_contracts(loaded):
    rows = records(loaded, "department-contracts")
    assert [(r["contract_id"], r["value_gbp"], r["vat"], r["suppliers"]) for r in rows] == [
        ("contract-insight", 60000, "excluded", ["Tribal"]), ("contract-spend", 218000, "excluded", ["Tribal"])]


def test_reports_with_authors(loaded):
    [row] = records(loaded, "reports")
    assert (row["report_id"], row["authors"], row["kind"]) == ("motion-2010", ["UNISON"], "motion")
    assert records(loaded, "reports", kind="article") == []


def test_union_criticism_through_motions(loaded):
    [row] = records(loaded, "union-criticism")
    assert (row["union_id"], row["target_id"], row["through"]) == ("unison", "total-place", "Total Place (conference motion)")


def test_foi_disclosures(loaded):
    [row] = records(loaded, "foi-disclosures")
    assert row["addressed_to"] == ["Department for Communities and Local Government"]
    assert row["disclosed"] == ["Spend Counting and Deep Dive"]
    assert row["status"] == "partially successful"


def test_weakly_sourced_claims(loaded):
    rows = records(loaded, "weakly-sourced", max_sources=1)
    assert len(rows) == 14
    assert records(loaded, "weakly-sourced", max_sources=0) == []


def test_multi_pilot_actors(loaded):
    rows = records(loaded, "multi-pilot-actors")
    assert [(r["actor_id"], r["pilots"], sorted(r["pilot_areas"])) for r in rows] == [
        ("leadership-centre", 2, ["Croydon", "Lewisham"]), ("total-place", 2, ["Croydon", "Lewisham"])]


def test_money_by_programme(loaded):
    [row] = records(loaded, "money-by-programme")
    assert (row["programme_id"], row["money"], row["total_gbp"]) == ("total-place", "contract", 218000)


def test_common_neighbours(loaded):
    rows = records(loaded, "common-neighbours", a="croydon", b="lewisham")
    assert [r["id"] for r in rows] == ["leadership-centre", "total-place"]


def test_shortest_path(loaded):
    rows = records(loaded, "shortest-path", a="foi-tribal", b="tribal")
    paths = sorted((r["ids"], r["relations"], r["hops"]) for r in rows)
    assert paths == [(["foi-tribal", "contract-spend", "tribal"], ["DISCLOSED", "AWARDED_TO"], 2),
                     (["foi-tribal", "dclg", "tribal"], ["ADDRESSED_TO", "ADVISES"], 2)]


def test_pilots_and_revolving_door(loaded):
    assert [r["pilot_id"] for r in records(loaded, "pilots")] == ["croydon", "lewisham"]
    assert records(loaded, "revolving-door") == []


def test_claim_sources_give_every_quote(loaded):
    rows = records(loaded, "claim-sources", a="contract-spend", b="tribal")
    assert [(r["relation"], r["source_id"], r["quote"]) for r in rows] == [
        ("AWARDED_TO", "blog", "Spend Counting and Deep Dive £218k ex VAT")]


def test_missing_or_unknown_parameters_are_clear(loaded):
    with pytest.raises(GraphkitError, match="parameter 'pilot' is required"):
        run_named(loaded, "advisers-of-pilot", {})
    with pytest.raises(GraphkitError, match="unknown parameter"):
        run_named(loaded, "pilots", {"x": 1})


def test_cli_load_then_run(runner, workdir, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    result = runner.invoke(app, ["run", "who-profits", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["total_gbp"] == 278000
    listing = runner.invoke(app, ["queries"])
    assert "who-profits" in listing.output and "shortest-path" in listing.output


@pytest.mark.neo4j
def test_cli_against_neo4j_through_the_environment(runner, workdir, neo4j_env, tiny_dir):
    loaded = runner.invoke(app, ["load", str(tiny_dir)])
    assert loaded.exit_code == 0 and "28 created" in loaded.output
    again = runner.invoke(app, ["load", str(tiny_dir)])
    assert "0 created" in again.output and "nothing changed" in again.output
    result = runner.invoke(app, ["run", "who-profits", "--format", "json"])
    assert json.loads(result.output)[0]["total_gbp"] == 278000
    refused = runner.invoke(app, ["query", "MATCH (n) DETACH DELETE n"])
    assert refused.exit_code == 1 and "--write" in refused.output
    assert not (workdir / ".graphkit").exists()


def test_actor_parameters_take_a_name_and_a_miss_suggests_the_nearest(loaded):
    """`--param pilot=croydon` once gave `(no rows)` with no hint when the id was `pilot-croydon`."""
    assert records(loaded, "advisers-of-pilot", pilot="CROYDON") == records(loaded, "advisers-of-pilot", pilot="croydon")
    assert records(loaded, "department-contracts", buyer="Communities & Local Government") == records(
        loaded, "department-contracts", buyer="dclg")
    with pytest.raises(GraphkitError, match=r"--param pilot 'croydn' .* \(did you mean 'croydon'\?\)"):
        records(loaded, "advisers-of-pilot", pilot="croydn")
    with pytest.raises(GraphkitError, match="'dclg', which is not of kind pilot_area"):
        records(loaded, "advisers-of-pilot", pilot="dclg")


def test_advisers_of_a_pilot_are_only_ties_to_the_pilot_and_the_bodies_that_lead_or_partner_it(store, tiny_dir, tmp_path):
    (tmp_path / "more.yaml").write_text(
        "entities:\n"
        "  - {id: council, label: Organisation, kind: council, name: Croydon Council, sources: [{source: blog, quote: q}]}\n"
        "  - {id: firm, label: Organisation, kind: consultancy, name: Firm, sources: [{source: blog, quote: q}]}\n"
        "  - {id: article, label: Organisation, kind: think_tank, name: Later Think Tank, sources: [{source: blog, quote: q}]}\n"
        "  - {id: review, label: Contract, kind: contract, name: Review, sources: [{source: blog, quote: q}]}\n"
        "relationships:\n"
        "  - {source: council, type: LEADS, target: croydon, sources: [{source: blog, quote: q}]}\n"
        "  - {source: firm, type: ADVISES, target: council, role: strategy, sources: [{source: blog, quote: q}]}\n"
        "  - {source: council, type: COMMISSIONED, target: review, sources: [{source: blog, quote: q}]}\n"
        "  - {source: review, type: AWARDED_TO, target: firm, sources: [{source: blog, quote: q}]}\n"
        "  - {source: article, type: SUPPORTS, target: total-place, sources: [{source: blog, quote: q}]}\n"
        # the council is tied to the pilot twice and commissioned the review twice: each tie is still one row
        "  - {source: council, type: PART_OF, target: croydon, sources: [{source: blog, quote: q}]}\n"
        "  - {source: council, type: COMMISSIONED, target: review, role: extension, sources: [{source: blog, quote: q}]}\n",
        encoding="utf-8")
    load([tiny_dir, tmp_path], store)
    rows = [(r["adviser_id"], r["tie"], r["via"]) for r in records(store, "advisers-of-pilot", pilot="croydon")]
    assert rows == [("firm", "advises", "Croydon Council"), ("firm", "commissioned", "Croydon Council"),
                    ("leadership-centre", "supports", "direct")]
    assert run_named(store, "advisers-of-pilot", {"pilot": "croydon"}, window=(0, 1)).total == len(rows)


def test_named_queries_declare_their_order_and_list_each_source_once(loaded):
    queries = named_queries()
    assert queries["advisers-of-pilot"].actors == {"pilot": ("pilot_area",)}
    assert queries["money-by-programme"].order == [("programme_id", False), ("money", False), ("total_gbp", True),
                                                   ("vat", False)]
    for q in queries.values():
        for param in q.actors:
            assert param in {p.name for p in q.params}, q.name
    rows = records(loaded, "actor-footprint", actor="Tribal")
    assert [r["direction"] for r in rows] == sorted((r["direction"] for r in rows), reverse=True)
    assert all(len(r["sources"]) == len(set(r["sources"])) for r in rows)


def test_param_values_are_trimmed_and_ids_that_look_like_numbers_stay_text():
    from graphkit.query.named import parse_params

    assert parse_params(["supplier=007", "pilot= croydon ", "top=5", "code=1e3"]) == \
        {"supplier": "007", "pilot": "croydon", "top": 5, "code": "1e3"}


RANKED = {"who-profits": {}, "weakly-sourced": {}, "reports": {}, "revolving-door": {}, "money-by-programme": {},
          "union-criticism": {}, "advisers-of-pilot": {"pilot": "pilot-croydon"}}


def _rounded(rows):
    """Rows with sums rounded to the penny and collected lists as sets (engines add and collect in any order)."""
    return [[round(v, 2) if isinstance(v, float) else sorted(map(str, v)) if isinstance(v, list) else v for v in r]
            for r in rows]


@pytest.mark.parametrize("name", RANKED)
def test_a_ranking_query_sorts_and_cuts_in_the_engine_and_pages_as_the_whole_answer(store, seed_dir, name, monkeypatch):
    load([seed_dir], store)
    query = named_queries()[name]
    assert "LIMIT $first" in query.text_for(store.engine) and "ORDER BY" in query.text_for(store.engine)
    params = RANKED[name]
    full = run_named(store, name, params)
    assert len(full.rows) > 1, "the seeds give this query several rows"
    sent = []
    real = store.query
    monkeypatch.setattr(store, "query", lambda cypher, params=None, **kw: sent.append(params) or real(cypher, params, **kw))
    for offset, limit in ((0, 1), (1, 1), (len(full.rows) - 1, 5)):
        page = run_named(store, name, params, window=(offset, limit))
        assert _rounded(page.rows) == _rounded(full.rows[offset:offset + limit]) and page.total == len(full.rows)
    asked = [p["first"] for p in sent if p and "first" in p]
    assert asked[0] == 1  # the engine was asked for the first page only


def test_an_actor_given_by_id_is_checked_by_its_kind_alone(loaded, monkeypatch):
    """Reading the whole node to check an id's kind cost about 250 ms at 1m relationships (every label's columns)."""
    answers = []
    real = loaded.query
    monkeypatch.setattr(loaded, "query", lambda *a, **kw: answers.append(real(*a, **kw)) or answers[-1])
    rows = records(loaded, "advisers-of-pilot", pilot="croydon")
    assert rows and len(answers) == 2  # the id checked, then the query
    assert answers[0].rows == [["pilot_area"]]
    with pytest.raises(GraphkitError, match="'dclg', which is not of kind pilot_area"):
        records(loaded, "advisers-of-pilot", pilot="dclg")
