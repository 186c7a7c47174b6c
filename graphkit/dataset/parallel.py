"""Independent pieces of Arrow work run on both cores: Arrow releases the GIL while it computes.

Work is spread at one level only: work started from inside a piece runs in that piece's
thread, so the two cores never have more than two pieces to share.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import pyarrow as pa

T = TypeVar("T")
R = TypeVar("R")
WORKERS = 2
_inside = threading.local()


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """The results of the calls, run side by side.

    >>> at_once(lambda: 1, lambda: 2)
    [1, 2]
    """
    return each(lambda call: call(), calls)


def each(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """fn of every item, two at a time, in the order of the items.

    >>> each(lambda x: x * 2, [1, 2, 3])
    [2, 4, 6]
    """
    if getattr(_inside, "piece", False):
        return [fn(item) for item in items]
    with pieces() as pool:
        return list(pool.map(fn, items))


@contextmanager
def serially():
    """Work started inside runs in this thread, as inside a piece (small work: threads cost more than they save)."""
    before = getattr(_inside, "piece", False)
    _inside.piece = True
    try:
        yield
    finally:
        _inside.piece = before


def pieces(workers: int = WORKERS) -> ThreadPoolExecutor:
    """Threads for pieces of work (work they start runs in their own thread)."""
    return ThreadPoolExecutor(max_workers=workers, initializer=_mark_inside)


def _mark_inside() -> None:
    _inside.piece = True


def release_memory() -> None:
    """Hand the memory Arrow has freed back to the system, so that the process grows less."""
    pa.default_memory_pool().release_unused()
