"""One registry of field types: every layer (models, Arrow, Ladybug, Neo4j, neo4j-admin, store reads) spells a type from it."""
import pyarrow as pa
import pytest
from pydantic import TypeAdapter, ValidationError

from graphkit.io.export_neo4j_admin import _cell, _typed, schema_statements as admin_schema
from graphkit.model.ontology import load_ontology, parse_ontology
from graphkit.model.tables import entity_schema, relationship_schema, source_schema
from graphkit.model.value_types import REGISTRY, value_type
from graphkit.stores.columns import neo4j_schema_statements
from graphkit.stores.ladybug_file import schema_statements as ladybug_schema


def _all_fields(onto):
    yield from onto.node_fields.items()
    yield from onto.extra_node_fields.items()
    yield from onto.relationship_fields.items()
    yield from onto.source_fields.items()


def test_every_field_of_the_ontology_has_one_type_in_every_layer():
    onto = load_ontology()
    arrow = {f.name: f.type for s in (entity_schema(onto), relationship_schema(onto), source_schema(onto)) for f in s}
    ddl = " ".join(ladybug_schema(onto))
    for name, spec in _all_fields(onto):
        vtype = value_type(spec.type)
        assert arrow[name] == vtype.arrow, name
        assert f"{name} {vtype.ladybug}" in ddl, name
        assert _typed(name, spec.type) == (f"{name}:{vtype.neo4j_admin}" if vtype.neo4j_admin else name)


def test_the_spellings_are_those_the_stores_and_files_already_hold():
    spelled = {n: (t.arrow, t.ladybug, t.neo4j_admin) for n, t in REGISTRY.items()}
    assert spelled["number"] == (pa.float64(), "DOUBLE", "double")
    assert spelled["bool"] == (pa.bool_(), "BOOLEAN", "boolean")
    assert spelled["list"] == (pa.list_(pa.string()), "STRING", "string[]")  # lists as marked text when embedded
    assert {spelled[n] for n in ("string", "text", "date", "url")} == {(pa.string(), "STRING", None)}
    assert value_type("vat").ladybug == "STRING" and value_type("vat").neo4j_admin is None
    assert _cell(["a", "b"], "list") == "a\x1fb" and _cell(True, "bool") == "true" and _cell(2, "number") == "2.0"
    assert value_type("number").from_store(3) == 3.0 and value_type("string").from_store("x") == "x"


@pytest.mark.parametrize("ftype, good, bad", [
    ("number", ("1,200", 1200.0), "-5"), ("date", ("2009-11", "2009-11"), "2009-13"),
    ("url", (" https://example.org ", "https://example.org"), "ftp://x"), ("text", (" x ", "x"), "\x01"),
    ("bool", (True, True), "maybe"), ("list", ([" a "], ["a"]), "a"),
])
def test_the_model_annotation_checks_with_the_types_check(ftype, good, bad):
    adapter = TypeAdapter(value_type(ftype).annotation())
    assert adapter.validate_python(good[0]) == good[1]
    with pytest.raises(ValidationError):
        adapter.validate_python(bad)


def test_an_enum_of_the_ontology_is_a_field_type_and_an_unknown_type_is_refused():
    onto = load_ontology()
    assert TypeAdapter(value_type("vat").annotation(onto.enums["vat"])).validate_python("excluded") == "excluded"
    raw = {"labels": {"A": {"kinds": ["a"], "fields": {"x": {"type": "colour"}}}}, "relationships": {},
           "node_fields": {}, "relationship_fields": {}}
    with pytest.raises(ValueError, match="field 'x' has unknown type 'colour'"):
        parse_ontology(raw)


def test_neo4j_constraints_are_written_in_one_place_for_the_store_and_the_admin_export():
    from types import SimpleNamespace

    from graphkit.stores.neo4j_store import Neo4jStore

    onto = load_ontology()
    store_side = Neo4jStore.schema_statements(SimpleNamespace(onto=onto))
    assert store_side == neo4j_schema_statements(onto)
    assert admin_schema(onto) == [f"{s};" for s in store_side]
    assert len(store_side) == 2 * len(onto.labels) + 1 + len(onto.relationships)


def test_the_ontology_and_the_dataset_module_import_no_arrow_until_a_type_is_spelled():
    import subprocess
    import sys

    code = ("import sys; from graphkit.model.ontology import load_ontology; import graphkit.dataset; "
            "from graphkit.model.value_types import value_type; load_ontology(); before = 'pyarrow' in sys.modules; "
            "print(before, value_type('list').arrow, 'pyarrow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "list<item:", "string>", "True"]
