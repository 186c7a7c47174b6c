"""The library face: `import graphkit` offers what the command line does, and costs nothing until used."""
from __future__ import annotations

import pydoc
import subprocess
import sys

import graphkit


def test_every_name_of_the_face_resolves_and_help_shows_it():
    text = pydoc.render_doc(graphkit, renderer=pydoc.plaintext)
    assert "The library face" in text
    for name in graphkit.__all__:
        assert getattr(graphkit, name) is not None
        assert name in text, name


def test_importing_graphkit_loads_no_library_until_a_name_is_used():
    code = ("import sys, graphkit; heavy = [m for m in ('pyarrow', 'typer', 'networkx', 'graphkit.dataset') "
            "if m in sys.modules]; graphkit.read_dataset; print(heavy, 'graphkit.dataset' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] True"  # Arrow itself only once a table is read or built (test_value_types)


def test_an_unknown_name_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        graphkit.nope  # noqa: B018


def test_the_importers_load_no_graph_library():
    code = "import sys, graphkit.io; print('networkx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # networkx only once a graph is exported (gexf, graphml)
