"""Weak quotes: relationships whose quotes name neither of their two ends.

A quote should say who did what to whom. This check is the floor a reviewer starts from: a
relationship is *weak* when none of its quotes mentions either end by its name, one of its
aliases, a contract's title, or a name the project's name variants treat as the same body
(`graphkit/io/name_variants.yaml`: "CLG" for the Department for Communities and Local
Government). Case, accents, apostrophes, "&"/"and", punctuation, a leading "the" and legal
suffixes ("plc", "Ltd") do not matter. A quote that passes may still fail to state the relation;
one that fails may still be right ("the pilot" on a page about that pilot) and should be read.

>>> names = {"tribal": ["Tribal", "Tribal Group plc"], "dclg": ["Department for Communities and Local Government"]}
>>> mentions("CLG have also asked Tribal Consulting to work with pilots", names["tribal"])
True
>>> mentions("CLG have commissioned a consultancy", names["tribal"])
False
>>> mentions("CLG have commissioned a consultancy", names["dclg"])
True
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..errors import Problem
from ..resolve.names import name_rules


def text_key(text: str) -> str:
    """Words of a text in a comparable form: lower case, no accents or punctuation, '&' as 'and'.

    >>> text_key("Leicester & Leicestershire’s Total-Place pilot")
    'leicester and leicestershire total place pilot'
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    text = re.sub(r"['’]s\b", "", text)  # possessive: "Croydon’s pilot" names Croydon
    text = re.sub(r"['’`‘]", "", text)
    text = re.sub(r"&|\+", " and ", text)
    text = " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())
    for short, long in name_rules().words.items():
        text = re.sub(rf"\b{re.escape(short)}\b", long, text)
    return text


@lru_cache(maxsize=100_000)
def name_keys(name: str) -> frozenset[str]:
    """The forms of one name to look for: as written, without a leading 'the' or legal suffix,
    and every name variant of the same body.

    >>> sorted(name_keys("The Leadership Centre Ltd"))
    ['leadership centre', 'leadership centre ltd', 'the leadership centre', 'the leadership centre ltd']
    """
    key = text_key(name)
    if not key:
        return frozenset()
    keys = {key, re.sub(r"^the\s+", "", key)}
    suffixes = "|".join(re.escape(s) for s in name_rules().legal_suffixes)
    if suffixes:
        keys |= {re.sub(rf"(\s+({suffixes}))+$", "", k) for k in keys}
    for group in _variant_groups():
        if keys & group:
            keys |= group
    return frozenset(k for k in keys if k)


@lru_cache(maxsize=1)
def _variant_groups() -> list[set[str]]:
    return [{text_key(n) for n in group} for group in name_rules().equivalents]


def mentions(quote: str, names: list[str]) -> bool:
    """Whether the quote names any of the given names: its words in order, at most one other word
    between two of them ("Barnet’s Tory Council" names Barnet Council).

    >>> mentions("Barnet’s Tory Council is racing ahead", ["Barnet Council"])
    True
    >>> mentions("Barnet residents and the council", ["Barnet Council"])
    False
    """
    words = text_key(quote).split()
    return any(_in_order(words, key.split()) for name in names for key in name_keys(name))


def _in_order(words: list[str], name: list[str]) -> bool:
    starts = (i for i, w in enumerate(words) if w == name[0])
    return any(_follows(words, i, name[1:]) for i in starts)


def _follows(words: list[str], at: int, rest: list[str]) -> bool:
    for word in rest:
        nxt = [j for j in (at + 1, at + 2) if j < len(words) and words[j] == word]
        if not nxt:
            return False
        at = nxt[0]
    return True


def entity_names(entities) -> dict[str, list[str]]:
    """Id → every name an entity goes by (name, aliases, a contract's title), from the entities table."""
    names: dict[str, list[str]] = {}
    for row in entities.select(["id", "name", "aliases", "title"]).to_pylist():
        found = [row["name"], row["title"], *(row["aliases"] or [])]
        names.setdefault(row["id"], []).extend(n for n in found if n)
    return names


def weak_claims(dataset) -> list[Problem]:
    """Every relationship none of whose quotes names either end, one problem each, file:line first.

    An end unknown to the dataset (held only in a store) is looked for by its id.
    """
    names = entity_names(dataset.entities)
    problems = []
    columns = ["source", "type", "target", "quotes", "_file", "_line"]
    for row in dataset.relationships.select(columns).to_pylist():
        ends = names.get(row["source"], [row["source"]]) + names.get(row["target"], [row["target"]])
        if any(mentions(q, ends) for q in row["quotes"] or []):
            continue
        problems.append(Problem(row["_file"] or "", row["_line"] or 0,
                                f"relationship {row['source']} {row['type']} {row['target']}", "quotes",
                                "name neither end (by name or alias): read the source and quote a sentence that does"))
    return sorted(problems)


def weak_claims_in(paths) -> list[Problem]:
    """`weak_claims` of the dataset files under the given paths (invalid files raise InvalidDataset)."""
    from . import read_dataset

    return weak_claims(read_dataset(paths))
