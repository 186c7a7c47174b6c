"""The roles the briefing and the maps give kinds and relationship types, read from roles.yaml.

>>> roles = load_roles()
>>> roles.is_public({"label": "Organisation", "kind": "council"}), roles.is_public({"label": "Organisation", "kind": "consultancy"})
(True, False)
>>> roles.weakest(["documented", "alleged", None])
'alleged'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Roles:
    public_kinds: tuple[str, ...]
    public_labels: tuple[str, ...]
    adviser_kinds: tuple[str, ...]
    adviser_labels: tuple[str, ...]
    advice_types: tuple[str, ...]
    money_types: tuple[str, ...]
    evidence_order: tuple[str, ...]
    weak_evidence: tuple[str, ...]
    timeline_types: tuple[str, ...]
    timeline_report_kinds: tuple[str, ...]
    timeline_limit: int

    def is_public(self, props: dict) -> bool:
        """A public body, or a programme or place: money it receives is public funding."""
        return props.get("label") in self.public_labels or props.get("kind") in self.public_kinds

    def is_adviser(self, props: dict) -> bool:
        return props.get("label") in self.adviser_labels or (
            props.get("label") == "Organisation" and props.get("kind") in self.adviser_kinds)

    def weakest(self, grades) -> str | None:
        """The weakest stated evidence grade among `grades` (None when none is stated)."""
        known = [g for g in grades if g in self.evidence_order]
        return max(known, key=self.evidence_order.index) if known else None

    def is_weak(self, grade: str | None) -> bool:
        return grade in self.weak_evidence


@lru_cache(maxsize=None)
def load_roles() -> Roles:
    raw = yaml.safe_load(resources.files("graphkit.maps").joinpath("roles.yaml").read_text(encoding="utf-8"))
    return Roles(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items()})
