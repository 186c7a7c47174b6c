"""Docstring examples get a small dataset to work on, as networkx's conftest hands its doctests a graph.

Here at the top, not in tests/, so that it reaches the examples in graphkit/ (pytest gives a
folder's conftest only to the tests below it).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

TINY_DATASET = Path(__file__).resolve().parent / "tests" / "fixtures" / "tiny"


@pytest.fixture(autouse=True)
def _doctest_dataset(request, doctest_namespace):
    """`tiny_dataset`: a fresh copy of tests/fixtures/tiny an example may change; `tmp`: an empty folder."""
    if not isinstance(request.node, DoctestItem):
        return
    tmp = request.getfixturevalue("tmp_path")
    doctest_namespace["tiny_dataset"] = Path(shutil.copytree(TINY_DATASET, tmp / "dataset"))
    doctest_namespace["tmp"] = tmp
