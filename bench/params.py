"""Parameters for the named queries, picked from a generated dataset's rows.

Busy-but-not-extreme actors (the 99th percentile of links), a pilot area with
advisers, a pair that shares a neighbour, and a pair four steps apart: the kind of
question a researcher asks, not the single largest hub.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SEED = 7


def _degrees(rels: pa.Table, ids: pa.Array) -> np.ndarray:
    ends = pa.concat_arrays([rels.column("source").combine_chunks(), rels.column("target").combine_chunks()])
    idx = pc.index_in(ends, ids).to_numpy(zero_copy_only=False)
    return np.bincount(idx.astype(np.int64), minlength=len(ids))


def _busy(candidates: np.ndarray, degree: np.ndarray, quantile: float = 0.99) -> int:
    deg = degree[candidates]
    target = np.quantile(deg, quantile)
    return int(candidates[np.argmin(np.abs(deg - target))])


def _adjacency(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.concatenate([src, dst]), np.concatenate([dst, src])
    order = np.argsort(a, kind="stable")
    starts = np.searchsorted(a[order], np.arange(n + 1))
    return starts, b[order]


def _walk(start: int, steps: int, starts, neighbours, rng) -> int:
    seen, here = {start}, start
    for _ in range(steps):
        options = [x for x in neighbours[starts[here]:starts[here + 1]] if x not in seen]
        if not options:
            break
        here = int(options[rng.integers(len(options))])
        seen.add(here)
    return here


def query_params(entities: pa.Table, rels: pa.Table) -> dict[str, dict]:
    """{query name: params} for every named query that needs more than its defaults."""
    rng = np.random.default_rng(SEED)
    ids = pc.unique(entities.column("id").combine_chunks())
    first = pc.index_in(ids, entities.column("id").combine_chunks()).to_numpy()
    labels = entities.column("label").combine_chunks().take(pa.array(first)).to_numpy(zero_copy_only=False)
    kinds = entities.column("kind").combine_chunks().take(pa.array(first)).to_numpy(zero_copy_only=False)
    degree = _degrees(rels, ids)
    src = pc.index_in(rels.column("source"), ids).to_numpy(zero_copy_only=False).astype(np.int64)
    dst = pc.index_in(rels.column("target"), ids).to_numpy(zero_copy_only=False).astype(np.int64)
    rtype = rels.column("type").to_numpy(zero_copy_only=False)
    starts, neighbours = _adjacency(src, dst, len(ids))
    id_of = ids.to_pylist()

    orgs = np.flatnonzero(labels == "Organisation")
    actor = _busy(orgs, degree)
    advised = dst[np.isin(rtype, ["ADVISES", "SUPPORTS"]) & (kinds[dst] == "pilot_area")]
    pilot = int(np.bincount(advised).argmax()) if len(advised) else int(orgs[0])
    buyers = np.unique(src[rtype == "COMMISSIONED"])
    buyer = _busy(buyers, np.bincount(src[rtype == "COMMISSIONED"], minlength=len(ids)))
    cited_twice = pc.value_counts(pc.binary_join_element_wise(rels.column("source"), rels.column("type"),
                                                              rels.column("target"), "|"))
    twice = cited_twice.filter(pc.greater(cited_twice.field("counts"), 1)).field("values")
    claim_a, _, claim_b = (twice[0].as_py() if len(twice) else f"{id_of[src[0]]}||{id_of[dst[0]]}").split("|")
    hub = _busy(orgs, degree, 0.999)
    around = neighbours[starts[hub]:starts[hub + 1]]
    pair = rng.choice(np.unique(around), 2, replace=False) if len(np.unique(around)) > 1 else (src[0], dst[0])
    people = np.flatnonzero((labels == "Person") & (degree > 0))
    walker = int(rng.choice(people))
    far = _walk(walker, 4, starts, neighbours, rng)
    return {
        "actor-footprint": {"actor": id_of[actor]},
        "advisers-of-pilot": {"pilot": id_of[pilot]},
        "claim-sources": {"a": claim_a, "b": claim_b},
        "common-neighbours": {"a": id_of[int(pair[0])], "b": id_of[int(pair[1])]},
        "department-contracts": {"buyer": id_of[buyer]},
        "shortest-path": {"a": id_of[walker], "b": id_of[far]},
        "_add": {"source": id_of[_busy(np.flatnonzero(kinds == "consultancy"), degree, 0.5)],
                 "target": id_of[_busy(np.flatnonzero(kinds == "council"), degree, 0.5)]},
    }
