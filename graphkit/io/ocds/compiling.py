"""Compiling the releases of one `ocid` by the standard's merge rules (`ocdsmerge`).

A process told by one release whose arrays of objects repeat no `id` is already its own
compiled release, and is used as it is (most processes in the portals' files: merging it would
give the same release at a thousand times the cost).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..report import ImportReport
from .fields import _list
from .reading import Release

RELEASE_SCHEMA = Path(__file__).resolve().parents[1] / "ocds-release-schema-1.1.5.json"
MERGED_BY_ID = ("parties", "awards", "contracts", "relatedProcesses")


@lru_cache(maxsize=1)
def _merger():
    from ocdsmerge import Merger
    from ocdsmerge.rules import get_merge_rules

    return Merger(merge_rules=get_merge_rules(str(RELEASE_SCHEMA)))


@dataclass
class Process:
    """One ocid: its compiled release and the releases it was compiled from (in date order)."""

    ocid: str
    compiled: dict
    releases: list[Release]

    def view(self, latest: Release) -> Release:
        """The compiled release, cited as `latest` (its id, date, tags, package and place)."""
        data = {**self.compiled, "date": latest.date, "tag": sorted(latest.tags)}
        if latest.data.get("id"):
            data["id"] = latest.data["id"]
        else:
            data.pop("id", None)
        return Release(data, latest.seq, latest.where, latest.package, latest.compiled)

    def latest_stating(self, key: str, item_id: str) -> Release:
        """The latest release whose `key` array holds an item with `item_id`."""
        if len(self.releases) == 1:
            return self.releases[0]
        stating = [r for r in self.releases if any(isinstance(x, dict) and str(x.get("id")) == item_id
                                                  for x in _list(r.data.get(key)))]
        return (stating or self.releases)[-1]


def compile_process(group: list[Release], report: ImportReport) -> Process | None:
    """One ocid's releases merged by the standard's rules; None (skipped, with the reason) when they cannot be."""
    group.sort(key=lambda r: (r.date, r.seq))
    compiled_one = [r for r in group if r.compiled]
    try:
        if compiled_one and len(group) == 1:
            compiled = compiled_one[-1].data
        elif len(group) == 1 and _plain(group[0].data):
            compiled = group[0].data
        else:
            compiled = _compile(group)
    except Exception as exc:  # ocdsmerge meets shapes the schema forbids: skip this process only
        report.skip("releases of one ocid cannot be merged by the OCDS rules", f"{group[-1].where}: {exc}")
        return None
    return Process(group[0].ocid, compiled, group)


def _plain(data: dict) -> bool:
    """Whether merging the release alone would leave it as it is: no nulls to drop at the top and no
    object repeating an id in the arrays merged by id."""
    if any(v is None for v in data.values()):
        return False
    for key in MERGED_BY_ID:
        ids = [str(x.get("id")) for x in _list(data.get(key)) if isinstance(x, dict)]
        if len(ids) != len(set(ids)) or len(ids) != len(_list(data.get(key))):
            return False
    return True


def _compile(group: list[Release]) -> dict:
    from ocdsmerge.exceptions import OCDSMergeWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OCDSMergeWarning)
        return _merger().create_compiled_release([{**r.data, "date": r.date} for r in group])
