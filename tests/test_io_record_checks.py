"""An importer's check of one record (io/record_checks.py) answers as the record models do: the
same records pass, and a record that fails is refused with the models' own words."""
from __future__ import annotations

import itertools

import pytest

from graphkit.io.batch import ImportBatch, cite
from graphkit.io.record_checks import RecordChecks, record_problem
from graphkit.io.report import ImportReport
from graphkit.model.records import Citation
from graphkit.resolve.index import ActorIndex

CONTRACT = {"id": "ocds-b5fd17-1-a1", "label": "Contract", "kind": "contract", "name": "Parking Pilot",
            "title": "Parking Pilot", "ocid": "ocds-b5fd17-1", "start_date": "2025-01-02", "end_date": "2026-01-01",
            "value_gbp": 93007.0, "currency": "GBP", "value_original": 93007.0, "evidence": "documented",
            "aliases": ["ocds:ocds-b5fd17-1/a1"], "description": "Parking enforcement",
            "sources": [{"source": "s1", "quote": "Award a1"}]}
ORGANISATION = {"id": "acme", "label": "Organisation", "kind": "company", "name": "Acme Ltd", "aliases": ["GB-COH-1"],
                "sources": [{"source": "s1", "quote": "supplier Acme"}]}
CLAIM = {"source": "acme", "type": "AWARDED_TO", "target": "ocds-b5fd17-1-a1", "evidence": "documented",
         "sources": [{"source": "s1", "quote": "supplier Acme"}]}
FULL_CLAIM = {**CLAIM, "type": "PAID", "amount_gbp": 1200.5, "vat": "excluded", "start_date": "2010-01",
              "end_date": "2010-12-31", "role": "payer", "description": "FtM: {\"id\": \"pay-1\"}"}
ODD_VALUES = [None, "", "   ", " padded ", "x" * 501, "x" * 20_001, "bad\x01text", 1, 1.0, True, 7, 7.5, -1.0, 1e14, float("nan"),
              True, "2025-02-30", "2025-13", "2025", "not a date", "http://example.org/a", "ftp://x", ["a", "b"],
              ["a|b", " "], ["ok", "\x02"], ("a",), {"a": 1}, "documented", "contract", "Contract", "BAD ID", "ok-id"]
CITATIONS = [[], [{"source": "s1"}], [{"source": "s1", "quote": ""}], [{"source": "s1", "quote": " "}],
             [{"source": "S 1", "quote": "q"}], [{"source": "s1", "quote": "q", "url": "x"}],
             [{"source": "s1", "quote": "q" * 2001}], [{"source": "s1", "quote": 5}], "s1",
             [{"source": "s1", "quote": "q"}, {"source": "s2", "quote": "\x03"}]]


def variants(base: dict):
    """The record with each field changed to each odd value, dropped, or joined by an unknown field."""
    for field, value in itertools.product([*base, "unknown_field"], ODD_VALUES):
        yield {**base, field: value}
    for field in base:
        yield {k: v for k, v in base.items() if k != field}
    for cites in CITATIONS:
        yield {**base, "sources": cites}


@pytest.mark.parametrize("base", [CONTRACT, ORGANISATION, CLAIM, FULL_CLAIM])
def test_the_quick_check_answers_as_the_record_models_for_every_variant(base):
    checks = RecordChecks()
    assert checks.problem(base) is None
    for record in variants(base):
        assert checks.problem(record) == record_problem(record), record


def test_a_claim_like_one_found_valid_is_still_refused_for_a_bad_end_or_quote():
    checks = RecordChecks()
    assert checks.problem(CLAIM) is None
    assert checks.problem({**CLAIM, "target": "Not An Id"}) == record_problem({**CLAIM, "target": "Not An Id"})
    bad_quote = {**CLAIM, "sources": [{"source": "s1", "quote": "  "}]}
    assert checks.problem(bad_quote) is not None


def test_claims_that_each_say_something_new_pass_without_the_models(monkeypatch):
    import graphkit.io.record_checks as record_checks

    asked = []
    monkeypatch.setattr(record_checks, "record_problem", lambda record: asked.append(record) or None)
    checks = RecordChecks()
    for n in range(3):  # as FtM links are: each description names its own record
        assert checks.problem({**FULL_CLAIM, "description": f"FtM: {{\"id\": \"pay-{n}\"}}"}) is None
    assert asked == []


def test_a_bad_record_is_skipped_with_the_models_reason():
    report = ImportReport("ocds")
    batch = ImportBatch(ActorIndex.from_entities([], []), report)
    record = {k: v for k, v in CONTRACT.items() if k != "sources"}
    assert batch.entity({**record, "value_gbp": -5.0}, cite("s1", "q")) is None
    assert report.skipped == {"Contract fails validation: value_gbp -5.0 is negative": 1}
    assert batch.entity(record, cite("s1", "q")) == CONTRACT["id"]


def test_cite_makes_the_citation_the_model_makes():
    for quote in ("  Tribal won ", "", "x" * 3000, "a\x00b", 12):
        assert cite("s1", quote).record() == Citation.of("s1", quote).record()
