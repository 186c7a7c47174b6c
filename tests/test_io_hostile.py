"""Hostile input to the OCDS and FtM readers (issue 20: findings 9 and 11; issue 18: finding 3).

A file nothing can be read from: one line naming the file (and the byte offset for bad
bytes), exit 1, nothing written. A bad record among good ones: skipped with file:line and
a reason, the rest imported. Never a traceback, never a temporary file's name.
"""
from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.io.ftm import import_ftm
from graphkit.io.ocds import import_ocds
from graphkit.errors import GraphkitError

pytest.importorskip("followthemoney")

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def release(ocid="ocds-test-1", rid="r1", date="2025-01-01T00:00:00Z", amount=1000, name="Acme Ltd", **extra):
    base = {"ocid": ocid, "id": rid, "date": date, "tag": ["award"],
            "parties": [{"id": "org-1", "name": "Barnet Council", "roles": ["buyer"]},
                        {"id": "GB-COH-123", "name": name, "roles": ["supplier"]}],
            "buyer": {"id": "org-1", "name": "Barnet Council"}, "tender": {"title": "Support services"},
            "awards": [{"id": "a1", "value": {"amount": amount, "currency": "GBP"},
                        "suppliers": [{"id": "GB-COH-123", "name": name}]}]}
    base.update(extra)
    return base


def one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "tmp" not in result.output.replace(str(Path.cwd()), "")
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


GOOD = json.dumps(release()) + "\n"
WHOLE_FILE_CASES = {
    "deep.json": ('{"releases": ' + "[" * 5000 + "]" * 5000 + "}", "nesting deeper than"),
    "utf16.json": (GOOD.encode("utf-16"), "not UTF-8 at byte offset 0 (0xff)"),
    "latin1.json": (json.dumps(release(name="Café Ltd"), ensure_ascii=False).encode("latin-1"), "not UTF-8 at byte offset"),
    "stray.json": (GOOD.encode() + b"\xff\n", f"not UTF-8 at byte offset {len(GOOD.encode())} (0xff)"),
    "empty.json": (b"", "empty file"),
    "bom.json": (b"\xef\xbb\xbf", "empty file"),
    "truncated.json": (json.dumps({"releases": [release()]}, indent=1)[:300], "not valid JSON at line"),
    "string.json": ('"just a string"', "a JSON string, not an OCDS"),
    "array.json": ("[]", "a JSON array, not an OCDS"),
    "nothing.jsonl": (json.dumps({"id": "no-ocid"}) + "\n", "nothing could be imported"),
}


@pytest.mark.parametrize("name", sorted(WHOLE_FILE_CASES))
def test_an_ocds_file_nothing_can_be_read_from_is_one_line_and_writes_nothing(runner, workdir, name):
    content, message = WHOLE_FILE_CASES[name]
    path = workdir / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    result = runner.invoke(app, ["import", "ocds", name])
    one_line_error(result, name, message)
    assert not (workdir / "seeds").exists() and not (workdir / ".graphkit").exists()


BAD_RECORDS = [
    (release(rid="r2", ocid="ocds-test-2", amount=float("nan")), "value out of range (left out)"),
    (release(rid="r3", ocid="ocds-test-3\u0000x"), "ocid is not an identifier"),
    (release(rid="r4", ocid="ocds-test-4", date="2025-02-30T00:00:00Z"), "not a real calendar date"),
    (release(rid="r5", ocid="ocds-" + "x" * 600), "ocid is not an identifier"),
    (release(rid="r6", ocid="ocds-test-6", amount=True), "value is not a number"),
    (release(rid="r7", ocid="ocds-test-7", amount="lots"), "value is not a number"),
]


def test_bad_ocds_records_are_skipped_with_file_line_and_reason(runner, workdir):
    path = workdir / "mixed.jsonl"
    path.write_text(GOOD + "".join(json.dumps(r) + "\n" for r, _ in BAD_RECORDS), encoding="utf-8")
    result = runner.invoke(app, ["import", "ocds", "mixed.jsonl", "--dry-run"])
    assert result.exit_code == 0, result.output
    for n, (_, reason) in enumerate(BAD_RECORDS, start=2):
        assert reason in result.output
    assert "mixed.jsonl:3" in result.output  # the NUL in an ocid, by file and line
    ds_dir = workdir / "seeds"
    assert not ds_dir.exists()


def test_a_true_or_nan_amount_is_never_money(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(release(amount=True)) + "\n"
                    + json.dumps(release(ocid="ocds-test-2", rid="r2", amount=float("nan"))) + "\n", encoding="utf-8")
    report = import_ocds([path], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    ds = read_dataset([tmp_path / "ds"])
    assert all(e.get("value_gbp") is None for e in ds.entities.to_pylist())
    assert report.figures["awards: contract values (GBP)"] == 0
    assert report.skipped["value is not a number (left out)"] == 1
    assert report.skipped["value out of range (left out)"] == 1


def test_names_with_terminal_escapes_or_megabytes_never_reach_the_terminal_whole(runner, workdir):
    path = workdir / "esc.jsonl"
    rel = release(name="Evil\x1b[2J\x1b[1;1HLtd")
    rel["parties"].append({"id": "x", "name": "Q" * 100_000 + "\x1b[31m", "roles": ["reviewBody"]})
    path.write_text(json.dumps(rel) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "ocds", "esc.jsonl", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and max(len(line) for line in result.output.splitlines()) <= 400


# -- FtM ---------------------------------------------------------------------------------------
COMPANY = {"id": "c1", "schema": "Company", "properties": {"name": ["Acme Ltd"]}}
BODY = {"id": "b1", "schema": "PublicBody", "properties": {"name": ["Barnet Council"]}}


def ftm_lines(*entities) -> str:
    return "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in entities)


FTM_FILE_CASES = {
    "latin1.ftm.json": (json.dumps({"id": "c1", "schema": "Company", "properties": {"name": ["Café"]}},
                                   ensure_ascii=False).encode("latin-1"),
                        "not UTF-8 at byte offset 62 (0xe9)"),
    "deep.ftm.json": (('{"id": "x", "schema": "Company", "properties": {"name": ' + "[" * 3000 + "]" * 3000 + "}}\n").encode(),
                      "nesting deeper than"),
    "empty.ftm.json": (b"\xef\xbb\xbf\n", "empty file"),
    "types.ftm.json": (ftm_lines({"id": "x", "schema": 5}, {"id": "y", "schema": "Company", "properties": 5}).encode(),
                       "schema is not text"),
}


@pytest.mark.parametrize("name", sorted(FTM_FILE_CASES))
def test_an_ftm_file_nothing_can_be_read_from_is_one_line(runner, workdir, name):
    content, message = FTM_FILE_CASES[name]
    (workdir / name).write_bytes(content)
    one_line_error(runner.invoke(app, ["import", "ftm", name]), name, message)
    assert not (workdir / "seeds").exists()


def test_ftm_fragments_of_one_entity_merge_as_ftm_does(tmp_path):
    path = tmp_path / "fragments.ftm.json"
    path.write_text(ftm_lines(
        {"id": "c1", "schema": "LegalEntity", "properties": {"name": ["Acme Ltd"]}},
        {"id": "c1", "schema": "Company", "properties": {"registrationNumber": ["123"], "jurisdiction": ["gb"]}},
        {"id": "c1", "schema": "Person", "properties": {"name": ["Not a company"]}},
        {"id": "p", "schema": "Company", "properties": 5},
        {"id": "q", "schema": "Company", "properties": {"name": [{"deep": 1}]}},
    ), encoding="utf-8")
    report = import_ftm([path], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    [acme] = [e for e in read_dataset([tmp_path / "ds"]).entities.to_pylist()]
    assert acme["name"] == "Acme Ltd" and "GB-COH-00000123" in acme["aliases"]
    skipped = dict(report.skipped)
    assert skipped["fragment whose schema cannot merge with the entity's other fragments (FtM's rule)"] == 1
    assert skipped["line is not a FollowTheMoney entity"] == 2
    assert any("fragments.ftm.json:4" in e for e in report.examples["line is not a FollowTheMoney entity"])


@pytest.mark.parametrize("amount, reason", [("NaN", "amount is not a finite number"),
                                            ("Infinity", "amount is not a finite number"),
                                            ("1e308", "implausible"), ("-500", "amount is negative"),
                                            ("lots", "amount is not a number")])
def test_ftm_amounts_that_are_not_money_are_refused_with_a_reason(tmp_path, amount, reason):
    path = tmp_path / "pay.ftm.json"
    path.write_text(ftm_lines(COMPANY, BODY, {"id": "pay", "schema": "Payment", "properties": {
        "payer": ["b1"], "beneficiary": ["c1"], "amount": [amount], "currency": ["GBP"]}}), encoding="utf-8")
    report = import_ftm([path], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    assert any(reason in r for r in report.skipped), report.skipped
    [paid] = [r for r in read_dataset([tmp_path / "ds"]).relationships.to_pylist() if r["type"] == "PAID"]
    assert paid["amount_gbp"] is None


def test_an_ftm_link_with_many_ends_on_both_sides_is_not_multiplied(tmp_path):
    people = [{"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Person {i}"]}} for i in range(60)]
    orgs = [{"id": f"o{i}", "schema": "Company", "properties": {"name": [f"Company {i} Ltd"]}} for i in range(60)]
    link = {"id": "l", "schema": "UnknownLink", "properties": {"subject": [p["id"] for p in people],
                                                               "object": [o["id"] for o in orgs]}}
    path = tmp_path / "wide.ftm.json"
    path.write_text(ftm_lines(*people, *orgs, link), encoding="utf-8")
    report = import_ftm([path], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    assert not report.created.get("LINKED_TO")
    assert any("60 × 60 ends" in r for r in report.skipped)


# -- property tests ------------------------------------------------------------------------------
NUMBERS = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([1e308, -1.0, 0.0, True, False]))
VALUES = st.recursive(st.none() | st.booleans() | NUMBERS | st.text(max_size=12),
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                      max_leaves=25)
OCDS_KEYS = ["ocid", "id", "date", "tag", "parties", "buyer", "tender", "awards", "contracts", "releases", "records"]


@st.composite
def ocds_shapes(draw):
    """Releases whose fields hold anything: wrong types, non-finite numbers, deep or odd structures."""
    base = release()
    for key in draw(st.lists(st.sampled_from(OCDS_KEYS), max_size=4)):
        base[key] = draw(VALUES)
    award = base["awards"][0] if isinstance(base.get("awards"), list) and base["awards"] and isinstance(base["awards"][0], dict) else None
    if award is not None and draw(st.booleans()):
        award["value"] = {"amount": draw(VALUES), "currency": draw(st.sampled_from(["GBP", "EUR", 5, None]))}
    wrap = draw(st.sampled_from(["line", "package", "record", "deep"]))
    if wrap == "package":
        return {"releases": [base, draw(VALUES)]}
    if wrap == "record":
        return {"records": [{"ocid": base.get("ocid"), "compiledRelease": base}]}
    if wrap == "deep":
        nested = base
        for _ in range(draw(st.integers(1, 200))):
            nested = {"x": [nested]}
        return nested
    return base


def _outcome(run, folder: Path) -> None:
    """An import either succeeds with a valid dataset or fails in one line having written nothing."""
    try:
        run()
    except GraphkitError as exc:
        assert "\n" not in str(exc) and str(exc)
        assert not folder.exists() or not any(folder.rglob("*.csv"))
        return
    read_dataset([folder])


@FUZZ
@given(st.lists(ocds_shapes(), min_size=1, max_size=3), st.booleans())
def test_any_ocds_structure_imports_or_fails_in_one_line(items, as_lines):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.json"
        text = "".join(json.dumps(i) + "\n" for i in items) if as_lines else json.dumps(items[0])
        path.write_text(text, encoding="utf-8")
        _outcome(lambda: import_ocds([path], Path(tmp) / "ds" / "x", dataset=Path(tmp) / "ds"), Path(tmp) / "ds")


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_ocds_or_ftm_import_or_fail_in_one_line(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bytes.json"
        path.write_bytes(data)
        for importer in (import_ocds, import_ftm):
            _outcome(lambda: importer([path], Path(tmp) / "ds" / "x", dataset=Path(tmp) / "ds"), Path(tmp) / "ds")


@st.composite
def ftm_shapes(draw):
    entity = {"id": draw(st.sampled_from(["c1", "c2", "p1", 5, None, ""])),
              "schema": draw(st.sampled_from(["Company", "Person", "Payment", "Ownership", "Vessel", 5, None])),
              "properties": draw(st.one_of(
                  st.dictionaries(st.sampled_from(["name", "amount", "currency", "payer", "beneficiary", "owner",
                                                   "asset", "percentage", "startDate", "nope"]),
                                  st.lists(st.one_of(st.text(max_size=10), NUMBERS, st.sampled_from(["c1", "p1"])),
                                           max_size=3) | VALUES, max_size=5),
                  VALUES))}
    return entity


@FUZZ
@given(st.lists(ftm_shapes(), min_size=1, max_size=6))
def test_any_ftm_structure_imports_or_fails_in_one_line(entities):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.ftm.json"
        path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
        _outcome(lambda: import_ftm([path], Path(tmp) / "ds" / "x", dataset=Path(tmp) / "ds"), Path(tmp) / "ds")


def test_non_finite_numbers_stay_out_of_every_value(tmp_path):
    path = tmp_path / "inf.jsonl"
    path.write_text(json.dumps(release(amount=float("inf"), tender={"title": float("nan")})) + "\n", encoding="utf-8")
    import_ocds([path], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    for row in read_dataset([tmp_path / "ds"]).entities.to_pylist():
        assert all(not (isinstance(v, float) and not math.isfinite(v)) for v in row.values())
        assert row["name"] != "nan"
