"""`graphkit brief`: the map, who profits, the brokers and every source, in one offline page."""
from __future__ import annotations

import re

import pytest

from browser import open_offline
from graphkit.briefing import BriefingOptions, build_briefing_html, write_briefing
from graphkit.cli import app
from graphkit.maps import MapOptions
from test_maps import IMG, SCRIPT, load_graph, planted_graph, tiny_store  # noqa: F401 - fixtures

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


def test_who_profits_keeps_kinds_of_money_and_vat_apart(money_graph):
    page = build_briefing_html(money_graph, BriefingOptions(title="Total Place"))
    profits = section(page, "who-profits")
    row = re.search(r"<tr><th scope=\"row\">Tribal.*?</tr>", profits, re.S)[0]
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert len(cells) == 3  # contract values, payments, framework ceilings (no funding in the data)
    assert "£278,000 ex VAT" in cells[0] and "(2 items)" in cells[0]
    assert "£12,000 inc VAT" in cells[1]
    assert "£5,000,000 ex VAT" in cells[2]
    assert "£290,000" not in page and "£5,278,000" not in page  # nothing added across kinds or VAT bases
    # each figure with its sources: link and quote
    assert '<a href="https://example.org/foi/tribal" rel="noopener noreferrer">' in cells[1]
    assert "<q>paid Tribal £12,000 including VAT</q>" in cells[1]
    assert "<q>Customer Insight £60k ex VAT</q>" in cells[0]


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
    assert "<img" not in page and 'href="javascript' not in page
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in section(page, "who-profits")


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
        assert run.page.locator("#who-profits td").count() > 0
        assert run.requests == [] and run.errors == []
