"""The results: a rich table on the terminal, a JSON file, and the machine they were measured on."""
from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.table import Table

PACKAGES = ["graphkit", "ladybug", "pyarrow", "networkx", "neo4j", "rich", "playwright"]


def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"nproc": os.cpu_count(), "ram_gb": round(mem_kb / 2**20, 1), "python": platform.python_version(),
            "platform": platform.platform(), "load_avg": [round(x, 2) for x in os.getloadavg()],
            "versions": versions, "java": _java()}


def _java() -> str | None:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    return out.splitlines()[0] if out else None


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "nodes":
        return f"{value:,.0f} nodes"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "x":
        return f"{value:,.2f}x"
    return f"{value:,.3f} s" if value < 10 else f"{value:,.1f} s"


def _met(met) -> str:
    return {True: "[green]yes[/]", False: "[red]NO[/]", None: ""}[met]


def print_table(results: dict, console: Console | None = None) -> None:
    console = console or Console()
    m = results["machine"]
    table = Table(title=f"graphkit bench — size {results['size']}, median of {results['repeat']} "
                        f"({m['nproc']} cores, {m['ram_gb']} GB, Python {m['python']})")
    for col in ("group", "figure", "value", "baseline", "ratio", "goal", "met", "note"):
        table.add_column(col, overflow="fold")
    for group, body in results["groups"].items():
        if body["status"] != "ok":
            table.add_row(group, body["status"], "", "", "", "", "", body.get("reason", ""))
            continue
        for i, row in enumerate(body["rows"]):
            ratio = f"{row['ratio']:.2f}x" if row.get("ratio") is not None else ""
            table.add_row(group if i == 0 else "", row["name"], _fmt(row.get("value"), row["unit"]),
                          row.get("baseline", ""), ratio, row.get("goal", ""), _met(row.get("met")), row.get("note", ""))
    console.print(table)


def markdown_table(results: dict) -> str:
    """The same table as Markdown, for bench/README.md."""
    lines = ["| group | figure | value | baseline | ratio | goal | met | note |", "|---|---|---|---|---|---|---|---|"]
    for group, body in results["groups"].items():
        if body["status"] != "ok":
            lines.append(f"| {group} | {body['status']} |  |  |  |  |  | {body.get('reason', '')} |")
            continue
        for row in body["rows"]:
            ratio = f"{row['ratio']:.2f}x" if row.get("ratio") is not None else ""
            met = {True: "yes", False: "**no**"}.get(row.get("met"), "")
            cells = [group, row["name"], _fmt(row.get("value"), row["unit"]), row.get("baseline", ""), ratio,
                     row.get("goal", ""), met, row.get("note", "")]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
