"""An import never deletes what graphkit did not write (hidden entries included), and never
deletes records of other folders from the store without saying so."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphkit.cli import app
from graphkit.io.ocds import import_ocds
from graphkit.io.targets import MANIFEST, foreign_files, record_written
from graphkit.io.writer import RECORD_FILES
from graphkit.errors import GraphkitError
from graphkit.stores import LadybugStore


def release(ocid: str, supplier: str, supplier_id: str, amount: int = 1000) -> dict:
    return {"ocid": ocid, "id": f"{ocid}-r1", "date": "2025-01-01T00:00:00Z", "tag": ["award"],
            "parties": [{"id": "org-1", "name": "Barnet Council", "roles": ["buyer"]},
                        {"id": supplier_id, "name": supplier, "roles": ["supplier"]}],
            "buyer": {"id": "org-1", "name": "Barnet Council"}, "tender": {"title": f"Services {ocid}"},
            "awards": [{"id": "a1", "value": {"amount": amount, "currency": "GBP"},
                        "suppliers": [{"id": supplier_id, "name": supplier}]}]}


def write_release(path: Path, *args) -> Path:
    path.write_text(json.dumps(release(*args)) + "\n", encoding="utf-8")
    return path


def hidden_things(folder: Path) -> dict[str, str]:
    (folder / ".notes").mkdir()
    (folder / ".notes" / "todo.txt").write_text("check the framework", encoding="utf-8")
    (folder / ".keep").write_text("", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return snapshot(folder)


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file() and p.parts[len(folder.parts)].startswith(".")
            and p.name != MANIFEST}


# -- A: hidden files and folders are someone else's ---------------------------------------------
def test_a_second_import_refuses_a_folder_with_hidden_files_and_force_keeps_them(tmp_path):
    seeds, src = tmp_path / "seeds", write_release(tmp_path / "r.jsonl", "ocds-a", "Acme Ltd", "GB-COH-1")
    folder = seeds / "imports" / "fw"
    import_ocds([src], folder, dataset=seeds)
    before = hidden_things(folder)
    with pytest.raises(GraphkitError, match=r"holds files graphkit did not write \(\.git, \.keep, \.notes\)"):
        import_ocds([src], folder, dataset=seeds)
    assert snapshot(folder) == before
    import_ocds([src], folder, dataset=seeds, force=True)
    assert snapshot(folder) == before and any((folder / name).is_file() for name in RECORD_FILES)
    assert ".notes" in foreign_files(folder) and MANIFEST not in foreign_files(folder)


def test_the_cli_says_so_and_deletes_nothing(runner, workdir):
    src = write_release(workdir / "r.jsonl", "ocds-a", "Acme Ltd", "GB-COH-1")
    args = ["import", "ocds", str(src), "--into", "seeds/imports/fw"]
    assert runner.invoke(app, args).exit_code == 0
    before = hidden_things(workdir / "seeds" / "imports" / "fw")
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "did not write" in result.output and "--force" in result.output
    assert snapshot(workdir / "seeds" / "imports" / "fw") == before


def test_graphkits_own_hidden_files_do_not_block_an_import(tmp_path):
    seeds, src = tmp_path / "seeds", write_release(tmp_path / "r.jsonl", "ocds-a", "Acme Ltd", "GB-COH-1")
    folder = seeds / "imports" / "fw"
    import_ocds([src], folder, dataset=seeds)
    (folder / ".merges.lock").write_text("", encoding="utf-8")
    (folder / ".sub.staging-0123abcd").mkdir()  # left by a killed write of a folder inside
    assert foreign_files(folder) == []
    import_ocds([src], folder, dataset=seeds)


def test_a_file_graphkit_wrote_and_someone_changed_is_kept_by_a_forced_import(tmp_path):
    seeds, src = tmp_path / "seeds", write_release(tmp_path / "r.jsonl", "ocds-a", "Acme Ltd", "GB-COH-1")
    folder = seeds / "imports" / "fw"
    import_ocds([src], folder, dataset=seeds)
    (folder / "summary.txt").write_text("as graphkit wrote it", encoding="utf-8")
    record_written(folder, ["summary.txt"])
    (folder / "summary.txt").write_text("edited by hand", encoding="utf-8")
    assert foreign_files(folder) == ["summary.txt"]
    import_ocds([src], folder, dataset=seeds, force=True)
    assert (folder / "summary.txt").read_text(encoding="utf-8") == "edited by hand"


# -- B: an import folder outside the dataset adds to the store, never deletes from it -----------------
def suppliers(store) -> set[str]:
    return {r[0] for r in store.query("MATCH (:Contract)-[:AWARDED_TO]->(s) RETURN s.name").rows}


def test_an_import_outside_the_dataset_keeps_an_earlier_imports_records_and_says_so(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    first = write_release(tmp_path / "one.jsonl", "ocds-a", "Acme Ltd", "GB-COH-1")
    second = write_release(tmp_path / "two.jsonl", "ocds-b", "Beta Ltd", "GB-COH-2")
    store = LadybugStore(tmp_path / "store" / "graph.lbug")
    try:
        import_ocds([first], tmp_path / "out2", dataset=seeds, store=store)
        report = import_ocds([second], tmp_path / "out3", dataset=seeds, store=store)
        assert suppliers(store) == {"Acme Ltd", "Beta Ltd"}
    finally:
        store.close()
    assert report.loaded.totals()["deleted"] == 0
    note = " ".join(report.loaded.notes)
    assert "not synced" in note and f"graphkit load {seeds} {tmp_path / 'out3'}" in note


def test_an_import_inside_the_dataset_still_syncs_and_the_summary_says_what_it_deleted(runner, workdir, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    (tiny_dir / "links.yaml").unlink()
    src = write_release(workdir / "r.jsonl", "ocds-a", "Acme Ltd", "GB-COH-1")
    result = runner.invoke(app, ["import", "ocds", str(src), "--dataset", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    loaded = [line for line in result.output.splitlines() if line.startswith("loaded:")]
    assert len(loaded) == 1 and " deleted (no longer in the files)" in loaded[0], result.output
    assert int(loaded[0].split(" deleted")[0].rsplit(", ", 1)[1]) > 0
    assert "not synced" not in result.output


def test_the_cli_prints_the_not_synced_line_once(runner, workdir):
    (workdir / "seeds").mkdir()
    first = write_release(workdir / "one.jsonl", "ocds-a", "Acme Ltd", "GB-COH-1")
    second = write_release(workdir / "two.jsonl", "ocds-b", "Beta Ltd", "GB-COH-2")
    assert runner.invoke(app, ["import", "ocds", str(first), "--into", "out2"]).exit_code == 0
    result = runner.invoke(app, ["import", "ocds", str(second), "--into", "out3"])
    assert result.exit_code == 0, result.output
    assert result.output.count("not synced") == 1 and "graphkit load seeds out3" in result.output
    assert "0 deleted" in result.output
