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


def test_query_results_as_csv_are_guarded_as_the_export_is(capsys):
    from graphkit.cli.output import render

    cells = ["'=x", "=1+1", "+1", "-1", "@x"]
    render(cells, [cells], "csv")
    row = capsys.readouterr().out.splitlines()[1]
    assert row.split(",") == [guard_cell(c) for c in cells] == ["''=x", "'=1+1", "'+1", "'-1", "'@x"]
