"""Faults: a load killed with -9 leaves the old state or the new one, never a mix."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphkit.stores import LadybugStore


def write_bulk(folder: Path, n_entities: int, n_rels: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.csv").write_text("id,url,title,publisher,date\nbulk,https://example.org/bulk,Bulk,,\n")
    with (folder / "entities.csv").open("w") as fh:
        fh.write("id,label,kind,name,aliases,description,source_id,quote\n")
        for i in range(n_entities):
            fh.write(f"org-{i},Organisation,company,Company {i},,,bulk,listed\n")
    with (folder / "relationships.csv").open("w") as fh:
        fh.write("source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote\n")
        for i in range(n_rels):
            fh.write(f"org-{i % n_entities},PAID,org-{(i * 7 + 1) % n_entities},{i},excluded,2010,,,reported,bulk,paid\n")


def counts(path: Path) -> tuple[int, int]:
    store = LadybugStore(path, read_only=True)
    try:
        nodes = store.query("MATCH (n) RETURN count(n)").rows[0][0]
        rels = store.query("MATCH ()-[r]->() RETURN count(r)").rows[0][0]
    finally:
        store.close()
    return nodes, rels


@pytest.mark.slow
@pytest.mark.parametrize("how, delay", [("upsert", 0.3), ("upsert", 1.0), ("upsert", 2.0),
                                        ("--reset", 0.5), ("--reset", 1.5), ("--reset", 3.0)])
def test_kill_during_load_leaves_old_or_new_state(tmp_path, tiny_dir, how, delay):
    """Into a store holding data (one transaction) and with --reset (a new file renamed over the old)."""
    store_path = tmp_path / "store" / "g.lbug"
    env = {**os.environ, "GRAPHKIT_STORE": str(store_path)}
    env.pop("NEO4J_URI", None)
    subprocess.run([sys.executable, "-m", "graphkit", "load", str(tiny_dir)], env=env, check=True, capture_output=True)
    old = counts(store_path)
    bulk = tmp_path / "bulk"
    write_bulk(bulk, 40_000, 200_000)
    shutil.copytree(tiny_dir, bulk / "tiny")
    command = [sys.executable, "-m", "graphkit", "load", *(["--reset"] if how == "--reset" else []), str(bulk)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    new = (old[0] + 40_001, old[1] + 200_000)
    assert counts(store_path) in (old, new)
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert counts(store_path) == new
    assert [p.name for p in store_path.parent.iterdir() if p.name != "parse-cache"] == ["g.lbug"]
