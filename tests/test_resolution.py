"""Entity resolution: normalised names, match suggestions, reversible merge decisions."""
from __future__ import annotations


import pytest

from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.dataset.merges import MERGES_FILE, read_merges, record_merge, remove_merge
from graphkit.errors import GraphkitError, InvalidDataset
from graphkit.resolve.candidates import suggest_matches
from graphkit.resolve.index import ActorIndex
from graphkit.resolve.names import normalise_name, normalise_names


@pytest.mark.parametrize("a, b", [
    ("Axis Europe Plc", "Axis Europe plc"),
    ("Tribal Group plc", "TRIBAL GROUP PLC"),
    ("KPMG LLP", "KPMG"),
    ("Acme Limited", "Acme Ltd."),
    ("Ernst & Young", "Ernst and Young LLP"),
    ("The Leadership Centre", "Leadership Centre"),
    ("DCLG", "Department for Communities and Local Government"),
    ("Communities and Local Government", "Department for Communities & Local Government"),
    ("Dept for Transport", "DfT"),
    ("PwC", "PricewaterhouseCoopers"),
    ("DENNIS EAGLE LIMITED (t/a Terberg Matec UK)", "Dennis Eagle Ltd"),
    ("Café Société Ltd", "Cafe Societe"),
])
def test_names_that_mean_one_actor_share_a_key(a, b):
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize("a, b", [
    ("Tribal", "Tribal Group plc"),  # a fuzzy candidate, not the same key
    ("NHS Grampian", "NHS"),
    ("West Lothian Council", "East Lothian Council"),
])
def test_different_names_keep_different_keys(a, b):
    assert normalise_name(a) != normalise_name(b)


def test_the_column_and_the_single_name_paths_agree_on_odd_text(monkeypatch):
    import graphkit.resolve.names as resolution

    names = ["  The  ACME & Sons (UK) Ltd. ", "Ærø Σίσυφος plc", "'=SUM(A1)", "x t/a y", "", "½ dept",
             "Department for Communities & Local Government", "H.M. Treasury", None]
    few = normalise_names(names).to_pylist()
    monkeypatch.setattr(resolution, "FEW_NAMES", 0)  # the Arrow path, as for a large dataset
    assert normalise_names(names).to_pylist() == few == [normalise_name(n) if n is not None else None for n in names]


def test_the_abbreviation_table_is_data_in_the_package():
    from importlib import resources

    text = resources.files("graphkit.resolve").joinpath("name_variants.yaml").read_text(encoding="utf-8")
    assert "DCLG" in text and "legal_suffixes" in text


def test_index_matches_by_id_identifier_then_normalised_name_within_a_label():
    index = ActorIndex.from_entities([
        {"id": "tribal", "label": "Organisation", "name": "Tribal", "aliases": ["Tribal Group plc", "GB-COH-04163458"]},
        {"id": "jo", "label": "Person", "name": "Tribal Group", "aliases": []},
    ])
    assert index.find("Organisation", "TRIBAL GROUP PLC") == ("tribal", "normalised name 'tribal group'")
    assert index.find("Organisation", "Someone else", ["GB-COH-04163458"])[0] == "tribal"
    assert index.find("Person", "Tribal Group")[0] == "jo"
    assert index.find("Organisation", "Unknown Ltd") is None


def test_suggestions_find_tribal_spellings_and_work_on_100k_names():
    rows = [{"id": "tribal", "label": "Organisation", "name": "Tribal", "aliases": []},
            {"id": "tribal-group-plc", "label": "Organisation", "name": "Tribal Group plc", "aliases": []},
            {"id": "tribal-upper", "label": "Organisation", "name": "TRIBAL GROUP PLC", "aliases": []},
            {"id": "henry", "label": "Person", "name": "Tribal", "aliases": []}]
    pairs = {(c.keep, c.merge): c for c in suggest_matches(rows, threshold=85)}
    assert pairs[("tribal-upper", "tribal-group-plc")].score == 100 or pairs[("tribal-group-plc", "tribal-upper")].score == 100
    assert ("tribal", "tribal-group-plc") in pairs
    assert not any("henry" in key for key in pairs)  # a Person never pairs with an Organisation

    many = [{"id": f"org-{i}", "label": "Organisation", "name": f"Supplier {i} {w} Ltd", "aliases": []}
            for i, w in zip(range(100_000), ["alpha", "beta", "gamma", "delta"] * 25_000)]
    many.append({"id": "dupe", "label": "Organisation", "name": "SUPPLIER 17 BETA LIMITED", "aliases": []})
    found = suggest_matches(many, threshold=95)  # speed is measured in bench/, not asserted here
    assert any({c.keep, c.merge} == {"org-17", "dupe"} and c.score == 100 for c in found)


# -- merge decisions ----------------------------------------------------------------------------
def test_a_merge_makes_b_an_alias_of_a_and_repoints_its_links(tiny_dir):
    (tiny_dir / "more.yaml").write_text(
        "entities:\n"
        "  - {id: tribal-group-plc, label: Organisation, kind: company, name: Tribal Group plc,\n"
        "     sources: [{source: foi, quote: Tribal Group plc}]}\n"
        "relationships:\n"
        "  - {source: tribal-group-plc, type: ADVISES, target: croydon, evidence: reported,\n"
        "     sources: [{source: foi, quote: advised Croydon}]}\n", encoding="utf-8")
    before = read_dataset([tiny_dir])
    decision = record_merge(tiny_dir, "tribal", "tribal-group-plc", "same company")
    assert decision.file.endswith(MERGES_FILE) and decision.reason == "same company"
    after = read_dataset([tiny_dir])
    assert after.entity("tribal-group-plc") is None
    tribal = after.entity("tribal")
    assert "tribal-group-plc" in tribal["aliases"] and ("foi", "Tribal Group plc") in zip(tribal["source_ids"], tribal["quotes"])
    rels = after.relationships.to_pylist()
    assert any(r["source"] == "tribal" and r["target"] == "croydon" for r in rels)
    assert not any("tribal-group-plc" in (r["source"], r["target"]) for r in rels)
    assert after.entities.num_rows == before.entities.num_rows - 1

    remove_merge(tiny_dir, "tribal", "tribal-group-plc")
    restored = read_dataset([tiny_dir])
    assert restored.entity("tribal-group-plc") is not None and restored.entity("tribal") == before.entity("tribal")
    assert read_merges(tiny_dir / MERGES_FILE) == []


def test_merges_refuse_mixed_labels_unknown_ids_cycles_and_repeats(tiny_dir):
    with pytest.raises(GraphkitError, match="only actors of one label"):
        record_merge(tiny_dir, "tribal", "total-place")
    with pytest.raises(GraphkitError, match="not a recorded id, name or alias"):
        record_merge(tiny_dir, "tribal", "nobody")
    record_merge(tiny_dir, "croydon", "lewisham")
    with pytest.raises(GraphkitError, match="already merged"):
        record_merge(tiny_dir, "croydon", "lewisham")
    with pytest.raises(GraphkitError, match="cycle"):
        record_merge(tiny_dir, "lewisham", "croydon")
    with pytest.raises(GraphkitError, match="no merge"):
        remove_merge(tiny_dir, "tribal", "unison")


def test_a_hand_edited_merge_of_mixed_labels_is_a_problem_with_its_line(tiny_dir):
    (tiny_dir / MERGES_FILE).write_text("keep,merge,reason,decided\ntribal,total-place,oops,\n", encoding="utf-8")
    with pytest.raises(InvalidDataset) as err:
        read_dataset([tiny_dir])
    assert "merges.csv:2" in str(err.value.problems[0]) and "one label" in str(err.value.problems[0])


def test_merge_chains_are_followed(tiny_dir):
    record_merge(tiny_dir, "croydon", "lewisham")
    record_merge(tiny_dir, "leadership-centre", "croydon")
    ds = read_dataset([tiny_dir])
    assert ds.entity("croydon") is None and ds.entity("lewisham") is None
    assert {"croydon", "lewisham"} <= set(ds.entity("leadership-centre")["aliases"])


def test_cli_dedupe_merge_unmerge(runner, tiny_dir, workdir):
    (tiny_dir / "more.yaml").write_text(
        "entities:\n  - {id: tribal-group, label: Organisation, kind: company, name: TRIBAL GROUP PLC,\n"
        "     sources: [{source: foi, quote: TRIBAL GROUP PLC}]}\n", encoding="utf-8")
    result = runner.invoke(app, ["dedupe", str(tiny_dir), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "tribal,Tribal,tribal-group,TRIBAL GROUP PLC,Organisation" in result.output
    result = runner.invoke(app, ["merge", "tribal", "tribal-group", "--dataset", str(tiny_dir), "--reason", "one firm"])
    assert result.exit_code == 0 and "merged into tribal" in result.output
    assert "tribal-group" not in runner.invoke(app, ["dedupe", str(tiny_dir), "--format", "csv"]).output
    result = runner.invoke(app, ["merge", "tribal", "nobody", "--dataset", str(tiny_dir)])
    assert result.exit_code == 1 and "error:" in result.output
    result = runner.invoke(app, ["unmerge", "tribal", "tribal-group", "--dataset", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert read_dataset([tiny_dir]).entity("tribal-group") is not None


# -- the one actor index: how every command names an actor -----------------------------------
ACTORS = [
    {"id": "ey", "label": "Organisation", "kind": "consultancy", "name": "Ernst & Young LLP", "aliases": ["EY UK"]},
    {"id": "pilot-croydon", "label": "Organisation", "kind": "pilot_area", "name": "Croydon", "aliases": []},
    {"id": "croydon-council", "label": "Organisation", "kind": "council", "name": "Croydon Council", "aliases": []},
    {"id": "smith-a", "label": "Person", "kind": "person", "name": "Jo Smith", "aliases": []},
    {"id": "smith-b", "label": "Person", "kind": "person", "name": "JO SMITH", "aliases": []},
]


@pytest.mark.parametrize("text, expected", [
    ("ey", "ey"), ("EY UK", "ey"), ("Ernst and Young", "ey"), ("ernst & young llp", "ey"),
    ("croydon", "pilot-croydon"), ("Croydon Council", "croydon-council"),
])
def test_lookup_takes_an_id_an_alias_or_a_name_normalised_as_resolution_does(text, expected):
    assert ActorIndex.from_entities(ACTORS).lookup(text) == expected


def test_a_miss_suggests_the_nearest_actor_and_an_ambiguous_name_lists_the_candidates():
    index = ActorIndex.from_entities(ACTORS)
    with pytest.raises(GraphkitError, match=r"'croydn' is not a recorded id, name or alias \(did you mean 'pilot-croydon'\?\)"):
        index.lookup("croydn")
    with pytest.raises(GraphkitError, match=r"'jo smith' names 2 actors: smith-a \(Jo Smith, Person\), smith-b"):
        index.lookup("jo smith")
    with pytest.raises(GraphkitError, match="of kind pilot_area"):
        index.lookup("Croydon Council", kinds=["pilot_area"])


def test_every_command_uses_the_one_index():
    """The matchers that once disagreed ("Ernst and Young" found by import, missed by add and map) are gone."""
    import networkx as nx

    from graphkit.analysis.paths import resolve
    from graphkit.maps.filters import resolve_focus

    graph = nx.MultiDiGraph()
    graph.add_nodes_from((a["id"], a) for a in ACTORS)
    assert resolve(graph, "Ernst and Young") == resolve_focus(graph, "Ernst and Young") == "ey"
    with pytest.raises(GraphkitError, match="did you mean 'pilot-croydon'"):
        resolve_focus(graph, "pilot-croydn")


@pytest.mark.parametrize("a, b", [
    ("East Lothian Council", "West Lothian Council"),
    ("North Tyneside Council", "South Tyneside Council"),
    ("Framework Lot 1 Consulting", "Framework Lot 2 Consulting"),
    ("Northern Trust", "Southern Trust"),
])
def test_names_differing_in_a_compass_word_or_a_number_are_never_candidates(a, b):
    rows = [{"id": "a", "label": "Organisation", "name": a, "aliases": []},
            {"id": "b", "label": "Organisation", "name": b, "aliases": []}]
    assert suggest_matches(rows, threshold=50) == []


def test_merge_and_unmerge_take_names(tiny_dir):
    decision = record_merge(tiny_dir, "Lewisham", "Croydon")
    assert (decision.keep, decision.merge) == ("lewisham", "croydon")
    assert remove_merge(tiny_dir, "Lewisham", "croydon").merge == "croydon"
    with pytest.raises(GraphkitError, match="did you mean 'lewisham'"):
        record_merge(tiny_dir, "Lewishm", "croydon")


# -- a name or alias several actors share names none of them ------------------------------------
SHARED = [
    {"id": "audit-commission", "label": "Organisation", "kind": "public_body", "name": "Audit Commission", "aliases": ["AC"]},
    {"id": "arts-council", "label": "Organisation", "kind": "council", "name": "Arts Council England", "aliases": ["AC"]},
    {"id": "a-carter", "label": "Person", "kind": "person", "name": "AC", "aliases": []},
    {"id": "ey", "label": "Organisation", "kind": "consultancy", "name": "Ernst & Young LLP", "aliases": []},
    {"id": "ey-uk", "label": "Organisation", "kind": "consultancy", "name": "EY UK", "aliases": ["ey"]},
]


def test_an_alias_of_several_actors_lists_them_all_instead_of_picking_the_first():
    index = ActorIndex.from_entities(SHARED)
    assert index.candidates("AC") == ["audit-commission", "arts-council", "a-carter"]
    with pytest.raises(GraphkitError, match=r"^'AC' names 3 actors: audit-commission \(Audit Commission, Organisation\), "
                                            r"arts-council \(Arts Council England, Organisation\), "
                                            r"a-carter \(AC, Person\); give one id$"):
        index.lookup("AC")
    assert index.lookup("AC", kinds=["council"]) == "arts-council"  # one of the asked kinds holds it
    assert index.lookup("ey") == "ey"  # an id wins over another actor's alias
    assert index.lookup("Audit Commission") == "audit-commission"


TWO_ACTORS_ALIASED_AC = (
    "entities:\n"
    "  - {id: audit-commission, label: Organisation, kind: public_body, name: Audit Commission, aliases: [AC],\n"
    "     sources: [{source: blog, quote: Audit Commission}]}\n"
    "  - {id: arts-council, label: Organisation, kind: council, name: Arts Council England, aliases: [AC],\n"
    "     sources: [{source: blog, quote: Arts Council}]}\n")


def test_the_dataset_index_of_add_and_merge_refuses_a_shared_alias(tiny_dir):
    from graphkit.resolve.sources import build_index

    (tiny_dir / "more.yaml").write_text(TWO_ACTORS_ALIASED_AC, encoding="utf-8")
    index = build_index(tiny_dir, None)
    for attempt in (lambda: index.find("AC"), lambda: index.require("AC"), lambda: record_merge(tiny_dir, "tribal", "AC")):
        with pytest.raises(GraphkitError, match="'AC' names 2 actors: audit-commission .*, arts-council"):
            attempt()
    assert index.require("arts-council").id == "arts-council"


def test_a_store_index_refuses_a_shared_alias_and_takes_an_id(store, tiny_dir):
    from graphkit.stores.loading import load
    from graphkit.resolve.sources import Index

    (tiny_dir / "more.yaml").write_text(
        "entities:\n"
        "  - {id: audit-commission, label: Organisation, kind: public_body, name: Audit Commission, aliases: [AC],\n"
        "     sources: [{source: blog, quote: Audit Commission}]}\n"
        "  - {id: ac, label: Person, kind: person, name: A. Carter, aliases: [AC],\n"
        "     sources: [{source: blog, quote: A. Carter}]}\n", encoding="utf-8")
    load([tiny_dir], store)
    index = Index(from_dataset=False, store=store)
    with pytest.raises(GraphkitError, match=r"'AC' names 2 actors: .*audit-commission \(Audit Commission, Organisation\)"):
        index.find("AC")
    assert index.find("ac").id == "ac" and index.find("Audit Commission").id == "audit-commission"
    assert index.free_id("ac") == "ac-2"


def test_show_with_a_shared_alias_lists_the_candidates(runner, workdir, tiny_dir):
    (tiny_dir / "more.yaml").write_text(TWO_ACTORS_ALIASED_AC, encoding="utf-8")
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    result = runner.invoke(app, ["show", "AC"])
    assert result.exit_code == 1 and "'AC' names 2 actors" in result.output, result.output
    assert "audit-commission" in result.output and "arts-council" in result.output


def test_shared_aliases_among_100k_actors_keep_one_entry_per_alias():
    """Every owner of an alias is kept once, in the one dict entry of that alias: a lookup reads one entry."""
    rows = [{"id": f"org-{i}", "label": "Organisation", "name": f"Supplier {i}", "aliases": [f"S{i // 2}", f"GB-COH-{i:08d}"]}
            for i in range(100_000)]
    index = ActorIndex.from_entities(rows)
    assert len(index.alias_owners) == 150_000 and index.alias_owners["S7"] == ["org-14", "org-15"]
    assert index.lookup("GB-COH-00099999") == "org-99999" and index.lookup("supplier 4242") == "org-4242"
    with pytest.raises(GraphkitError, match=r"'S7' names 2 actors: org-14 \(Supplier 14, Organisation\), org-15"):
        index.lookup("S7")


def test_adds_index_of_a_large_store_finds_names_as_the_datasets_index_does(tiny_dir, tmp_path):
    """`graphkit add` looks actors up in the store when the dataset is large: by normalised name as well."""
    from graphkit.resolve.sources import Index, build_index
    from graphkit.stores import LadybugStore
    from graphkit.stores.loading import load

    store = LadybugStore(tmp_path / "graph.lbug")
    load([tiny_dir], store)
    stored, files = Index(from_dataset=False, store=store), build_index(tiny_dir, None)
    texts = ["Tribal Group", "TRIBAL GROUP PLC", "Department for Communities & Local Government",
             "The Leadership Centre for Local Government Ltd", "Tribal Grp"]
    try:
        found = [(m and m.id, d and d.id) for m, d in ((stored.find(t), files.find(t)) for t in texts)]
    finally:
        store.close()
    assert found == [("tribal", "tribal"), ("tribal", "tribal"), ("dclg", "dclg"),
                     ("leadership-centre", "leadership-centre"), (None, None)]



def test_a_story_names_actors_as_every_command_does(tiny_dir, tmp_path):
    """The briefing's story finds actors through the one index: normalised names and aliases, not case alone."""
    import networkx as nx

    from graphkit.dataset import read_dataset
    from graphkit.maps.story import read_story

    graph = nx.MultiDiGraph()
    for row in read_dataset([tiny_dir]).entities.select(["id", "label", "kind", "name", "aliases"]).to_pylist():
        graph.add_node(row["id"], **row)
    story = tmp_path / "story.yaml"
    story.write_text("title: t\nsteps:\n  - title: s\n    text: x\n"
                     "    actors: [Tribal Group, Department for Communities & Local Government, TRIBAL]\n")
    assert read_story(story, graph).steps[0].actors == ["tribal", "dclg", "tribal"]

