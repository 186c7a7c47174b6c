"""`graphkit brief`: the map, who profits, the brokers and every source, in one offline page."""
from __future__ import annotations

import json
import re

import pytest

from browser import open_offline
from graphkit.maps.briefing import BriefingOptions, build_briefing_html, write_briefing
from graphkit.cli import app
from graphkit.maps import MapOptions
from test_maps import IMG, SCRIPT, load_graph, planted_graph, tiny_graph, tiny_store  # noqa: F401 - fixtures

MONEY = """
  - id: payments-2010
    label: Contract
    kind: framework_agreement
    name: Improvement framework
    value_gbp: 5000000
    vat: excluded
    sources: [{source: blog, quote: "a framework worth up to £5m"}]
"""
MONEY_LINKS = """
  - {source: dclg, type: PAID, target: tribal, amount_gbp: 12000, vat: included, evidence: documented,
     start_date: "2010-02", sources: [{source: foi, quote: "paid Tribal £12,000 including VAT"}]}
  - {source: payments-2010, type: AWARDED_TO, target: tribal, evidence: reported,
     sources: [{source: blog, quote: "Tribal is on the framework"}]}
  - {source: dclg, type: FUNDS, target: leadership-centre, amount_gbp: 9000000, evidence: documented,
     start_date: "2009-04", sources: [{source: foi, quote: "DCLG grant of £9m to the Leadership Centre"}]}
"""


@pytest.fixture
def money_graph(tiny_dir, tmp_path):
    """The tiny dataset plus a payment including VAT and a framework ceiling."""
    with open(tiny_dir / "actors.yaml", "a", encoding="utf-8") as fh:
        fh.write(MONEY)
    with open(tiny_dir / "links.yaml", "a", encoding="utf-8") as fh:
        fh.write(MONEY_LINKS)
    return load_graph(tiny_dir, tmp_path)


def section(page: str, name: str) -> str:
    return re.search(f'<section id="{name}">(.*?)</section>', page, re.S)[1]


def test_who_profited_ranks_suppliers_apart_from_public_money_and_ceilings(money_graph):
    page = build_briefing_html(money_graph, BriefingOptions(title="Total Place"))
    profited = section(page, "who-profited")
    row = re.search(r"<tr><td class=\"rank\">1</td><th scope=\"row\">Tribal.*?</tr>", profited, re.S)[0]
    assert "£278,000 ex VAT" in row and "contract values · 2 items" in row
    assert "£12,000 inc VAT" in row and "payments · 1 item" in row
    assert '<span class="grade weak"' in row and ">alleged</span>" in row  # the contracts rest on one blog
    assert "<summary>2 sources</summary>" in row and "<q>paid Tribal £12,000 including VAT</q>" in row
    # public funding and the framework ceiling are labelled and apart, never in the ranking
    assert "Leadership Centre" not in profited and "£9,000,000" not in profited and "£5,000,000" not in profited
    assert 'href="#public-funding"' in profited and 'href="#framework-ceilings"' in profited
    public = section(page, "public-funding")
    assert "Leadership Centre for Local Government" in public and "£9,000,000 (VAT basis unknown)" in public
    assert "from Department for Communities and Local Government" in public
    assert "£5,000,000 ex VAT" in section(page, "framework-ceilings")
    assert "£290,000" not in page and "£5,278,000" not in page  # nothing added across kinds or VAT bases
    assert page.index('id="who-profited"') < page.index('id="who-advised"') < page.index('id="map"')
    totals = section(page, "all-money")  # each total says how much of it rests on weak evidence
    assert "<td>contract values</td><td>£278,000 ex VAT</td><td>£278,000 ex VAT</td><td>2</td>" in totals
    assert "<td>payments</td><td>£12,000 inc VAT</td><td>none</td><td>1</td>" in totals


OVERLAPS = """
  - id: contract-big
    label: Contract
    kind: contract
    name: Back office
    value_gbp: 1000000
    evidence: documented
    sources: [{source: foi, quote: "Back office contract worth £1m"}]
"""
OVERLAP_LINKS = """
  - {source: dclg, type: COMMISSIONED, target: contract-big, evidence: documented,
     sources: [{source: foi, quote: "DCLG let the back office contract"}]}
  - {source: contract-big, type: AWARDED_TO, target: tribal, amount_gbp: 900000, evidence: reported,
     sources: [{source: blog, quote: "Tribal won the back office work, worth £900k"}]}
  - {source: dclg, type: FUNDS, target: total-place, amount_gbp: 5000000, evidence: documented,
     sources: [{source: foi, quote: "£5m for Total Place"}]}
  - {source: dclg, type: FUNDS, target: croydon, amount_gbp: 250000, evidence: inferred,
     sources: [{source: blog, quote: "each pilot had £250k"}]}
  - {source: dclg, type: FUNDS, target: lewisham, amount_gbp: 250000, evidence: alleged,
     sources: [{source: blog, quote: "each pilot had £250k"}]}
"""


def money_cells(html: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]]


def gbp(cell: str) -> int:
    return int(re.sub(r"[^0-9]", "", cell.split("(")[0]) or 0)


def test_each_total_counts_as_weak_only_its_own_items_never_overlapping_ones(tiny_dir, tmp_path):
    """The pilots' £250k (inferred, alleged) may be part of the £5m for Total Place: each stands on its own line,
    and no line's weak part takes in another line's items."""
    with open(tiny_dir / "actors.yaml", "a", encoding="utf-8") as fh:
        fh.write(MONEY + OVERLAPS)
    with open(tiny_dir / "links.yaml", "a", encoding="utf-8") as fh:
        fh.write(MONEY_LINKS + OVERLAP_LINKS)
    cells = money_cells(section(build_briefing_html(load_graph(tiny_dir, tmp_path)), "all-money"))
    assert sorted(c for c in cells if c[0] == "funding") == sorted([
        ["funding", "£9,000,000 (VAT basis unknown)", "none", "1"],
        ["funding", "£5,000,000 (VAT basis unknown)", "none", "1"],
        ["funding", "£250,000 (VAT basis unknown)", "£250,000 (VAT basis unknown)", "1"],
        ["funding", "£250,000 (VAT basis unknown)", "£250,000 (VAT basis unknown)", "1"]])
    contracts = [c[1:3] for c in cells if c[0] == "contract values"]
    assert ["£278,000 ex VAT", "£278,000 ex VAT"] in contracts  # both of Tribal's alleged contracts, one line
    assert ["£1,000,000 (VAT basis unknown)", "none"] in contracts and ["£900,000 (VAT basis unknown)", "none"] in contracts
    for kind, total, weak, _ in cells:
        assert gbp(weak) <= gbp(total), (kind, total, weak)


def test_figures_that_may_be_the_same_money_stand_side_by_side_marked(tiny_dir, tmp_path):
    """Two sources give one contract £1m and £900k: Tribal's row shows both, each naming the other, never a sum."""
    with open(tiny_dir / "actors.yaml", "a", encoding="utf-8") as fh:
        fh.write(OVERLAPS)
    with open(tiny_dir / "links.yaml", "a", encoding="utf-8") as fh:
        fh.write(OVERLAP_LINKS)
    page = build_briefing_html(load_graph(tiny_dir, tmp_path))
    row = re.search(r"<th scope=\"row\">Tribal.*?</tr>", section(page, "who-profited"), re.S)[0]
    figures = re.findall(r'<div class="figure([a-z ]*)"><strong>(.*?)</strong>.*?</div>', row, re.S)
    assert figures == [(" overlapping", "£1,000,000 (VAT basis unknown)"),
                       (" overlapping joined", "£900,000 (VAT basis unknown)"), ("", "£278,000 ex VAT")]
    assert ("may be the same money as £900,000 (VAT basis unknown) from another source, so not added to it" in row
            and "may be the same money as £1,000,000 (VAT basis unknown) from another source" in row)
    public = section(page, "public-funding")  # the £5m for Total Place may include each pilot's £250k
    assert "may be the same money as £250,000 (VAT basis unknown) to Croydon; £250,000 (VAT basis unknown) to " \
           "Lewisham from other sources, so not added to them" in public
    assert "may be the same money as £5,000,000 (VAT basis unknown) to Total Place from another source" in public
    for name in ("who-profited", "public-funding", "all-money"):
        assert "£1,900,000" not in section(page, name) and "£5,500,000" not in section(page, name)


def test_who_advised_names_advisers_with_whom_when_and_grade(money_graph):
    advised = section(build_briefing_html(money_graph), "who-advised")
    assert "Tribal" in advised and "advises <b>Department for Communities and Local Government</b>" in advised
    assert ">inferred</span>" in advised
    assert "UNISON" not in advised and "Leadership Centre" not in advised  # a union and a public body


def test_timeline_lists_dated_events_with_sources(money_graph):
    events = section(build_briefing_html(money_graph), "timeline")
    assert events.index("2009-04") < events.index("2010-02")
    assert "Department for Communities and Local Government funds Leadership Centre" in events
    assert "<q>DCLG grant of £9m to the Leadership Centre</q>" in events


def test_brokers_and_sources(money_graph):
    page = build_briefing_html(money_graph)
    brokers = section(page, "brokers")
    assert brokers.index("Department for Communities and Local Government") < brokers.index("UNISON")
    assert "<q>two contracts via open competition</q>" in brokers
    sources = section(page, "sources")
    for sid in ("blog", "foi", "motion"):
        assert f'id="src-{sid}"' in sources
    assert "https://example.org/motion-2010" in sources


def test_the_map_is_embedded(money_graph):
    page = build_briefing_html(money_graph, BriefingOptions(title="Total Place"))
    frame = section(page, "map")
    assert frame.count("<iframe") == 1 and 'sandbox="allow-scripts' in frame
    assert "&lt;script type=&quot;application/json&quot; id=&quot;graphkit-data&quot;&gt;" in frame


def test_a_map_too_big_leaves_a_note_not_a_failure(money_graph):
    page = build_briefing_html(money_graph, BriefingOptions(map=MapOptions(max_nodes=3)))
    assert "No map here: the map would show 12 nodes" in section(page, "map")
    assert "<iframe" not in page


def test_everything_from_the_data_is_escaped(planted_graph):
    page = build_briefing_html(planted_graph)
    assert IMG not in page and SCRIPT not in page
    assert 'href="javascript' not in page
    # the only image is the map's printed picture, empty until the map sends it
    assert re.findall(r"<img[^>]*>", page) == ['<img class="map-picture" id="map-picture" alt="The map as last shown on screen">']
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in section(page, "who-profited")


def test_brief_command(runner, workdir, tiny_store):
    result = runner.invoke(app, ["brief", "--store", str(tiny_store), "-o", "out/brief.html", "--title", "Total Place"])
    assert result.exit_code == 0, result.output
    assert result.output == "briefing: out/brief.html\n"
    page = (workdir / "out" / "brief.html").read_text(encoding="utf-8")
    assert "<title>Total Place</title>" in page


@pytest.mark.browser
def test_brief_opens_offline_and_its_map_works(planted_graph, tmp_path):
    path = write_briefing(planted_graph, tmp_path / "brief.html")
    with open_offline(path) as run:
        frame = run.page.frame_locator("iframe.map")
        inner = next(f for f in run.page.frames if f != run.page.main_frame)
        run.wait_ready(frame=inner)
        frame.locator("#search").fill("img src")
        frame.locator("#search").press("Enter")
        assert frame.locator("#details h2").inner_text() == IMG
        assert run.page.evaluate("() => window.__pwned") is None
        assert inner.evaluate("() => window.__pwned") is None
        assert run.page.locator("#who-profited td").count() > 0
        assert run.requests == [] and run.errors == []


STORY = """title: Tribal's contracts
steps:
  - title: The money
    text: DCLG let two contracts to Tribal.
    actors: [Tribal Group plc, dclg]
    links:
      - {from: contract-spend, type: AWARDED_TO, to: tribal}
    date: "2009-11"
  - title: The critics
    text: UNISON criticised the programme.
    actors:
      - unison
"""


def test_a_story_walks_through_its_steps(tiny_graph, tmp_path):
    story = tmp_path / "story.yaml"
    story.write_text(STORY, encoding="utf-8")
    page = build_briefing_html(tiny_graph, BriefingOptions(story=story))
    told = section(page, "map")
    assert "Step 1 of 2" in told and told.count('<article class="step"') == 2
    assert '<article class="step" data-step="1" hidden>' in told
    assert "<q>Spend Counting and Deep Dive £218k ex VAT</q>" in told  # each claim one click from its quote
    steps = json.loads(re.search(r'<script type="application/json" id="story-data">(.*?)</script>', page, re.S)[1])
    assert steps == [{"nodes": ["tribal", "dclg"], "links": [["contract-spend", "AWARDED_TO", "tribal"]], "date": "2009-11"},
                     {"nodes": ["unison"], "links": [], "date": None}]


def test_a_story_naming_an_unknown_actor_is_refused_with_file_line_and_suggestion(runner, workdir, tiny_store):
    bad = STORY.replace("      - unison", "      - unisn").replace("type: AWARDED_TO", "type: AWARDED")
    (workdir / "story.yaml").write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["brief", "--store", str(tiny_store), "--story", "story.yaml", "-o", "brief.html"])
    assert result.exit_code == 1
    assert "story.yaml:7: step 1: links.type 'AWARDED' is not a link in the data (did you mean 'AWARDED_TO'?)" in result.output
    assert "story.yaml:12: step 2: actors 'unisn' is not an actor in the data (did you mean 'unison'?)" in result.output
    assert not (workdir / "brief.html").exists()


def test_brief_command_with_a_story(runner, workdir, tiny_store):
    (workdir / "story.yaml").write_text(STORY, encoding="utf-8")
    result = runner.invoke(app, ["brief", "--store", str(tiny_store), "--story", "story.yaml", "-o", "brief.html"])
    assert result.exit_code == 0, result.output
    assert 'id="story-data"' in (workdir / "brief.html").read_text(encoding="utf-8")


def test_roles_name_only_kinds_and_types_of_the_ontology():
    from graphkit.maps.roles import load_roles
    from graphkit.model.ontology import load_ontology

    roles, onto = load_roles(), load_ontology()
    kinds = {k for spec in onto.labels.values() for k in spec.kinds}
    assert set(roles.public_kinds + roles.adviser_kinds + roles.timeline_report_kinds) <= kinds
    assert set(roles.advice_types + roles.money_types + roles.timeline_types) <= set(onto.relationships)
    assert set(roles.public_labels + roles.adviser_labels) <= set(onto.labels)
    assert list(roles.evidence_order) == list(onto.enums["evidence"])


def test_a_story_is_escaped_like_everything_else(tiny_graph, tmp_path):
    story = tmp_path / "story.yaml"
    story.write_text(STORY.replace("title: The money", f"title: '{IMG}'").replace(
        "text: DCLG let two contracts to Tribal.", f"text: '{SCRIPT}'"), encoding="utf-8")
    page = build_briefing_html(tiny_graph, BriefingOptions(story=story))
    assert IMG not in page and SCRIPT not in page
    assert "<h3>&lt;img src=x onerror=window.__pwned=1&gt;</h3>" in page
