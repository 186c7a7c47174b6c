"""Sorted runs (io/runs.py): records kept on disk come back in key order, equal, and each its own."""
from __future__ import annotations

from graphkit.io.runs import SortedRuns


def test_records_over_several_runs_and_blocks_come_back_in_order_ties_in_order_of_adding(monkeypatch):
    from graphkit.io import runs

    monkeypatch.setattr(runs, "BLOCK", 7)
    sorted_runs = SortedRuns(limit=50)
    keys = [(n * 37) % 101 for n in range(333)]
    for n, key in enumerate(keys):
        sorted_runs.add(key, {"n": n, "aliases": ["a", "b"], "value": 1.5, "none": None})
    got = list(sorted_runs)
    assert [k for k, _ in got] == sorted(keys)
    assert [r["n"] for _, r in got] == [n for _, n in sorted((k, n) for n, k in enumerate(keys))]
    assert all(r["aliases"] == ["a", "b"] and r["value"] == 1.5 and r["none"] is None for _, r in got)


def test_records_read_back_share_no_list(monkeypatch):
    shared = ["one source"]
    sorted_runs = SortedRuns(limit=2)
    for key in ("b", "a", "d", "c"):
        sorted_runs.add(key, {"sources": shared})
    first, second, *_ = [r for _, r in sorted_runs]
    first["sources"].append("another")
    assert second["sources"] == ["one source"]
