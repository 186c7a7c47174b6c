"""Rows that share a key (an id, a relationship id) state one thing: merge them into one row.

Finding the rows is one hash pass over the key column; only the rows whose key occurs more
than once are then looked at, column by column.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ProblemList
from ..first_seen import first_seen, first_seen_codes
from .parallel import each, release_memory

CITATIONS = ("source_ids", "quotes")


@dataclass
class Groups:
    """Where the rows that share a key are, grouped by key in the order keys first appear."""

    rows: np.ndarray  # table rows that share their key, group after group, in table order within a group
    starts: np.ndarray  # where each group begins in `rows`
    single_rows: np.ndarray  # table rows whose key occurs once

    def group_of(self) -> np.ndarray:
        """The group of each entry of `rows`."""
        sizes = np.diff(np.append(self.starts, len(self.rows)))
        return np.repeat(np.arange(len(self.starts)), sizes)


@dataclass
class Duplicates:
    """The rows of a table that share a key, and the one merged row of each group."""

    groups: Groups
    grouped: pa.Table  # the rows of `groups.rows`, in that order
    merged: pa.Table

    def apply(self, columns: list[pa.ChunkedArray], schema: pa.Schema) -> pa.Table:
        """The rows with a key of their own, in order, then the merged rows, as one chunk per column.

        `columns` (the table's columns) is emptied as each column is copied, so that memory
        held only by the list is freed column by column.
        """
        keep = _flags(len(columns[0]), self.groups.single_rows)

        def copy(i: int) -> pa.Array:
            column, columns[i] = columns[i], None
            chunks = column.chunks
            del column
            copied = pa.concat_arrays(_filtered(chunks, keep) + self.merged.column(i).chunks)
            release_memory()
            return copied

        return pa.Table.from_arrays(each(copy, range(len(columns))), schema=schema)


def _filtered(chunks: list[pa.Array], keep: np.ndarray) -> list[pa.Array]:
    """Each chunk's rows where `keep` is true; `chunks` is emptied as it goes, freeing each chunk once filtered."""
    out, start = [], 0
    for i in range(len(chunks)):
        chunk, chunks[i] = chunks[i], None
        out.append(_filter_chunk(chunk, keep[start:start + len(chunk)]))
        start += len(chunk)
    return out


def _filter_chunk(chunk: pa.Array, keep: np.ndarray) -> pa.Array:
    """chunk.filter(keep); a list chunk without nulls is filtered through its values (quicker in Arrow)."""
    if not pa.types.is_list(chunk.type) or chunk.null_count:
        return chunk.filter(pa.array(keep))
    lengths = np.diff(chunk.offsets.to_numpy())
    values = chunk.flatten().filter(pa.array(np.repeat(keep, lengths)))
    return pa.ListArray.from_arrays(pa.array(np.append(0, np.cumsum(lengths[keep])).astype(np.int32)), values)


def _flags(n: int, rows: np.ndarray) -> np.ndarray:
    """n flags, true at `rows`."""
    flags = np.zeros(n, bool)
    flags[rows] = True
    return flags


def merge_duplicates(table: pa.Table, key: str, kind: str, problems: ProblemList) -> pa.Table:
    """Rows that share `key` state one thing: merge their citations, or report a conflict.

    Conflicting data (the same id with another name, say) is an error naming both places.
    Rows with a key of their own keep their order; the merged rows follow, in the order
    their keys first appear.
    """
    duplicates = find_duplicates(table, key, kind, problems)
    return duplicates.apply(table.columns, table.schema) if duplicates else table


def find_duplicates(table: pa.Table, key: str, kind: str, problems: ProblemList,
                    candidates: np.ndarray | None = None) -> Duplicates | None:
    """The groups of rows that share `key` merged into one row each, conflicts reported; None if none.

    `candidates` (one flag per row), when given, marks the only rows whose key may occur twice.
    """
    groups = duplicate_groups(table.column(key), candidates)
    if groups is None:
        return None
    grouped = _rows(table, groups.rows)
    return Duplicates(groups, grouped, _merge_groups(grouped, groups, key, kind, problems))


def _rows(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """The given rows of the table, in that order (a few rows: picked chunk by chunk, then put in order)."""
    picked = table.filter(pa.array(_flags(table.num_rows, rows))).combine_chunks()
    return picked.take(pa.array(np.argsort(np.argsort(rows, kind="stable"), kind="stable")))


def duplicate_groups(keys: pa.ChunkedArray, candidates: np.ndarray | None = None) -> Groups | None:
    """The groups of rows that share a key (a null key counts as a key); None when every key is unique.

    `candidates` (one flag per row), when given, marks the only rows whose key may occur twice.
    """
    looked_at = np.arange(len(keys)) if candidates is None else np.flatnonzero(candidates)
    codes = first_seen_codes(keys if candidates is None else keys.filter(pa.array(candidates)))
    counts = np.bincount(codes)
    if len(counts) == len(codes):
        return None
    shared = counts[codes] > 1
    # codes number keys in the order they first appear, so sorting by code orders the groups that way
    shared_at = np.flatnonzero(shared)
    by_group = shared_at[np.argsort(codes[shared_at], kind="stable")]
    rows, row_codes = looked_at[by_group], codes[by_group]
    starts = np.flatnonzero(np.append(True, row_codes[1:] != row_codes[:-1]))
    single = np.ones(len(keys), bool)
    single[rows] = False
    return Groups(rows, starts, np.flatnonzero(single))


def _merge_groups(rows: pa.Table, groups: Groups, key: str, kind: str, problems: ProblemList) -> pa.Table:
    """One row per group: the first row, gaps filled from later rows, citations joined."""
    group_of = groups.group_of()
    columns = []
    for field in rows.schema:
        col = rows.column(field.name).combine_chunks()
        if field.name in CITATIONS:
            columns.append(None)
        elif field.name == key or field.name.startswith("_"):
            columns.append(col.take(pa.array(groups.starts)))
        else:
            columns.append(_merge_column(rows, col, field.name, group_of, groups.starts, key, kind, problems))
    if CITATIONS[0] in rows.column_names:
        for name, values in zip(CITATIONS, _merge_citations(rows, group_of, len(groups.starts))):
            columns[rows.column_names.index(name)] = values
    return pa.Table.from_arrays(columns, schema=rows.schema)


def _merge_column(rows: pa.Table, col: pa.Array, name: str, group_of: np.ndarray, starts: np.ndarray,
                  key: str, kind: str, problems: ProblemList) -> pa.Array:
    """Each group's first non-null value; a later non-null value that differs is a conflict."""
    filled_from = _first_valid(col, group_of, len(starts))
    later = np.flatnonzero(_valid(col) & (np.arange(len(col)) > filled_from[group_of]))
    if len(later):
        earlier = filled_from[group_of[later]]
        differ = _differ(col, later, earlier)
        for row, first in zip(later[differ].tolist(), earlier[differ].tolist()):
            _report_conflict(rows, row, first, int(starts[group_of[row]]), name, key, kind, problems)
    return col.take(pa.array(filled_from, mask=filled_from < 0))


def _valid(col: pa.Array) -> np.ndarray:
    return pc.is_valid(col).to_numpy(zero_copy_only=False)


def _first_valid(col: pa.Array, group_of: np.ndarray, n_groups: int) -> np.ndarray:
    """Row of the first non-null value of each group; -1 where a group holds only nulls."""
    valid_rows = np.flatnonzero(_valid(col))
    first = np.full(n_groups, -1, np.int64)
    groups_with_value, at = np.unique(group_of[valid_rows], return_index=True)
    first[groups_with_value] = valid_rows[at]
    return first


def _differ(col: pa.Array, rows: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Whether the value of each of `rows` differs from the value at the matching one of `others`."""
    a, b = col.take(pa.array(rows)), col.take(pa.array(others))
    if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
        return np.array([x != y for x, y in zip(a.to_pylist(), b.to_pylist())], bool)
    return pc.not_equal(a, b).to_numpy(zero_copy_only=False)


def _report_conflict(rows: pa.Table, row: int, first: int, group_start: int, name: str, key: str, kind: str,
                     problems: ProblemList) -> None:
    value, kept = rows.column(name)[row].as_py(), rows.column(name)[first].as_py()
    where = f"{rows.column('_file')[group_start].as_py()}:{rows.column('_line')[group_start].as_py()}"
    problems.add(rows.column("_file")[row].as_py(), rows.column("_line")[row].as_py(),
                 f"{kind} {rows.column(key)[row].as_py()}", name, f"{value!r} conflicts with {kept!r} at {where} (same id)")


def _merge_citations(rows: pa.Table, group_of: np.ndarray, n_groups: int) -> tuple[pa.Array, pa.Array]:
    """Each group's citations: the first row's, then each (source, quote) pair of later rows not yet cited."""
    source_ids, quotes = rows.column("source_ids").combine_chunks(), rows.column("quotes").combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(source_ids), 0)
    if not pc.all(pc.equal(lengths, pc.fill_null(pc.list_value_length(quotes), 0))).as_py():
        return _merge_citations_row_by_row(source_ids, quotes, group_of)
    flat_ids, flat_quotes = pc.list_flatten(source_ids), pc.list_flatten(quotes)
    row_of = np.repeat(np.arange(len(source_ids)), lengths.to_numpy(zero_copy_only=False))
    group = group_of[row_of]
    keep = _is_first_of_group(group_of)[row_of] | first_seen(group, flat_ids, flat_quotes)
    offsets = pa.array(np.append(0, np.cumsum(np.bincount(group[keep], minlength=n_groups))).astype(np.int32))
    kept = pa.array(keep)
    return pa.ListArray.from_arrays(offsets, flat_ids.filter(kept)), pa.ListArray.from_arrays(offsets, flat_quotes.filter(kept))


def _is_first_of_group(group_of: np.ndarray) -> np.ndarray:
    return np.append(True, group_of[1:] != group_of[:-1]) if len(group_of) else np.zeros(0, bool)


def _merge_citations_row_by_row(source_ids: pa.Array, quotes: pa.Array, group_of: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """`_merge_citations` for rows whose lists of sources and quotes differ in length: pairs as zip makes them."""
    ids_of, quotes_of = source_ids.to_pylist(), quotes.to_pylist()
    merged: list[list[tuple]] = []
    for row, first in enumerate(_is_first_of_group(group_of).tolist()):
        pairs = list(zip(ids_of[row] or [], quotes_of[row] or []))
        if first:
            merged.append(pairs)
            continue
        for pair in pairs:
            if pair not in merged[-1]:
                merged[-1].append(pair)
    return (pa.array([[p[0] for p in pairs] for pairs in merged], source_ids.type),
            pa.array([[p[1] for p in pairs] for pairs in merged], quotes.type))
