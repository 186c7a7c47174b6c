"""PNG pictures of a map through headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""
from __future__ import annotations

from pathlib import Path

from .. import config
from ..files import check_output
from ..errors import GraphkitError

DEFAULT_CHROMIUM = str(config.DEFAULT_CHROMIUM)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


class ChromiumMissing(GraphkitError):
    """No Chromium to draw with, or no Playwright to drive it."""


def chromium_path() -> Path:
    """The Chromium binary: GRAPHKIT_CHROMIUM, else /usr/bin/chromium."""
    return config.chromium_path()


def require_chromium() -> Path:
    """The Chromium binary, or ChromiumMissing (one line: what is missing and how to get it)."""
    path = chromium_path()
    if not path.is_file():
        raise ChromiumMissing(f"--png needs headless Chromium at {path}, which is missing: install it "
                              f"(apt-get install chromium) or set GRAPHKIT_CHROMIUM to its path")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise ChromiumMissing("--png needs Playwright for Python: pip install playwright==1.65.2") from None
    return path


def launch_chromium(playwright):
    """A headless Chromium that does not phone home."""
    path = require_chromium()
    return playwright.chromium.launch(executable_path=str(path), headless=True, args=CHROMIUM_ARGS)


def block_network(page, blocked: list[str] | None = None) -> None:
    """Let only file: and data: URLs through; record and abort anything else."""
    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:", "about:")):
            request_route.continue_()
            return
        if blocked is not None:
            blocked.append(url)
        request_route.abort()

    page.route("**/*", route)


def render_png(html_path: str | Path, png_path: str | Path, *, width: int = 1600, height: int = 1000,
               timeout_s: float = 60.0) -> Path:
    """Screenshot a map (or briefing) file, offline, once it has drawn; return the PNG's path."""
    from playwright.sync_api import sync_playwright

    html_path, png_path = Path(html_path).resolve(), check_output(Path(png_path), ".png")
    require_chromium()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            block_network(page)
            page.goto(html_path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
            _wait_drawn(page, timeout_s)
            page.screenshot(path=str(png_path), full_page=False)
        finally:
            browser.close()
    return png_path


def _wait_drawn(page, timeout_s: float) -> None:
    """Wait for the map to draw: on the page itself, or inside a briefing's map frame."""
    has_map = page.evaluate("() => !!window.graphkitMap")
    frames = page.frames if not has_map else [page.main_frame]
    for frame in frames:
        if has_map or frame.evaluate("() => !!window.graphkitMap"):
            frame.wait_for_function("() => window.graphkitMap && window.graphkitMap.ready", timeout=timeout_s * 1000)
