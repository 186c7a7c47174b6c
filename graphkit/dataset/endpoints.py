"""The endpoints of relationships as numbers, and the rows that may share a relationship id.

Both endpoint columns are dictionary-encoded at once: one table of the distinct ids they name
and a number per row and end. The numbers find the rows that may state the same claim twice
(without hashing every relationship id) and look the endpoints up among the entities (one
look-up per distinct id).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..first_seen import first_seen_values
from .repeated_ids import Duplicates

ENDS = ("source", "target")
MAX_BUCKET_BITS = 21  # at most 2M buckets per round: after three rounds few unrelated pairs of endpoints still share one
HASH_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)  # odd 64-bit constants, one per round


@dataclass
class Endpoints:
    """The distinct values of both ends (null included) and, per end and row, the position of its value among them."""

    distinct: pa.Array
    codes: dict[str, np.ndarray]

    @classmethod
    def of(cls, rels: pa.Table) -> "Endpoints":
        # one dictionary for both ends: they mostly name the same ids, which are then looked up once
        columns = [rels.column(end) for end in ENDS]
        both = pa.chunked_array([chunk for column in columns for chunk in column.chunks], columns[0].type)
        codes, distinct = first_seen_values(both)
        return cls(distinct, {ENDS[0]: codes[:rels.num_rows], ENDS[1]: codes[rels.num_rows:]})

    def kept(self, duplicates: Duplicates) -> "Endpoints":
        """The endpoints of the rows `duplicates.apply` keeps, in its order: the rows with a key of their
        own, then the merged rows."""
        return Endpoints(self.distinct, {end: np.concatenate([codes[duplicates.groups.single_rows],
                                                              self._merged_codes(end, duplicates)])
                                         for end, codes in self.codes.items()})

    def _merged_codes(self, end: str, duplicates: Duplicates) -> np.ndarray:
        """The codes of the merged rows' `end`: each value is one of its group's, so it is looked up
        among the few grouped rows rather than among every distinct value."""
        at = pc.index_in(duplicates.merged.column(end), duplicates.grouped.column(end))
        return self.codes[end][duplicates.groups.rows][at.to_numpy(zero_copy_only=False)]

    def rows_of(self, end: str, of_distinct: pa.Array) -> pa.Array:
        """Per row, the value `of_distinct` gives its `end` value (one per distinct value, in their order)."""
        return pc.take(of_distinct, pa.array(self.codes[end]))


def rid_candidates(rels: pa.Table, rid: pa.ChunkedArray, endpoints: Endpoints) -> np.ndarray:
    """Rows whose relationship id may equal another row's; every other row's id is unique.

    A relationship id starts `source|type|target|`. When source, type and target hold no '|'
    and neither end is null, the id determines both ends, so rows with equal ids have equal
    (source, target) pairs: only rows whose pair may occur twice can share an id. Rows that
    break that rule are candidates, with every row whose id equals one of theirs.
    """
    irregular = _irregular(rels, endpoints)
    pair = endpoints.codes["source"].astype(np.int64) * (len(endpoints.distinct) + 1) + endpoints.codes["target"]
    candidates = _may_repeat(pair) | irregular
    if irregular.any():
        odd_ids = pc.unique(rid.filter(pa.array(irregular)))
        candidates |= pc.is_in(rid, odd_ids).to_numpy(zero_copy_only=False)
    return candidates


def _irregular(rels: pa.Table, endpoints: Endpoints) -> np.ndarray:
    """Rows with a null end, or a '|' in source, type or target (each distinct value looked at once)."""
    bad = np.zeros(rels.num_rows, bool)
    distinct = endpoints.distinct
    odd = pc.or_kleene(pc.is_null(distinct), pc.match_substring(distinct, "|")).to_numpy(zero_copy_only=False)
    if odd.any():
        for end in ENDS:
            bad |= odd[endpoints.codes[end]]
    types = pc.drop_null(pc.unique(rels.column("type")))
    odd_types = types.filter(pc.match_substring(types, "|"))
    if len(odd_types):
        bad |= pc.is_in(rels.column("type"), odd_types).to_numpy(zero_copy_only=False)
    return bad


def _may_repeat(keys: np.ndarray) -> np.ndarray:
    """True for every key that occurs more than once, and for few others (those that share buckets).

    >>> _may_repeat(np.array([5, 7, 5, 11])).tolist()
    [True, False, True, False]
    """
    maybe = np.ones(len(keys), bool)
    for multiplier in HASH_MULTIPLIERS:
        rows = np.flatnonzero(maybe)
        bits = _bucket_bits(n_keys=len(rows))
        bucket = ((keys[rows].astype(np.uint64) * np.uint64(multiplier)) >> np.uint64(64 - bits)).astype(np.int64)
        maybe[rows] = np.bincount(bucket, minlength=1 << bits)[bucket] > 1
    return maybe


def _bucket_bits(n_keys: int) -> int:
    """Enough bits for four to eight buckets per key, at most MAX_BUCKET_BITS: a few rows need no 2M-bucket count.

    >>> _bucket_bits(3), _bucket_bits(1000), _bucket_bits(10_000_000)
    (4, 12, 21)
    """
    return max(4, min(MAX_BUCKET_BITS, (4 * n_keys).bit_length()))
