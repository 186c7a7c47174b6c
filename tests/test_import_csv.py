"""CSV import: validated column by column, copied byte for byte, matched, loaded."""
from __future__ import annotations


import pytest

from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.dataset.merges import MERGES_FILE, read_merges
from graphkit.io.csv_import import import_csv
from graphkit.errors import InvalidDataset

ENTITIES = """id,label,kind,name,aliases,description,source_id,quote
acme,Organisation,company,Acme Ltd,ACME|Acme Limited,,reg,Acme Ltd
tribal-group,Organisation,consultancy,TRIBAL GROUP PLC,,,reg,TRIBAL GROUP PLC
"""
RELATIONSHIPS = """source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote
dclg,PAID,acme,"12,500",excluded,2010-04,,,documented,reg,paid £12.5k
"""
SOURCES = """id,url,title,publisher,date
reg,https://example.org/register,Register,Example,2010
"""


@pytest.fixture
def csv_files(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name, text in (("entities.csv", ENTITIES), ("relationships.csv", RELATIONSHIPS), ("sources.csv", SOURCES)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_csv_import_copies_files_matches_names_and_loads(csv_files, tiny_dir, store):
    into = tiny_dir / "imports" / "csv-incoming"
    report = import_csv(sorted(csv_files.iterdir()), into, dataset=tiny_dir, store=store)
    assert (into / "entities.csv").read_bytes() == (csv_files / "entities.csv").read_bytes()
    assert report.created["Organisation"] == 2 and report.created["PAID"] == 1 and report.created["Source"] == 1
    # TRIBAL GROUP PLC is an alias of the recorded `tribal`: a merge decision, not a second actor
    [decision] = read_merges(into / MERGES_FILE)
    assert (decision.keep, decision.merge) == ("tribal", "tribal-group")
    ds = read_dataset([tiny_dir])
    assert ds.entity("tribal-group") is None and "tribal-group" in ds.entity("tribal")["aliases"]
    assert store.query("MATCH (a {id: 'dclg'})-[r:PAID]->(b {id: 'acme'}) RETURN r.amount_gbp").rows == [[12500.0]]
    again = import_csv(sorted(csv_files.iterdir()), into, dataset=tiny_dir, store=store)
    assert again.loaded.changed_nothing and not again.created


def test_csv_problems_name_file_line_and_column_and_nothing_is_written(csv_files, tiny_dir):
    (csv_files / "relationships.csv").write_text(
        RELATIONSHIPS + "acme,PAYS,dclg,ten,,,,,documented,reg,oops\n", encoding="utf-8")
    with pytest.raises(InvalidDataset) as err:
        import_csv(sorted(csv_files.iterdir()), tiny_dir / "imports" / "x", dataset=tiny_dir)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "relationships.csv:3: relationship PAYS: type 'PAYS' is not a known relationship type" in text
    assert "relationships.csv:3: relationship PAYS: amount_gbp 'ten' is not a number" in text
    assert not (tiny_dir / "imports").exists()


def test_dry_run_writes_and_loads_nothing(csv_files, tiny_dir):
    report = import_csv(sorted(csv_files.iterdir()), tiny_dir / "imports" / "x", dataset=tiny_dir, dry_run=True)
    assert report.dry_run and report.created["Organisation"] == 2 and not report.files
    assert not (tiny_dir / "imports").exists()


def import_one_entity(tmp_path, store, entity_row: str, source_title: str) -> dict:
    """Import one entity row and one source `s` from CSV; the entity as the dataset then holds it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "entities.csv").write_text("id,label,kind,name,aliases,description,source_id,quote\n" + entity_row + "\n",
                                         encoding="utf-8")
    (folder / "sources.csv").write_text(f"id,url,title,publisher,date\ns,,{source_title},,\n", encoding="utf-8")
    import_csv([folder], tmp_path / "ds" / "in", dataset=tmp_path / "ds", store=store)
    return read_dataset([tmp_path / "ds"]).entity(entity_row.split(",")[0])


def test_formula_guarded_cells_are_restored(tmp_path, store):
    row = import_one_entity(tmp_path, store, "minus,Organisation,company,'-Foo Ltd,'=SUM(1)|plain,,s,'+quoted",
                            "Some title")
    assert row["name"] == "-Foo Ltd" and row["aliases"] == ["=SUM(1)", "plain"] and row["quotes"] == ["+quoted"]


def test_words_that_spreadsheets_read_as_missing_stay_text(tmp_path, store):
    """Only a blank field is missing: an organisation may be called NA, a quote may be 'N/A'."""
    row = import_one_entity(tmp_path, store, "na,Organisation,company,NA,N/A|null,'=guarded,s,NaN", "NULL")
    assert (row["name"], row["aliases"], row["description"], row["quotes"]) == ("NA", ["N/A", "null"], "=guarded", ["NaN"])
    assert store.query("MATCH (s:Source {id: 's'}) RETURN s.title").rows == [["NULL"]]


def test_cli_import_csv_reports_created_and_matched(runner, workdir, csv_files, tiny_dir):
    result = runner.invoke(app, ["import", "csv", str(csv_files), "--dataset", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert "created:" in result.output and "Organisation 2" in result.output
    assert "matched: 1" in result.output and "tribal" in result.output
    assert "loaded:" in result.output
    bad = runner.invoke(app, ["import", "csv", str(csv_files / "entities.csv"), "--source-id", "x"])
    assert bad.exit_code == 1 and "--source-id" in bad.output


@pytest.mark.slow
def test_bulk_csv_is_validated_and_copied_fast(tmp_path):
    """200k entities and 1M relationships: validation and the record copy, without the store load."""
    folder = tmp_path / "bulk"
    folder.mkdir()
    n, m = 200_000, 1_000_000
    with open(folder / "entities.csv", "w", encoding="utf-8") as fh:
        fh.write("id,label,kind,name,aliases,description,source_id,quote\n")
        fh.writelines(f"o{i},Organisation,company,Org {i},,,s,Org {i}\n" for i in range(n))
    with open(folder / "relationships.csv", "w", encoding="utf-8") as fh:
        fh.write("source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote\n")
        fh.writelines(f"o{i % n},PAID,o{(i * 7919) % n},{i % 997 + 1},,2010-01-01,,,documented,s,paid\n" for i in range(m))
    (folder / "sources.csv").write_text("id,url,title,publisher,date\ns,https://example.org,x,,\n", encoding="utf-8")
    report = import_csv([folder], tmp_path / "ds" / "bulk", dataset=tmp_path / "ds")
    assert report.created["PAID"] == m and report.created["Organisation"] == n
