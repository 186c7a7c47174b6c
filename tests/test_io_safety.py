"""Imports and exports never merge distinct records, never drop a later update, never write over
what graphkit did not write, and never leave a half-made folder (issue 20: findings 4, 5, 6, 7, 10)."""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.io import export_store
from graphkit.io import targets as targets_module
from graphkit.io.ocds import import_ocds
from graphkit.stores.loading import load
from graphkit.errors import GraphkitError
from graphkit.stores import LadybugStore


def release(ocid="ocds-test-1", rid="r1", date="2025-01-01T00:00:00Z", awards=None, **extra):
    base = {"ocid": ocid, "id": rid, "date": date, "tag": ["award"],
            "parties": [{"id": "org-1", "name": "Barnet Council", "roles": ["buyer"]},
                        {"id": "GB-COH-123", "name": "Acme Ltd", "roles": ["supplier"]}],
            "buyer": {"id": "org-1", "name": "Barnet Council"}, "tender": {"title": "Support services"},
            "awards": awards if awards is not None else [
                {"id": "a1", "value": {"amount": 1000, "currency": "GBP"},
                 "suppliers": [{"id": "GB-COH-123", "name": "Acme Ltd"}]}]}
    base.update(extra)
    return base


def award(award_id, amount, supplier, supplier_id):
    return {"id": award_id, "value": {"amount": amount, "currency": "GBP"},
            "suppliers": [{"id": supplier_id, "name": supplier}]}


def write_lines(path: Path, *releases) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in releases), encoding="utf-8")
    return path


def contracts(ds):
    return {e["id"]: e for e in ds.entities.to_pylist() if e["label"] == "Contract"}


# -- 4: identity that never collides ----------------------------------------------------------
def test_award_ids_that_differ_only_in_case_or_slash_stay_two_contracts(tmp_path):
    parties = [{"id": "org-1", "name": "Barnet Council", "roles": ["buyer"]},
               {"id": "s1", "name": "Alpha Ltd", "roles": ["supplier"]},
               {"id": "s2", "name": "Beta Ltd", "roles": ["supplier"]}]
    src = write_lines(tmp_path / "two.jsonl", release(
        parties=parties, awards=[award("A/1", 100, "Alpha Ltd", "s1"), award("a-1", 900_000, "Beta Ltd", "s2")]))
    report = import_ocds([src], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    ds = read_dataset([tmp_path / "ds"])
    found = contracts(ds)
    assert len(found) == 2 and report.figures["awards counted"] == 2
    assert sorted(c["value_gbp"] for c in found.values()) == [100, 900_000]
    suppliers = {}
    for rel in ds.relationships.to_pylist():
        if rel["type"] == "AWARDED_TO":
            suppliers.setdefault(rel["source"], set()).add(rel["target"])
    assert all(len(s) == 1 for s in suppliers.values()) and len(suppliers) == 2


def test_ocids_that_differ_only_in_case_stay_two_processes(tmp_path):
    src = write_lines(tmp_path / "ocids.jsonl", release(ocid="ocds-AB", rid="r1"),
                      release(ocid="ocds-ab", rid="r2", awards=[award("a1", 5000, "Acme Ltd", "GB-COH-123")]))
    import_ocds([src], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    found = contracts(read_dataset([tmp_path / "ds"]))
    assert sorted((c["ocid"], c["value_gbp"]) for c in found.values()) == [("ocds-AB", 1000), ("ocds-ab", 5000)]


# -- 5: a later release in a separate import updates what an earlier import recorded ---------------
def test_a_later_award_update_in_a_separate_import_replaces_the_recorded_one(tmp_path):
    first = write_lines(tmp_path / "first.jsonl", release())
    later = write_lines(tmp_path / "later.jsonl", release(
        rid="r2", date="2025-03-01T00:00:00Z", tag=["awardUpdate"],
        parties=[{"id": "org-1", "name": "Barnet Council", "roles": ["buyer"]},
                 {"id": "s9", "name": "Zeta Services Ltd", "roles": ["supplier"]}],
        awards=[award("a1", 555_555, "Zeta Services Ltd", "s9")]))
    seeds = tmp_path / "seeds"
    store = LadybugStore(tmp_path / "store" / "graph.lbug")
    try:
        import_ocds([first], dataset=seeds, store=store)
        report = import_ocds([later], dataset=seeds, store=store)
        rows = store.query("MATCH (c:Contract)-[:AWARDED_TO]->(s) RETURN c.value_gbp, s.name").rows
    finally:
        store.close()
    assert rows == [[555_555.0, "Zeta Services Ltd"]]
    assert report.updated and "ocds-test-1-a1" in report.updated[0] and "2025-01-01" in report.updated[0]
    ds = read_dataset([seeds])
    cited = {s for table in (ds.entities, ds.relationships) for ids in table.column("source_ids").to_pylist()
             for s in ids}
    assert set(ds.sources.column("id").to_pylist()) <= cited  # no source that nothing cites
    assert not any("ocds-test-1-a1" in f.read_text() for f in (seeds / "imports" / "ocds-first").iterdir() if f.is_file())


def test_the_same_two_releases_give_the_same_store_in_either_order_of_runs(tmp_path):
    first = write_lines(tmp_path / "first.jsonl", release())
    later = write_lines(tmp_path / "later.jsonl", release(rid="r2", date="2025-03-01T00:00:00Z",
                                                          awards=[award("a1", 2000, "Acme Ltd", "GB-COH-123")]))
    values = []
    for order, name in (([first, later], "a"), ([later, first], "b")):
        for path in order:
            import_ocds([path], dataset=tmp_path / name)
        values.append([c["value_gbp"] for c in contracts(read_dataset([tmp_path / name])).values()])
    assert values == [[2000], [2000]]


# -- 6: nothing overwritten that graphkit did not write ------------------------------------------
def test_an_import_never_replaces_a_hand_written_dataset_file(runner, workdir, tiny_dir):
    src = write_lines(workdir / "r.jsonl", release())
    (tiny_dir / "entities.csv").write_text("id,label,kind,name,aliases,description,source_id,quote\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tiny_dir.iterdir()}
    for extra in ([], ["--force"]):
        result = runner.invoke(app, ["import", "ocds", str(src), "--into", str(tiny_dir), "--dataset", str(tiny_dir), *extra])
        assert result.exit_code == 1 and "entities.csv" in result.output and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in tiny_dir.iterdir()} == before


def test_an_import_into_a_folder_with_other_files_needs_force_and_keeps_them(tmp_path):
    folder = tmp_path / "seeds" / "mine"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    src = write_lines(tmp_path / "r.jsonl", release())
    with pytest.raises(GraphkitError, match="holds files graphkit did not write"):
        import_ocds([src], folder, dataset=tmp_path / "seeds")
    import_ocds([src], folder, dataset=tmp_path / "seeds", force=True)
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "entities.csv").is_file()
    import_ocds([src], folder, dataset=tmp_path / "seeds", force=True)  # its own files: replaced again


@pytest.fixture
def loaded(runner, workdir, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    return workdir


def test_exports_never_write_over_the_store_a_dataset_file_or_a_foreign_file(runner, loaded):
    store = loaded / ".graphkit" / "graph.lbug"
    size = store.stat().st_size
    seeds = loaded / "seeds" / "total_place"
    seeds.mkdir(parents=True)
    (seeds / "tribal.yaml").write_text("entities: []\n", encoding="utf-8")
    cases = [(["export", "graphml", str(store)], "active store"),
             (["export", "graphml", str(store), "--force"], "active store"),
             (["export", "csv", str(store.parent)], "active store"),
             (["export", "ftm", "seeds/total_place/tribal.yaml", "--force"], "dataset folder"),
             (["export", "csv", "seeds/out"], "dataset folder")]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output, args
    assert store.stat().st_size == size and (seeds / "tribal.yaml").read_text() == "entities: []\n"
    assert runner.invoke(app, ["query", "MATCH (n) RETURN count(n)"]).exit_code == 0
    (loaded / "mine.gexf").write_text("my own graph", encoding="utf-8")
    result = runner.invoke(app, ["export", "gexf", "mine.gexf"])
    assert result.exit_code == 1 and "did not write" in result.output
    assert (loaded / "mine.gexf").read_text() == "my own graph"
    assert runner.invoke(app, ["export", "gexf", "mine.gexf", "--force"]).exit_code == 0
    assert runner.invoke(app, ["export", "gexf", "mine.gexf"]).exit_code == 0  # graphkit's own now


def test_an_export_never_writes_over_the_default_store_while_another_is_given(runner, loaded, tiny_dir):
    store = loaded / ".graphkit" / "graph.lbug"
    size = store.stat().st_size
    other = loaded / "other" / "g.lbug"
    assert runner.invoke(app, ["load", str(tiny_dir), "--store", str(other)]).exit_code == 0
    for target in (store, other):
        result = runner.invoke(app, ["export", "graphml", str(target), "--store", str(other), "--force"])
        assert result.exit_code == 1 and "active store" in result.output, target
    assert store.stat().st_size == size


def test_neo4j_admin_export_never_replaces_an_unrelated_file(runner, loaded):
    project = loaded / "project"
    project.mkdir()
    (project / "README.md").write_text("# my project\n", encoding="utf-8")
    for extra in ([], ["--force"]):
        result = runner.invoke(app, ["export", "neo4j-admin", "project", *extra])
        assert result.exit_code == 1 and "README.md" in result.output
    assert (project / "README.md").read_text() == "# my project\n"
    assert sorted(p.name for p in project.iterdir()) == ["README.md"]
    assert runner.invoke(app, ["export", "neo4j-admin", "fresh"]).exit_code == 0
    assert runner.invoke(app, ["export", "neo4j-admin", "fresh"]).exit_code == 0  # its own files again


# -- 7: an import folder is swapped in whole ----------------------------------------------------
def test_a_crash_before_the_swap_leaves_the_previous_import_whole(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    src = write_lines(tmp_path / "r.jsonl", release())
    import_ocds([src], dataset=seeds)
    folder = seeds / "imports" / "ocds-r"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    write_lines(src, release(awards=[award("a1", 7777, "Acme Ltd", "GB-COH-123")]),
                release(ocid="ocds-test-2", rid="r9"))

    def crash(*args):
        raise KeyboardInterrupt  # as a kill between writing the files and putting them in place

    monkeypatch.setattr(targets_module, "exchange_folders", crash)
    with pytest.raises(KeyboardInterrupt):
        import_ocds([src], dataset=seeds)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in folder.parent.iterdir()] == ["ocds-r"]  # no staging folder left
    read_dataset([seeds])  # still valid
    monkeypatch.undo()
    import_ocds([src], dataset=seeds)
    assert sorted(c["value_gbp"] for c in contracts(read_dataset([seeds])).values()) == [1000, 7777]


def test_a_staging_folder_left_by_a_kill_is_ignored_and_then_removed(tmp_path):
    seeds = tmp_path / "seeds"
    src = write_lines(tmp_path / "r.jsonl", release())
    import_ocds([src], dataset=seeds)
    stale = seeds / "imports" / ".ocds-r.staging-deadbeef"
    stale.mkdir()
    (stale / "entities.csv").write_text("id,label\nhalf", encoding="utf-8")
    assert len(contracts(read_dataset([seeds]))) == 1
    import_ocds([src], dataset=seeds)
    assert not stale.exists()


def test_the_swap_exchanges_two_folders_atomically(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "new").write_text("new")
    (b / "old").write_text("old")
    targets_module.exchange_folders(a, b)
    assert [p.name for p in b.iterdir()] == ["new"] and [p.name for p in a.iterdir()] == ["old"]


# -- 10: the environment: full disk, /dev/full, a bad path ----------------------------------------
def _full_disk(monkeypatch):
    real = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Full(real(*a, **k)))


def test_a_full_disk_during_an_import_is_one_line_and_leaves_no_folder(runner, workdir, monkeypatch):
    src = write_lines(workdir / "r.jsonl", release())
    _full_disk(monkeypatch)
    result = runner.invoke(app, ["import", "ocds", str(src)])
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (workdir / "seeds").exists()


def test_a_full_disk_during_an_export_is_one_line_and_leaves_nothing(runner, loaded, monkeypatch):
    _full_disk(monkeypatch)
    for fmt, target in (("gexf", "out/g.gexf"), ("csv", "out/csv"), ("neo4j-admin", "out/n"), ("ftm", "out/x.json")):
        result = runner.invoke(app, ["export", fmt, target])
        assert result.exit_code == 1 and "No space left on device" in result.output, result.output
        assert "Traceback" not in result.output
    assert not (loaded / "out").exists()


@pytest.mark.parametrize("target, message", [("/dev/full", "not a regular file"),
                                             ("afile/under/it.gexf", "cannot write")])
def test_special_and_impossible_targets_are_one_line(runner, loaded, target, message):
    (loaded / "afile").write_text("x")
    result = runner.invoke(app, ["export", "gexf", target])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert Path("/dev/full").is_char_device()


def test_an_import_into_a_path_under_a_file_is_one_line_and_leaves_nothing(runner, workdir):
    src = write_lines(workdir / "r.jsonl", release())
    (workdir / "afile").write_text("x")
    result = runner.invoke(app, ["import", "ocds", str(src), "--into", "afile/sub/folder"])
    assert result.exit_code == 1 and "cannot write" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (workdir / "afile").read_text() == "x" and not (workdir / ".graphkit").exists()
