"""Bulk CSV files: the documented headers, checked column by column."""
from __future__ import annotations

from graphkit.cli import app
from graphkit.dataset import read_dataset, validate

SOURCES = "id,url,title,publisher,date\nreg,https://example.org/register,Register,Example,2010-01\n"
ENTITIES = (
    "id,label,kind,name,aliases,description,source_id,quote\n"
    "acme,Organisation,consultancy,Acme Ltd,ACME LIMITED|Acme,,reg,Acme Ltd\n"
    "barset,Organisation,council,Barset Council,,,reg,Barset\n"
    "acme,Organisation,consultancy,Acme Ltd,,,reg,a second quote\n"
)
RELATIONSHIPS = (
    "source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote\n"
    "barset,PAID,acme,\"12,500.50\",included,2010-02,,,documented,reg,paid £12500.50\n"
)


def write(folder, **files):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_documented_csv_files_load_into_a_dataset(tmp_path):
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, relationships=RELATIONSHIPS)
    ds = read_dataset([folder])
    acme = ds.entity("acme")
    assert acme["aliases"] == ["ACME LIMITED", "Acme"]
    assert acme["source_ids"] == ["reg", "reg"] and acme["quotes"] == ["Acme Ltd", "a second quote"]
    [paid] = ds.relationships.to_pylist()
    assert paid["amount_gbp"] == 12500.5 and paid["vat"] == "included"


def test_csv_problems_name_file_line_and_column(tmp_path):
    bad = RELATIONSHIPS + (
        "barset,PAID,acme,-3,,,,,,reg,negative\n"
        "barset,PAYS,acme,,,,,,,reg,unknown type\n"
        "barset,PAID,acmee,,,2010-02-30,,,,reg,dangling\n"
        "barset,PAID,acme,,sometimes,,,,,,no source\n"
        "barset,PAID,acme,NA,,N/A,,,,reg,spreadsheet blanks\n"
    )
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, relationships=bad)
    text = "\n".join(str(p) for p in validate([folder]))
    assert "relationships.csv:3: relationship PAID: amount_gbp -3 is negative" in text
    assert "relationships.csv:4: relationship PAYS: type 'PAYS' is not a known relationship type" in text
    assert "relationships.csv:5: relationship PAID: start_date '2010-02-30' is not a real calendar date" in text
    assert "relationships.csv:5: relationship PAID: target 'acmee' is not a known id (did you mean 'acme'?)" in text
    assert "relationships.csv:6: relationship PAID: source_id is required" in text
    assert "relationships.csv:6: relationship PAID: vat 'sometimes' must be one of" in text
    assert "relationships.csv:7: relationship PAID: amount_gbp 'NA' is not a number" in text  # only a blank is missing
    assert "relationships.csv:7: relationship PAID: start_date 'N/A' is not an ISO date" in text


def test_quoted_newlines_keep_line_numbers_right(tmp_path):
    entities = ENTITIES + 'x,Organisation,council,"Two\nline name",,,reg,q\n' + "y,Organisaton,council,Y,,,reg,q\n"
    folder = write(tmp_path / "d", sources=SOURCES, entities=entities)
    [problem] = validate([folder])
    assert problem.line == 7 and problem.field == "label"


def test_wrong_header_and_ragged_rows(tmp_path):
    folder = write(tmp_path / "d", sources="id,url,titel\n")
    [problem] = validate([folder])
    assert (problem.line, problem.field) == (1, "titel")
    ragged = write(tmp_path / "e", sources=SOURCES + "a,https://x.org,t,p,2010,extra\n")
    [problem] = validate([ragged])
    assert problem.line == 3 and "6 fields" in problem.message


def test_bom_is_accepted_and_empty_file_is_an_error(tmp_path, runner):
    folder = write(tmp_path / "d", sources="\ufeff" + SOURCES)
    assert validate([folder]) == []
    empty = write(tmp_path / "e", entities="")
    result = runner.invoke(app, ["validate", str(empty)])
    assert result.exit_code == 1 and "entities.csv:1: is empty" in result.output


def test_leap_days_and_month_ends_are_checked_against_the_calendar(tmp_path):
    rows = "".join(f"barset,PAID,acme,1,,{d},,,,reg,q\n" for d in ("2012-02-29", "2011-02-29", "2010-04-31", "2010-01-31"))
    header = RELATIONSHIPS.splitlines()[0] + "\n"
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, relationships=header + rows)
    bad = sorted((p.line, p.message) for p in validate([folder]))
    assert bad == [(3, "'2011-02-29' is not a real calendar date"), (4, "'2010-04-31' is not a real calendar date")]


def test_a_relationships_csv_may_carry_the_ontologys_other_link_fields(tmp_path):
    rels = ("source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote,description\n"
            "acme,ADVISES,barset,,,2010,,,reported,reg,Acme advised Barset,Advice on the Total Place pilot\n"
            "barset,PAID,acme,100,excluded,2010,,,documented,reg,paid £100,\n")
    folder = write(tmp_path / "d", sources=SOURCES, entities=ENTITIES, relationships=rels)
    described = {r["type"]: r["description"] for r in read_dataset([folder]).relationships.to_pylist()}
    assert described == {"ADVISES": "Advice on the Total Place pilot", "PAID": None}
    bad = rels.replace("Advice on the", "Advice\x07on the")
    write(folder, relationships=bad)
    assert [(p.line, p.field, p.message) for p in validate([folder])] == [(2, "description", "contains control characters")]
    write(folder, relationships=rels.replace(",description", ",notes"))
    [problem] = validate([folder])
    assert (problem.line, problem.field) == (1, "notes") and "is not a column of relationships CSV" in problem.message


def test_control_characters_are_refused_in_every_free_text_column(tmp_path):
    sources = SOURCES + "odd,https://example.org/a\x1f,Title\x07,Pub\x1f,\n"
    entities = ENTITIES + "odd,Organisation,company,Odd,A\x1fB,,reg,q\n"
    rels = RELATIONSHIPS + "barset,ADVISES,acme,,,,,lead\x1f,,reg,one\x1ftwo\n"
    folder = write(tmp_path / "d", sources=sources, entities=entities, relationships=rels)
    found = {(p.file.rsplit("/", 1)[-1], p.line, p.field) for p in validate([folder])
             if p.message == "contains control characters"}
    assert found == {("sources.csv", 3, "url"), ("sources.csv", 3, "title"), ("sources.csv", 3, "publisher"),
                     ("entities.csv", 5, "aliases"), ("relationships.csv", 3, "role"), ("relationships.csv", 3, "quote")}


def test_a_csv_problem_names_the_row_as_the_yaml_reader_would(tmp_path):
    entities = ENTITIES + "c9,Organisation,council,Bad\x07name,,,reg,q\n"
    folder = write(tmp_path / "d", sources=SOURCES, entities=entities)
    text = "\n".join(str(p) for p in validate([folder]))
    assert "entities.csv:" in text and ": entity c9: name contains control characters" in text
