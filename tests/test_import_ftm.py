"""FollowTheMoney import: read and validated by followthemoney, mapped onto the ontology."""
from __future__ import annotations

import json

import pytest

from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.io.ftm import import_ftm

pytest.importorskip("followthemoney")

ENTITIES = [
    {"id": "NK-acme", "schema": "Company", "properties": {
        "name": ["Tribal Group plc"], "jurisdiction": ["gb"], "registrationNumber": ["4163458"],
        "sourceUrl": ["https://example.org/companies/acme"], "publisher": ["Example Registry"]}},
    {"id": "NK-barnet", "schema": "PublicBody", "properties": {"name": ["Barnet Council"]}},
    {"id": "p-jane", "schema": "Person", "properties": {"name": ["Jane Doe"], "nationality": ["gb"]}},
    {"id": "p-jane-2", "schema": "Person", "properties": {"name": ["Jane Doe"]}},
    {"id": "pay1", "schema": "Payment", "properties": {
        "payer": ["NK-barnet"], "beneficiary": ["NK-acme"], "amount": ["1,234.50"], "currency": ["GBP"],
        "date": ["2010-01-02"], "sourceUrl": ["https://example.org/spend/2010"]}},
    {"id": "pay2", "schema": "Payment", "properties": {
        "payer": ["NK-barnet"], "beneficiary": ["NK-acme"], "amount": ["99"], "currency": ["EUR"], "date": ["2010-02-02"]}},
    {"id": "dir1", "schema": "Directorship", "properties": {
        "director": ["p-jane"], "organization": ["NK-acme"], "role": ["director"], "startDate": ["2008-05-01"]}},
    {"id": "c1", "schema": "Contract", "properties": {
        "title": ["One Barnet support"], "authority": ["NK-barnet"], "amount": ["5000000"], "currency": ["GBP"]}},
    {"id": "ca1", "schema": "ContractAward", "properties": {"contract": ["c1"], "supplier": ["NK-acme"]}},
    {"id": "u1", "schema": "UnknownLink", "properties": {"subject": ["p-jane"], "object": ["NK-barnet"]}},
    {"id": "v1", "schema": "Vessel", "properties": {"name": ["Boaty"]}},
]


@pytest.fixture
def ftm_file(tmp_path):
    path = tmp_path / "export.ftm.json"
    lines = [json.dumps(e) for e in ENTITIES] + ["{not json", json.dumps({"id": "x", "schema": "NoSuchSchema"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ftm_entities_map_onto_the_ontology_with_sources_and_quotes(ftm_file, tiny_dir, store):
    report = import_ftm([ftm_file], tiny_dir / "imports" / "ftm", dataset=tiny_dir, store=store)
    ds = read_dataset([tiny_dir])
    # "Tribal Group plc" is an alias of the recorded `tribal`: matched, not duplicated
    assert any(m.id == "tribal" for m in report.matched)
    rels = {(r["source"], r["type"], r["target"]): r for r in ds.relationships.to_pylist()}
    paid = [r for r in ds.relationships.to_pylist() if r["type"] == "PAID"]
    assert {(r["source"], r["target"], r["amount_gbp"]) for r in paid} >= {("barnet-council", "tribal", 1234.5)}
    gbp = [r for r in paid if r["amount_gbp"]][0]
    assert gbp["evidence"] == "reported"
    assert gbp["quotes"] == ["FtM Payment pay1: payer Barnet Council, beneficiary Tribal Group plc, "
                             "amount 1234.5 GBP, date 2010-01-02"]
    source = {s["id"]: s for s in ds.sources.to_pylist()}[gbp["source_ids"][0]]
    assert source["url"] == "https://example.org/spend/2010"
    eur = [r for r in paid if not r["amount_gbp"]][0]
    assert eur["description"] == ('amount 99 EUR\n'
                                  'FtM: {"amount": ["99"], "currency": ["EUR"], "id": "pay2", "schema": "Payment"}')
    assert ("jane-doe", "DIRECTOR_OF", "tribal") in rels
    assert ("barnet-council", "COMMISSIONED", "ftm-one-barnet-support") in rels
    assert ("ftm-one-barnet-support", "AWARDED_TO", "tribal") in rels
    assert ds.entity("ftm-one-barnet-support")["value_gbp"] == 5_000_000
    # two FtM people with one name stay two people
    janes = [e for e in ds.entities.to_pylist() if e["name"] == "Jane Doe"]
    assert len(janes) == 2 and {a for e in janes for a in e["aliases"]} == {"ftm:p-jane", "ftm:p-jane-2"}
    assert ("jane-doe", "LINKED_TO", "barnet-council") in rels or ("jane-doe-2", "LINKED_TO", "barnet-council") in rels
    assert report.skipped["FtM schema Vessel has no counterpart in the ontology"] == 1
    assert report.skipped["line is not a FollowTheMoney entity"] == 2
    assert store.query("MATCH (p:Person {id: 'jane-doe'}) RETURN p.name").rows == [["Jane Doe"]]


def test_reimporting_the_same_export_matches_by_ftm_id(ftm_file, tmp_path, store):
    import_ftm([ftm_file], tmp_path / "ds" / "a", dataset=tmp_path / "ds", store=store)
    again = import_ftm([ftm_file], tmp_path / "ds" / "b", dataset=tmp_path / "ds", store=store)
    assert not again.created.get("Person") and not again.created.get("Organisation")
    assert {m.how for m in again.matched} >= {"identifier ftm:p-jane"}


def test_cli_import_ftm(runner, workdir, ftm_file):
    result = runner.invoke(app, ["import", "ftm", str(ftm_file), "--source-id", "opensanctions-2024"])
    assert result.exit_code == 0, result.output
    assert "created:" in result.output and "LINKED_TO" in result.output
    ds = read_dataset([workdir / "seeds"])
    assert set(ds.sources.column("id").to_pylist()) == {"opensanctions-2024"}


def test_links_with_what_the_ontology_has_no_field_for_are_written_as_csv_not_yaml(runner, workdir, ftm_file):
    assert runner.invoke(app, ["import", "ftm", str(ftm_file)]).exit_code == 0
    [folder] = (workdir / "seeds" / "imports").iterdir()
    assert not (folder / "records.yaml").exists()
    header = (folder / "relationships.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",description")
    kept = [r["description"] for r in read_dataset([workdir / "seeds"]).relationships.to_pylist() if r["description"]]
    assert kept and all(d.splitlines()[-1].startswith("FtM: {") for d in kept)


# -- the round trip: FtM in, FtM out -------------------------------------------------------------
ROUND_TRIP = [
    {"id": "org-1", "schema": "Organization", "properties": {"name": ["Friends of Barnet"]}},
    {"id": "co-1", "schema": "Company", "properties": {"name": ["Acme Holdings Ltd"], "jurisdiction": ["gb"],
                                                       "registrationNumber": ["123"]}},
    {"id": "co-2", "schema": "Company", "properties": {"name": ["Acme Services Ltd"]}},
    {"id": "pb-1", "schema": "PublicBody", "properties": {"name": ["Barnet Council"]}},
    {"id": "le-1", "schema": "LegalEntity", "properties": {"name": ["Mystery Vehicle"]}},
    {"id": "per-1", "schema": "Person", "properties": {"name": ["Jane Owner"]}},
    {"id": "own-1", "schema": "Ownership", "properties": {
        "owner": ["per-1"], "asset": ["co-1"], "percentage": ["25"], "sharesCount": ["100"], "sharesType": ["ordinary"]}},
    {"id": "own-2", "schema": "Ownership", "properties": {"owner": ["co-1"], "asset": ["co-2"], "percentage": ["60"]}},
    {"id": "own-3", "schema": "Ownership", "properties": {"owner": ["le-1"], "asset": ["co-2"], "percentage": ["40"]}},
    {"id": "pay-1", "schema": "Payment", "properties": {
        "payer": ["pb-1"], "beneficiary": ["co-2"], "amount": ["1000"], "currency": ["GBP"], "amountEur": ["1170"],
        "date": ["2010-01-02"]}},
    {"id": "pay-2", "schema": "Payment", "properties": {
        "payer": ["pb-1"], "beneficiary": ["org-1"], "amount": ["99"], "currency": ["EUR"], "amountUsd": ["107"]}},
    {"id": "ct-1", "schema": "Contract", "properties": {"title": ["Parks"], "authority": ["pb-1"], "amount": ["5000"],
                                                        "currency": ["EUR"]}},
]
COMPARED = ("name", "title", "percentage", "sharesCount", "sharesType", "amount", "currency", "amountEur", "amountUsd",
            "owner", "asset", "payer", "beneficiary", "registrationNumber", "authority")


def _essence(proxies):
    from followthemoney import registry

    out = {}
    for proxy in proxies:
        props = {}
        for prop in COMPARED:
            found = proxy.get(prop, quiet=True)
            if found:
                kind = proxy.schema.properties[prop].type
                props[prop] = sorted(str(registry.number.to_number(v)) if kind == registry.number else v for v in found)
        out[proxy.id] = (proxy.schema.name, props)
    return out


def test_an_ftm_file_survives_import_and_export_whole(tmp_path, store):
    from followthemoney import model

    from graphkit.io import export_store

    source = tmp_path / "in.ftm.json"
    source.write_text("".join(json.dumps(e) + "\n" for e in ROUND_TRIP), encoding="utf-8")
    report = import_ftm([source], tmp_path / "ds" / "ftm", dataset=tmp_path / "ds", store=store)
    assert report.created["OWNS"] == 3 and not [r for r in report.skipped if "cannot run" in r]
    export_store("ftm", store, tmp_path / "out.ftm.json")
    lines = (tmp_path / "out.ftm.json").read_text(encoding="utf-8").splitlines()
    exported = [model.get_proxy(json.loads(line)) for line in lines]  # cleaned: FtM accepts every value
    original = [model.get_proxy(e) for e in ROUND_TRIP]
    after = _essence(exported)
    for entity_id, (schema, props) in _essence(original).items():
        assert after[entity_id][0] == schema, entity_id
        assert {k: v for k, v in after[entity_id][1].items() if k in props} == props, entity_id
    assert not any(a.startswith("ftm:") for p in exported for a in p.get("alias", quiet=True))


# -- reading: line by line, FtM's cleaning, the json module's verdicts ------------------------------
HOSTILE_VALUES = [
    {"id": "h1", "schema": "Company", "properties": {
        "name": [" Acme  Ltd ", "Acme Ltd", 5], "sourceUrl": ["example.org/a", "EXAMPLE.org/a", "not a url", "", 7],
        "incorporationDate": ["2001-02-03T04:05", "2001-02-30", "2001", "yesterday", 20010203],
        "website": ["https://acme.example/", "ftp://x.example"], "nosuchprop": ["x"]}},
    {"id": "h2", "schema": "Payment", "properties": {
        "payer": ["h1", "h3"], "beneficiary": "h1", "amount": [1, "1,5", 2**70], "date": "2010-01", "sourceUrl": "acme.example"}},
    {"id": "h3", "schema": "Person", "properties": {"name": ["Jane\u0000 Doe", "\u200bJane"], "birthDate": ["1970-01-01"],
                                                    "sourceUrl": ["example.org/a"], "sameAs": ["h1"]}},
]


def test_values_are_cleaned_as_ftm_cleans_them():
    from followthemoney import model

    from graphkit.io.ftm_reading import ValueCleaner

    cleaner = ValueCleaner()
    for entity in HOSTILE_VALUES * 2:  # the second time from what the cleaner remembers
        made, expected = cleaner.proxy(entity), model.get_proxy(entity, cleaned=False)
        assert list(made._properties.items()) == list(expected._properties.items())
        assert (made.id, made.context, made._size) == (expected.id, expected.context, expected._size)


def test_a_url_seen_before_is_cleaned_once(tmp_path, monkeypatch):
    from followthemoney import registry

    calls = []
    url_type = type(registry.url)
    original = url_type.clean_text
    monkeypatch.setattr(url_type, "clean_text", lambda self, text, **kw: calls.append(text) or original(self, text, **kw))
    path = tmp_path / "urls.ftm.json"
    path.write_text("".join(json.dumps({"id": f"c{n}", "schema": "Company", "properties": {
        "name": [f"Company {n}"], "sourceUrl": ["https://example.org/register"]}}) + "\n" for n in range(3)))
    import_ftm([path], tmp_path / "ds" / "x", dataset=tmp_path / "ds", dry_run=True)
    assert calls == ["https://example.org/register"]


def test_the_file_is_read_line_by_line_never_whole(tmp_path, ftm_file, monkeypatch):
    from pathlib import Path

    for method in ("read_bytes", "read_text"):
        monkeypatch.setattr(Path, method, _refusing(getattr(Path, method), ftm_file))
    report = import_ftm([ftm_file], tmp_path / "ds" / "x", dataset=tmp_path / "ds", dry_run=True)
    assert report.figures["FtM entities read"] == 11


def _refusing(read, path):
    """`read` (a Path method) that fails for `path`, the input that must not be read whole."""
    def whole(self, *args, **kwargs):
        if self == path:
            raise AssertionError("the whole file was read")
        return read(self, *args, **kwargs)
    return whole


JSON_LINES = ['{"id": "a", "schema": "Company", "properties": {"name": ["x"], "amount": [123456789012345678901234567890]}}',
              '{"id": "a", "schema": "Company", "properties": {"amount": [1.5, 1e400, -0.0, 18446744073709551616]}}',
              '{"id": "a", "schema": "Company", "properties": {"name": ["\\ud800"]}, "id": "b"}',
              '{"id": "a", "schema": "Company", "properties": {"name": [NaN]}}', '{"id": "a", "schema": "Co", "x": Infinity}',
              '{not json', '[1]', '"text"', 'null', '{"id": "a", "schema": "Company", "properties": {"name": [true]}}',
              '{"id": "a", "schema": "Company", "properties": {"name": [[' + "[" * 70 + "]" * 70 + ']]}}',
              '{"id": "a", "schema": "Company", "context": ' + "[" * 63 + "]" * 63 + '}',
              '{"id": "a", "schema": "Company", "context": ' + "[" * 64 + "]" * 64 + '}',
              '{"id": "a", "schema": "Company", "properties": 5}', '{"id": "a\\u0001", "schema": "Company"}',
              '{"id": "a", "schema": "Company"} trailing', '{"id": "a", "schema": "Company", "properties": {"n": {"x": 1}}}']


@pytest.mark.parametrize("line", JSON_LINES)
def test_a_line_reads_as_the_json_module_reads_it(line):
    from graphkit.io.ftm_reading import InputError, _json_entity, _shape_problem, check_depth, checked_entity

    def with_json(text):  # the reading by the json module alone
        entity = _json_entity(text)
        check_depth(entity)
        _shape_problem(entity)
        return entity

    def outcome(read):
        try:
            entity = read(line)
        except InputError as exc:
            return "refused", str(exc)
        return "read", json.dumps(entity, sort_keys=True), repr(entity)
    assert outcome(checked_entity) == outcome(with_json)


@pytest.mark.parametrize("quote", ["  Tribal won the award ", "", "   ", None, 12.5, "a\u0000b\nc", "x" * 5000, "\u200b"])
def test_import_citations_are_those_the_citation_model_makes(quote):
    from graphkit.io.batch import cite
    from graphkit.model.records import Citation

    made = cite("s1", quote).record()
    assert made == Citation.of("s1", quote).record()
    assert Citation(**made).model_dump() == made  # and the model, validating, accepts it unchanged
