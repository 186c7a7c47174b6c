"""graphkit/files.py: the one spreadsheet-formula guard that every CSV graphkit writes goes through."""
from __future__ import annotations

import pytest

from graphkit.files import guard_cell, unguard_cell
from graphkit.io.export_csv import guard_cell as export_guard


@pytest.mark.parametrize("cell, guarded", [("'=x", "''=x"), ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"),
                                           ("@x", "'@x")])
def test_a_cell_that_would_run_as_a_formula_is_guarded_and_reads_back_as_it_was(cell, guarded):
    assert guard_cell(cell) == guarded
    assert unguard_cell(guarded) == cell
    assert export_guard is guard_cell  # the export uses the one guard, not a copy
