"""Read the documented CSV files column by column with pyarrow.

entities*.csv:      id,label,kind,name,aliases,description,source_id,quote
relationships*.csv: source,type,target,amount_gbp,vat,start_date,end_date,role,evidence,source_id,quote
sources*.csv:       id,url,title,publisher,date

Entities and relationships CSV may hold further columns: the ontology's other fields of each
(`field_columns`, `link_field_columns`), checked by their type.

Aliases are separated by '|'. Every check is a vectorised compute over a whole
column; rows are only visited to word the problems found.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..model import values
from ..model.ontology import Ontology
from ..errors import ProblemList
from .csv_checks import CONTROL_CHARACTERS, Checker, check_dates, field_column, numbers, typed_column  # noqa: F401 - the rule tests read
from ..model.tables import STR_LIST, conform, entity_schema, relationship_schema, source_schema, with_relationship_ids
from .yaml_reader import decode_text

HEADERS = {
    "entities": ["id", "label", "kind", "name", "aliases", "description", "source_id", "quote"],
    "relationships": ["source", "type", "target", "amount_gbp", "vat", "start_date", "end_date",
                      "role", "evidence", "source_id", "quote"],
    "sources": ["id", "url", "title", "publisher", "date"],
}
REQUIRED = {
    "entities": ["id", "label", "kind", "name", "source_id", "quote"],
    "relationships": ["source", "type", "target", "source_id", "quote"],
    "sources": ["id"],
}
FREE_TEXT = {  # columns no other check constrains: none may hold control characters (stores rely on it)
    "entities": ["name", "aliases", "description", "quote"],
    "relationships": ["role", "quote"],
    "sources": ["url", "title", "publisher"],
}
BLOCK_SIZE = 1 << 22  # bytes per parse block (a file parsed on all cores is split into blocks)
BOM = b"\xef\xbb\xbf"
REFUSED_BYTES = [b for b in [*range(0x20), 0x7F] if b not in b"\t\n\r"]  # the bytes CONTROL_CHARACTERS matches


def field_columns(onto: Ontology) -> dict[str, str]:
    """Further columns an entities CSV may hold: the ontology's entity fields (name -> field type),
    e.g. a contract's `value_gbp`, `start_date`, `ocid`.

    >>> from graphkit.model.ontology import load_ontology
    >>> cols = field_columns(load_ontology()); cols["value_gbp"], cols["start_date"], "name" in cols
    ('number', 'date', False)
    """
    fields = {**onto.node_fields, **onto.extra_node_fields}
    return {n: f.type for n, f in fields.items() if n not in HEADERS["entities"]}


def link_field_columns(onto: Ontology) -> dict[str, str]:
    """Further columns a relationships CSV may hold: the ontology's relationship fields without a
    column of their own (name -> field type), e.g. `description`.

    >>> from graphkit.model.ontology import load_ontology
    >>> link_field_columns(load_ontology())
    {'description': 'text'}
    """
    return {n: f.type for n, f in onto.relationship_fields.items() if n not in HEADERS["relationships"]}


def further_columns(section: str, onto: Ontology) -> dict[str, str]:
    """The further columns (name -> field type) a CSV file of `section` may hold."""
    return field_columns(onto) if section == "entities" else link_field_columns(onto) if section == "relationships" else {}


def text_convert_options(onto: Ontology | None = None, **options) -> pacsv.ConvertOptions:
    """Every documented column (and field column, given `onto`) read as text; only a blank, unquoted
    field is missing ("NA", "N/A", "null" and "NaN" are text: an alias, a quote)."""
    names = [h for headers in HEADERS.values() for h in headers]
    names += [h for section in HEADERS for h in (further_columns(section, onto) if onto else ())]
    return pacsv.ConvertOptions(column_types={h: pa.string() for h in names},
                                strings_can_be_null=True, quoted_strings_can_be_null=False, null_values=[""],
                                **options)


def csv_section(path: Path) -> str | None:
    """Which table a CSV file holds, from its name (entities*.csv …)."""
    for section in HEADERS:
        if path.name.startswith(section) and path.suffix.lower() == ".csv":
            return section
    return None


def read_csv_table(path: Path, display: str, onto: Ontology, problems: ProblemList,
                   space: ReadSpace | None = None, threads: bool = True) -> tuple[str, pa.Table | None]:
    """The checked table of one CSV file, one chunk per column; `space` (reused from file to file) holds
    its bytes meanwhile.

    `threads`: parse on all cores (else in the calling thread, when files are read side by side).
    """
    section = csv_section(path) or "entities"
    raw = _without_bom((space or ReadSpace()).read(path))
    if not _is_utf8(raw):
        decode_text(raw.to_pybytes(), display, problems)
        return section, None
    if _is_blank_bytes(raw):
        problems.add(display, 1, "", "", f"is empty; expected the header {','.join(HEADERS[section])}")
        return section, None
    table = _parse(raw, display, section, problems, threads, onto)
    if table is None:
        return section, None
    checked = _check(table, raw, display, section, onto, problems)
    del table  # parsed columns the checked table does not keep are freed before it is copied
    # One buffer per column instead of one per parse block: the blocks' buffers, spread over the
    # memory the parse used, are then freed whole, and the merge of files works on fewer chunks.
    return section, checked.combine_chunks()


class ReadSpace:
    """Memory for the bytes of one file at a time: reading file after file into it needs no new memory."""

    def __init__(self) -> None:
        self.space = np.empty(0, np.uint8)

    def read(self, path: Path) -> pa.Buffer:
        """The whole file; valid until the next read."""
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if len(self.space) <= size:
                self.space = np.empty(size + 1, np.uint8)
            got = file.readinto(self.space)
        if got == len(self.space):  # the file grew while it was read
            return pa.py_buffer(path.read_bytes())
        return pa.py_buffer(self.space[:got])


def _without_bom(raw: pa.Buffer) -> pa.Buffer:
    return raw.slice(len(BOM)) if raw[:len(BOM)].to_pybytes() == BOM else raw


def _is_utf8(raw: pa.Buffer) -> bool:
    """Whether the bytes are valid UTF-8, checked in place by Arrow (no decoded copy)."""
    offsets = pa.array([0, raw.size], pa.int64()).buffers()[1]
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, raw])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _is_blank_bytes(raw: pa.Buffer) -> bool:
    """Whether the bytes hold nothing but ASCII whitespace (what bytes.strip removes)."""
    head = raw[:4096].to_pybytes()
    if not head.isspace():
        return not head
    return raw.to_pybytes().isspace()


def _parse(raw: pa.Buffer, display: str, section: str, problems: ProblemList, threads: bool,
           onto: Ontology) -> pa.Table | None:
    try:
        table = pacsv.read_csv(
            pa.BufferReader(raw),
            read_options=pacsv.ReadOptions(autogenerate_column_names=False, block_size=BLOCK_SIZE, use_threads=threads),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            # the whole file was checked as UTF-8, so every field is: no second check per value
            convert_options=text_convert_options(onto, check_utf8=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        line, msg = _locate_csv_fault(raw.to_pybytes())
        problems.add(display, line, "", "", msg or f"is not valid CSV: {exc}")
        return None
    header = table.column_names
    allowed = HEADERS[section] + list(further_columns(section, onto))
    unknown = [h for h in header if h not in allowed]
    missing = [h for h in REQUIRED[section] if h not in header]
    for h in unknown:
        problems.add(display, 1, "header", h, f"is not a column of {section} CSV ({','.join(HEADERS[section])})")
    for h in missing:
        problems.add(display, 1, "header", h, "column is missing")
    if unknown or missing:
        return None
    for h in HEADERS[section]:
        if h not in header:
            table = table.append_column(h, pa.nulls(table.num_rows, pa.string()))
    return unguard_text_columns(table)


GUARDED_COLUMNS = ("name", "aliases", "description", "quote", "role", "title", "publisher")
UNGUARD = (r"^'('*[=+\-@\t\r])", r"\1")  # `graphkit export csv`'s formula guard, taken off again


def unguard_text_columns(table: pa.Table) -> pa.Table:
    """Text cells written with the spreadsheet formula guard (`'=…`) read as they were (a look first, cheap)."""
    for name in GUARDED_COLUMNS:
        if name in table.column_names and pc.any(pc.starts_with(table.column(name), "'")).as_py():
            table = table.set_column(table.column_names.index(name), name,
                                     pc.replace_substring_regex(table.column(name), *UNGUARD))
    return table


def _locate_csv_fault(raw: bytes) -> tuple[int, str]:
    """Find the first malformed row with the stdlib reader, which counts lines."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    try:
        width = len(next(reader))
        for row in reader:
            if row and len(row) != width:
                return reader.line_num, f"has {len(row)} fields, the header has {width}"
    except csv.Error as exc:
        return reader.line_num, f"is not valid CSV: {exc}"
    return 0, ""


def _line_numbers(table: pa.Table, newlines: int) -> pa.Array:
    """Line of each row: header is line 1; quoted newlines (more `newlines` than rows) push later rows down."""
    base = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    if newlines <= table.num_rows + 1:
        return base
    extra = None
    for col in table.columns:
        n = pc.fill_null(pc.count_substring(col, "\n"), 0)
        extra = n if extra is None else pc.add(extra, n)
    shifted = pc.cumulative_sum(extra.combine_chunks())
    before = pc.subtract(shifted, extra.combine_chunks())
    return pc.add(base, pc.cast(before, pa.int64()))


def _count_control_bytes(raw: pa.Buffer, step: int = 1 << 20) -> tuple[int, int]:
    """How many newline bytes the file holds, and how many bytes CONTROL_CHARACTERS refuses
    (REFUSED_BYTES: below 0x20 other than tab, newline and carriage return, or 0x7f), counted a
    slice at a time (no copy of the file) by comparisons, three times faster than a histogram of
    every byte. Every refused character is one byte in UTF-8, so when there are none no value of
    the file holds one and the per-column scan is skipped.

    >>> _count_control_bytes(pa.py_buffer(b"a,b\\r\\nx\\ty,\\x7f\\x00\\n"))
    (2, 2)
    """
    data = np.frombuffer(raw, dtype=np.uint8)
    newlines = refused = 0
    for at in range(0, len(data), step):
        part = data[at:at + step]
        tabs, lines, returns = (np.count_nonzero(part == byte) for byte in b"\t\n\r")
        newlines += lines
        refused += np.count_nonzero(part < 0x20) + np.count_nonzero(part == 0x7F) - tabs - lines - returns
    return int(newlines), int(refused)


def _origin(display: str, lines: pa.Array) -> dict[str, pa.Array]:
    """The _file and _line columns of a file's rows."""
    return {"_file": pa.repeat(pa.scalar(display, pa.string()), len(lines)), "_line": lines}


def _check(table, raw, display, section, onto, problems) -> pa.Table:
    newlines, refused_bytes = _count_control_bytes(raw)
    lines = _line_numbers(table, newlines)
    ctx = {"entities": "id", "relationships": "type", "sources": "id"}[section]
    table = table.set_column(table.column_names.index(ctx), ctx, pc.utf8_trim_whitespace(table.column(ctx)))
    chk = Checker(table, lines, display, ctx, section, problems)
    for col in REQUIRED[section]:
        chk.required(col)
    if refused_bytes:
        for col in FREE_TEXT[section]:
            chk.plain_text(col)
    if section == "sources":
        chk.ids("id", lambda v: f"{v!r} is not a valid id")
        chk.pattern("url", values.URL_PATTERN, lambda v: f"{v!r} is not an http(s) URL")
        check_dates(chk, ["date"])
        out = {name: table.column(name) for name in HEADERS["sources"]}
        return conform(pa.table({**out, **_origin(display, lines)}), source_schema(onto))
    if section == "entities":
        return _entities(table, lines, display, onto, chk)
    return _relationships(table, lines, display, onto, chk)


def _citations(table: pa.Table) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """Each row's one citation as lists of one source id and one quote."""
    return _one_item_lists(pc.utf8_trim_whitespace(table.column("source_id"))), _one_item_lists(table.column("quote"))


def _one_item_lists(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each value wrapped in a list of one (a null value becomes [null]); the values are not copied."""
    return pa.chunked_array([pa.FixedSizeListArray.from_arrays(chunk, 1).cast(STR_LIST) for chunk in col.chunks], STR_LIST)


def _entities(table, lines, display, onto, chk) -> pa.Table:
    chk.ids("id", lambda v: f"{v!r} is not a valid id (lowercase letters, digits, '-', '.', '_', ':')")
    chk.one_of("label", onto.labels, lambda v: f"{v!r} is not a known label ({', '.join(onto.labels)})")
    pairs = [f"{lab}:{k}" for lab, spec in onto.labels.items() for k in spec.kinds]
    label_kind = pc.binary_join_element_wise(table.column("label"), table.column("kind"), ":")
    known_label = pc.is_in(table.column("label"), pa.array(list(onto.labels)))
    bad_kind = pc.and_kleene(pc.and_kleene(known_label, pc.is_valid(table.column("kind"))),
                       pc.invert(pc.is_in(label_kind, pa.array(pairs))))
    chk.report(bad_kind, "kind", lambda v: f"{v!r} is not a kind of this label")
    source_ids, quotes = _citations(table)
    out = pa.table({
        "id": table.column("id"), "label": pc.utf8_trim_whitespace(table.column("label")),
        "kind": pc.utf8_trim_whitespace(table.column("kind")), "name": pc.utf8_trim_whitespace(table.column("name")),
        "aliases": _aliases(table.column("aliases")), "description": table.column("description"),
        "source_ids": source_ids, "quotes": quotes, **_origin(display, lines),
        **{name: field_column(chk, name, kind, onto) for name, kind in field_columns(onto).items()
           if name in table.column_names},
    })
    return conform(out, entity_schema(onto))


def _aliases(col) -> pa.Array:
    """'a | b||c' → ['a', 'b', 'c']; blank → null."""
    text = pc.replace_substring_regex(pc.fill_null(col, ""), r"\s*\|[\s|]*", "|")
    text = pc.utf8_trim(text, characters="| \t")
    return pc.split_pattern(pc.if_else(pc.equal(text, ""), None, text), "|")


def _relationships(table, lines, display, onto, chk) -> pa.Table:
    chk.one_of("type", onto.relationships, lambda v: f"{v!r} is not a known relationship type")
    for col in ("source", "target"):
        chk.ids(col, lambda v: f"{v!r} is not a valid id")
    chk.one_of("vat", onto.enums["vat"], lambda v: f"{v!r} must be one of {', '.join(onto.enums['vat'])}")
    chk.one_of("evidence", onto.enums["evidence"], lambda v: f"{v!r} must be one of {', '.join(onto.enums['evidence'])}")
    check_dates(chk, ["start_date", "end_date"])
    amount = numbers(chk)
    source_ids, quotes = _citations(table)
    cols = {n: table.column(n) for n in ("source", "type", "target", "start_date", "end_date", "role", "vat", "evidence")}
    further = {name: typed_column(chk, name, kind, onto) for name, kind in link_field_columns(onto).items()
               if name in table.column_names}
    out = pa.table({**cols, "amount_gbp": amount, "source_ids": source_ids, "quotes": quotes, **further,
                    **_origin(display, lines)})
    return with_relationship_ids(conform(out, relationship_schema(onto)))
