"""Name normalisation and variants: the match key of an actor's name.

Names are normalised column by column (pyarrow), so a 200k-name dataset is keyed in
well under a second; one name goes through the same code.

>>> normalise_name("TRIBAL GROUP PLC"), normalise_name("Tribal Group plc.")
('tribal group', 'tribal group')
>>> normalise_name("Axis Europe Plc") == normalise_name("Axis Europe plc")
True
>>> normalise_name("DCLG") == normalise_name("Department for Communities & Local Government")
True
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pyarrow as pa
import pyarrow.compute as pc
import yaml

_IDENTIFIER = re.compile(r"^([A-Z]{2}-[A-Z0-9]{2,8}-\S+|[a-z][a-z0-9]*:\S+)$")
FEW_NAMES = 5_000  # up to this many names, normalise one by one in Python


@dataclass(frozen=True)
class NameRules:
    """The data behind normalisation: word expansions, legal suffixes, equivalent names."""

    words: dict[str, str]
    legal_suffixes: tuple[str, ...]
    equivalents: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def name_rules() -> NameRules:
    # through the top package: importing graphkit.io would load every format (networkx among them)
    text = resources.files("graphkit.resolve").joinpath("name_variants.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader (libyaml)
    return NameRules({str(k).lower(): str(v).lower() for k, v in (raw.get("words") or {}).items()},
                     tuple(str(s).lower() for s in raw.get("legal_suffixes") or []),
                     tuple(tuple(str(n) for n in group) for group in raw.get("equivalents") or []))


def _basic(names: pa.Array, rules: NameRules) -> pa.Array:
    """Case, accents, '&', punctuation, word abbreviations, a leading 'the', legal suffixes."""
    text = pc.utf8_normalize(names.cast(pa.string()), "NFKD")
    text = pc.utf8_lower(pc.replace_substring_regex(text, r"\p{Mn}+", ""))
    text = pc.replace_substring_regex(text, r"['’`]", "")
    text = pc.replace_substring_regex(text, r"&|\+", " and ")
    text = pc.replace_substring_regex(text, r"[\s(](t/a|trading as)\s.*$", "")
    text = pc.replace_substring_regex(text, r"[^\p{L}\p{N}]+", " ")
    text = pc.utf8_trim_whitespace(text)
    for short, long in rules.words.items():
        text = pc.replace_substring_regex(text, rf"\b{re.escape(short)}\b", long)
    text = pc.replace_substring_regex(text, r"^the\s+", "")
    suffixes = "|".join(re.escape(s) for s in sorted(rules.legal_suffixes, key=len, reverse=True))
    if suffixes:
        text = pc.replace_substring_regex(text, rf"(\s+({suffixes}))+$", "")
    return text


@lru_cache(maxsize=1)
def _equivalents() -> tuple[pa.Array, pa.Array]:
    keys = _equivalent_keys()
    return pa.array(list(keys), pa.string()), pa.array(list(keys.values()), pa.string())


def normalise_names(names: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Array:
    """The match key of every name (null stays null).

    >>> normalise_names(["The Leadership Centre Ltd", "Ernst & Young LLP"]).to_pylist()
    ['leadership centre', 'ernst and young']
    """
    if isinstance(names, list):
        names = pa.array(names, pa.string())
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    if len(names) == 0:
        return pa.array([], pa.string())
    if len(names) <= FEW_NAMES:  # Arrow's fixed cost per call (one per rule) outweighs the per-name loop
        return pa.array([None if n is None else normalise_name(n) for n in names.to_pylist()], pa.string())
    keys = _basic(names, name_rules())
    variants, canonical = _equivalents()
    mapped = pc.take(canonical, pc.index_in(keys, value_set=variants))
    return pc.coalesce(mapped, keys)


def normalise_name(name: str) -> str:
    """The match key of one name (the same key `normalise_names` gives, without Arrow's per-call cost)."""
    return _one(name) if name else ""


@lru_cache(maxsize=200_000)
def _one(name: str) -> str:
    text = _basic_one(name)
    return _equivalent_keys().get(text, text)


def _basic_one(name: str) -> str:
    """`_basic` for one name, in Python."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch.lower() for ch in text if unicodedata.category(ch) != "Mn")  # per character, as Arrow does
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"&|\+", " and ", text)
    text = re.sub(r"[\s(](t/a|trading as)\s.*$", "", text, flags=re.S)
    text = " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())
    for pattern, long in _word_patterns():
        text = pattern.sub(long, text)
    text = re.sub(r"^the\s+", "", text)
    return _suffix_pattern().sub("", text)


@lru_cache(maxsize=1)
def _word_patterns() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"\b{re.escape(short)}\b", re.ASCII), long) for short, long in name_rules().words.items()]


@lru_cache(maxsize=1)
def _suffix_pattern() -> re.Pattern:
    suffixes = "|".join(re.escape(s) for s in sorted(name_rules().legal_suffixes, key=len, reverse=True))
    return re.compile(rf"(\s+({suffixes}))+$" if suffixes else r"(?!)")


@lru_cache(maxsize=1)
def _equivalent_keys() -> dict[str, str]:
    """Key of each name variant -> key of its group's first name."""
    out: dict[str, str] = {}
    for group in name_rules().equivalents:
        keys = [_basic_one(name) for name in group]
        for key in keys:
            out.setdefault(key, keys[0])
    return out


def is_identifier(alias: str) -> bool:
    """An alias that is a register id (`GB-COH-04163458`) or a prefixed source id (`ftm:NK-1`), not a name.

    >>> is_identifier("GB-COH-04163458"), is_identifier("ftm:NK-abc"), is_identifier("Tribal Group plc")
    (True, True, False)
    """
    return bool(_IDENTIFIER.match(alias))
