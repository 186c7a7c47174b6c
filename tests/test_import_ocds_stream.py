"""The streaming, columnar OCDS import (issue 21, item 1): releases read line by line and grouped
by ocid wherever they lie, dataset files written as CSV columns (never YAML), read back column by
column with their fields checked."""
from __future__ import annotations

import json

import pytest

from graphkit.dataset import read_dataset, validate
from graphkit.errors import GraphkitError
from graphkit.io.ocds import import_ocds
from graphkit.io.ocds.reading import read_groups
from graphkit.io.report import ImportReport


def release(ocid="ocds-test-1", rid="r1", date="2025-01-01T00:00:00Z", amount=1000, **extra):
    base = {"ocid": ocid, "id": rid, "date": date, "tag": ["award"],
            "parties": [{"id": "org-1", "name": "Barnet Council", "roles": ["buyer"]},
                        {"id": "GB-COH-123", "name": "Acme Ltd", "roles": ["supplier"]}],
            "buyer": {"id": "org-1", "name": "Barnet Council"},
            "tender": {"title": "Support services"},
            "awards": [{"id": "a1", "value": {"amount": amount, "currency": "GBP"},
                        "suppliers": [{"id": "GB-COH-123", "name": "Acme Ltd"}]}]}
    base.update(extra)
    return base


def lines(path, *releases):
    path.write_text("".join(json.dumps(r) + "\n" for r in releases))
    return path


def test_releases_of_one_ocid_far_apart_compile_into_one_award_the_latest_winning(tmp_path):
    f = lines(tmp_path / "a.jsonl", release(amount=1000),
              *[release(ocid=f"ocds-other-{i}", rid=f"o{i}") for i in range(5)],
              release(rid="r2", date="2025-03-01T00:00:00Z", amount=2500, tag=["awardUpdate"]))
    report = import_ocds([f], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    award = read_dataset([tmp_path / "ds"]).entity("ocds-test-1-a1")
    assert award["value_gbp"] == 2500
    assert report.figures["awards counted"] == 6 and report.figures["releases read"] == 7


def test_one_ocid_split_over_two_files_of_one_import_is_one_process(tmp_path):
    first = lines(tmp_path / "first.jsonl", release(amount=1000))
    later = lines(tmp_path / "later.jsonl", release(rid="r2", date="2025-02-01T00:00:00Z", amount=3000))
    report = import_ocds([later, first], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    assert read_dataset([tmp_path / "ds"]).entity("ocds-test-1-a1")["value_gbp"] == 3000
    assert report.figures["awards counted"] == 1


def test_groups_come_in_order_of_first_appearance_with_their_places(tmp_path):
    f = lines(tmp_path / "a.jsonl", release(ocid="ocds-b"), release(ocid="ocds-a"), release(ocid="ocds-b", rid="r2"))
    groups = list(read_groups([f], ImportReport("ocds")))
    assert [[r.ocid for r in g] for g in groups] == [["ocds-b", "ocds-b"], ["ocds-a"]]
    assert [r.where for r in groups[0]] == ["a.jsonl:1", "a.jsonl:3"]


def test_the_import_writes_columns_not_yaml_and_they_read_back(tmp_path):
    f = lines(tmp_path / "a.jsonl", release(amount=1234.5,
                                            awards=[{"id": "a1", "value": {"amount": 1234.5, "currency": "GBP"},
                                                     "contractPeriod": {"startDate": "2025-04-01T00:00:00Z"},
                                                     "suppliers": [{"id": "GB-COH-123", "name": "Acme Ltd"}]}]))
    import_ocds([f], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    folder = tmp_path / "ds" / "x"
    assert not (folder / "records.yaml").exists()
    header = (folder / "entities.csv").read_text().splitlines()[0].split(",")
    assert {"value_gbp", "start_date", "ocid", "currency", "value_original"} <= set(header)
    award = read_dataset([tmp_path / "ds"]).entity("ocds-test-1-a1")
    assert (award["value_gbp"], award["start_date"], award["ocid"]) == (1234.5, "2025-04-01", "ocds-test-1")


def test_a_field_column_is_checked_by_its_type_and_label(tmp_path):
    (tmp_path / "sources.csv").write_text("id,url\ns1,https://example.org/a\n")
    (tmp_path / "entities.csv").write_text(
        "id,label,kind,name,source_id,quote,value_gbp,start_date\n"
        "c1,Contract,contract,C one,s1,q,12x,2020-02-30\n"
        "o1,Organisation,company,Acme,s1,q,5,\n")
    problems = [str(p) for p in validate([tmp_path])]
    assert any("entities.csv:2" in p and "value_gbp" in p and "not a number" in p for p in problems)
    assert any("entities.csv:2" in p and "start_date" in p and "calendar" in p for p in problems)
    assert any("entities.csv:3" in p and "value_gbp" in p and "not a field of this label" in p for p in problems)


def test_an_unknown_entities_column_is_still_refused(tmp_path):
    (tmp_path / "entities.csv").write_text("id,label,kind,name,source_id,quote,colour\n")
    assert any("colour" in str(p) and "is not a column" in str(p) for p in validate([tmp_path]))


def test_a_pretty_printed_package_is_read_whole(tmp_path):
    f = tmp_path / "package.json"
    f.write_text(json.dumps({"releases": [release()]}, indent=2))
    report = import_ocds([f], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    assert report.figures["awards counted"] == 1


def test_bad_utf8_on_a_later_line_is_one_line_with_the_byte_offset(tmp_path):
    f = tmp_path / "a.jsonl"
    first = (json.dumps(release()) + "\n").encode()
    f.write_bytes(first + b'{"ocid": "ocds-x\xe9"}\n')
    with pytest.raises(GraphkitError, match=rf"not UTF-8 at byte offset {len(first) + 16} \(0xe9\)"):
        import_ocds([f], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    assert not (tmp_path / "ds").exists()


def test_a_release_repeating_an_award_id_is_still_merged_by_the_rules(tmp_path):
    doubled = release(awards=[{"id": "a1", "value": {"amount": 10, "currency": "GBP"},
                               "suppliers": [{"id": "GB-COH-123", "name": "Acme Ltd"}]},
                              {"id": "a1", "value": {"amount": 20, "currency": "GBP"}}])
    report = import_ocds([lines(tmp_path / "a.jsonl", doubled)], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    assert report.figures["awards counted"] == 1
    assert read_dataset([tmp_path / "ds"]).entity("ocds-test-1-a1")["value_gbp"] == 20


def test_without_a_dataset_the_import_goes_to_the_configured_dataset(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_DATASET", str(tmp_path / "mine"))
    import_ocds([lines(tmp_path / "a.jsonl", release())])
    assert (tmp_path / "mine" / "imports" / "ocds-a" / "entities.csv").is_file()


# -- the conversion's shortcuts give what the full checks give -----------------------------------
def test_text_shortcuts_still_clean_control_characters_and_entities():
    from graphkit.model.values import clean_text
    from graphkit.io.ocds.fields import _text

    assert clean_text("A\x00B\x7f ") == "A B"
    assert clean_text("tab\tkept\u00a0") == "tab\tkept"
    assert clean_text("plain name ") == "plain name"
    assert _text("AB &amp; Co") == "AB & Co" and _text("AB and Co") == "AB and Co"
    assert _text("AB &amp;amp; Co") == "AB &amp; Co"  # decoded once


def test_dates_are_checked_each_time_they_recur():
    from graphkit.io.ocds.fields import _date

    for _ in range(2):
        assert _date("2025-02-30T00:00:00Z") is None
        assert _date("2025-02-28T10:00:00Z") == "2025-02-28"
        assert _date("2025-02-28") == "2025-02-28"
        assert _date("28/02/2025") is None and _date(20250228) is None


def test_party_kinds_and_identifiers_repeat_and_follow_the_ontology(monkeypatch):
    from graphkit.io.ocds import parties

    party = {"id": "GB-COH-158718", "identifier": {"scheme": "GB-COH", "id": "158718"},
             "additionalIdentifiers": [{"scheme": "GB-CHC", "id": "123"}, "not an object"]}
    for _ in range(2):
        assert parties._identifiers(party, {"id": "org-1"}) == ("GB-COH-00158718", "GB-CHC-123")
        assert parties._identifiers({"id": "org-1"}) == ()
    first = parties._kind_by_name("Borough Council of Somewhere", "buyer", {})
    assert parties._kind_by_name("Borough Council of Somewhere", "buyer", {}) == first

    class Other:  # another ontology: the kinds found for the first are not reused
        def kind_from_name(self, name, default):
            return "other_kind"

        def kind(self, role):
            return role

        def group(self, name):
            return ()

    monkeypatch.setattr(parties, "load_ontology", lambda: Other())
    assert parties._kind_by_name("Borough Council of Somewhere", "buyer", {}) == "other_kind"


# -- finished contracts and claims are kept on disk, not in memory --------------------------------
def _many_processes(path):
    rels = [release(ocid=f"ocds-many-{i}", rid=f"m{i}", amount=100 + i,
                    parties=[{"id": "org-1", "name": f"Council {i % 4}", "roles": ["buyer"]},
                             {"id": f"GB-COH-{i % 5}", "name": f"Supplier {i % 5} Ltd", "roles": ["supplier"]}],
                    buyer={"id": "org-1", "name": f"Council {i % 4}"},
                    awards=[{"id": "a1", "value": {"amount": 100 + i, "currency": "GBP"},
                             "suppliers": [{"id": f"GB-COH-{i % 5}", "name": f"Supplier {i % 5} Ltd"}]}])
            for i in range(30)]
    rels.append(release(ocid="ocds-twice", rid="t1", awards=[{"id": "1", "value": {"amount": 5, "currency": "GBP"},
                                                              "suppliers": [{"id": "GB-COH-123", "name": "Acme Ltd"}]}]))
    # another process whose award id gives the same contract id (ocds-twice-1): one contract, cited twice
    rels.append(release(ocid="ocds-twice-1", rid="t2", awards=[
        {"id": "ocds-twice-1", "value": {"amount": 5, "currency": "GBP"},
         "suppliers": [{"id": "GB-COH-123", "name": "Acme Ltd"}]}]))
    return lines(path, *rels)


def test_settled_records_spilled_to_disk_give_the_same_files_as_held_ones(tmp_path, monkeypatch):
    from graphkit.io import runs

    f = _many_processes(tmp_path / "many.jsonl")
    held = import_ocds([f], tmp_path / "held" / "x", dataset=tmp_path / "held")
    monkeypatch.setattr(runs, "LIMIT", 3)  # a run written every 3 records
    monkeypatch.setattr(runs, "BLOCK", 2)  # in blocks of 2
    spilled = import_ocds([f], tmp_path / "spilled" / "x", dataset=tmp_path / "spilled")
    for name in ("sources.csv", "entities.csv", "relationships.csv"):
        assert (tmp_path / "spilled" / "x" / name).read_bytes() == (tmp_path / "held" / "x" / name).read_bytes()
    assert spilled.created == held.created
    twice = read_dataset([tmp_path / "spilled"]).entity("ocds-twice-1")
    assert len(twice["source_ids"]) == 2


def test_a_settled_contract_stated_again_is_one_contract_with_both_citations(tmp_path):
    f = _many_processes(tmp_path / "many.jsonl")
    report = import_ocds([f], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    rows = (tmp_path / "ds" / "x" / "entities.csv").read_text().splitlines()
    assert sum(r.startswith("ocds-twice-1,") for r in rows) == 2  # one row per citation
    claims = (tmp_path / "ds" / "x" / "relationships.csv").read_text().splitlines()
    assert sum(",AWARDED_TO," in r and r.startswith("ocds-twice-1,") for r in claims) == 2
    assert report.created["Contract"] == 31


def test_a_file_of_one_release_line_gives_that_release_once(tmp_path):
    f = lines(tmp_path / "one.jsonl", release())
    groups = list(read_groups([f], ImportReport("ocds")))
    assert [len(g) for g in groups] == [1]
    report = import_ocds([f], tmp_path / "ds" / "x", dataset=tmp_path / "ds")
    assert not any("earlier version" in reason for reason in report.skipped)
    assert report.created["Contract"] == 1
