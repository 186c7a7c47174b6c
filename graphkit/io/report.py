"""What an import or an export did: created, matched, skipped (with a reason each), written."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..stores import LoadReport

EXAMPLES_KEPT = 3


@dataclass
class Matched:
    """An incoming record recognised as a known actor."""

    incoming: str  # the name (or id) as the input gives it
    id: str  # the actor it joined
    how: str  # "id", "identifier GB-COH-…", "normalised name 'axis europe'" …


@dataclass
class ImportReport:
    format: str
    inputs: list[str] = field(default_factory=list)
    into: str = ""
    dry_run: bool = False
    created: Counter = field(default_factory=Counter)  # label or relationship type -> n
    matched: list[Matched] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> n
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason -> a few examples
    figures: dict[str, float | int] = field(default_factory=dict)  # totals a user can check
    files: list[str] = field(default_factory=list)  # files written
    loaded: LoadReport | None = None
    updated: list[str] = field(default_factory=list)  # recorded records a later input replaced, each said
    parts: list["ImportReport"] = field(default_factory=list)  # one per input file, when each had a folder

    @classmethod
    def combined(cls, parts: list["ImportReport"]) -> "ImportReport":
        """One report for several imports (one per input file): counts summed, folders listed."""
        first = parts[0]
        out = cls(first.format, [i for p in parts for i in p.inputs], ", ".join(p.into for p in parts),
                  first.dry_run, parts=parts)
        for part in parts:
            out.created.update(part.created)
            out.matched += part.matched
            out.skipped.update(part.skipped)
            for reason, shown in part.examples.items():
                out.examples.setdefault(reason, []).extend(shown[:EXAMPLES_KEPT - len(out.examples.get(reason, []))])
            for figure, value in part.figures.items():
                out.tally(figure, value)
            out.files += part.files
            out.updated += part.updated
        return out

    def skip(self, reason: str, example: str | None = None, n: int = 1) -> None:
        self.skipped[reason] += n
        if example is not None:
            shown = self.examples.setdefault(reason, [])
            if len(shown) < EXAMPLES_KEPT and example not in shown:
                shown.append(example)

    def tally(self, figure: str, n: float = 1) -> None:
        """Add `n` to one of the figures a user can check (counts, GBP totals)."""
        total = self.figures.get(figure, 0) + n
        self.figures[figure] = round(total, 2) if isinstance(total, float) else total

    def match(self, incoming: str, entity_id: str, how: str) -> None:
        self.matched.append(Matched(incoming, entity_id, how))

    def matched_ids(self) -> set[str]:
        return {m.id for m in self.matched}


@dataclass
class ExportReport:
    format: str
    target: str
    files: list[str] = field(default_factory=list)
    written: Counter = field(default_factory=Counter)  # what -> n (nodes, edges, entities …)
    dropped: Counter = field(default_factory=Counter)  # reason -> n: what the format cannot hold
    notes: list[str] = field(default_factory=list)
