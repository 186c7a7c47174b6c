"""Read YAML dataset files with the line of every record and field.

libyaml (PyYAML's C parser, as in `CSafeLoader`) turns the text into events; a small
Python composer builds the nodes from them, keeping line marks, refusing aliases (no
"billion laughs") and capping nesting depth before it recurses. Without libyaml the
pure-Python parser is used, with the same results.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..model.ontology import Ontology
from ..errors import ProblemList

try:
    from yaml._yaml import CParser as _EventParser
except ImportError:  # PyYAML built without libyaml
    _EventParser = None

MAX_DEPTH = 20
MAX_BYTES = 64 * 1024 * 1024
SECTIONS = ("sources", "entities", "relationships")


class _Lines:
    """Composer and constructor hooks: record lines, refuse aliases, cap nesting depth."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ComposerError(None, None, "YAML aliases are not allowed", event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ComposerError(None, None, f"nesting deeper than {MAX_DEPTH}", self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
        return mapping


if _EventParser is not None:
    class _LineLoader(_Lines, Composer, _EventParser, SafeConstructor, Resolver):
        """libyaml's events, composed in Python: a safe loader that keeps lines."""

        def __init__(self, stream):
            _EventParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
else:
    class _LineLoader(_Lines, yaml.SafeLoader):
        """The pure-Python safe loader, keeping lines."""


def parse_yaml(text: str, display: str, problems: ProblemList) -> dict | None:
    """Parse one YAML document; report a syntax error with its line."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe constructor, aliases refused
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(display, mark.line + 1 if mark else 0, "", "", f"invalid YAML: {exc.problem or exc}")
        return None
    except yaml.YAMLError as exc:
        problems.add(display, 0, "", "", f"invalid YAML: {exc}")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.add(display, 1, "", "", "a dataset file must be a mapping with sources/entities/relationships")
        return None
    return data


def _strip(value):
    """The record without the loader's line markers, at every depth."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _context(section: str, record: dict) -> str:
    if section == "relationships":
        return f"relationship {record.get('type', '?')}"
    if section == "sources":
        return f"source {record.get('id', '?')}"
    return f"{record.get('label', 'entity')} {record.get('id', '?')}"


def _report(exc, record: dict, display: str, context: str, problems: ProblemList) -> None:
    from ..model.records import describe_error

    lines = record.get("__lines__", {})
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        field, msg = describe_error(err)
        line = lines.get(loc[0], record["__line__"]) if loc else record["__line__"]
        if loc and loc[0] == "sources" and len(loc) > 1:
            items = record.get("sources") or []
            idx = int(loc[1]) if loc[1].isdigit() else -1
            if 0 <= idx < len(items) and isinstance(items[idx], dict):
                line = items[idx].get("__lines__", {}).get(loc[2] if len(loc) > 2 else "", items[idx]["__line__"])
        problems.add(display, line, context, field, msg)


def _model_for(section: str, record: dict, onto: Ontology, display: str, problems: ProblemList):
    from ..model.records import entity_model, relationship_model, source_model  # pydantic: only when a file is parsed

    if section == "sources":
        return source_model(onto)
    if section == "relationships":
        return relationship_model(onto)
    label = record.get("label")
    if label in onto.labels:
        return entity_model(label, onto)
    if isinstance(record.get("id"), str):
        problems.invalid_ids.add(record["id"])
    line = record.get("__lines__", {}).get("label", record["__line__"])
    known = ", ".join(onto.labels)
    problems.add(display, line, _context(section, record), "label", f"{label!r} is not a known label ({known})")
    return None


def read_yaml_records(path: Path, display: str, onto: Ontology, problems: ProblemList) -> dict[str, list[dict]]:
    """Validated records of one YAML file by section, each with _file and _line."""
    out: dict[str, list[dict]] = {s: [] for s in SECTIONS}
    if path.stat().st_size > MAX_BYTES:
        problems.add(display, 0, "", "", f"file is larger than {MAX_BYTES // 2**20} MB; split it or use CSV")
        return out
    text = decode_text(path.read_bytes(), display, problems)
    data = None if text is None else parse_yaml(text, display, problems)
    if not data:
        return out
    for key in data:
        if key not in SECTIONS and not str(key).startswith("__"):  # a key may be null or a number
            problems.add(display, data["__lines__"].get(key, 1), "", str(key), "is not a section (sources, entities, relationships)")
    for section in SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list):
            problems.add(display, data["__lines__"].get(section, 1), "", section, "must be a list")
            continue
        for record in items:
            _validate_record(section, record, display, onto, problems, out)
    return out


def _validate_record(section, record, display, onto, problems, out) -> None:
    from pydantic import ValidationError

    if not isinstance(record, dict):
        problems.add(display, 0, section, "", "each item must be a mapping")
        return
    model = _model_for(section, record, onto, display, problems)
    if model is None:
        return
    try:
        obj = model.model_validate(_strip(record))
    except ValidationError as exc:
        _report(exc, record, display, _context(section, record), problems)
        if isinstance(record.get("id"), str):
            problems.invalid_ids.add(record["id"])
        return
    row = obj.model_dump()
    if "sources" in row and section != "sources":
        cites = row.pop("sources")
        row["source_ids"] = [c["source"] for c in cites]
        row["quotes"] = [c["quote"] for c in cites]
    row["_file"], row["_line"] = display, record["__line__"]
    out[section].append(row)


def decode_text(raw: bytes, display: str, problems: ProblemList) -> str | None:
    """UTF-8 text without a BOM; a clear problem with its line when bytes are not UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(display, line, "", "", f"is not UTF-8 (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8")
        return None
