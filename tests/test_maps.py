"""`graphkit map`: one offline HTML file; click anything for its sources; nothing in the data runs."""
from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import networkx as nx
import pytest

from browser import open_offline
from graphkit.analysis import store_graph
from graphkit.cli import app
from graphkit.dataset import read_dataset
from graphkit.maps import MapOptions, MapTooLarge, build_map_html, filter_graph, map_payload, write_map
from graphkit.errors import GraphkitError
from graphkit.stores import LadybugStore

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "</script><script>window.__pwned=1</script>"
PLANTED_ACTOR = f"""
  - id: planted
    label: Organisation
    kind: company
    name: "{IMG}"
    aliases: ["{SCRIPT}"]
    description: "{SCRIPT} \\u2028 line separator"
    sources: [{{source: blog, quote: "{SCRIPT}"}}]
"""
PLANTED_LINK = f"""
  - {{source: dclg, type: PAID, target: planted, amount_gbp: 5000, vat: included, evidence: reported,
     role: "{IMG}", sources: [{{source: blog, quote: "{IMG}"}}]}}
"""


def load_graph(dataset: Path, tmp_path: Path) -> nx.MultiDiGraph:
    store = LadybugStore(tmp_path / "store" / "g.lbug")
    try:
        store.load(read_dataset([dataset]))
        return store_graph(store)
    finally:
        store.close()


@pytest.fixture
def tiny_store(tiny_dir, tmp_path) -> Path:
    path = tmp_path / "store" / "g.lbug"
    store = LadybugStore(path)
    store.load(read_dataset([tiny_dir]))
    store.close()
    return path


@pytest.fixture
def tiny_graph(tiny_dir, tmp_path) -> nx.MultiDiGraph:
    return load_graph(tiny_dir, tmp_path)


@pytest.fixture
def planted_graph(tiny_dir, tmp_path) -> nx.MultiDiGraph:
    """The tiny dataset plus markup in a name, an alias, a quote and a role, and a javascript: source URL."""
    with open(tiny_dir / "actors.yaml", "a", encoding="utf-8") as fh:
        fh.write(PLANTED_ACTOR)
    with open(tiny_dir / "links.yaml", "a", encoding="utf-8") as fh:
        fh.write(PLANTED_LINK)
    graph = load_graph(tiny_dir, tmp_path)
    # The dataset checks refuse such URLs; a store filled by other means might still hold one.
    graph.graph["sources"]["evil"] = {"id": "evil", "url": "javascript:window.__pwned=1", "title": IMG,
                                      "publisher": SCRIPT, "date": "2010"}
    node = graph.nodes["planted"]
    node["source_ids"] = [*node["source_ids"], "evil"]
    node["quotes"] = [*node["quotes"], "quoted from a javascript: URL"]
    return graph


def generated_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """n nodes (one in five a contract) with about 1.4 links per node: councils, firms, money, advice."""
    rng = random.Random(seed)
    sources = {f"s{i}": {"id": f"s{i}", "title": f"Source {i}", "url": f"https://example.org/{i}",
                         "publisher": "Example", "date": "2009"} for i in range(50)}
    graph = nx.MultiDiGraph(sources=sources)
    kinds = ["council", "consultancy", "company", "think_tank", "government_department", "union"]
    for i in range(n):
        cite = {"source_ids": [f"s{i % 50}"], "quotes": [f"quote {i}"]}
        if i % 5 == 4:
            graph.add_node(f"c{i}", label="Contract", kind="contract", name=f"Contract {i}",
                           value_gbp=rng.randint(1, 500) * 1000.0, vat="excluded", **cite)
        else:
            graph.add_node(f"o{i}", label="Organisation", kind=kinds[i % 6], name=f"Organisation {i}", **cite)
    orgs = [x for x in graph if x.startswith("o")]
    cite = {"source_ids": ["s1"], "quotes": ["q"]}
    for contract in [x for x in graph if x.startswith("c")]:
        graph.add_edge(rng.choice(orgs), contract, type="COMMISSIONED", **cite)
        graph.add_edge(contract, rng.choice(orgs), type="AWARDED_TO", **cite)
    for _ in range(n):
        a, b = rng.sample(orgs, 2)
        rtype = rng.choice(["PAID", "ADVISES", "SUPPORTS", "MEMBER_OF"])
        graph.add_edge(a, b, type=rtype, amount_gbp=rng.randint(1, 900) * 100.0 if rtype == "PAID" else None,
                       vat="included" if rtype == "PAID" else None,
                       evidence=rng.choice(["documented", "alleged"]), **cite)
    return graph


def page_data(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="graphkit-data">(.*?)</script>', page, re.S)[1])


# -- the file -------------------------------------------------------------------------------------
def test_map_is_one_file_that_loads_nothing(tiny_graph, tmp_path):
    path = write_map(tiny_graph, tmp_path / "out" / "map.html", MapOptions(title="Total Place"))
    page = path.read_text(encoding="utf-8")
    assert re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=", page, re.I) == []
    assert "jsdelivr" not in page and "cdnjs" not in page and "bootstrap" not in page.lower()
    data = page_data(page)
    assert {n["id"] for n in data["nodes"]} == set(tiny_graph.nodes)
    assert data["options"]["physics"] == {"enabled": False}
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])


def test_map_shows_money_kinds_and_evidence(tiny_graph):
    data = map_payload(tiny_graph)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["contract-spend"]["label"] == "Spend Counting and Deep Dive\n£218k ex VAT (alleged)"
    assert nodes["contract-spend"]["shape"] == "diamond" and nodes["tribal"]["shape"] == "dot"
    assert nodes["tribal"]["size"] > nodes["unison"]["size"]  # Tribal received money
    advises = next(e for e in data["edges"] if e["rtype"] == "ADVISES")
    assert advises["dashes"] is True  # inferred
    assert data["info"]["nodes"]["tribal"]["money"] == ["received: £278,000 ex VAT in contract values (2 items, alleged)"]
    legend = {r["text"]: r for r in data["legend"]["kinds"]}
    assert legend["consultancies"]["count"] == 1 and legend["pilot areas"]["count"] == 2
    assert legend["government and public bodies"]["kinds"] == ["government department", "public body"]
    assert data["sources"]["blog"]["url"] == "https://example.org/blog/2009/11/bad-place"


def test_data_is_inert_json(planted_graph):
    page = build_map_html(planted_graph)
    assert IMG not in page and SCRIPT not in page
    assert "\u2028" not in page
    data = page_data(page)  # parses back to the very same text
    assert data["info"]["nodes"]["planted"]["name"] == IMG
    assert data["info"]["nodes"]["planted"]["aliases"] == [SCRIPT]


def test_an_empty_graph_gives_an_empty_map():
    data = page_data(build_map_html(nx.MultiDiGraph(sources={})))
    assert data["nodes"] == [] and data["edges"] == [] and data["subtitle"].startswith("0 nodes · 0 links")


def test_layout_is_the_same_every_time(tiny_graph):
    first, second = map_payload(tiny_graph), map_payload(tiny_graph)
    assert [(n["x"], n["y"]) for n in first["nodes"]] == [(n["x"], n["y"]) for n in second["nodes"]]


# -- filters --------------------------------------------------------------------------------------
def test_filters(tiny_graph):
    def shown(**kwargs):
        return set(filter_graph(tiny_graph, MapOptions(**kwargs)).nodes)

    assert shown(kinds=("consultancy", "Contract")) == {"tribal", "contract-spend", "contract-insight"}
    assert shown(types=("AWARDED_TO",)) == {"tribal", "contract-spend", "contract-insight"}
    assert shown(min_amount=100000) == {"contract-spend", "dclg", "tribal", "total-place", "foi-tribal"}
    assert "contract-spend" not in shown(evidence=("documented", "reported"))
    assert shown(focus="Tribal Group plc", hops=1) == {"tribal", "dclg", "contract-spend", "contract-insight"}
    assert "motion-2010" not in shown(until="2009-12")
    assert "motion-2010" in shown(since="2010")


@pytest.mark.parametrize("options, message", [
    (MapOptions(kinds=("consultancy", "consulancy")), "unknown kind 'consulancy' (did you mean 'consultancy'?)"),
    (MapOptions(types=("PAYS",)), "unknown relationship type 'PAYS'"),
    (MapOptions(focus="nobody"), "--focus: 'nobody' is not a recorded id, name or alias"),
    (MapOptions(since="June 2009"), "--since:"),
    (MapOptions(max_nodes=5), "the map would show 11 nodes, over the limit of 5"),
])
def test_bad_options_are_one_line_errors(tiny_graph, options, message):
    with pytest.raises(GraphkitError, match=re.escape(message)):
        filter_graph(tiny_graph, options)


def test_too_large_advises_how_to_narrow():
    with pytest.raises(MapTooLarge, match="--focus ID --hops N, --kinds, --types, --min-amount"):
        filter_graph(generated_graph(300), MapOptions(max_nodes=200))


# -- the command ----------------------------------------------------------------------------------
def test_map_command(runner, workdir, tiny_store):
    result = runner.invoke(app, ["map", "--store", str(tiny_store), "-o", "out/map.html",
                                 "--focus", "tribal", "--hops", "1", "--title", "Tribal's contracts"])
    assert result.exit_code == 0, result.output
    assert "map: out/map.html" in result.output
    data = page_data((workdir / "out" / "map.html").read_text(encoding="utf-8"))
    assert data["title"] == "Tribal's contracts" and data["focus"] == "tribal"
    assert len(data["nodes"]) == 4


def test_map_command_refuses_a_map_too_big(runner, workdir, tiny_store):
    result = runner.invoke(app, ["map", "--store", str(tiny_store), "--max-nodes", "3"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "narrow it with --focus ID --hops N" in result.output
    assert not (workdir / "map.html").exists()


def test_kinds_and_types_take_comma_lists(runner, workdir, tiny_store):
    result = runner.invoke(app, ["map", "--store", str(tiny_store), "--kinds", "consultancy,contract",
                                 "--kinds", "government_department", "--types", "AWARDED_TO,COMMISSIONED"])
    assert result.exit_code == 0, result.output
    data = page_data((workdir / "map.html").read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == {"tribal", "dclg", "contract-spend", "contract-insight"}


def test_a_map_whose_filters_leave_no_link_says_what_exists(runner, workdir, tiny_store):
    result = runner.invoke(app, ["map", "--store", str(tiny_store), "--kinds", "consultancy,pilot_area",
                                 "--types", "ADVISES,SUPPORTS", "--since", "2009"])
    assert result.exit_code == 0, result.output
    assert ("warning: 0 links of type ADVISES, SUPPORTS between consultancy and pilot_area since 2009; "
            "SUPPORTS links exist between public body and pilot area (2); "
            "ADVISES links exist between consultancy and government department (1)") in result.output
    data = page_data((workdir / "map.html").read_text(encoding="utf-8"))
    assert data["edges"] == [] and data["empty"].startswith("0 links of type ADVISES, SUPPORTS")
    assert page_data(build_map_html(load_graph_from(tiny_store)))["empty"] is None


def load_graph_from(store_path: Path) -> nx.MultiDiGraph:
    store = LadybugStore(store_path)
    try:
        return store_graph(store)
    finally:
        store.close()


def test_dated_claims_give_the_map_a_time_range_and_weak_money_is_marked(tiny_graph):
    data = map_payload(tiny_graph)
    assert data["time"] == {"first": "2010-06-03", "last": "2010-06-03"}
    assert {n["id"]: n["t"] for n in data["nodes"]}["motion-2010"] == "2010-06-03"
    assert map_payload(nx.MultiDiGraph(sources={}))["time"] is None
    tiny_graph.add_edge("dclg", "tribal", type="PAID", amount_gbp=5000.0, vat="included", evidence="alleged",
                        source_ids=["blog"], quotes=["paid Tribal £5,000"])
    paid = next(e for e in map_payload(tiny_graph)["edges"] if e["rtype"] == "PAID")
    assert paid["label"] == "paid\n£5k inc VAT (alleged)"
    assert map_payload(tiny_graph)["info"]["edges"][paid["id"]]["total"] == "£5,000 inc VAT (alleged)"


def test_png_without_chromium_is_a_one_line_error(runner, workdir, tiny_store, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_CHROMIUM", str(workdir / "no-chromium"))
    result = runner.invoke(app, ["map", "--store", str(tiny_store), "--png", "map.png"])
    assert result.exit_code == 1
    assert result.output.startswith("error: --png needs headless Chromium at ") and result.output.count("\n") == 1


# -- in the browser -------------------------------------------------------------------------------
def node_point(run, node_id: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    box = run.page.locator("#map").bounding_box()
    pos = run.page.evaluate("""id => { const net = window.graphkitMap.network;
        return net.canvasToDOM(net.getPositions([id])[id]); }""", node_id)
    return box["x"] + pos["x"], box["y"] + pos["y"]


@pytest.mark.browser
def test_map_opens_offline_without_errors(tiny_graph, tmp_path):
    path = write_map(tiny_graph, tmp_path / "map.html")
    with open_offline(path) as run:
        run.wait_ready()
        counts = run.page.evaluate("() => [window.graphkitMap.nodeView.length, window.graphkitMap.edgeView.length]")
        assert counts == [11, 14]
        assert run.page.locator("#legend-kinds li").count() == 8  # families: pilot areas, consultancies, …
        assert run.page.locator("#legend-types li").count() == 10
        assert run.page.locator("canvas").count() == 1
        assert run.requests == [] and run.errors == []


@pytest.mark.browser
def test_search_focuses_an_actor(tiny_graph, tmp_path):
    with open_offline(write_map(tiny_graph, tmp_path / "map.html")) as run:
        run.wait_ready()
        run.page.fill("#search", "tribal group")  # an alias
        assert run.page.locator("#results button").first.inner_text().startswith("Tribal")
        run.page.press("#search", "Enter")
        assert run.page.evaluate("() => window.graphkitMap.network.getSelectedNodes()") == ["tribal"]
        assert run.page.locator("#details h2").inner_text().startswith("Tribal")
        assert run.errors == []


@pytest.mark.browser
def test_clicking_a_node_shows_its_sources_with_quotes(tiny_graph, tmp_path):
    with open_offline(write_map(tiny_graph, tmp_path / "map.html")) as run:
        run.wait_ready()
        run.page.mouse.click(*node_point(run, "contract-spend"))
        details = run.page.locator("#details")
        assert details.locator("h2").inner_text().startswith("Spend Counting and Deep Dive")
        link = details.locator(".cites a").first
        assert link.get_attribute("href") == "https://example.org/blog/2009/11/bad-place"
        assert link.get_attribute("target") == "_blank"
        assert "Spend Counting and Deep Dive £218k ex VAT" in details.locator("blockquote").first.inner_text()
        assert "£218,000 ex VAT" in details.inner_text()
        # one more click, on a link listed in the panel, shows that link's own sources
        details.locator(".links button", has_text="awarded to").click()
        assert "awarded to" in details.locator("h2").inner_text()
        assert "Spend Counting and Deep Dive £218k ex VAT" in details.locator("blockquote").first.inner_text()
        assert run.errors == []


@pytest.mark.browser
def test_filters_hide_and_show(tiny_graph, tmp_path):
    with open_offline(write_map(tiny_graph, tmp_path / "map.html")) as run:
        run.wait_ready()
        shown = "() => [window.graphkitMap.nodeView.length, window.graphkitMap.edgeView.length]"
        run.page.uncheck('input[data-kind="contracts"]')
        assert run.page.evaluate(shown) == [9, 8]  # two contracts and their six links gone
        run.page.uncheck('input[data-type="ADVISES"]')
        assert run.page.evaluate(shown) == [8, 7]  # Tribal is left without a visible link, so it goes too
        run.page.check("#show-unlinked")
        assert run.page.evaluate(shown) == [9, 7]
        run.page.uncheck("#show-unlinked")
        run.page.check('input[data-kind="contracts"]')
        assert run.page.evaluate(shown) == [11, 13]
        run.page.click("#show-all")
        assert run.page.evaluate(shown) == [11, 14]
        assert run.errors == []


@pytest.mark.browser
def test_planted_markup_runs_nothing_and_shows_as_text(planted_graph, tmp_path):
    with open_offline(write_map(planted_graph, tmp_path / "map.html")) as run:
        run.wait_ready()
        page = run.page
        page.mouse.move(*node_point(run, "planted"))  # hover tooltip
        assert page.locator("#tip").inner_text().startswith(IMG)
        page.fill("#search", "img src")
        page.press("#search", "Enter")
        details = page.locator("#details")
        assert details.locator("h2").inner_text() == IMG
        assert SCRIPT in details.inner_text()
        assert SCRIPT in details.locator("blockquote").first.inner_text()
        assert details.locator("img").count() == 0 and page.locator("body img").count() == 0
        # the javascript: source shows as text, not as a link
        assert "javascript:window.__pwned=1" in details.inner_text()
        hrefs = details.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
        details.locator(".cites .src-title").click()
        details.locator(".links button", has_text="paid").click()
        assert IMG in details.inner_text()  # the role and the quote of the payment
        assert page.evaluate("() => window.__pwned") is None
        assert run.requests == [] and run.errors == []


@pytest.mark.browser
@pytest.mark.slow
def test_a_2000_node_map_is_interactive(tmp_path, record_property):
    graph = generated_graph(2000)
    started = time.perf_counter()
    path = write_map(graph, tmp_path / "big.html")
    write_s = time.perf_counter() - started
    with open_offline(path) as run:
        ready_ms = run.wait_ready(timeout_ms=60_000)
        assert run.page.evaluate("() => window.graphkitMap.network.physics.physicsEnabled") is False
        linked = sum(1 for node in graph if graph.degree(node))  # actors without any link wait for "show unlinked"
        assert run.page.evaluate("() => window.graphkitMap.nodeView.length") == linked < 2000
        run.page.check("#show-unlinked")
        assert run.page.evaluate("() => window.graphkitMap.nodeView.length") == 2000
        run.page.fill("#search", "Organisation 1233")
        run.page.press("#search", "Enter")
        assert run.page.evaluate("() => window.graphkitMap.network.getSelectedNodes()") == ["o1233"]
        assert run.errors == [] and run.requests == []
    record_property("map_2000_write_s", round(write_s, 2))
    record_property("map_2000_ready_ms", round(ready_ms))
    print(f"2,000-node map: written in {write_s:.2f} s, interactive {ready_ms:.0f} ms after navigation")


@pytest.mark.browser
def test_png(runner, workdir, tiny_store):
    from browser import require_chromium

    require_chromium()
    result = runner.invoke(app, ["map", "--store", str(tiny_store), "--png", "pics/map.png"])
    assert result.exit_code == 0, result.output
    png = (workdir / "pics" / "map.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
