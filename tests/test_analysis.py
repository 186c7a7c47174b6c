"""Analysis: money, brokers, paths, neighbourhoods and communities, as a library and as `graphkit analyse`."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from graphkit.analysis import (bridges_between, brokers, communities, ego, money_items, money_summary,
                               money_totals, paths, resolve, store_graph)
from graphkit.cli import app
from graphkit.errors import GraphkitError


@pytest.fixture
def tiny_graph(tiny_dir, tmp_path) -> nx.MultiDiGraph:
    from graphkit.dataset import read_dataset
    from graphkit.stores import LadybugStore

    store = LadybugStore(tmp_path / "g.lbug")
    try:
        store.load(read_dataset([tiny_dir]))
        return store_graph(store)
    finally:
        store.close()


def _graph(nodes: dict, edges: list) -> nx.MultiDiGraph:
    """A hand-built graph: nodes {id: props}, edges [(a, b, props)]; every node sourced unless told."""
    graph = nx.MultiDiGraph()
    for node, props in nodes.items():
        graph.add_node(node, **{"id": node, "name": node.title(), "source_ids": ["s"], **props})
    for i, (a, b, props) in enumerate(edges):
        graph.add_edge(a, b, key=f"r{i}", **{"source_ids": ["s"], **props})
    return graph


def _contract(graph_nodes: dict, edges: list, cid: str, buyer: str, suppliers: list[str], **props) -> None:
    graph_nodes[cid] = {"label": "Contract", "kind": "contract", **props}
    edges.append((buyer, cid, {"type": "COMMISSIONED"}))
    edges.extend((cid, s, {"type": "AWARDED_TO"}) for s in suppliers)


ORG = {"label": "Organisation", "kind": "consultancy"}


def _row(rows, actor, direction="received", **match):
    found = [r for r in rows if r.actor_id == actor and r.direction == direction
             and all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


# -- money ----------------------------------------------------------------------------------
def test_tribal_receives_278k_ex_vat_from_two_contracts_paid_by_dclg(tiny_graph):
    rows = money_totals(tiny_graph)
    tribal = _row(rows, "tribal", "received")
    assert (tribal.money, tribal.vat, tribal.total_gbp, tribal.items) == ("contract", "excluded", 278000, 2)
    assert tribal.amounts == {"contract-spend": 218000, "contract-insight": 60000}
    assert tribal.source_ids == ["blog"]
    dclg = _row(rows, "dclg", "paid")
    assert (dclg.total_gbp, dclg.vat, dclg.source_ids) == (278000, "excluded", ["blog"])
    assert [(r.actor_id, r.direction) for r in rows] == [("dclg", "paid"), ("tribal", "received")]


def test_each_tiny_figure_carries_its_sources(tiny_graph):
    items = {i.id: i for i in money_items(tiny_graph)}
    assert set(items) == {"contract-spend", "contract-insight"}
    assert all(i.source_ids == ["blog"] for i in items.values())
    assert tiny_graph.graph["sources"]["blog"]["url"].startswith("https://")


def test_tiny_money_by_programme_keeps_unattached_contracts_apart(tiny_graph):
    rows = money_totals(tiny_graph, by="programme")
    assert _row(rows, "tribal", programme_id="total-place").total_gbp == 218000
    assert _row(rows, "tribal", programme_id="total-place").programme == "Total Place"
    assert _row(rows, "tribal", programme_id=None).total_gbp == 60000


def test_framework_awarded_to_35_suppliers_counts_its_ceiling_once():
    suppliers = [f"firm{i:02d}" for i in range(35)]
    nodes, edges = {s: ORG for s in suppliers} | {"dept": ORG}, []
    _contract(nodes, edges, "fw", "dept", suppliers, kind="framework_agreement", value_gbp=5_000_000, vat="excluded")
    rows = money_totals(_graph(nodes, edges))
    received = [r for r in rows if r.direction == "received"]
    assert len(received) == 35
    assert all(r.money == "framework_ceiling" and r.total_gbp == 5_000_000 and r.shared_with == 34 for r in received)
    assert _row(rows, "dept", "paid").total_gbp == 5_000_000
    [total] = money_summary(rows)
    assert (total.money, total.total_gbp, total.items) == ("framework_ceiling", 5_000_000, 1)


def test_dynamic_purchasing_system_is_a_ceiling_too():
    nodes, edges = {"a": ORG, "dept": ORG}, []
    _contract(nodes, edges, "dps", "dept", ["a"], kind="dynamic_purchasing_system", value_gbp=1e6)
    assert _row(money_totals(_graph(nodes, edges)), "a").money == "framework_ceiling"


def test_shared_contract_goes_to_each_supplier_but_counts_once_in_totals():
    nodes, edges = {"a": ORG, "b": ORG, "dept": ORG}, []
    _contract(nodes, edges, "c", "dept", ["a", "b"], value_gbp=100_000, vat="excluded")
    _contract(nodes, edges, "solo", "dept", ["a"], value_gbp=1_000, vat="excluded")
    rows = money_totals(_graph(nodes, edges))
    assert (_row(rows, "a").total_gbp, _row(rows, "a").shared_with) == (101_000, 1)
    assert (_row(rows, "b").total_gbp, _row(rows, "b").shared_with) == (100_000, 1)
    assert _row(rows, "dept", "paid").shared_with == 0
    [total] = money_summary(rows)
    assert (total.money, total.total_gbp, total.items) == ("contract", 101_000, 2)


def test_ex_vat_and_inc_vat_are_never_added_together():
    nodes, edges = {"a": ORG, "dept": ORG}, []
    _contract(nodes, edges, "ex", "dept", ["a"], value_gbp=100, vat="excluded")
    _contract(nodes, edges, "inc", "dept", ["a"], value_gbp=120, vat="included")
    _contract(nodes, edges, "unk", "dept", ["a"], value_gbp=50)
    rows = money_totals(_graph(nodes, edges))
    assert {r.vat: r.total_gbp for r in rows if r.direction == "received"} == {
        "excluded": 100, "included": 120, "unknown": 50}
    assert {t.vat: t.total_gbp for t in money_summary(rows)} == {"excluded": 100, "included": 120, "unknown": 50}


def test_unsourced_or_missing_amounts_are_ignored():
    nodes, edges = {"a": ORG, "dept": ORG}, []
    _contract(nodes, edges, "unsourced", "dept", ["a"], value_gbp=999, source_ids=[])
    _contract(nodes, edges, "no-value", "dept", ["a"], value_gbp=None)
    _contract(nodes, edges, "nan", "dept", ["a"], value_gbp=float("nan"))
    edges.append(("dept", "a", {"type": "PAID", "amount_gbp": 500, "source_ids": []}))
    edges.append(("dept", "a", {"type": "PAID", "amount_gbp": 70, "vat": "included"}))
    rows = money_totals(_graph(nodes, edges))
    assert [(r.actor_id, r.direction, r.money, r.total_gbp) for r in rows] == [
        ("a", "received", "payment", 70), ("dept", "paid", "payment", 70)]


def test_a_contract_without_a_value_counts_each_awards_own_amount():
    """CSV has no contract value column: the amount on each AWARDED_TO link is that supplier's award."""
    nodes, edges = {"a": ORG, "b": ORG, "dept": ORG}, []
    nodes["lots"] = {"label": "Contract", "kind": "contract", "vat": "excluded"}
    edges.append(("dept", "lots", {"type": "COMMISSIONED"}))
    edges.append(("lots", "a", {"type": "AWARDED_TO", "amount_gbp": 300, "source_ids": ["award-a"]}))
    edges.append(("lots", "b", {"type": "AWARDED_TO", "amount_gbp": 200, "vat": "included"}))
    edges.append(("lots", "b", {"type": "AWARDED_TO", "amount_gbp": 999, "source_ids": []}))  # unsourced: left out
    _contract(nodes, edges, "valued", "dept", ["a"], value_gbp=1_000, vat="excluded")
    edges.append(("valued", "a", {"type": "AWARDED_TO", "amount_gbp": 5}))  # the contract's own value wins
    rows = money_totals(_graph(nodes, edges))
    a = _row(rows, "a", money="contract", vat="excluded")
    assert (a.total_gbp, a.items, a.source_ids) == (1_300, 2, ["award-a", "s"])
    assert _row(rows, "b", money="contract", vat="included").total_gbp == 200
    assert {r.vat: r.total_gbp for r in rows if r.actor_id == "dept"} == {"excluded": 1_300, "included": 200}
    assert {t.vat: t.total_gbp for t in money_summary(rows)} == {"excluded": 1_300, "included": 200}


def test_payments_funding_and_contract_values_stay_apart():
    nodes, edges = {"a": ORG, "dept": ORG, "prog": {"label": "Programme", "kind": "programme"}}, []
    _contract(nodes, edges, "c", "dept", ["a"], value_gbp=1_000, vat="excluded")
    edges.append(("dept", "a", {"type": "PAID", "amount_gbp": 400, "vat": "excluded"}))
    edges.append(("dept", "prog", {"type": "FUNDS", "amount_gbp": 5_000, "vat": "excluded"}))
    rows = money_totals(_graph(nodes, edges))
    paid = {r.money: r.total_gbp for r in rows if r.actor_id == "dept"}
    assert paid == {"contract": 1_000, "payment": 400, "funding": 5_000}
    assert {t.money: t.total_gbp for t in money_summary(rows)} == {"contract": 1_000, "payment": 400, "funding": 5_000}


def test_money_by_programme_and_year():
    nodes, edges = {"a": ORG, "dept": ORG, "prog": {"label": "Programme", "kind": "programme"}}, []
    _contract(nodes, edges, "c", "dept", ["a"], value_gbp=1_000, vat="excluded", start_date="2009-10-01")
    edges.append(("c", "prog", {"type": "PART_OF"}))
    edges.append(("dept", "prog", {"type": "FUNDS", "amount_gbp": 5_000, "vat": "excluded", "start_date": "2010"}))
    graph = _graph(nodes, edges)
    by_prog = money_totals(graph, by="programme")
    assert {(r.money, r.programme_id) for r in by_prog if r.actor_id == "dept"} == {("contract", "prog"),
                                                                                 ("funding", "prog")}
    by_year = money_totals(graph, by="year")
    assert {r.money: r.year for r in by_year if r.actor_id == "dept"} == {"contract": "2009", "funding": "2010"}
    assert {(t.year, t.total_gbp) for t in money_summary(by_year)} == {("2009", 1_000), ("2010", 5_000)}


def test_money_by_unknown_grouping_is_a_user_error():
    with pytest.raises(GraphkitError, match="actor, programme, year"):
        money_totals(nx.MultiDiGraph(), by="colour")


# -- brokers --------------------------------------------------------------------------------
def test_brokers_rank_actors_and_count_pilots_within_two_hops(tiny_graph):
    rows = brokers(tiny_graph)
    assert {r.label for r in rows} == {"Organisation"}
    assert rows[0].id == "dclg"
    by_id = {r.id: r for r in rows}
    assert by_id["leadership-centre"].pilots == 2
    assert by_id["croydon"].pilots == 1  # Lewisham, via Total Place
    assert by_id["unison"].betweenness == 0
    assert len(brokers(tiny_graph, top=2)) == 2


def test_consultancy_touching_most_pilots():
    pilots = {f"p{i}": {"label": "Organisation", "kind": "pilot_area"} for i in range(3)}
    graph = _graph(pilots | {"firm": ORG, "other": ORG, "hub": {"label": "Programme"}},
                   [("firm", "p0", {}), ("firm", "hub", {}), ("hub", "p1", {}), ("hub", "p2", {}),
                    ("other", "p0", {})])
    by_id = {r.id: r for r in brokers(graph)}
    assert by_id["firm"].pilots == 3 and by_id["other"].pilots == 1
    assert "hub" not in by_id


def test_bridges_between_pilots_and_whitehall(tiny_graph):
    rows = bridges_between(tiny_graph)
    assert {r.id for r in rows} == {"total-place", "contract-spend"}
    assert all(r.betweenness > 0 for r in rows)
    assert bridges_between(tiny_graph, group_b_kinds=("police",)) == []


# -- paths and neighbourhoods ---------------------------------------------------------------
def test_path_reports_each_links_real_direction_and_quotes(tiny_graph):
    [path] = paths(tiny_graph, "Tribal Group plc", "croydon")
    assert path.nodes == ["tribal", "contract-spend", "total-place", "croydon"]
    assert [(s.subject, s.type, s.object, s.forward) for s in path.steps] == [
        ("contract-spend", "AWARDED_TO", "tribal", False),
        ("contract-spend", "PART_OF", "total-place", True),
        ("croydon", "PARTICIPATES_IN", "total-place", False)]
    first = path.steps[0].sources[0]
    assert first["id"] == "blog" and first["quote"] == "Spend Counting and Deep Dive £218k ex VAT"
    assert first["url"] == "https://example.org/blog/2009/11/bad-place"


def test_parallel_links_give_separate_chains_up_to_max():
    graph = _graph({"a": ORG, "b": ORG}, [("a", "b", {"type": "ADVISES"}), ("b", "a", {"type": "PAID"}),
                                          ("a", "b", {"type": "SUPPORTS"})])
    found = paths(graph, "a", "b", max_paths=5)
    assert sorted((p.steps[0].type, p.steps[0].forward) for p in found) == [
        ("ADVISES", True), ("PAID", False), ("SUPPORTS", True)]
    assert len(paths(graph, "a", "b", max_paths=2)) == 2


def test_no_path_and_unknown_names(tiny_graph):
    tiny_graph.add_node("loner", name="Loner")
    assert paths(tiny_graph, "tribal", "loner") == []
    with pytest.raises(GraphkitError, match="did you mean 'tribal'"):
        paths(tiny_graph, "tribl", "dclg")
    with pytest.raises(GraphkitError, match="same actor"):
        paths(tiny_graph, "DCLG", "dclg")


def test_resolve_by_id_name_or_alias_ignoring_case(tiny_graph):
    assert resolve(tiny_graph, "communities and local government") == "dclg"
    assert resolve(tiny_graph, "  Department for Communities and  Local Government ") == "dclg"
    assert resolve(tiny_graph, "croydon") == "croydon"


def test_ego_neighbourhood(tiny_graph):
    one = ego(tiny_graph, "DCLG")
    assert set(one) == {"dclg", "tribal", "contract-spend", "contract-insight", "foi-tribal"}
    assert one.number_of_edges() == 7
    assert one.graph["sources"]["blog"]["title"]
    assert {"total-place", "croydon"} - set(ego(tiny_graph, "dclg", hops=2)) == {"croydon"}


# -- communities ----------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["louvain", "label_propagation"])
def test_communities_cover_every_node_once_and_repeat(tiny_graph, method):
    found = communities(tiny_graph, method=method)
    members = [m for c in found for m in c.members]
    assert sorted(members) == sorted(tiny_graph.nodes)
    assert [c.members for c in communities(tiny_graph, method=method)] == [c.members for c in found]
    assert [c.size for c in found] == sorted((c.size for c in found), reverse=True)
    assert all(sum(c.labels.values()) == c.size for c in found)


def test_tiny_louvain_groups_the_contracts_with_their_parties(tiny_graph):
    groups = [set(c.members) for c in communities(tiny_graph)]
    assert any({"dclg", "tribal", "contract-spend", "contract-insight"} <= g for g in groups)
    assert any({"unison", "motion-2010"} <= g for g in groups)


def test_unknown_community_method():
    with pytest.raises(GraphkitError, match="louvain, label_propagation"):
        communities(_graph({"a": ORG}, []), method="magic")


# -- the command line -----------------------------------------------------------------------
@pytest.fixture
def loaded(workdir, tiny_dir, runner):
    result = runner.invoke(app, ["load", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    return runner


def _json(runner, *args):
    result = runner.invoke(app, ["analyse", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_money_json_has_raw_numbers_and_sources(loaded):
    rows = {(r["actor_id"], r["direction"]): r for r in _json(loaded, "money")}
    tribal = rows[("tribal", "received")]
    assert (tribal["total_gbp"], tribal["vat"], tribal["items"]) == (278000, "excluded", 2)
    assert tribal["source_ids"] == ["blog"]
    assert rows[("dclg", "paid")]["total_gbp"] == 278000


def test_cli_money_summary_and_groupings(loaded):
    assert _json(loaded, "money", "--summary") == [{"money": "contract", "vat": "excluded", "total_gbp": 278000.0,
                                                     "items": 2, "source_ids": ["blog"]}]
    by_prog = _json(loaded, "money", "--by", "programme")
    assert {(r["programme_id"], r["programme"], r["total_gbp"]) for r in by_prog if r["actor_id"] == "tribal"} == {
        ("total-place", "Total Place", 218000), (None, None, 60000)}


def test_cli_money_table_shows_pounds(loaded):
    result = loaded.invoke(app, ["analyse", "money"])
    assert result.exit_code == 0, result.output
    assert "£278,000" in result.output


def test_cli_money_csv_keeps_raw_numbers(loaded):
    result = loaded.invoke(app, ["analyse", "money", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "tribal,Tribal,received,contract,excluded,278000.0,2,0,blog" in result.stdout


def test_cli_brokers_path_ego_communities(loaded):
    assert _json(loaded, "brokers", "--top", "1")[0]["id"] == "dclg"
    assert {r["id"] for r in _json(loaded, "brokers", "--bridges", "council,pilot_area", "--to", "government_department")} == {"total-place", "contract-spend"}
    steps = _json(loaded, "path", "tribal", "Croydon")
    assert [(s["type"], s["forward"]) for s in steps] == [("AWARDED_TO", False), ("PART_OF", True),
                                                          ("PARTICIPATES_IN", False)]
    assert steps[0]["sources"][0]["quote"] == "Spend Counting and Deep Dive £218k ex VAT"
    links = _json(loaded, "ego", "DCLG")
    assert len(links) == 7 and {"ADVISES", "COMMISSIONED"} <= {l["type"] for l in links}
    found = _json(loaded, "communities", "--method", "label_propagation")
    assert sum(c["size"] for c in found) == 11


def test_cli_path_table_shows_directions(loaded):
    result = loaded.invoke(app, ["analyse", "path", "tribal", "croydon"])
    assert result.exit_code == 0, result.output
    assert "←AWARDED" in result.output and "—PART_OF→" in result.output


def test_cli_errors_are_one_line(loaded):
    result = loaded.invoke(app, ["analyse", "path", "tribl", "dclg"])
    assert result.exit_code == 1
    assert "'tribl' is not a recorded id, name or alias (did you mean 'tribal'?)" in result.output
    result = loaded.invoke(app, ["analyse", "money", "--by", "colour"])
    assert result.exit_code == 1 and "cannot group money by 'colour'" in result.output


def test_cli_without_a_store_says_to_load(workdir, runner):
    result = runner.invoke(app, ["analyse", "brokers"])
    assert result.exit_code == 1
    assert "run `graphkit load` first" in result.output


def test_bridges_are_the_share_of_the_chains_between_two_named_groups(loaded):
    """`--bridges` once printed 0 on every row: normalised over all pairs, its scores rounded away."""
    rows = _json(loaded, "brokers", "--bridges", "croydon,lewisham", "--to", "dclg")
    assert {r["id"]: r["betweenness"] for r in rows} == {"total-place": 1.0, "contract-spend": 1.0}
    alone = loaded.invoke(app, ["analyse", "brokers", "--bridges", "pilot_area"])
    assert alone.exit_code == 1 and "--bridges and --to go together" in alone.output


def test_cli_money_keeps_a_framework_ceiling_out_of_the_money_received_column(workdir, tiny_dir, runner):
    (tiny_dir / "framework.yaml").write_text(
        "entities:\n"
        "  - {id: fw, label: Contract, kind: framework_agreement, name: Consultancy framework, value_gbp: 4000000,\n"
        "     vat: excluded, sources: [{source: foi, quote: a framework of £4m}]}\n"
        "relationships:\n"
        "  - {source: fw, type: AWARDED_TO, target: tribal, evidence: documented,\n"
        "     sources: [{source: foi, quote: Tribal is on the framework}]}\n", encoding="utf-8")
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    rows = [r for r in _json(runner, "money") if r["actor_id"] == "tribal" and r["money"] == "framework_ceiling"]
    assert [(r["total_gbp"], r["ceiling_gbp"]) for r in rows] == [(None, 4_000_000)]
    summary = {r["money"]: r for r in _json(runner, "money", "--summary")}
    assert summary["framework_ceiling"]["total_gbp"] is None and summary["framework_ceiling"]["ceiling_gbp"] == 4_000_000
    assert summary["contract"]["ceiling_gbp"] is None
