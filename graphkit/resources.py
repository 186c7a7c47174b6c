"""Files that ship with the package: named queries, the seed dataset, map assets."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """A folder shipped as package data (`graphkit/<name>` in the wheel).

    In an editable install of a checkout the same folder is the checkout's
    top-level one, which the wheel copies into the package.
    """
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"graphkit was installed without its {name}/ folder")


def cypher_dir() -> Path:
    return shipped_dir("cypher")


def seed_dataset_dir() -> Path:
    return shipped_dir("seeds") / "total_place"


def default_dataset_dir() -> Path:
    """`seeds/` in the working folder when there is one, else the shipped seed dataset."""
    from .config import DEFAULT_DATASET

    local = DEFAULT_DATASET
    return local if local.is_dir() else shipped_dir("seeds")
