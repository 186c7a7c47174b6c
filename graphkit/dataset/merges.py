"""Merge decisions: "these two ids are one actor", recorded in the dataset and reversible.

A dataset folder may hold `merges.csv` (keep,merge,reason,decided). When a dataset is
read, every decision whose two ids are both present is applied: the `merge` entity
disappears, its id, name and aliases become aliases of `keep`, its citations join
`keep`'s, and relationships naming it point at `keep`. The entity files are never
rewritten, so removing the line (`graphkit unmerge`) restores both actors.

A decision file applies to the dataset files in its folder and below: `read_dataset`
finds it by walking up from each file's folder to the project root (a folder with
`.git` or `pyproject.toml`).

    keep,merge,reason,decided
    tribal,tribal-group-plc,same company (Companies House 04163458),2026-11-24
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import dataset_lock, write_text_atomic

from ..errors import GraphkitError, ProblemList
from ..model.values import check_id

if TYPE_CHECKING:  # Arrow only where decisions are applied: finding merges.csv files needs none
    import pyarrow as pa

MERGES_FILE = "merges.csv"
HEADER = ["keep", "merge", "reason", "decided"]
PROJECT_MARKERS = (".git", "pyproject.toml")


@dataclass(frozen=True)
class MergeDecision:
    keep: str
    merge: str
    reason: str = ""
    decided: str = ""
    file: str = ""
    line: int = 0


# -- reading ----------------------------------------------------------------------------------
def read_merges(path: Path, problems: ProblemList | None = None) -> list[MergeDecision]:
    """Decisions in one merges.csv (a missing file holds none)."""
    if not path.is_file():
        return []
    problems = problems if problems is not None else ProblemList()
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        return []
    missing = [h for h in ("keep", "merge") if h not in reader.fieldnames]
    if missing:
        problems.add(str(path), 1, "merges", "header", f"needs the columns {','.join(HEADER)}")
        return []
    out = []
    for row in reader:
        keep, merge = (row.get("keep") or "").strip(), (row.get("merge") or "").strip()
        line = reader.line_num
        if not keep and not merge:
            continue
        bad = [v for v in (keep, merge) if not _valid_id(v)]
        if bad:
            problems.add(str(path), line, "merge", "keep" if bad[0] == keep else "merge", f"{bad[0]!r} is not a valid id")
            continue
        out.append(MergeDecision(keep, merge, (row.get("reason") or "").strip(), (row.get("decided") or "").strip(),
                                 str(path), line))
    return out


def _valid_id(value: str) -> bool:
    try:
        check_id(value)
    except ValueError:
        return False
    return True


def merge_files_for(files: list[str]) -> list[Path]:
    """merges.csv files in the folders of `files` and their ancestors up to the project root."""
    folders: list[Path] = []
    seen: set[Path] = set()
    for f in files:
        folder = Path(f).resolve().parent
        while folder not in seen:
            seen.add(folder)
            folders.append(folder)
            if any((folder / m).exists() for m in PROJECT_MARKERS) or folder.parent == folder:
                break
            folder = folder.parent
    return [folder / MERGES_FILE for folder in folders if (folder / MERGES_FILE).is_file()]


# -- applying (the hook in build_dataset) ------------------------------------------------------
def apply_merge_decisions(entities: pa.Table, rels: pa.Table, files: list[str],
                          problems: ProblemList) -> tuple[pa.Table, pa.Table]:
    """Entities and relationships with the merge decisions found beside `files` applied."""
    decisions = [d for path in merge_files_for(files) for d in read_merges(path, problems)]
    if not decisions or entities.num_rows == 0:
        return entities, rels
    mapping = _resolve(decisions, entities, problems)
    if not mapping:
        return entities, rels
    return _merge_entities(entities, mapping), _repoint(rels, mapping)


def _resolve(decisions: list[MergeDecision], entities: pa.Table, problems: ProblemList) -> dict[str, str]:
    """merge id -> final keep id, for decisions whose ids are both present; chains followed."""
    ids = entities.column("id").to_pylist()
    labels = dict(zip(ids, entities.column("label").to_pylist()))
    direct: dict[str, MergeDecision] = {}
    for d in decisions:
        if d.keep not in labels or d.merge not in labels:
            continue  # the decision belongs to a larger dataset than the one read
        if labels[d.keep] != labels[d.merge]:
            problems.add(d.file, d.line, f"merge {d.merge} into {d.keep}", "merge",
                         f"is a {labels[d.merge]} and {d.keep!r} is a {labels[d.keep]}; only actors of one label merge")
            continue
        other = direct.get(d.merge)
        if other and other.keep != d.keep:
            problems.add(d.file, d.line, f"merge {d.merge} into {d.keep}", "merge",
                         f"is already merged into {other.keep!r} at {other.file}:{other.line}")
            continue
        direct[d.merge] = d
    mapping = {}
    for merge in direct:
        seen, target = {merge}, direct[merge].keep
        while target in direct:
            if target in seen:
                d = direct[merge]
                problems.add(d.file, d.line, f"merge {d.merge} into {d.keep}", "keep", "forms a cycle of merges")
                target = None
                break
            seen.add(target)
            target = direct[target].keep
        if target:
            mapping[merge] = target
    return mapping


def _merge_entities(entities: pa.Table, mapping: dict[str, str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = entities.column("id")
    gone = pa.array(list(mapping), pa.string())
    keeps = pa.array(sorted(set(mapping.values())), pa.string())
    touched = pc.or_(pc.is_in(ids, gone), pc.is_in(ids, keeps))
    rows = entities.filter(touched).to_pylist()
    by_id = {r["id"]: r for r in rows if r["id"] not in mapping}
    for row in rows:
        target = mapping.get(row["id"])
        if target is None:
            continue
        keep = by_id[target]
        names = [row["id"], row["name"], *(row.get("aliases") or [])]
        aliases = list(keep.get("aliases") or [])
        keep["aliases"] = aliases + [n for n in dict.fromkeys(names) if n and n != keep["name"] and n not in aliases]
        pairs = list(zip(keep.get("source_ids") or [], keep.get("quotes") or []))
        pairs += [p for p in zip(row.get("source_ids") or [], row.get("quotes") or []) if p not in pairs]
        keep["source_ids"], keep["quotes"] = [p[0] for p in pairs], [p[1] for p in pairs]
    merged = pa.Table.from_pylist(list(by_id.values()), schema=entities.schema)
    return pa.concat_tables([entities.filter(pc.invert(touched)), merged])


def _repoint(rels: pa.Table, mapping: dict[str, str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    if rels.num_rows == 0:
        return rels
    gone = pa.array(list(mapping), pa.string())
    keep = pa.array(list(mapping.values()), pa.string())
    for end in ("source", "target"):
        col = rels.column(end)
        moved = pc.take(keep, pc.index_in(col, value_set=gone))
        rels = rels.set_column(rels.schema.get_field_index(end), end, pc.coalesce(moved, col))
    return rels


# -- recording ---------------------------------------------------------------------------------
def record_merge(dataset_dir: str | Path, keep: str, merge: str, reason: str = "") -> MergeDecision:
    """Record that `merge` is the same actor as `keep` (each an id, name or alias; checked against the dataset)."""
    from . import read_dataset

    dataset_dir = Path(dataset_dir)
    with _locked(dataset_dir):
        path = dataset_dir / MERGES_FILE
        current = read_merges(path)
        ds = read_dataset([dataset_dir])
        keep, merge = (_actor_id(ds, current, text) for text in (keep, merge))
        if keep == merge:
            raise GraphkitError("an actor cannot be merged into itself")
        if any(d.keep == keep and d.merge == merge for d in current):
            raise GraphkitError(f"{merge!r} is already merged into {keep!r} ({path})")
        clash = [d for d in current if d.merge == merge]
        if clash:
            raise GraphkitError(f"{merge!r} is already merged into {clash[0].keep!r}; "
                                f"`graphkit unmerge {clash[0].keep} {merge}` first")
        if _leads_back(current, keep, merge):
            raise GraphkitError(f"{keep!r} is already merged into {merge!r}; that merge would form a cycle")
        for eid in (keep, merge):
            if ds.entity(eid) is None and not _merged_away(current, eid):
                raise GraphkitError(f"{eid!r} is not an entity of the dataset in {dataset_dir}")
        a, b = ds.entity(keep), ds.entity(merge)
        if a and b and a["label"] != b["label"]:
            raise GraphkitError(f"{merge!r} is a {b['label']} and {keep!r} is a {a['label']}; only actors of one label merge")
        decision = MergeDecision(keep, merge, reason, date.today().isoformat(), str(path))
        write_decisions(path, [*current, decision])
        return decision


def remove_merge(dataset_dir: str | Path, keep: str, merge: str) -> MergeDecision:
    """Undo a recorded merge: both actors are separate again the next time the dataset is read.

    Decisions a CSV import recorded live in its folder; re-running that import derives
    them again from the names.
    """
    dataset_dir = Path(dataset_dir)
    with _locked(dataset_dir):
        # the folder's own file first, then those an import wrote below it
        files = [dataset_dir / MERGES_FILE, *sorted(dataset_dir.rglob(f"*/{MERGES_FILE}"))]
        decisions = [(path, read_merges(path)) for path in files]
        recorded = [d for _, current in decisions for d in current]
        if not any(d.keep == keep and d.merge == merge for d in recorded):
            keep, merge = _recorded_pair(dataset_dir, recorded, keep, merge)
        for path, current in decisions:
            found = [d for d in current if d.keep == keep and d.merge == merge]
            if found:
                write_decisions(path, [d for d in current if d is not found[0]])
                return found[0]
        raise GraphkitError(f"no merge of {merge!r} into {keep!r} is recorded in {dataset_dir}")


def _actor_id(ds, current: list[MergeDecision], text: str) -> str:
    """The id `text` names: an id (also one already merged away), else a name or alias (`ActorIndex.lookup`)."""
    if ds.entity(text) is not None or _merged_away(current, text):
        return text
    from ..resolve.sources import dataset_actor_index

    return dataset_actor_index(ds).lookup(text)


def _recorded_pair(dataset_dir: Path, recorded: list[MergeDecision], keep: str, merge: str) -> tuple[str, str]:
    """(keep, merge) ids of a recorded merge named by id, name or alias: B's name is A's alias once merged."""
    from . import read_dataset
    from ..resolve.names import normalise_name
    from ..resolve.sources import dataset_actor_index

    keep_id = keep if any(d.keep == keep for d in recorded) else dataset_actor_index(read_dataset([dataset_dir])).lookup(keep)
    mine = [d.merge for d in recorded if d.keep == keep_id]
    wanted = normalise_name(merge)
    named = [m for m in mine if m == merge or normalise_name(m.replace("-", " ")) == wanted]
    if len(named) != 1:
        listed = ", ".join(mine) or "none"
        raise GraphkitError(f"no merge of {merge!r} into {keep_id!r} is recorded in {dataset_dir} "
                            f"(merged into {keep_id!r}: {listed})")
    return keep_id, named[0]


def _leads_back(current: list[MergeDecision], keep: str, merge: str) -> bool:
    direct = {d.merge: d.keep for d in current}
    seen, target = set(), keep
    while target in direct and target not in seen:
        seen.add(target)
        target = direct[target]
        if target == merge:
            return True
    return False


def _merged_away(current: list[MergeDecision], entity_id: str) -> bool:
    return any(d.merge == entity_id for d in current)


def write_decisions(path: Path, decisions: list[MergeDecision]) -> None:
    """Rewrite merges.csv atomically (temp file + rename)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for d in decisions:
        writer.writerow([d.keep, d.merge, d.reason, d.decided])
    write_text_atomic(path, buf.getvalue())


def _locked(dataset_dir: Path) -> dataset_lock:
    return dataset_lock(dataset_dir, "merges", "another merge is being recorded")
