"""Problems found in user input: values for users, not tracebacks."""
from __future__ import annotations

from dataclasses import dataclass, field

CITATION_FIELDS = ("sources", "source_id", "quote")  # where a claim names its source and quote (YAML, CSV)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located by file, line and field.

    >>> str(Problem("seeds/a.yaml", 42, "relationship AWARDED_TO", "target", "'tribl' is not a known id"))
    "seeds/a.yaml:42: relationship AWARDED_TO: target 'tribl' is not a known id"
    """

    file: str
    line: int
    context: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"{self.field} {self.message}" if self.field else self.message
        return f"{where}: {self.context}: {what}" if self.context else f"{where}: {what}"

    @property
    def about_citation(self) -> bool:
        """Whether this is a claim lacking a proper source or quote (what `graphkit sources` lists).

        >>> Problem("a.yaml", 3, "relationship FUNDS", "sources.0.quote", "is empty").about_citation
        True
        >>> Problem("a.yaml", 2, "entity x", "id", "is also the id of a source; ids must be unique").about_citation
        False
        """
        return self.field.split(".")[0] in CITATION_FIELDS


class GraphkitError(Exception):
    """An error a user can act on; the CLI prints it as one line and exits 1."""


class InvalidDataset(GraphkitError):
    """The input holds problems; nothing was loaded or written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        first = str(self.problems[0]) if self.problems else "invalid dataset"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


@dataclass
class ProblemList:
    """Collects problems across readers and checks; validation reports them all."""

    items: list[Problem] = field(default_factory=list)
    invalid_ids: set[str] = field(default_factory=set)  # declared but rejected: no cascade of "unknown id"

    def add(self, file: str, line: int, context: str, fld: str, message: str) -> None:
        self.items.append(Problem(file, int(line or 0), context, fld, message))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidDataset(self.items)


def describe_os_error(exc: OSError) -> str:
    """One line for an error of the environment: what failed, on which path.

    >>> import errno
    >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "seeds/findings.yaml"))
    'cannot write seeds/findings.yaml: no space left on device'
    """
    import errno

    what = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    what = what[:1].lower() + what[1:]
    verb = "write" if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG) else "use"
    if exc.filename is None:
        return f"cannot {verb} a file: {what}"
    return f"cannot {verb} {exc.filename}: {what}"
