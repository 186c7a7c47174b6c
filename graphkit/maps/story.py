"""A story: ordered steps through the graph (title, a few sentences, actors and links to highlight, a date).

A story file is YAML, checked against the graph like any dataset file: every problem is reported
with file, line and a suggestion, and nothing is written when there is one.

    title: From the money to the advisers
    steps:
      - title: The money
        text: DCLG funded the regional partnerships.
        actors: [dclg, RIEPs]          # ids, names or aliases
        links:
          - {from: dclg, type: FUNDS, to: rieps}
        date: "2010-03"                # optional: the map's time slider goes there
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from ..dataset import display_path
from ..dataset.checks import suggest
from ..dataset.yaml_reader import decode_text, parse_yaml
from ..errors import GraphkitError, ProblemList
from ..model.values import check_date

STEP_FIELDS = ("title", "text", "actors", "links", "date")
LINK_FIELDS = ("from", "type", "to")


@dataclass
class StoryStep:
    title: str
    text: str
    actors: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)
    date: str | None = None


@dataclass
class Story:
    title: str
    steps: list[StoryStep]


class StoryActors:
    """Actors by id, name or alias, found as every command finds them (the one actor index)."""

    def __init__(self, graph: nx.MultiDiGraph):
        from ..resolve.sources import graph_actor_index

        self.graph = graph
        self.index = graph_actor_index(graph)
        self.choices = sorted({str(n) for n in graph} | {str(p.get("name")) for _, p in graph.nodes(data=True)
                                                          if p.get("name")})

    def find(self, text) -> str | None:
        if text in self.graph:
            return text
        found = self.index.candidates(text)
        return found[0] if found else None


def _line_of(lines: list[str], start: int, value) -> int:
    """The first line at or after `start` (1-based) that mentions `value`; `start` when none does."""
    needle = str(value)
    for number in range(start, min(len(lines), start + 200) + 1):
        if needle in lines[number - 1]:
            return number
    return start


class _Checker:
    def __init__(self, graph: nx.MultiDiGraph, display: str, text: str):
        self.graph, self.display, self.lines = graph, display, text.splitlines()
        self.index = StoryActors(graph)
        self.problems = ProblemList()

    def add(self, line: int, context: str, fld: str, message: str) -> None:
        self.problems.add(self.display, line, context, fld, message)

    def actor(self, value, line: int, context: str, fld: str) -> str | None:
        found = self.index.find(value) if isinstance(value, str) else None
        if found is None:
            where = _line_of(self.lines, line, value)
            self.add(where, context, fld, f"{value!r} is not an actor in the data{suggest(str(value), self.index.choices)}")
        return found

    def step(self, raw, number: int) -> StoryStep | None:
        if not isinstance(raw, dict):
            self.add(0, f"step {number}", "", "must be a mapping with title, text, actors, links, date")
            return None
        line, lines = raw["__line__"], raw["__lines__"]
        context = f"step {number}"
        for key in lines:
            if key not in STEP_FIELDS:
                self.add(lines[key], context, key, f"is not a step field ({', '.join(STEP_FIELDS)})")
        title, text = raw.get("title"), raw.get("text")
        for name, value in (("title", title), ("text", text)):
            if not isinstance(value, str) or not value.strip():
                self.add(lines.get(name, line), context, name, "must be non-empty text")
        actors_raw = raw.get("actors") or []
        if not isinstance(actors_raw, list):
            self.add(lines.get("actors", line), context, "actors", "must be a list of ids, names or aliases")
            actors_raw = []
        actors = [self.actor(a, lines.get("actors", line), context, "actors") for a in actors_raw]
        links = self.links(raw.get("links") or [], lines.get("links", line), context)
        date = raw.get("date")
        if date is not None:
            try:
                check_date(str(date))
            except ValueError as exc:
                self.add(lines.get("date", line), context, "date", str(exc))
        return StoryStep(str(title or ""), str(text or ""), [a for a in actors if a], links,
                         str(date) if date is not None else None)

    def links(self, raw, line: int, context: str) -> list[tuple[str, str, str]]:
        if not isinstance(raw, list):
            self.add(line, context, "links", "must be a list of {from, type, to}")
            return []
        found = []
        for item in raw:
            if not isinstance(item, dict) or any(k not in item for k in LINK_FIELDS):
                self.add(line, context, "links", "each link needs from, type and to")
                continue
            where = item["__line__"]
            a = self.actor(item["from"], where, context, "links.from")
            b = self.actor(item["to"], where, context, "links.to")
            if a is None or b is None:
                continue
            types = sorted({p.get("type") for _, t, p in self.graph.out_edges(a, data=True) if t == b})
            if item["type"] not in types:
                there = f"; links from {a} to {b}: {', '.join(types)}" if types else f"; no link from {a} to {b} at all"
                self.add(item["__lines__"].get("type", where), context, "links.type",
                         f"{item['type']!r} is not a link in the data{suggest(str(item['type']), types)}{there}")
                continue
            found.append((a, item["type"], b))
        return found


def read_story(path: str | Path, graph: nx.MultiDiGraph) -> Story:
    """The story in `path`, every actor and link checked against `graph`; InvalidDataset lists every problem."""
    path = Path(path)
    if not path.is_file():
        raise GraphkitError(f"--story: {path}: no such file")
    display = display_path(path)
    problems = ProblemList()
    text = decode_text(path.read_bytes(), display, problems)
    data = parse_yaml(text, display, problems) if text is not None else None
    problems.raise_if_any()
    checker = _Checker(graph, display, text or "")
    lines = (data or {}).get("__lines__", {})
    title = (data or {}).get("title")
    if not isinstance(title, str) or not title.strip():
        checker.add(lines.get("title", 1), "story", "title", "must be non-empty text")
    steps_raw = (data or {}).get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        checker.add(lines.get("steps", 1), "story", "steps", "must be a list of at least one step")
        steps_raw = []
    steps = [checker.step(raw, n) for n, raw in enumerate(steps_raw, 1)]
    checker.problems.raise_if_any()
    return Story(str(title), [s for s in steps if s is not None])
