"""An installed graphkit works from any folder: its data ships inside the package."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    return next(out.glob("graphkit-*.whl"))


def test_the_wheel_carries_ontology_queries_and_seeds(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "graphkit/model/ontology.yaml" in names
    assert {"graphkit/cypher/who-profits.cypher", "graphkit/cypher/shortest-path.neo4j.cypher"} <= names
    assert any(n.startswith("graphkit/seeds/total_place/") and n.endswith(".yaml") for n in names)


@pytest.mark.slow
def test_installed_graphkit_runs_from_another_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)]
    subprocess.run(pip, check=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def graphkit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(venv / "bin" / "graphkit"), *args], cwd=elsewhere, capture_output=True,
                              text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import graphkit; print(graphkit.__file__)"],
                           cwd=elsewhere, capture_output=True, text=True, check=True)
    assert str(venv) in where.stdout
    assert "who-profits" in graphkit("queries").stdout
    loaded = graphkit("load")
    assert loaded.returncode == 0, loaded.stderr
    assert "created" in loaded.stdout
    assert (elsewhere / ".graphkit" / "graph.lbug").exists()
