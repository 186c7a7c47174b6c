"""The benchmark runner runs end to end on the smallest size (no timing assertions)."""
from __future__ import annotations

import json
import sys

import pytest

pytest.importorskip("numpy")

from bench.__main__ import main  # noqa: E402
from bench.generate import SIZES, Shape, ensure_dataset, generate  # noqa: E402

pytestmark = pytest.mark.slow


def test_generated_dataset_is_valid_and_shaped(tmp_path):
    from graphkit.dataset import read_dataset

    manifest = generate("10k", tmp_path)
    again = generate("10k", tmp_path / "again")
    assert manifest["bytes"] == again["bytes"]  # fixed seed
    ds = read_dataset([tmp_path / "10k"])
    shape = Shape.of("10k")
    assert ds.counts() == {"sources": shape.sources, "entities": shape.entities, "relationships": SIZES["10k"]}
    labels = set(ds.entities.column("label").to_pylist())
    assert labels == {"Organisation", "Person", "Contract", "Report", "Programme", "FOIRequest", "Place"}
    assert len(set(ds.entities.column("kind").to_pylist())) >= 30
    assert ds.relationships.column("amount_gbp").null_count < ds.relationships.num_rows


def test_runner_writes_results(tmp_path, capsys):
    ensure_dataset("10k")
    out = tmp_path / "results.json"
    code = main(["--size", "10k", "--repeat", "1", "--only", "validate", "load", "memory", "queries", "paging", "add",
                 "maps", "--json", str(out)])
    results = json.loads(out.read_text())
    assert code == 0, {g: b.get("reason") for g, b in results["groups"].items()}
    assert results["size"] == "10k" and results["machine"]["nproc"]
    groups = results["groups"]
    assert {g: groups[g]["status"] for g in ("validate", "load", "memory", "queries", "add")} == dict.fromkeys(
        ("validate", "load", "memory", "queries", "add"), "ok")
    assert groups["maps"]["status"] in ("ok", "pending", "skipped")
    from graphkit.query.named import named_queries

    assert {r["name"] for r in groups["queries"]["rows"]} == set(named_queries())
    paging = {r["name"]: r for r in groups["paging"]["rows"]}
    for name in named_queries():
        assert paging[f"{name}: first page"]["unit"] == "ms" and paging[f"{name}: first page"]["goal"] == "< 300 ms"
        assert paging[f"{name}: default answer (CLI)"]["baseline"] == "count(n) query"
    assert paging["weakly-sourced: first page"]["note"].startswith("100 of ")
    for row in groups["load"]["rows"]:
        if row["name"].startswith("(b)"):
            assert row["ratio"] > 0
    assert "graphkit bench" in capsys.readouterr().out


def test_a_plain_run_leaves_the_neo4j_groups_out_and_measures_paging():
    from bench.__main__ import GROUPS, selected_groups

    assert {"neo4j", "neo4j-csv"} <= set(GROUPS)
    assert set(selected_groups(None)) == set(GROUPS) - {"neo4j", "neo4j-csv"} and "paging" in selected_groups(None)
    assert selected_groups(["neo4j-csv"]) == ["neo4j-csv"]


def _one_group(name: str, tmp_path) -> dict:
    """The results of one group run by the runner at 10k with one repeat (it must have run ok)."""
    ensure_dataset("10k")
    out = tmp_path / "results.json"
    code = main(["--size", "10k", "--repeat", "1", "--only", name, "--json", str(out)])
    group = json.loads(out.read_text())["groups"][name]
    assert code == 0 and group["status"] == "ok", group.get("reason")
    return group


def test_cli_help():
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "bench", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "--size" in proc.stdout


def test_workflow_group_reports_the_everyday_commands_as_multiples_of_process_start(tmp_path):
    group = _one_group("workflow", tmp_path)
    from bench.workflow import OCDS_FILES

    rows = {r["name"]: r for r in group["rows"]}
    imported = {"validate seeds/ (seeds + OCDS import)", "load that changes nothing (seeds + OCDS import)"}
    no_goal = {"demo right after an add (seeds; its pages built)", *imported}
    assert set(rows) == {"process start (`graphkit --help`)", "validate seeds/ (seeds)", "load that changes nothing (seeds)",
                         "add relation (seeds)", "demo (seeds)", "demo right after an add (seeds; its pages built)",
                         *(imported if any(OCDS_FILES.glob("*.jsonl")) else ())}
    start = rows["process start (`graphkit --help`)"]["value"]
    for name, row in rows.items():
        if name.startswith("process start"):
            continue
        assert row["baseline"] == "graphkit --help" and row["ratio"] == pytest.approx(row["value"] / start)
        assert name in no_goal or row["goal"].startswith("<= ") and "met" in row


class _Views:
    """A stand-in for Chromium's pages in the maps group: counts views and screenshots."""

    def __init__(self):
        self.views, self.shots = 0, []

    def new_page(self):
        views = self

        class Page:
            def goto(self, *a, **kw):
                views.views += 1

            def evaluate(self, script):
                return "no-physics"

            def screenshot(self, path):
                views.shots.append(path)

            def close(self):
                pass

        return Page()


def test_the_map_is_viewed_repeat_times_and_pictured_once(tmp_path):
    from bench.maps import largest_interactive, median_interactive

    browser = _Views()
    assert median_interactive(browser, tmp_path / "map.html", 3, tmp_path / "map.png") >= 0
    assert browser.views == 3 and browser.shots == [str(tmp_path / "map.png")]
    # a first map short of the nodes asked for holds every linked actor: no larger map is built or viewed
    assert largest_interactive(browser, tmp_path / "no-store", 2000, 1949, None, tmp_path) == (
        2000, "the store has no more actors")
    assert browser.views == 3


def test_a_store_left_by_an_earlier_run_serves_while_it_holds_the_files(tmp_path, monkeypatch):
    import os

    import bench.figure as figure

    manifest = generate("10k", tmp_path)
    monkeypatch.setattr(figure, "dataset_dir", lambda size: tmp_path / size)
    first = figure.Context("10k", 1, manifest).loaded_store()
    built = first.stat().st_ino, first.stat().st_mtime_ns
    again = figure.Context("10k", 1, manifest).loaded_store()
    assert again == first and (again.stat().st_ino, again.stat().st_mtime_ns) == built  # not built again
    os.utime(first, ns=(built[1] - 10**9, built[1] - 10**9))  # written to since: no longer known to hold the files
    rebuilt = figure.Context("10k", 1, manifest).loaded_store()
    assert (rebuilt.stat().st_ino, rebuilt.stat().st_mtime_ns) != built


def test_ftm_group_reports_the_import_as_a_multiple_of_the_json_parse(tmp_path):
    group = _one_group("ftm", tmp_path)
    imports = [r for r in group["rows"] if r["name"].startswith("import ftm")]
    peaks = [r for r in group["rows"] if r["name"].startswith("peak RSS")]
    assert imports and len(peaks) == len(imports)
    for row in imports:
        assert row["baseline"] == "json module parse" and row["ratio"] > 0
        assert any(name.endswith("relationships.csv") for name in row["detail"]["files"])
    assert all(r["unit"] == "MB" and r["value"] > 0 for r in peaks)
