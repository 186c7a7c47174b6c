"""The demo's full map in headless Chromium at laptop and phone sizes: readable names, filters that hide
what they leave unlinked, Fit, the empty-filter notice, the time slider, and the phone's drawer.

Each state is saved as a screenshot (GRAPHKIT_SCREENSHOTS, else a temporary folder the test prints).
"""
from __future__ import annotations

import pytest

from browser import LAPTOP, PHONE, open_offline, screenshot_folder
from graphkit.cli import app
from graphkit.maps import names
from test_pages_briefing import NO_SIDEWAYS, demo  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

SHOWN = "() => [window.graphkitMap.nodeView.length, window.graphkitMap.edgeView.length]"
# Every name drawn is at least MIN_PX on screen; vis draws none below its threshold less one pixel.
DRAWN_NAMES = """threshold => { const m = window.graphkitMap, scale = m.network.getScale();
  return m.nodeView.get().map(n => [n.id, n.font.size * scale]).filter(([, px]) => px >= threshold - 1); }"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return screenshot_folder(tmp_path_factory)


def set_slider(run, position: str) -> None:
    run.page.evaluate("""position => { const s = document.getElementById('time');
        s.value = position === 'first' ? s.min : s.max; s.dispatchEvent(new Event('input')); }""", position)


def pinch(run, centre: tuple[float, float]) -> None:
    """Two fingers moving apart on the touch screen (Chromium's DevTools touch events)."""
    cdp = run.page.context.new_cdp_session(run.page)
    x, y = centre

    def fingers(apart):
        return [{"x": x - apart, "y": y, "id": 0}, {"x": x + apart, "y": y, "id": 1}]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": fingers(30)})
    for apart in range(35, 140, 8):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": fingers(apart)})
        run.page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    run.page.wait_for_timeout(300)


def test_the_map_opens_readable_on_a_laptop(demo, shots):
    result, _ = demo
    with open_offline(result.map, *LAPTOP) as run:
        run.wait_ready()
        run.page.wait_for_timeout(400)
        run.page.screenshot(path=str(shots / "map-laptop.png"))
        drawn = run.page.evaluate(DRAWN_NAMES, names.DRAW_THRESHOLD)
        print(f"laptop map: {len(drawn)} names drawn, smallest {min(px for _, px in drawn):.1f} px")
        assert len(drawn) >= 10 and all(px >= names.MIN_PX for _, px in drawn)
        assert run.page.evaluate(NO_SIDEWAYS)
        assert run.requests == [] and run.errors == []


def test_filters_hide_unlinked_nodes_and_fit_frames_what_is_shown(demo, shots):
    result, _ = demo
    with open_offline(result.map, *LAPTOP) as run:
        run.wait_ready()
        before = run.page.evaluate(SHOWN)
        for box in run.page.locator("#legend-types input").all()[1:]:
            box.uncheck()  # only the first type of link (money first) stays
        nodes, links = run.page.evaluate(SHOWN)
        assert 0 < nodes < before[0] and links > 0
        alone = run.page.evaluate("""() => { const m = window.graphkitMap, linked = new Set();
            m.edgeView.get().forEach(e => { linked.add(e.from); linked.add(e.to); });
            return m.nodeView.getIds().filter(id => !linked.has(id)).length; }""")
        assert alone == 0
        run.page.click("#fit")
        inside = run.page.evaluate("""() => { const m = window.graphkitMap, r = document.getElementById('map');
            const pos = m.network.getPositions(m.nodeView.getIds());
            return Object.values(pos).every(p => { const d = m.network.canvasToDOM(p);
                return d.x >= 0 && d.y >= 0 && d.x <= r.clientWidth && d.y <= r.clientHeight; }); }""")
        assert inside
        run.page.screenshot(path=str(shots / "map-one-type-fit.png"))
        run.page.check("#show-unlinked")
        assert run.page.evaluate(SHOWN)[0] > nodes
        assert run.errors == []


def test_a_filter_that_leaves_nothing_says_so(demo, shots):
    result, _ = demo
    with open_offline(result.map, *LAPTOP) as run:
        run.wait_ready()
        for box in run.page.locator("#legend-types input").all():
            box.uncheck()
        assert run.page.evaluate(SHOWN) == [0, 0]
        notice = run.page.locator("#empty")
        assert notice.is_visible() and "No links to show" in notice.inner_text()
        run.page.screenshot(path=str(shots / "map-empty.png"))
        notice.locator("button").click()
        assert run.page.evaluate(SHOWN)[1] > 0 and not notice.is_visible()


def test_a_map_written_with_filters_that_leave_nothing_says_what_exists(runner, workdir, demo, shots):
    result, _ = demo
    cli = runner.invoke(app, ["map", "--store", str(result.store), "--kinds", "consultancy,pilot_area",
                              "--types", "ADVISES,SUPPORTS", "--since", "2009", "-o", "empty.html"])
    assert cli.exit_code == 0, cli.output
    assert "warning: 0 links of type ADVISES, SUPPORTS between consultancy and pilot_area since 2009; " in cli.output
    assert "ADVISES links exist between " in cli.output
    with open_offline(workdir / "empty.html", *LAPTOP) as run:
        run.wait_ready()
        notice = run.page.locator("#empty")
        assert notice.is_visible() and "ADVISES links exist between" in notice.inner_text()
        run.page.screenshot(path=str(shots / "map-cli-empty.png"))
        assert run.errors == []


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_time_slider_moves_the_map_through_time(demo, shots, size):
    result, _ = demo
    with open_offline(result.map, *size) as run:
        run.wait_ready()
        assert run.page.locator("#timebar").is_visible()
        latest = run.page.evaluate(SHOWN)
        set_slider(run, "first")
        earliest = run.page.evaluate(SHOWN)
        assert earliest[0] < latest[0]
        run.page.screenshot(path=str(shots / f"map-time-first-{size[0]}.png"))
        run.page.uncheck("#undated")
        assert run.page.evaluate(SHOWN)[0] < earliest[0]
        run.page.check("#undated")
        run.page.click("#play")
        run.page.wait_for_function("() => Number(document.getElementById('time').value) > 2")
        run.page.click("#play")  # pause
        assert earliest[0] <= run.page.evaluate(SHOWN)[0] <= latest[0]
        run.page.screenshot(path=str(shots / f"map-time-playing-{size[0]}.png"))
        assert run.errors == []


def test_on_a_phone_the_map_fills_the_screen_and_panels_fold_into_tabs(demo, shots):
    result, graph = demo
    with open_offline(result.map, *PHONE, touch=True) as run:
        run.wait_ready()
        run.page.wait_for_timeout(400)
        box = run.page.locator("#map canvas").bounding_box()
        print(f"phone map: canvas {box['width']:.0f}×{box['height']:.0f} px")
        assert box["width"] >= PHONE[0] - 1 and box["height"] >= PHONE[1] / 2
        assert not run.page.locator("#controls").is_visible() and not run.page.locator("#details").is_visible()
        assert run.page.evaluate(NO_SIDEWAYS)
        run.page.screenshot(path=str(shots / "map-phone.png"))
        before = run.page.evaluate("() => window.graphkitMap.network.getScale()")
        pinch(run, (PHONE[0] / 2, PHONE[1] / 2))
        assert run.page.evaluate("() => window.graphkitMap.network.getScale()") > 2 * before
        run.page.screenshot(path=str(shots / "map-phone-pinched.png"))
        run.page.click("#fit")
        node = run.page.evaluate("() => window.graphkitMap.data.nodes.find(n => n.named).id")
        point = run.page.evaluate("""id => { const net = window.graphkitMap.network;
            return net.canvasToDOM(net.getPositions([id])[id]); }""", node)
        canvas = run.page.locator("#map").bounding_box()
        run.page.touchscreen.tap(canvas["x"] + point["x"], canvas["y"] + point["y"])
        details = run.page.locator("#details")
        details.wait_for(state="visible")
        assert details.locator("h2").inner_text().startswith(graph.nodes[node]["name"])
        run.page.screenshot(path=str(shots / "map-phone-tapped.png"))
        run.page.click("#tabs button[data-panel=controls]")
        assert run.page.locator("#controls").is_visible() and not details.is_visible()
        run.page.screenshot(path=str(shots / "map-phone-key.png"))
        assert run.page.evaluate(NO_SIDEWAYS)
        assert run.requests == [] and run.errors == []
