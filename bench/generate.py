"""Synthetic datasets shaped like the real one, written as the documented CSV files.

Organisations of every kind, people, programmes, reports, FOI requests, places and
contracts; contracts with a buyer and suppliers, payments and funding with amounts;
every row cites a source with a quote, and about 1 % of rows are repeated with a
second citation (the files' way of citing twice). One entity per five relationships,
one source per two entities, a fixed seed: the same size gives byte-identical files.

    python -m bench.generate --size 100k        # writes bench/data/100k/
"""
from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 20_091_128
FORMAT_VERSION = 3  # bump when the generated shape changes: stale data is regenerated
REL_FILE_ROWS = 250_000
DUPLICATE_SHARE = 0.01

LABEL_SHARES = {"Organisation": 0.40, "Person": 0.30, "Contract": 0.18, "Report": 0.06,
                "Programme": 0.02, "FOIRequest": 0.02, "Place": 0.02}
ORG_KINDS = {"company": 0.30, "consultancy": 0.08, "council": 0.10, "pilot_area": 0.02, "public_body": 0.07,
             "government_department": 0.01, "think_tank": 0.03, "academic_institute": 0.03, "union": 0.02,
             "campaign_group": 0.03, "media": 0.03, "partnership": 0.04, "charity": 0.12,
             "professional_body": 0.03, "health_body": 0.04, "police": 0.01, "fire_service": 0.01,
             "regional_body": 0.03}
OTHER_KINDS = {
    "Person": ["person"],
    "Programme": ["programme", "policy", "initiative", "duty", "review"],
    "Report": ["report", "article", "motion", "blog_post", "press_release", "web_page", "newsletter",
               "white_paper", "evaluation", "guidance", "book"],
    "Contract": ["contract", "contract", "contract", "award", "framework_agreement", "dynamic_purchasing_system",
                 "tender", "grant"],
    "FOIRequest": ["foi_request"],
    "Place": ["county", "city", "borough", "region", "nation", "district"],
}
BUYER_KINDS = ["council", "public_body", "government_department", "health_body", "police", "fire_service",
               "regional_body", "pilot_area"]

# Relationship types besides the contract pairs: (type, from pools, to pools, share, has amount).
# A pool is a label, or "Label:kind,kind" for organisations of some kinds only.
OTHER_RELS = [
    ("PAID", ["Organisation:" + ",".join(BUYER_KINDS)], ["Organisation:company,consultancy,charity"], 0.24, True),
    ("EMPLOYED_BY", ["Person"], ["Organisation"], 0.10, False),
    ("DIRECTOR_OF", ["Person"], ["Organisation:company,consultancy,charity,think_tank"], 0.06, False),
    ("MEMBER_OF", ["Organisation", "Person"], ["Organisation:partnership,professional_body,union,think_tank"], 0.05, False),
    ("PARTICIPATES_IN", ["Organisation"], ["Programme", "Organisation:partnership,pilot_area"], 0.05, False),
    ("LEADS", ["Organisation", "Person"], ["Programme", "Organisation:pilot_area,partnership"], 0.02, False),
    ("ADVISES", ["Organisation:consultancy,think_tank,academic_institute", "Person"],
     ["Organisation:council,pilot_area,government_department,public_body", "Programme"], 0.06, False),
    ("SUPPORTS", ["Organisation", "Person", "Report"], ["Programme", "Organisation", "Report"], 0.03, False),
    ("FUNDS", ["Organisation:" + ",".join(BUYER_KINDS) + ",charity"], ["Organisation", "Programme"], 0.05, True),
    ("AUTHORED", ["Organisation", "Person"], ["Report"], 0.04, False),
    ("PUBLISHED", ["Organisation:media,think_tank,union,council,government_department"], ["Report"], 0.02, False),
    ("ABOUT", ["Report"], ["Organisation", "Programme", "Contract", "Place"], 0.04, False),
    ("CRITICISES", ["Organisation:union,campaign_group,media", "Person", "Report"],
     ["Organisation", "Programme", "Contract"], 0.02, False),
    ("LOCATED_IN", ["Organisation"], ["Place"], 0.04, False),
    ("PART_OF", ["Contract"], ["Programme"], 0.03, False),
    ("REQUESTED", ["Organisation:union,campaign_group,media", "Person"], ["FOIRequest"], 0.01, False),
    ("ADDRESSED_TO", ["FOIRequest"], ["Organisation:" + ",".join(BUYER_KINDS)], 0.01, False),
    ("DISCLOSED", ["FOIRequest"], ["Contract", "Organisation", "Report"], 0.01, False),
    ("EVALUATES", ["Report", "Organisation:academic_institute,think_tank,consultancy"], ["Programme"], 0.01, False),
    ("COMMISSIONED", ["Organisation:" + ",".join(BUYER_KINDS)], ["Report"], 0.01, False),
]

WORDS = ["North", "South", "East", "West", "Central", "Shire", "Vale", "Park", "Bridge", "Ford", "Moor",
         "Castle", "Harbour", "River", "Green", "Stone", "Oak", "Ash", "Beacon", "Summit", "Civic", "Union",
         "Public", "Northgate", "Meridian", "Albion", "Pennine", "Severn", "Mercia", "Wessex", "Anglia"]
ORG_NOUNS = {"company": ["Services Ltd", "Group plc", "Solutions Ltd", "Holdings Ltd"],
             "consultancy": ["Consulting", "Advisory LLP", "Partners", "Associates"],
             "council": ["County Council", "City Council", "Borough Council", "District Council"],
             "charity": ["Trust", "Foundation", "Community Action"]}
FIRST = ["Alice", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugh", "Ines", "James", "Kate", "Liam",
         "Maya", "Nina", "Owen", "Priya", "Rhys", "Sara", "Tom", "Uma", "Victor", "Wendy", "Yusuf", "Zoe"]
LAST = ["Smith", "Jones", "Patel", "Khan", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
        "Wright", "Hughes", "Green", "Hall", "Clarke", "Lewis", "Young", "King", "Ahmed", "Murphy", "Ali"]
ROLES = ["chief executive", "director", "finance director", "adviser", "board member", "chair", "partner",
         "programme lead", "senior consultant", "trustee"]
QUOTE_OPENERS = ["The council agreed to", "We are pleased to announce that", "According to the annual report,",
                 "Minutes record that", "The contract notice states that", "In a written answer, the minister said",
                 "The evaluation found that", "Accounts show that", "The press release said"]
QUOTE_BODIES = ["the pilot would share budgets across agencies", "the supplier was appointed after open competition",
                "payments were made under the framework", "the programme would deliver savings of several million",
                "the board approved the recommendation", "a further phase was commissioned",
                "the partnership will lead the redesign of services", "consultants supported the deep dive",
                "the union opposed the outsourcing proposal", "the request was partially successful"]


@dataclass(frozen=True)
class Shape:
    """How many rows of each table a size holds."""

    relationships: int
    entities: int
    sources: int

    @classmethod
    def of(cls, size: str) -> "Shape":
        rels = SIZES[size]
        return cls(rels, rels // 5, rels // 10)


def dataset_dir(size: str, root: Path = DATA_DIR) -> Path:
    return root / size


def manifest_path(size: str, root: Path = DATA_DIR) -> Path:
    return dataset_dir(size, root) / "manifest.json"


def read_manifest(size: str, root: Path = DATA_DIR) -> dict | None:
    path = manifest_path(size, root)
    if not path.exists():
        return None
    manifest = json.loads(path.read_text())
    return manifest if manifest.get("format") == FORMAT_VERSION and manifest.get("seed") == SEED else None


def ensure_dataset(size: str, root: Path = DATA_DIR) -> dict:
    """The manifest of the size's dataset, generating the files when missing or stale."""
    return read_manifest(size, root) or generate(size, root)


class _Rows:
    """Random draws for one dataset (one generator, so the output depends on the seed alone)."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)

    def pick(self, values, n: int, p=None) -> np.ndarray:
        return self.rng.choice(np.asarray(values, dtype=object), size=n, p=p)

    def skewed(self, pool: np.ndarray, n: int) -> np.ndarray:
        """n draws from pool with a heavy head: a few hubs, a long tail (like real suppliers)."""
        u = self.rng.random(n)
        return pool[(len(pool) * u ** 3).astype(np.int64)]

    def mask(self, n: int, share: float) -> np.ndarray:
        return self.rng.random(n) < share


def _strings(values) -> pa.Array:
    return pa.array(values, pa.string())


def _with_nulls(arr: pa.Array, keep: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(keep), arr, pa.nulls(len(arr), pa.string()))


def _iso_days() -> np.ndarray:
    start = date(2005, 1, 1)
    return np.array([(start + timedelta(days=d)).isoformat() for d in range(365 * 20)], dtype=object)


def _entities(r: _Rows, shape: Shape) -> tuple[pa.Table, dict[str, np.ndarray]]:
    n = shape.entities
    counts = {lab: max(8, int(n * share)) for lab, share in LABEL_SHARES.items()}
    counts["Organisation"] += n - sum(counts.values())
    labels = np.concatenate([np.full(c, lab, dtype=object) for lab, c in counts.items()])
    kinds = np.empty(n, dtype=object)
    names = np.empty(n, dtype=object)
    ids = np.empty(n, dtype=object)
    start = 0
    for lab, c in counts.items():
        sl = slice(start, start + c)
        if lab == "Organisation":
            kinds[sl] = r.pick(list(ORG_KINDS), c, p=np.array(list(ORG_KINDS.values())) / sum(ORG_KINDS.values()))
        else:
            kinds[sl] = r.pick(OTHER_KINDS[lab], c)
        prefix = {"Organisation": "org", "Person": "person", "Contract": "contract", "Report": "report",
                  "Programme": "programme", "FOIRequest": "foi", "Place": "place"}[lab]
        ids[sl] = [f"{prefix}-{i:06d}" for i in range(c)]
        names[sl] = _names(r, lab, kinds[sl], c)
        start += c
    aliases = np.full(n, None, dtype=object)
    is_org = labels == "Organisation"
    with_alias = np.flatnonzero(is_org & r.mask(n, 0.25))
    aliases[with_alias] = [f"{names[i].split(' ')[0]} {names[i].split(' ')[1]}|{ids[i].upper()}" for i in with_alias]
    descriptions = np.full(n, None, dtype=object)
    described = np.flatnonzero(r.mask(n, 0.3))
    descriptions[described] = [f"{names[i]}: {kinds[i].replace('_', ' ')} in the synthetic benchmark graph, "
                               f"number {i}." for i in described]
    table = pa.table({
        "id": _strings(ids), "label": _strings(labels), "kind": _strings(kinds), "name": _strings(names),
        "aliases": _strings(aliases), "description": _strings(descriptions),
    })
    return table, {"ids": ids, "labels": labels, "kinds": kinds}


def _names(r: _Rows, label: str, kinds: np.ndarray, c: int) -> list[str]:
    w1, w2 = r.pick(WORDS, c), r.pick(WORDS, c)
    if label == "Person":
        first, last = r.pick(FIRST, c), r.pick(LAST, c)
        return [f"{a} {b} {b2}" if i % 3 == 0 else f"{a} {b}" for i, (a, b, b2) in enumerate(zip(first, last, r.pick(LAST, c)))]
    if label == "Organisation":
        out = []
        for i, (a, b, k) in enumerate(zip(w1, w2, kinds)):
            noun = ORG_NOUNS.get(k, [k.replace("_", " ").title()])[i % len(ORG_NOUNS.get(k, [k]))]
            out.append(f"{a}{b.lower()} {noun} {i}")
        return out
    what = {"Contract": "services contract", "Report": "report", "Programme": "programme",
            "FOIRequest": "FOI request", "Place": ""}[label]
    return [f"{a} {b} {what} {i}".replace("  ", " ") for i, (a, b) in enumerate(zip(w1, w2))]


def _pool(spec: str, ents: dict[str, np.ndarray], order: np.ndarray) -> np.ndarray:
    """Indices of the entities in a pool spec, in a fixed shuffled order (so hubs are spread)."""
    label, _, kinds = spec.partition(":")
    mask = ents["labels"][order] == label
    if kinds:
        mask &= np.isin(ents["kinds"][order], kinds.split(","))
    return order[mask]


def _draw(r: _Rows, pools: list[np.ndarray], n: int) -> np.ndarray:
    sizes = np.array([len(p) for p in pools], dtype=float)
    which = r.rng.choice(len(pools), size=n, p=sizes / sizes.sum())
    out = np.empty(n, dtype=np.int64)
    for k, pool in enumerate(pools):
        rows = np.flatnonzero(which == k)
        out[rows] = r.skewed(pool, len(rows))
    return out


def _rel_endpoints(r: _Rows, shape: Shape, ents: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray, np.ndarray, bool]]:
    """(type, source indices, target indices, has amount) for every relationship type."""
    order = r.rng.permutation(len(ents["ids"]))
    contracts = _pool("Contract", ents, order)
    buyers = _pool("Organisation:" + ",".join(BUYER_KINDS), ents, order)
    suppliers = _pool("Organisation:company,consultancy,charity", ents, order)
    second = contracts[r.mask(len(contracts), 0.3)]
    out = [("COMMISSIONED", r.skewed(buyers, len(contracts)), contracts, True),
           ("AWARDED_TO", np.concatenate([contracts, second]),
            r.skewed(suppliers, len(contracts) + len(second)), True)]
    remaining = shape.relationships - sum(len(s) for _, s, _, _ in out)
    total_share = sum(share for *_, share, _ in OTHER_RELS)
    for rtype, froms, tos, share, money in OTHER_RELS:
        n = int(remaining * share / total_share)
        src = _draw(r, [_pool(s, ents, order) for s in froms], n)
        dst = _draw(r, [_pool(t, ents, order) for t in tos], n)
        out.append((rtype, src, dst, money))
    return _unique_pairs(r, out, shape.relationships, ents, order)


def _unique_pairs(r, groups, target_total, ents, order):
    """Drop self-links and repeated (type, source, target) triples; top PAID up to the exact total."""
    seen_total, cleaned = 0, []
    n_ent = len(ents["ids"])
    for rtype, src, dst, money in groups:
        keep = src != dst
        src, dst = src[keep], dst[keep]
        _, first = np.unique(src * n_ent + dst, return_index=True)
        first.sort()
        cleaned.append([rtype, src[first], dst[first], money])
        seen_total += len(first)
    paid = next(g for g in cleaned if g[0] == "PAID")
    payers = _pool("Organisation:" + ",".join(BUYER_KINDS), ents, order)
    payees = _pool("Organisation:company,consultancy,charity", ents, order)
    while seen_total != target_total:
        if seen_total > target_total:
            cut = seen_total - target_total
            paid[1], paid[2] = paid[1][:-cut], paid[2][:-cut]
            break
        extra = target_total - seen_total
        src = np.concatenate([paid[1], r.skewed(payers, extra * 2)])
        dst = np.concatenate([paid[2], r.rng.choice(payees, extra * 2)])
        keys = src * n_ent + dst
        _, first = np.unique(keys, return_index=True)
        first.sort()
        paid[1], paid[2] = src[first], dst[first]
        seen_total = sum(len(g[1]) for g in cleaned)
    return [tuple(g) for g in cleaned]


def _amounts(r: _Rows, n: int) -> pa.Array:
    values = np.round(np.exp(r.rng.normal(10.5, 1.8, n)), 2)
    text = [f"{v:.2f}" for v in values]
    fancy = np.flatnonzero(r.mask(n, 0.05))
    for i in fancy:
        text[i] = f"£{values[i]:,.2f}"
    return _with_nulls(_strings(text), r.mask(n, 0.9))


def _relationships(r: _Rows, shape: Shape, ents: dict[str, np.ndarray], n_sources: int,
                   quotes: np.ndarray, days: np.ndarray) -> pa.Table:
    parts = []
    ids = pa.array(ents["ids"], pa.string())
    for rtype, src, dst, money in _rel_endpoints(r, shape, ents):
        n = len(src)
        day = r.rng.integers(0, len(days) - 800, n)
        start = days[day]
        year_only = r.mask(n, 0.1)
        start[year_only] = [s[:4] for s in start[year_only]]
        end = days[day + r.rng.integers(30, 800, n)]
        has_role = rtype in ("EMPLOYED_BY", "DIRECTOR_OF", "ADVISES", "LEADS", "MEMBER_OF")
        parts.append(pa.table({
            "source": ids.take(pa.array(src)), "type": pa.array(np.full(n, rtype, dtype=object), pa.string()),
            "target": ids.take(pa.array(dst)),
            "amount_gbp": _amounts(r, n) if money else pa.nulls(n, pa.string()),
            "vat": _with_nulls(_strings(r.pick(["excluded", "included", "unknown"], n)), r.mask(n, 0.8 if money else 0)),
            "start_date": _with_nulls(_strings(start), r.mask(n, 0.6)),
            "end_date": _with_nulls(_strings(end), r.mask(n, 0.3)),
            "role": _with_nulls(_strings(r.pick(ROLES, n)), r.mask(n, 0.7 if has_role else 0)),
            "evidence": _with_nulls(_strings(r.pick(["documented", "reported", "alleged", "inferred"], n)), r.mask(n, 0.8)),
        }))
    table = pa.concat_tables(parts)
    order = pa.array(r.rng.permutation(table.num_rows))
    return _cite(r, table.take(order), n_sources, quotes)


def _cite(r: _Rows, table: pa.Table, n_sources: int, quotes: np.ndarray) -> pa.Table:
    """Add source_id and quote; repeat ~1 % of rows with a second citation."""
    n = table.num_rows
    src = r.skewed(np.arange(n_sources), n)
    table = table.append_column("source_id", _strings([f"src-{i:06d}" for i in src]))
    table = table.append_column("quote", pa.array(quotes, pa.string()).take(pa.array(r.rng.integers(0, len(quotes), n))))
    dup = np.flatnonzero(r.mask(n, DUPLICATE_SHARE))
    again = table.take(pa.array(dup))
    other = (src[dup] + 1 + r.rng.integers(0, n_sources - 1, len(dup))) % n_sources
    again = again.set_column(again.schema.get_field_index("source_id"), "source_id",
                             _strings([f"src-{i:06d}" for i in other]))
    return pa.concat_tables([table, again])


def _sources(r: _Rows, n: int, days: np.ndarray) -> pa.Table:
    publishers = ["DCLG", "Local Government Chronicle", "The Guardian", "UNISON", "Audit Commission",
                  "Contracts Finder", "Companies House", "WhatDoTheyKnow", "council minutes", "annual report"]
    pub = r.pick(publishers, n)
    return pa.table({
        "id": _strings([f"src-{i:06d}" for i in range(n)]),
        "url": _strings([f"https://example.org/{p.lower().replace(' ', '-')}/doc/{i}" for i, p in enumerate(pub)]),
        "title": _strings([f"{p} document {i}" for i, p in enumerate(pub)]),
        "publisher": _strings(pub),
        "date": _with_nulls(_strings(days[r.rng.integers(0, len(days), n)]), r.mask(n, 0.85)),
    })


def _quotes(r: _Rows, n: int = 4000) -> np.ndarray:
    return np.array([f"{a} {b} ({i})." for i, (a, b) in
                     enumerate(zip(r.pick(QUOTE_OPENERS, n), r.pick(QUOTE_BODIES, n)))], dtype=object)


def _write(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def generate(size: str, root: Path = DATA_DIR) -> dict:
    """Write entities.csv, relationships-NNN.csv, sources.csv and manifest.json for a size."""
    t0 = time.perf_counter()
    shape = Shape.of(size)
    r = _Rows(SEED + SIZES[size])
    days, quotes = _iso_days(), _quotes(r)
    entities, ents = _entities(r, shape)
    entities = _cite(r, entities, shape.sources, quotes)
    rels = _relationships(r, shape, ents, shape.sources, quotes, days)
    sources = _sources(r, shape.sources, days)
    out = dataset_dir(size, root)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _write(sources, out / "sources.csv")
    _write(entities, out / "entities.csv")
    files = []
    for k, start in enumerate(range(0, rels.num_rows, REL_FILE_ROWS)):
        path = out / f"relationships-{k + 1:03d}.csv"
        _write(rels.slice(start, REL_FILE_ROWS), path)
        files.append(path.name)
    from .params import query_params  # picks named-query parameters from the rows just made

    manifest = {
        "format": FORMAT_VERSION, "seed": SEED, "size": size,
        "rows": {"entities": entities.num_rows, "relationships": rels.num_rows, "sources": sources.num_rows},
        "distinct": {"entities": shape.entities, "relationships": shape.relationships, "sources": shape.sources},
        "bytes": sum(f.stat().st_size for f in out.glob("*.csv")),
        "files": ["sources.csv", "entities.csv", *files],
        "params": query_params(entities, rels),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    manifest_path(size, root).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="10k")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="root folder (default bench/data)")
    args = parser.parse_args(argv)
    manifest = generate(args.size, args.out)
    print(json.dumps({k: manifest[k] for k in ("size", "rows", "bytes", "seconds")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
