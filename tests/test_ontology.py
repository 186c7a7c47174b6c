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
