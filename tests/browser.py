"""Headless Chromium for tests: open a local file with every network request blocked and recorded."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graphkit.maps.screenshot import block_network, chromium_path, launch_chromium


def require_chromium() -> None:
    """Skip (or fail when CI=true) unless Chromium and Playwright are there."""
    reason = None
    if not chromium_path().is_file():
        reason = f"headless Chromium not found at {chromium_path()} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright for Python is not installed (pip install playwright==1.65.2)"
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@dataclass
class PageRun:
    """A page plus what it tried to fetch and what it complained about."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def wait_ready(self, timeout_ms: float = 30_000, frame=None) -> float:
        """Wait until the map has drawn; return its time to interactive in milliseconds."""
        target = frame or self.page
        target.wait_for_function("() => window.graphkitMap && window.graphkitMap.ready", timeout=timeout_ms)
        return target.evaluate("() => window.graphkitMap.readyMs")


LAPTOP = (1440, 900)
PHONE = (390, 844)


def screenshot_folder(tmp_path_factory) -> Path:
    """Where page tests save their screenshots: GRAPHKIT_SCREENSHOTS, else a pytest temporary folder (printed)."""
    chosen = os.environ.get("GRAPHKIT_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


@contextmanager
def open_offline(path: Path, width: int = 1400, height: int = 900, touch: bool = False):
    """Load `path` via file:// in headless Chromium with the network blocked (`touch`: a phone's touch screen)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            extra = {"has_touch": True, "is_mobile": True, "device_scale_factor": 2} if touch else {}
            context = browser.new_context(viewport={"width": width, "height": height}, **extra)
            page = context.new_page()
            run = PageRun(page)
            block_network(context, run.requests)
            page.on("console", lambda msg: msg.type == "error" and run.errors.append(msg.text))
            page.on("pageerror", lambda exc: run.errors.append(str(exc)))
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            yield run
        finally:
            browser.close()
