"""Checks every importer makes on input before using it: bytes, nesting depth, JSON values.

>>> decode_utf8(b"\\xef\\xbb\\xbf{}", "a.json")
'{}'
>>> decode_utf8(b'{"name": "Caf\\xe9"}', "a.json")
Traceback (most recent call last):
graphkit.errors.GraphkitError: a.json: not UTF-8 at byte offset 13 (0xe9); save the file as UTF-8
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import GraphkitError

MAX_DEPTH = 64  # OCDS releases nest about 8 levels, FtM entities 3


class InputError(ValueError):
    """One record (or line) of the input is unusable; the reason is the message."""


def decode_utf8(data: bytes, path: Path | str) -> str:
    """The text of a JSON input (UTF-8, a leading BOM dropped), or one line naming the byte offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GraphkitError(f"{path}: {utf8_problem(exc)}; save the file as UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text


def utf8_problem(exc: UnicodeDecodeError, offset: int = 0) -> str:
    byte = exc.object[exc.start:exc.start + 1]
    return f"not UTF-8 at byte offset {offset + exc.start} (0x{byte.hex()})"


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """Raise InputError when `value` nests deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise InputError(f"nesting deeper than {limit} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
