"""The ontology's vocabulary: kind groups, kinds by name, map styles and FtM schemata, each checked."""
from importlib import resources

import pytest
import yaml

from graphkit.model.ontology import load_ontology, parse_ontology
from graphkit.model.vocabulary import OntologyError


def _raw() -> dict:
    text = resources.files("graphkit.model").joinpath("ontology.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def test_groups_and_roles_come_from_the_file():
    onto = load_ontology()
    assert onto.group("ceilings") == ("framework_agreement", "dynamic_purchasing_system")
    assert "pilot_area" in onto.group("public") and onto.group("pilots") == ("pilot_area",)
    assert onto.kind("buyer") == "public_body" and onto.kind("supplier") == "company"
    assert onto.actor_labels == ("Organisation", "Person")
    assert onto.kind_from_name("Kent Police", "company") == "police"
    assert onto.kind_from_name("Acme Ltd", "company") == "company"


def test_an_unknown_group_or_a_group_of_many_as_a_role_is_one_line():
    onto = load_ontology()
    with pytest.raises(OntologyError, match="no kind group 'nope'"):
        onto.group("nope")
    with pytest.raises(OntologyError, match="'public' holds 8 kinds, not one"):
        onto.kind("public")


@pytest.mark.parametrize("edit, message", [
    (lambda r: r["kind_groups"]["public"].append("spaceship"), "kind_groups.public names unknown kind 'spaceship'"),
    (lambda r: r["kinds_by_name"].append({"pattern": "x", "kind": "person"}),
     "kinds_by_name[8] names unknown kind of Organisation 'person'"),
    (lambda r: r["kinds_by_name"].append({"pattern": "(", "kind": "police"}), "kinds_by_name[8] has a bad pattern"),
    (lambda r: r["map"]["organisation_families"][0]["kinds"].append("galaxy"),
     "map.organisation_families[0] names unknown kind of Organisation 'galaxy'"),
    (lambda r: r["map"]["relationship_colours"].update(LOVES="#fff"),
     "map.relationship_colours names unknown relationship type 'LOVES'"),
    (lambda r: r["ftm"]["import"]["Person"].update(kind="council"),
     "ftm.import.Person names unknown kind of Person 'council'"),
    (lambda r: r["ftm"]["export"][1].update(group="nope"), "ftm.export[1] names unknown kind group 'nope'"),
    (lambda r: r["ftm"]["links"][0].update(type="LOVES"), "ftm.links[0] names unknown relationship type 'LOVES'"),
    (lambda r: r["actor_labels"].append("Robot"), "actor_labels names unknown label 'Robot'"),
])
def test_a_wrong_name_in_the_vocabulary_is_refused_naming_the_entry(edit, message):
    raw = _raw()
    edit(raw)
    with pytest.raises(OntologyError) as err:
        parse_ontology(raw)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_every_kind_of_an_organisation_family_is_an_organisation_kind_once():
    onto = load_ontology()
    kinds = [k for f in onto.vocabulary.map.organisation_families for k in f.kinds]
    assert len(kinds) == len(set(kinds))
    assert set(kinds) <= set(onto.labels["Organisation"].kinds)


@pytest.fixture
def grown_ontology(monkeypatch):
    """The shipped ontology with one more organisation kind (a company, drawn with the companies)
    and one more contract kind (a ceiling), each added in ontology.yaml alone."""
    from graphkit.model import ontology

    raw = _raw()
    raw["labels"]["Organisation"]["kinds"].append("mutual_society")
    raw["kind_groups"]["companies"].append("mutual_society")
    next(f for f in raw["map"]["organisation_families"] if f["key"] == "companies")["kinds"].append("mutual_society")
    raw["labels"]["Contract"]["kinds"].append("concession_ceiling")
    raw["kind_groups"]["ceilings"].append("concession_ceiling")
    monkeypatch.setattr(ontology, "_shipped_text", lambda: yaml.safe_dump(raw))
    load_ontology.cache_clear()
    yield load_ontology()
    monkeypatch.undo()
    load_ontology.cache_clear()


def test_a_kind_added_to_a_group_in_the_file_reaches_maps_money_and_ftm(grown_ontology, tiny_dir, tmp_path):
    import json

    import networkx as nx

    from graphkit.analysis import money_items
    from graphkit.dataset import read_dataset
    from graphkit.io.export_ftm import export_ftm
    from graphkit.maps import style

    (tiny_dir / "grown.yaml").write_text(
        "entities:\n"
        "  - {id: acme-mutual, label: Organisation, kind: mutual_society, name: Acme Mutual,\n"
        "     sources: [{source: blog, quote: Acme Mutual}]}\n"
        "  - {id: concession, label: Contract, kind: concession_ceiling, name: Concession, value_gbp: 5000,\n"
        "     vat: excluded, sources: [{source: blog, quote: Concession}]}\n", encoding="utf-8")
    ds = read_dataset([tiny_dir])
    export_ftm(ds, tmp_path / "out.ftm.json")
    schemata = {e["id"]: e["schema"] for e in map(json.loads, (tmp_path / "out.ftm.json").read_text().splitlines())}
    assert schemata["acme-mutual"] == "Company"

    assert style.family("Organisation", "mutual_society") == style.family("Organisation", "company")

    graph = nx.MultiDiGraph()
    graph.add_node("dept", label="Organisation", kind="government_department", name="Dept", source_ids=["s"])
    graph.add_node("acme", label="Organisation", kind="mutual_society", name="Acme", source_ids=["s"])
    graph.add_node("c", label="Contract", kind="concession_ceiling", name="C", value_gbp=5000.0, vat="excluded",
                   source_ids=["s"])
    graph.add_edge("dept", "c", key="r1", type="COMMISSIONED", source_ids=["s"])
    graph.add_edge("c", "acme", key="r2", type="AWARDED_TO", source_ids=["s"])
    assert [i.money for i in money_items(graph)] == ["framework_ceiling"]


def test_without_the_group_entry_the_new_kinds_are_ordinary(tiny_dir):
    from graphkit.io.export_ftm import entity_schema_name
    from graphkit.maps import style

    onto = load_ontology()
    assert "mutual_society" not in onto.group("companies")
    assert entity_schema_name("Organisation", "mutual_society") == "Organization"
    assert style.family("Organisation", "mutual_society")[0] == "organisations"
