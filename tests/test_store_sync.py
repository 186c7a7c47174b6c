"""After a load the store equals the files: what the files no longer hold is gone from the store."""
from __future__ import annotations

from graphkit.cli import app
from graphkit.dataset.merges import record_merge, remove_merge
from graphkit.stores.loading import load

SECOND_TRIBAL = (
    "entities:\n"
    "  - {id: tribal-group-plc, label: Organisation, kind: company, name: Tribal Group plc,\n"
    "     sources: [{source: foi, quote: Tribal Group plc}]}\n"
    "  - {id: contract-audit, label: Contract, kind: contract, name: Audit, value_gbp: 62400, vat: excluded,\n"
    "     sources: [{source: foi, quote: 'Audit £62,400'}]}\n"
    "relationships:\n"
    "  - {source: contract-audit, type: AWARDED_TO, target: tribal-group-plc, evidence: documented,\n"
    "     sources: [{source: foi, quote: awarded to Tribal Group plc}]}\n"
)


def _awards(store) -> list[list]:
    return store.query("MATCH (c:Contract {id: 'contract-audit'})-[:AWARDED_TO]->(s) "
                       "RETURN s.id AS supplier, c.value_gbp AS gbp ORDER BY supplier").rows


def _ids(store) -> set[str]:
    return {r[0] for r in store.query("MATCH (n) RETURN n.id").rows}


def test_a_claim_removed_from_the_files_is_removed_from_the_store(store, tiny_dir):
    load([tiny_dir], store)
    links = tiny_dir / "links.yaml"
    text = links.read_text()
    first_advice = text.index("  - {source: tribal, type: ADVISES")
    links.write_text(text[:first_advice])
    report = load([tiny_dir], store)
    assert report.deleted == {"ADVISES": 1}
    assert store.query("MATCH (:Organisation {id: 'tribal'})-[r:ADVISES]->() RETURN count(r)").rows == [[0]]


def test_an_entity_removed_from_the_files_goes_with_its_links(store, tiny_dir):
    (tiny_dir / "more.yaml").write_text(SECOND_TRIBAL)
    load([tiny_dir], store)
    (tiny_dir / "more.yaml").unlink()
    report = load([tiny_dir], store)
    assert report.totals()["deleted"] == 3
    assert not {"tribal-group-plc", "contract-audit"} & _ids(store)


def test_merge_then_unmerge_counts_the_money_once_under_the_right_id(store, tiny_dir):
    (tiny_dir / "more.yaml").write_text(SECOND_TRIBAL)
    load([tiny_dir], store)
    assert _awards(store) == [["tribal-group-plc", 62400]]
    record_merge(tiny_dir, "tribal", "tribal-group-plc", "one firm")
    load([tiny_dir], store)
    assert _awards(store) == [["tribal", 62400]]
    assert "tribal-group-plc" not in _ids(store)
    remove_merge(tiny_dir, "tribal", "tribal-group-plc")
    load([tiny_dir], store)
    assert _awards(store) == [["tribal-group-plc", 62400]]


def test_a_load_of_one_finding_without_sync_keeps_the_rest(store, tiny_dir, tmp_path):
    from graphkit.dataset import read_dataset

    load([tiny_dir], store)
    before = _ids(store)
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "s.yaml").write_text("sources:\n  - {id: extra, url: 'https://example.org/x', title: X}\n")
    store.load(read_dataset([tmp_path / "one"]), sync=False)
    assert _ids(store) == before | {"extra"}


def test_a_load_without_sync_reads_only_the_stored_rows_it_may_set(tmp_path, tiny_dir):
    from graphkit.dataset import read_dataset
    from graphkit.stores import LadybugStore

    store = LadybugStore(tmp_path / "store" / "graph.lbug")
    load([tiny_dir], store)
    read, existing = [], store._existing
    store._existing = lambda cypher, parameters: read.append(existing(cypher, parameters)) or read[-1]
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "s.yaml").write_text(
        "sources:\n  - {id: extra, url: 'https://example.org/x', title: X}\n"
        "  - {id: foi, url: 'https://example.org/foi', title: 'The FOI answer, again'}\n")
    report = store.load(read_dataset([tmp_path / "one"]), sync=False)
    store.close()
    assert (report.created, report.updated) == ({"Source": 1}, {"Source": 1})
    assert [table.column("id").to_pylist() for table in read] == [["foi"]]  # not every stored source

def test_differences_report_what_a_load_would_change(store, tiny_dir):
    from graphkit.dataset import read_dataset

    load([tiny_dir], store)
    assert store.differences(read_dataset([tiny_dir])).changed_nothing
    (tiny_dir / "more.yaml").write_text(SECOND_TRIBAL)
    actors = tiny_dir / "actors.yaml"
    actors.write_text(actors.read_text().replace("name: Tribal\n", "name: Tribal Group\n"))
    diff = store.differences(read_dataset([tiny_dir]))
    assert diff.totals() == {"created": 3, "updated": 1, "unchanged": 27, "deleted": 0}
    assert _ids(store) == {r[0] for r in store.query("MATCH (n) RETURN n.id").rows}  # nothing written


def test_neo4j_sync_leaves_what_graphkit_did_not_write(neo4j_env, tiny_dir):
    from graphkit.stores import Neo4jStore

    store = Neo4jStore()
    try:
        load([tiny_dir], store)
        store.query("CREATE (:Organisation {id: 'theirs', name: 'Written by another tool'})", write=True)
        store.query("MATCH (a:Organisation {id: 'theirs'}), (b:Organisation {id: 'tribal'}) "
                    "CREATE (a)-[:ADVISES {rid: 'their-link'}]->(b)", write=True)
        links = tiny_dir / "links.yaml"
        text = links.read_text()
        links.write_text(text[:text.index("  - {source: tribal, type: ADVISES")])
        report = load([tiny_dir], store)
        assert report.deleted == {"ADVISES": 1}
        rows = store.query("MATCH (a {id: 'theirs'})-[r:ADVISES]->(b) RETURN r.rid, b.id").rows
        assert rows == [["their-link", "tribal"]]
    finally:
        store.close()


def test_cli_load_says_how_many_were_deleted(workdir, runner, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    links = tiny_dir / "links.yaml"
    text = links.read_text()
    links.write_text(text[:text.index("  - {source: tribal, type: ADVISES")])
    result = runner.invoke(app, ["load", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert "1 deleted (no longer in the files)" in result.output
