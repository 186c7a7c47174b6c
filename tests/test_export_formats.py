"""Exports: CSV that re-imports unchanged, FtM that followthemoney reads, GEXF and GraphML."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from graphkit.cli import app
from graphkit.io import export_store, store_dataset
from graphkit.io.csv_import import import_csv
from graphkit.io.export_csv import guard_cell, unguard_cell
from graphkit.stores.loading import load
from graphkit.stores import LadybugStore


@pytest.fixture
def tiny_store(tmp_path, tiny_dir):
    store = LadybugStore(tmp_path / "a" / "graph.lbug")
    load([tiny_dir], store)
    yield store
    store.close()


def _plain(ds):
    return {name: getattr(ds, name).drop_columns(["_file", "_line"]).to_pylist()
            for name in ("entities", "relationships", "sources")}


def test_csv_round_trip_preserves_every_entity_relationship_property_and_source(tmp_path, tiny_store):
    before = store_dataset(tiny_store)
    report = export_store("csv", tiny_store, tmp_path / "out")
    assert {p.split("/")[-1] for p in report.files} == {"entities.csv", "relationships.csv", "sources.csv", "fields.yaml"}
    header = (tmp_path / "out" / "entities.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,label,kind,name,aliases,description,source_id,quote"
    empty = LadybugStore(tmp_path / "b" / "graph.lbug")
    try:
        import_csv([tmp_path / "out"], tmp_path / "ds" / "roundtrip", dataset=tmp_path / "ds", store=empty)
        after = store_dataset(empty)
    finally:
        empty.close()
    assert _plain(after) == _plain(before)
    assert before.entities.num_rows == 11 and before.relationships.num_rows == 14 and before.sources.num_rows == 3


def test_csv_export_guards_formula_cells_and_the_round_trip_undoes_it(tmp_path, tiny_dir):
    (tiny_dir / "odd.yaml").write_text(
        "entities:\n  - {id: minus-foo, label: Organisation, kind: company, name: '-Foo',\n"
        "     aliases: ['=HYPERLINK(1)', \"'=already\"], sources: [{source: blog, quote: '@mention'}]}\n",
        encoding="utf-8")
    store = LadybugStore(tmp_path / "a" / "graph.lbug")
    load([tiny_dir], store)
    export_store("csv", store, tmp_path / "out")
    text = (tmp_path / "out" / "entities.csv").read_text(encoding="utf-8")
    assert "minus-foo,Organisation,company,'-Foo,'=HYPERLINK(1)|'=already,,blog,'@mention" in text
    again = LadybugStore(tmp_path / "b" / "graph.lbug")
    import_csv([tmp_path / "out"], tmp_path / "ds" / "x", dataset=tmp_path / "ds", store=again)
    row = again.query("MATCH (o:Organisation {id: 'minus-foo'}) RETURN o.name, o.aliases, o.quotes").rows[0]
    assert row == ["-Foo", ["=HYPERLINK(1)", "'=already"], ["@mention"]]
    store.close()
    again.close()


@pytest.mark.parametrize("value", ["-Foo", "=1+1", "'=x", "''+y", "@a", "\tTab", "plain", "'quoted", "", "'", "-"])
def test_the_guard_is_reversible(value):
    assert unguard_cell(guard_cell(value)) == value
    assert not str(guard_cell(value)).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_ftm_export_reads_back_with_followthemoney(tmp_path, tiny_store):
    from followthemoney import model

    report = export_store("ftm", tiny_store, tmp_path / "tiny.ftm.json")
    proxies = [model.get_proxy(json.loads(line), cleaned=False)
               for line in (tmp_path / "tiny.ftm.json").read_text(encoding="utf-8").splitlines()]
    by_id = {p.id: p for p in proxies}
    assert by_id["tribal"].schema.name == "Company"
    assert by_id["dclg"].schema.name == "PublicBody" and "DCLG" in by_id["dclg"].get("alias")
    contract = by_id["contract-spend"]
    assert contract.schema.name == "Contract" and contract.get("authority") == ["dclg"]
    assert contract.get("amount") == ["218000"] and contract.get("currency") == ["GBP"]
    awards = [p for p in proxies if p.schema.name == "ContractAward"]
    assert {(a.first("contract"), a.first("supplier")) for a in awards} == {("contract-spend", "tribal"),
                                                                            ("contract-insight", "tribal")}
    assert "https://example.org/blog/2009/11/bad-place" in by_id["tribal"].get("sourceUrl")
    assert report.dropped["FOIRequest (no FtM counterpart)"] == 1


def test_ftm_export_imports_again(tmp_path, tiny_store):
    from graphkit.io.ftm import import_ftm

    export_store("ftm", tiny_store, tmp_path / "tiny.ftm.json")
    report = import_ftm([tmp_path / "tiny.ftm.json"], tmp_path / "ds" / "ftm", dataset=tmp_path / "ds")
    assert report.created["Organisation"] == 6 and report.created["AWARDED_TO"] == 2
    assert not [r for r in report.skipped if "line is not" in r]


@pytest.mark.parametrize("fmt, reader", [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_graph_exports_open_in_networkx_with_every_property(tmp_path, tiny_store, fmt, reader):
    report = export_store(fmt, tiny_store, tmp_path / f"tiny.{fmt}")
    graph = reader(tmp_path / f"tiny.{fmt}")
    assert graph.number_of_nodes() == 11 and graph.number_of_edges() == 14 == report.written["edges"]
    node = graph.nodes["contract-spend"]
    assert node["entity_label"] == "Contract" and float(node["value_gbp"]) == 218000
    assert node["vat"] == "excluded" and node["source_ids"] == "blog"
    assert node["source_urls"] == "https://example.org/blog/2009/11/bad-place"
    dclg = graph.nodes["dclg"]
    assert dclg["aliases"] == "DCLG; Communities and Local Government"
    labels = sorted(d["label"] for _, _, d in graph.edges(data=True))
    assert labels.count("COMMISSIONED") == 2


def test_cli_export_every_format(runner, workdir, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    for fmt, target in (("csv", "out/csv"), ("ftm", "out/tiny.ftm.json"), ("gexf", "out/tiny.gexf"),
                        ("graphml", "out/tiny.graphml"), ("neo4j-admin", "out/neo4j")):
        result = runner.invoke(app, ["export", fmt, target])
        assert result.exit_code == 0, result.output
        assert "wrote" in result.output
    assert (workdir / "out" / "neo4j" / "import.sh").is_file()
    bad = runner.invoke(app, ["export", "xml", "out/x"])
    assert bad.exit_code == 1 and "unknown export format" in bad.output


def test_both_engines_export_the_same_dataset(store, tiny_dir, tmp_path):
    load([tiny_dir], store)
    reference = LadybugStore(tmp_path / "ref" / "graph.lbug")
    load([tiny_dir], reference)
    try:
        assert _plain(store_dataset(store)) == _plain(store_dataset(reference))
    finally:
        reference.close()


def test_csv_export_then_plain_load_keeps_no_formula_guard(runner, workdir, tiny_dir):
    (tiny_dir / "odd.yaml").write_text(
        "entities:\n  - {id: minus-foo, label: Organisation, kind: company, name: '-Foo',\n"
        "     aliases: ['=HYPERLINK(1)', \"'=already\"], sources: [{source: blog, quote: '@mention'}]}\n",
        encoding="utf-8")
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    assert runner.invoke(app, ["export", "csv", "out"]).exit_code == 0
    assert "'-Foo" in (workdir / "out" / "entities.csv").read_text(encoding="utf-8")
    result = runner.invoke(app, ["load", "out", "--store", "again.lbug"])
    assert result.exit_code == 0, result.output
    again = LadybugStore(workdir / "again.lbug")
    try:
        row = again.query("MATCH (o:Organisation {id: 'minus-foo'}) RETURN o.name, o.aliases, o.quotes").rows[0]
    finally:
        again.close()
    assert row == ["-Foo", ["=HYPERLINK(1)", "'=already"], ["@mention"]]


def test_gexf_names_its_graph_and_leaks_no_networkx_attribute(tmp_path, tiny_store):
    """The two faults the GEXF 1.2draft schema refused: an empty graph name, and networkx's edge key."""
    import xml.etree.ElementTree as ET

    export_store("gexf", tiny_store, tmp_path / "tiny.gexf")
    text = (tmp_path / "tiny.gexf").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    ns = {"g": "http://www.gexf.net/1.2draft"}
    assert root.get("version") == "1.2"
    graph = root.find("g:graph", ns)
    assert graph.get("name") == "graphkit"
    assert "networkx_key" not in text
    ids = [e.get("id") for e in graph.find("g:edges", ns)]
    assert sorted(ids) == sorted(store_dataset(tiny_store).relationships.column("rid").to_pylist())
    assert len(set(ids)) == 14


def test_reimporting_graphkits_own_ftm_export_restates_nothing(tmp_path, tiny_dir, tiny_store):
    """Its ids are graphkit ids, its UnknownLinks name their relationship type, Projects are Programmes."""
    from graphkit.io.ftm import import_ftm

    export_store("ftm", tiny_store, tmp_path / "tiny.ftm.json")
    report = import_ftm([tmp_path / "tiny.ftm.json"], tiny_dir / "imports" / "ftm", dataset=tiny_dir, dry_run=True)
    assert not {"Organisation", "Person", "Contract", "Report", "Programme"} & set(report.created)
    assert report.skipped["claim already recorded in the dataset (kept as recorded)"] >= 10
    assert not [r for r in report.skipped if "no counterpart" in r or "end is missing" in r]
