"""`graphkit add`: new findings are validated, written to the dataset files and upserted."""
from __future__ import annotations

import subprocess
import sys

import yaml

from graphkit.cli import app
from graphkit.dataset import read_dataset

URL = "https://example.org/news/acme-wins"


def add(runner, *args):
    return runner.invoke(app, ["add", *args])


def test_add_entity_round_trips_to_the_files_and_the_store(runner, workdir, tiny_dir):
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    result = add(runner, "entity", "--label", "Organisation", "--kind", "consultancy", "--name", "Acme Consulting Ltd",
                 "--alias", "Acme", "--source", URL, "--quote", "Acme Consulting won", "--title", "Acme wins",
                 "--date", "2010-03", "--dataset", str(tiny_dir))
    assert result.exit_code == 0, result.output
    assert "added acme-consulting-ltd" in result.output and "store updated" in result.output
    findings = yaml.safe_load((tiny_dir / "findings.yaml").read_text())
    [entity] = findings["entities"]
    assert entity["name"] == "Acme Consulting Ltd" and entity["aliases"] == ["Acme"]
    [source] = findings["sources"]
    assert source["url"] == URL and entity["sources"] == [{"source": source["id"], "quote": "Acme Consulting won"}]
    assert read_dataset([tiny_dir]).entity("acme-consulting-ltd")["name"] == "Acme Consulting Ltd"
    shown = runner.invoke(app, ["show", "acme-consulting-ltd"])
    assert "Acme Consulting Ltd" in shown.output and URL in shown.output


def test_quotes_of_any_shape_are_kept_verbatim_in_the_findings_file(tiny_dir):
    from graphkit.dataset.findings import Reference, add_relation

    quotes = ['Tribal: "£1,234.56" paid; #1 & *2 — as ‘agreed’ …', "- a quote that starts like a list item",
              "x" * 150 + " a long line that wraps " + "y" * 150, "'single' and \\ back\\slash: 中文 ü"]
    for n, quote in enumerate(quotes):
        add_relation(tiny_dir, "tribal", "ADVISES", "dclg", reference=Reference(f"{URL}/{n}", quote),
                     props={"role": f"adviser {n}"})
    text = (tiny_dir / "findings.yaml").read_text(encoding="utf-8")
    written = [c["quote"] for r in yaml.safe_load(text)["relationships"] for c in r["sources"]]
    assert sorted(written) == sorted(quotes) and "&id" not in text and "*id" not in text  # no anchors
    assert sorted(q for r in read_dataset([tiny_dir]).relationships.column("quotes").to_pylist() for q in r
                  if q in quotes) == sorted(quotes)


def test_an_existing_actor_is_matched_by_name_or_alias_not_duplicated(runner, workdir, tiny_dir):
    result = add(runner, "entity", "--label", "Organisation", "--kind", "consultancy", "--name", "tribal group plc",
                 "--source", URL, "--quote", "Tribal Group plc", "--dataset", str(tiny_dir), "--no-store")
    assert result.exit_code == 0, result.output
    assert "matched existing tribal" in result.output
    tribal = read_dataset([tiny_dir]).entity("tribal")
    assert tribal["quotes"] == ["Tribal", "Tribal Group plc"]


def test_add_relation_resolves_names_and_aliases(runner, workdir, tiny_dir):
    runner.invoke(app, ["load", str(tiny_dir)])
    result = add(runner, "relation", "DCLG", "paid", "Tribal Group plc", "--amount-gbp", "5000", "--vat", "excluded",
                 "--source", URL, "--quote", "paid Tribal £5,000", "--dataset", str(tiny_dir))
    assert result.exit_code == 0, result.output
    assert "dclg -PAID-> tribal" in result.output
    rows = runner.invoke(app, ["run", "who-profits", "--format", "json"]).output
    assert '"money": "payment"' in rows and "5000" in rows


def test_add_contract_links_buyer_contract_and_supplier(runner, workdir, tiny_dir):
    runner.invoke(app, ["load", str(tiny_dir)])
    result = add(runner, "contract", "dclg", "tribal", "--title", "Evaluation support", "--value-gbp", "40000",
                 "--vat", "excluded", "--source", URL, "--quote", "a £40k evaluation contract", "--dataset", str(tiny_dir))
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["run", "department-contracts", "--format", "json"]).output
    assert "Evaluation support" in listing


def test_bad_findings_are_refused_and_nothing_is_written(runner, workdir, tiny_dir):
    cases = [
        (["relation", "dclg", "PAID", "tribl", "--source", URL, "--quote", "q"], "did you mean 'tribal'"),
        (["relation", "tribal", "AWARDED_TO", "dclg", "--source", URL, "--quote", "q"], "AWARDED_TO goes from Contract"),
        (["relation", "dclg", "PAID", "tribal", "--source", "javascript:alert(1)", "--quote", "q"], "neither an http(s) URL"),
        (["relation", "dclg", "PAID", "tribal", "--amount-gbp", "-4", "--vat", "excluded", "--source", URL, "--quote", "q"],
         "negative"),
        (["relation", "dclg", "PAID", "tribal", "--amount-gbp", "4", "--source", URL, "--quote", "q"], "needs --vat"),
        (["contract", "dclg", "tribal", "--title", "T", "--value-gbp", "4", "--source", URL, "--quote", "q"], "needs --vat"),
        (["relation", "dclg", "PAID", "Tribal Grp", "--source", URL, "--quote", "q"], "(did you mean 'tribal'?)"),
        (["entity", "--label", "Organisation", "--kind", "bank", "--name", "X", "--source", URL, "--quote", "q"], "'bank' must be one of"),
        (["entity", "--label", "Organisation", "--kind", "company", "--name", "X", "--source", URL, "--quote", ""], "is empty"),
    ]
    for args, message in cases:
        result = add(runner, *args, "--dataset", str(tiny_dir), "--no-store")
        assert result.exit_code == 1, args
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not (tiny_dir / "findings.yaml").exists()


def test_two_adds_at_the_same_moment_keep_both_findings(workdir, tiny_dir):
    procs = [subprocess.Popen([sys.executable, "-m", "graphkit", "add", "entity", "--label", "Person", "--kind", "person",
                               "--name", f"Person {n}", "--source", URL, "--quote", f"person {n}",
                               "--dataset", str(tiny_dir), "--no-store"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for n in range(4)]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    ids = {e["id"] for e in read_dataset([tiny_dir]).entities.to_pylist()}
    assert {f"person-{n}" for n in range(4)} <= ids


def test_the_graphkit_script_leaves_its_store_closed_and_equal_to_the_files(workdir, tiny_dir):
    """The script freezes the cycle collector at exit; each command still closes its store itself."""
    def graphkit(*args):
        proc = subprocess.run([sys.executable, "-m", "graphkit", *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    graphkit("load", str(tiny_dir))
    graphkit("add", "relation", "Tribal", "ADVISES", "Croydon", "--source", URL, "--quote", "Tribal advised Croydon",
             "--dataset", str(tiny_dir))
    assert not list((workdir / ".graphkit").glob("*.wal"))  # closed: its log checkpointed into the file
    assert "the store equals the files" in graphkit("doctor", str(tiny_dir))


def test_actors_held_only_in_the_store_are_found_by_id_name_or_alias(store, tiny_dir, tmp_path):
    from graphkit.stores.loading import load
    from graphkit.resolve.sources import Index

    load([tiny_dir], store)
    index = Index(from_dataset=False, store=store)
    assert [index.find(t).id for t in ("tribal", "TRIBAL", "Tribal Group plc", "DCLG")] == ["tribal", "tribal", "tribal", "dclg"]
    assert index.find("Tribal Grp") is None and index.find("") is None


def test_the_same_contract_again_gains_the_citation_instead_of_a_second_contract(runner, workdir, tiny_dir):
    """The README's `add contract dclg tribal --title "Customer Insight"` once counted £60k twice."""
    result = add(runner, "contract", "DCLG", "Tribal Group plc", "--title", "customer  insight", "--value-gbp", "60000",
                 "--vat", "excluded", "--source", URL, "--quote", "Customer Insight £60k", "--dataset", str(tiny_dir),
                 "--no-store")
    assert result.exit_code == 0, result.output
    assert "matched existing contract-insight" in result.output and "added contract" not in result.output
    ds = read_dataset([tiny_dir])
    contracts = [e for e in ds.entities.to_pylist() if e["label"] == "Contract"]
    assert sorted(c["id"] for c in contracts) == ["contract-insight", "contract-spend"]
    assert ds.entity("contract-insight")["quotes"] == ["Customer Insight £60k ex VAT", "Customer Insight £60k"]


def test_the_same_contract_with_another_value_is_refused_naming_it(runner, workdir, tiny_dir):
    result = add(runner, "contract", "dclg", "tribal", "--title", "Customer Insight", "--value-gbp", "70000",
                 "--vat", "excluded", "--source", URL, "--quote", "q", "--dataset", str(tiny_dir), "--no-store")
    assert result.exit_code == 1
    assert "contract 'contract-insight'" in result.output and "value_gbp 60000" in result.output
    assert "actors.yaml:" in result.output and not (tiny_dir / "findings.yaml").exists()


def test_a_contract_with_another_title_or_supplier_is_a_new_one(runner, workdir, tiny_dir):
    for args in (["dclg", "tribal", "--title", "Customer Insight 2"], ["dclg", "leadership-centre", "--title", "Customer Insight"]):
        result = add(runner, "contract", *args, "--source", URL, "--quote", "q", "--dataset", str(tiny_dir), "--no-store")
        assert result.exit_code == 0 and "added contract-" in result.output, result.output


def test_every_added_claim_gets_an_evidence_grade(runner, workdir, tiny_dir):
    common = ["--source", URL, "--quote", "q", "--dataset", str(tiny_dir), "--no-store"]
    assert add(runner, "entity", "--label", "Organisation", "--kind", "consultancy", "--name", "Acme", *common).exit_code == 0
    assert add(runner, "relation", "acme", "ADVISES", "croydon", *common).exit_code == 0
    assert add(runner, "relation", "acme", "SUPPORTS", "croydon", "--evidence", "alleged", *common).exit_code == 0
    assert add(runner, "contract", "dclg", "acme", "--title", "Review", *common).exit_code == 0
    findings = yaml.safe_load((tiny_dir / "findings.yaml").read_text())
    grades = {r.get("id") or r["type"]: r.get("evidence") for r in findings["entities"] + findings["relationships"]}
    assert grades == {"acme": "reported", "contract-acme-review": "reported", "ADVISES": "reported",
                      "SUPPORTS": "alleged", "COMMISSIONED": "reported", "AWARDED_TO": "reported"}


def test_names_match_the_way_entity_resolution_matches(runner, workdir, tiny_dir):
    result = add(runner, "relation", "Communities & Local Government", "ADVISES", "TRIBAL GROUP PLC.", "--source", URL,
                 "--quote", "q", "--dataset", str(tiny_dir), "--no-store")
    assert result.exit_code == 0 and "dclg -ADVISES-> tribal" in result.output, result.output


def test_a_link_added_again_keeps_its_earlier_citations_in_the_store(runner, workdir, tiny_dir):
    """The store's update replaces a link's citations: `add relation` on a recorded link once dropped them."""
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    result = add(runner, "relation", "contract-spend", "PART_OF", "total-place", "--source", URL,
                 "--quote", "part of Total Place", "--dataset", str(tiny_dir))
    assert result.exit_code == 0 and "store updated" in result.output, result.output
    rows = runner.invoke(app, ["query", "MATCH (:Contract {id: 'contract-spend'})-[r:PART_OF]->() "
                                        "RETURN r.quotes", "--format", "json"]).output
    assert '"Total Place"' in rows and '"part of Total Place"' in rows
    doctor = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert doctor.exit_code == 0 and "the store equals the files" in doctor.output, doctor.output


def test_an_actor_added_again_is_stored_as_the_files_state_it(runner, workdir, tiny_dir):
    """As in seeds/, the actors lie in a folder read after findings.yaml: the store lists citations in file order."""
    (tiny_dir / "total_place").mkdir()
    (tiny_dir / "actors.yaml").rename(tiny_dir / "total_place" / "actors.yaml")
    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    result = add(runner, "entity", "--label", "Organisation", "--kind", "consultancy", "--name", "Tribal",
                 "--source", URL, "--quote", "Tribal again", "--dataset", str(tiny_dir))
    assert result.exit_code == 0 and "matched existing tribal" in result.output, result.output
    doctor = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert doctor.exit_code == 0 and "the store equals the files" in doctor.output, doctor.output


def test_a_link_added_again_through_a_large_stores_index_keeps_its_citations(store, tiny_dir, monkeypatch):
    """When the dataset is too large to re-read, the link is merged with what the store holds."""
    import graphkit.resolve.sources
    from graphkit.dataset.findings import Reference, add_relation
    from graphkit.stores.loading import load

    load([tiny_dir], store)
    monkeypatch.setattr(graphkit.resolve.sources, "SMALL_DATASET_BYTES", 0)
    added = add_relation(tiny_dir, "contract-spend", "PART_OF", "total-place",
                         reference=Reference(URL, "part of Total Place"), store=store)
    assert added.stored
    [[ids, quotes]] = store.query("MATCH (:Contract {id: 'contract-spend'})-[r:PART_OF]->() "
                                  "RETURN r.source_ids, r.quotes").rows
    assert sorted(zip(ids, quotes))[0] == ("blog", "Total Place") and "part of Total Place" in quotes
    assert len(ids) == len(quotes) == 2


def test_after_an_add_the_files_are_read_from_the_parse_cache_exactly_as_a_fresh_read(runner, workdir, tiny_dir):
    from graphkit.dataset import _read_and_check, dataset_files, display_path
    from graphkit.model.ontology import load_ontology

    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    for n in (1, 2):  # the second finding joins a findings file already there
        result = add(runner, "relation", "tribal", "ADVISES", "dclg", "--source", f"{URL}/{n}", "--quote", f"Tribal {n}",
                     "--role", f"adviser {n}", "--dataset", str(tiny_dir))
        assert result.exit_code == 0, result.output
    kept = read_dataset([tiny_dir])
    assert kept._kept is not None  # found whole in the cache: nothing parsed
    files = dataset_files([tiny_dir])
    fresh = _read_and_check(files, [display_path(f) for f in files], load_ontology())
    assert kept.files == fresh.files
    for section in ("entities", "relationships", "sources"):
        assert getattr(kept, section).to_pylist() == getattr(fresh, section).to_pylist(), section
    assert "nothing to do" in runner.invoke(app, ["doctor", str(tiny_dir)]).output


def test_an_add_opens_the_embedded_store_with_a_page_cache_sized_to_its_file(runner, workdir, tiny_dir, monkeypatch):
    import graphkit.stores as stores

    assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    caches = []
    real = stores.LadybugStore
    monkeypatch.setattr(stores, "LadybugStore", lambda *a, **kw: caches.append(kw.get("cache_bytes")) or real(*a, **kw))
    result = add(runner, "relation", "DCLG", "PAID", "Tribal", "--amount-gbp", "5000", "--vat", "excluded",
                 "--source", URL, "--quote", "paid Tribal £5,000", "--dataset", str(tiny_dir))
    assert result.exit_code == 0, result.output
    assert caches == [stores.FINDING_CACHE]  # the tiny store is far smaller than the least cache
    stores.open_store().close()
    assert caches[-1] is None  # any other command: the engine's own default
    large = workdir / "large.lbug"
    with large.open("wb") as f:
        f.truncate(3 * stores.FINDING_CACHE)  # a sparse file as large as a store of millions of rows
    assert stores.finding_cache_bytes(large) == 12 * stores.FINDING_CACHE


def test_after_adds_into_a_store_that_held_the_files_a_load_finds_nothing_changed_without_opening_it(
        runner, workdir, tiny_dir):
    for _ in range(2):  # the first load makes the folder where the second keeps its record
        assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    assert (workdir / ".graphkit" / ".graph.lbug.loaded").exists()
    for args in (["relation", "DCLG", "PAID", "Tribal", "--amount-gbp", "5000", "--vat", "excluded"],
                 ["entity", "--label", "Organisation", "--kind", "consultancy", "--name", "Acme Ltd"],
                 ["entity", "--label", "Organisation", "--kind", "consultancy", "--name", "Tribal"],
                 ["contract", "DCLG", "Acme Ltd", "--title", "Widgets", "--value-gbp", "10", "--vat", "excluded"]):
        result = add(runner, *args, "--source", URL, "--quote", "as stated", "--dataset", str(tiny_dir))
        assert result.exit_code == 0, result.output
    code = ("import sys; from graphkit.cli import app; sys.argv = ['graphkit', 'load', sys.argv[1]]\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\nprint('store opened:', 'ladybug' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code, str(tiny_dir)], capture_output=True, text=True)
    assert "(nothing changed)" in run.stdout and "store opened: False" in run.stdout, run.stdout + run.stderr
    doctor = runner.invoke(app, ["doctor", str(tiny_dir)])  # row by row: the store equals the files
    assert doctor.exit_code == 0 and "the store equals the files" in doctor.output, doctor.output
    counted = run.stdout.split("loaded: ")[1].split(" (")[0]
    (workdir / ".graphkit" / ".graph.lbug.loaded").unlink()
    assert runner.invoke(app, ["load", str(tiny_dir)]).output.startswith(f"loaded: {counted}")  # the same counts


def test_an_add_into_a_store_written_since_the_last_load_leaves_no_record(runner, workdir, tiny_dir):
    for _ in range(2):
        assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    assert runner.invoke(app, ["query", "MATCH (o:Organisation {id: 'tribal'}) SET o.name = 'x'", "--write"]).exit_code == 0
    result = add(runner, "relation", "DCLG", "PAID", "Tribal", "--amount-gbp", "5000", "--vat", "excluded",
                 "--source", URL, "--quote", "as stated", "--dataset", str(tiny_dir))
    assert result.exit_code == 0, result.output
    assert not (workdir / ".graphkit" / ".graph.lbug.loaded").exists()
    assert "1 updated" in runner.invoke(app, ["load", str(tiny_dir)]).output  # compared row by row: the name put back


def test_a_store_that_holds_the_files_is_not_asked_for_the_rows_a_finding_touches(runner, workdir, tiny_dir, monkeypatch):
    from graphkit.resolve.sources import Index

    asked = []
    real = Index.stored_link
    monkeypatch.setattr(Index, "stored_link", lambda self, *a: asked.append(a[1:]) or real(self, *a))
    for _ in range(2):
        assert runner.invoke(app, ["load", str(tiny_dir)]).exit_code == 0
    paid = ["relation", "DCLG", "PAID", "Tribal", "--amount-gbp", "5000", "--vat", "excluded", "--dataset", str(tiny_dir)]
    assert add(runner, *paid, "--source", URL, "--quote", "first").exit_code == 0
    assert asked == []  # the record of the last load says the store holds the files: their rows are the store's
    assert runner.invoke(app, ["query", "MATCH (o:Organisation {id: 'tribal'}) SET o.name = 'x'", "--write"]).exit_code == 0
    assert add(runner, *paid, "--source", URL + "/2", "--quote", "second").exit_code == 0
    assert len(asked) == 1  # a store written since: what it holds is read and kept
    doctor = runner.invoke(app, ["doctor", str(tiny_dir)])
    assert "1 with other values" in doctor.output and "0 missing" in doctor.output, doctor.output
