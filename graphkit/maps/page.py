"""One self-contained HTML page: our template, vis-network inlined from PyVis's wheel, data as inert JSON."""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib import resources

from ..errors import GraphkitError

VIS_DIR = "lib/vis-9.1.2"
TOKEN = re.compile(r"/\*@(\w+)@\*/")
MAP_SCRIPTS = ("map.js", "key.js", "time.js", "frame.js")  # the core, the key, the time slider, phones and stories


@lru_cache(maxsize=None)
def _package_text(name: str) -> str:
    return resources.files("graphkit.maps").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the installed pyvis package."""
    folder = resources.files("pyvis").joinpath(VIS_DIR)
    try:
        js = folder.joinpath("vis-network.min.js").read_text(encoding="utf-8")
        css = folder.joinpath("vis-network.css").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise GraphkitError(f"pyvis is installed without {VIS_DIR}/ ({exc}); reinstall pyvis==0.3.2") from None
    return js, css


def script_json(data) -> str:
    """JSON that is safe inside <script type="application/json">: no tag, entity or line-break surprises.

    >>> script_json({"name": "</script><b>&\\u2028"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _inline(code: str, tag: str) -> str:
    # Third-party code must not be able to close its own element early.
    return re.sub(f"</{tag}", f"<\\\\/{tag}", code, flags=re.IGNORECASE)


def render_page(payload: dict) -> str:
    """The map page for a payload from `map_payload`."""
    vis_js, vis_css = vis_assets()
    values = {
        "TITLE": html.escape(payload.get("title") or ""),
        "SUBTITLE": html.escape(payload.get("subtitle") or ""),
        "VIS_CSS": _inline(vis_css, "style"),
        "MAP_CSS": _inline(_package_text("map.css"), "style"),
        "VIS_JS": _inline(vis_js, "script"),
        "MAP_JS": _inline("\n".join(_package_text(name) for name in MAP_SCRIPTS), "script"),
        "DATA": script_json(payload),
    }
    # One pass: text substituted for one token is never searched for another.
    return TOKEN.sub(lambda m: values[m.group(1)], _package_text("template.html"))
