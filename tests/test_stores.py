"""Both engines behind one interface: loads are validated, idempotent and all-or-nothing."""
from __future__ import annotations

import logging

import pytest

from graphkit.dataset import InvalidDataset, read_dataset
from graphkit.stores.dialect import list_property
from graphkit.stores.loading import load
from graphkit.model.ontology import load_ontology
from graphkit.errors import GraphkitError
from graphkit.stores.ladybug_store import LadybugStore, copy_arrow as _real_copy_arrow, schema_statements


def counts(store) -> tuple[int, int]:
    nodes = store.query("MATCH (n) RETURN count(n) AS n").rows[0][0]
    rels = store.query("MATCH ()-[r]->() RETURN count(r) AS n").rows[0][0]
    return nodes, rels


def test_load_then_reload_changes_nothing(store, tiny_dir):
    first = load([tiny_dir], store)
    assert first.totals() == {"created": 28, "updated": 0, "unchanged": 0, "deleted": 0}
    assert counts(store) == (14, 14)  # 11 entities + 3 sources; 14 relationships
    second = load([tiny_dir], store)
    assert second.totals() == {"created": 0, "updated": 0, "unchanged": 28, "deleted": 0}
    assert second.changed_nothing


def test_an_edited_file_updates_only_what_changed(store, tiny_dir):
    load([tiny_dir], store)
    actors = tiny_dir / "actors.yaml"
    actors.write_text(actors.read_text().replace("name: Tribal\n", "name: Tribal Group\n"))
    report = load([tiny_dir], store)
    assert report.totals() == {"created": 0, "updated": 1, "unchanged": 27, "deleted": 0}
    assert store.query("MATCH (o:Organisation {id: 'tribal'}) RETURN o.name").rows == [["Tribal Group"]]


def test_a_rejected_file_changes_nothing(store, tiny_dir):
    load([tiny_dir], store)
    before = counts(store)
    (tiny_dir / "bad.yaml").write_text(
        "entities:\n  - {id: newco, label: Organisation, kind: company, name: New, sources: []}\n")
    with pytest.raises(InvalidDataset):
        load([tiny_dir], store)
    assert counts(store) == before


def test_reset_rebuilds_from_the_files(store, tiny_dir):
    load([tiny_dir], store)
    store.query("MATCH (o:Organisation {id: 'tribal'}) SET o.name = 'changed by hand'", write=True)
    report = load([tiny_dir], store, reset=True)
    assert report.totals()["created"] == 28
    assert store.query("MATCH (o:Organisation {id: 'tribal'}) RETURN o.name").rows == [["Tribal"]]


def test_citations_are_loaded_so_cypher_finds_the_quotes(store, tiny_dir):
    load([tiny_dir], store)
    rows = store.query(
        "MATCH (c:Contract {id: 'contract-spend'})-[r:AWARDED_TO]->(o:Organisation) "
        f"MATCH (s:Source) WHERE s.id IN {list_property(store.engine, 'r.source_ids')} "
        "RETURN o.name, s.url, r.quotes").rows
    assert rows == [["Tribal", "https://example.org/blog/2009/11/bad-place",
                     ["Spend Counting and Deep Dive £218k ex VAT"]]]


def test_queries_are_read_only_unless_asked(store, tiny_dir):
    load([tiny_dir], store)
    before = counts(store)
    with pytest.raises(GraphkitError, match="write"):
        store.query("MATCH (n) DETACH DELETE n")
    assert counts(store) == before
    store.query("MATCH (n:Organisation {id: 'tribal'}) DETACH DELETE n", write=True)
    assert counts(store)[0] == before[0] - 1


def test_syntax_errors_carry_the_engines_message(store):
    with pytest.raises(GraphkitError) as err:
        store.query("MATCH (n RETURN n")
    assert "Traceback" not in str(err.value) and str(err.value)


def test_values_are_parameters_never_cypher_text(store, tiny_dir):
    load([tiny_dir], store)
    hostile = "'}) DETACH DELETE n //"
    rows = store.query("MATCH (n:Organisation) WHERE n.name = $name RETURN n.id", {"name": hostile}).rows
    assert rows == []
    assert counts(store)[0] == 14


@pytest.mark.parametrize("reset", [False, True])
def test_ladybug_failure_mid_load_leaves_the_previous_state(tmp_path, tiny_dir, monkeypatch, reset):
    from graphkit.stores import ladybug_file, ladybug_store

    store = LadybugStore(tmp_path / "store" / "g.lbug")
    load([tiny_dir], store)
    before = counts(store)
    for module in (ladybug_store, ladybug_file):  # upsert and rebuild: fails after the nodes were copied
        monkeypatch.setattr(module, "copy_arrow", _copy_nodes_only)
    (tmp_path / "more.yaml").write_text("entities:\n  - {id: extra, label: Organisation, kind: company, "
                                        "name: Extra, sources: [{source: blog, quote: x}]}\n"
                                        "relationships:\n  - {source: extra, type: ADVISES, target: tribal, "
                                        "sources: [{source: blog, quote: x}]}\n", encoding="utf-8")
    with pytest.raises(GraphkitError, match="store unchanged"):
        store.load(read_dataset([tiny_dir, tmp_path / "more.yaml"]), reset=reset)
    assert counts(store) == before
    assert store.query("MATCH (o:Organisation {id: 'tribal'}) RETURN o.name").rows == [["Tribal"]]
    assert _store_files(tmp_path / "store") == ["g.lbug"]


def test_a_load_into_an_empty_store_builds_it_whole(tmp_path, tiny_dir):
    store = LadybugStore(tmp_path / "store" / "g.lbug")
    report = load([tiny_dir], store)
    n = read_dataset([tiny_dir]).counts()
    assert report.totals()["created"] == n["entities"] + n["sources"] + n["relationships"]
    assert counts(store) == (n["entities"] + n["sources"], n["relationships"])
    store.close()
    assert _store_files(tmp_path / "store") == ["g.lbug"]


def _store_files(folder):
    """The files in a store's folder besides the record of its last load (see stores/last_load.py)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".loaded"))


def _copy_nodes_only(conn, table_name, rows, options=""):
    if options:
        raise RuntimeError("disk full")
    _real_copy_arrow(conn, table_name, rows, options)


@pytest.mark.neo4j
def test_neo4j_load_creates_constraints_first(neo4j_env, tiny_dir):
    from graphkit.stores import Neo4jStore

    store = Neo4jStore()
    load([tiny_dir], store)
    names = {r[0] for r in store.query("SHOW CONSTRAINTS YIELD name RETURN name").rows}
    assert {"organisation_id", "contract_id", "source_id"} <= names
    indexes = {r[0] for r in store.query("SHOW INDEXES YIELD name RETURN name").rows}
    assert "awarded_to_rid" in indexes
    store.close()


@pytest.mark.neo4j
@pytest.mark.parametrize("batch_size", [1, 4, 1000])
def test_neo4j_batches_give_the_same_graph(neo4j_env, tiny_dir, batch_size):
    from graphkit.stores import Neo4jStore

    store = Neo4jStore(batch_size=batch_size)
    assert load([tiny_dir], store, reset=True).totals()["created"] == 28
    assert counts(store) == (14, 14)
    store.close()


def test_a_long_query_is_stopped_by_its_timeout(store):
    with pytest.raises(GraphkitError, match="timed out"):
        store.query("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN sum(x * y)", timeout_s=0.5)
    assert store.query("RETURN 1 AS one", timeout_s=5).rows == [[1]]


def test_list_properties_come_back_as_lists_with_any_text_inside(store, tiny_dir, tmp_path):
    (tmp_path / "more.yaml").write_text(
        "sources:\n  - id: s1\n    url: https://example.org/a\n"
        "entities:\n  - id: odd\n    label: Organisation\n    kind: company\n    name: Odd Ltd\n"
        "    aliases: ['A|B', 'x, y', '[1]']\n"
        "    sources: [{source: s1, quote: 'said \"so\" | twice, ok'}, {source: blog, quote: '£5 [sic]'}]\n",
        encoding="utf-8")
    load([tiny_dir, tmp_path], store)
    rows = store.query("MATCH (n:Organisation {id: 'odd'}) RETURN n.aliases, n.source_ids, n.quotes, n").rows
    assert rows[0][:3] == [["A|B", "x, y", "[1]"], ["s1", "blog"], ['said "so" | twice, ok', "£5 [sic]"]]
    assert rows[0][3]["aliases"] == ["A|B", "x, y", "[1]"]
    in_list = list_property(store.engine, "n.aliases")
    assert store.query(f"MATCH (n:Organisation) WHERE 'x, y' IN {in_list} RETURN n.id").rows == [["odd"]]
    if store.engine == "ladybug":  # a MAP value (Ladybug's map(); Neo4j has no such type) is decoded too
        mapped = store.query("MATCH (n:Organisation {id: 'odd'}) RETURN map(['ids'], [n.source_ids])").rows
        assert mapped == [[[("ids", ["s1", "blog"])]]]


def test_a_store_built_with_other_column_types_asks_for_a_rebuild(tmp_path, tiny_dir):
    import ladybug

    path = tmp_path / "old.lbug"
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    old = [s.replace("aliases STRING,", "aliases STRING[],") for s in schema_statements(load_ontology())]
    for stmt in old:
        conn.execute(stmt)
    conn.close()
    db.close()
    store = LadybugStore(path)
    with pytest.raises(GraphkitError, match="--reset"):
        load([tiny_dir], store)
    with pytest.raises(GraphkitError, match="--reset"):
        store.query("MATCH (n) RETURN count(n)")
    load([tiny_dir], store, reset=True)
    assert store.query("MATCH (o:Organisation {id: 'tribal'}) RETURN o.aliases").rows == [[["Tribal Group plc"]]]


def test_a_killed_rebuild_leaves_nothing_behind_once_the_store_is_opened(tmp_path, tiny_dir):
    folder = tmp_path / "store"
    first = LadybugStore(folder / "g.lbug")
    load([tiny_dir], first)
    first.close()
    for leftover in (".g.lbug.building", ".g.lbug.building.wal", ".g.lbug.building.wal.checkpoint",
                     ".g.lbug.building.shadow"):
        (folder / leftover).write_bytes(b"half a store")
    store = LadybugStore(folder / "g.lbug")
    assert _store_files(folder) == ["g.lbug"]
    assert counts(store)[0] > 0
    load([tiny_dir], store, reset=True)  # a rebuild starts clean
    assert counts(store)[0] > 0


def test_a_load_into_an_empty_neo4j_logs_no_warning_of_its_own(neo4j_env, tiny_dir, caplog):
    """graphkit's own statements name `_sig` and labels an empty database has not seen yet; the server's
    'unrecognized' notices about them are no news to the user. A user's query keeps them."""
    from graphkit.stores import Neo4jStore

    with caplog.at_level(logging.INFO, logger="neo4j"):
        s = Neo4jStore()
        try:
            s.load(read_dataset([tiny_dir]))
            assert not [r for r in caplog.records if "notification" in r.getMessage().lower()
                        or "_sig" in r.getMessage()], [r.getMessage()[:200] for r in caplog.records][:3]
            s.query("MATCH (n:Organisation) WHERE n.no_such_property = 1 RETURN n")
        finally:
            s.close()
    assert any("no_such_property" in r.getMessage() for r in caplog.records)


def test_a_store_built_in_steps_lets_go_of_each_table_once_it_is_committed(tmp_path, monkeypatch):
    """A large store's build holds one table beside the dataset, not every table it has copied
    (a Ladybug connection keeps the Arrow data it copied from until it is closed)."""
    import pyarrow as pa

    from graphkit.resources import seed_dataset_dir
    from graphkit.stores import ladybug_file

    monkeypatch.setattr(ladybug_file, "COMMIT_ROWS", 1)
    ds = read_dataset([seed_dataset_dir()])  # tables large enough that Arrow's padding does not count
    nodes, groups = ladybug_file.store_tables(ds, load_ontology())
    before, sizes, held = pa.total_allocated_bytes(), [], []
    real_copy = ladybug_file.copy_arrow

    def copy_arrow(conn, name, rows, options=""):
        sizes.append(rows.nbytes)
        held.append(pa.total_allocated_bytes() - before)  # Arrow memory beside the dataset as this COPY begins
        real_copy(conn, name, rows, options)

    monkeypatch.setattr(ladybug_file, "copy_arrow", copy_arrow)
    ladybug_file.build_file(tmp_path / "graph.lbug", load_ontology(), nodes, groups, None)
    assert len(sizes) == len(nodes) + len(groups) > 5
    assert max(held) <= 2 * max(sizes), (held, sizes)  # the table being copied, not all copied so far
    store = LadybugStore(tmp_path / "graph.lbug", read_only=True)
    try:
        assert store.differences(ds).changed_nothing
    finally:
        store.close()


@pytest.mark.parametrize("limit", ["COMMIT_ROWS", "COMMIT_TABLES"])
def test_a_store_built_in_many_commits_holds_what_one_commit_holds(tmp_path, tiny_dir, monkeypatch, limit):
    """A store is built in transactions of COMMIT_ROWS rows and COMMIT_TABLES tables; cut either to
    one and there is a commit between every two tables, and the store is the same."""
    from graphkit.stores import ladybug_file

    statements = []

    class Recorded:  # each of the build's connections, its statements noted
        def __init__(self, conn):
            self.conn = conn

        def execute(self, statement, *args):
            statements.append(statement)
            return self.conn.execute(statement, *args)

        def close(self):
            self.conn.close()

    real_connect = ladybug_file.CommittedCopies._connect
    monkeypatch.setattr(ladybug_file, limit, 1)
    monkeypatch.setattr(ladybug_file.CommittedCopies, "_connect", lambda self: Recorded(real_connect(self)))
    ds = read_dataset([tiny_dir])
    store = LadybugStore(tmp_path / "store" / "graph.lbug")
    try:
        report = load([tiny_dir], store)
        copies = [s.split()[0] for s in statements if s.startswith(("COPY", "COMMIT"))]
        assert copies.count("COPY") > 5 and "COPY COPY" not in " ".join(copies)  # a commit between every two tables
        n = ds.counts()
        assert report.totals()["created"] == n["entities"] + n["sources"] + n["relationships"]
        assert counts(store) == (n["entities"] + n["sources"], n["relationships"])
        assert store.differences(ds).changed_nothing  # row by row, the store equals the files
    finally:
        store.close()
