"""Buyers and suppliers of an OCDS release: matched by organisation identifiers and by name.

Party ids such as `org-1` are local to a release; identifiers (`GB-COH-…`, `GB-CFS-…`) hold
across releases and are kept as aliases.

>>> _org_id("gb-coh", "158718")
'GB-COH-00158718'
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...model.ontology import load_ontology
from ..batch import Cited, ImportBatch
from ..report import ImportReport
from .fields import _dict, _list, _str, _text
from .reading import Release

ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,6}-\S+$")
KEPT_ROLES = {"buyer", "supplier", "procuringEntity"}


def _buyers(batch: ImportBatch, rel: Release, parties: dict[str, dict], contract_id: str, cite_for) -> None:
    main = _dict(rel.data.get("buyer"))
    main_id = _str(main.get("id")) or ""
    entries = []
    if main:
        entries.append((parties.get(main_id) or {}, main, None))
    for pid, party in parties.items():
        if "buyer" in _list(party.get("roles")) and pid != main_id:
            entries.append((party, {}, "joint buyer"))
    if not entries:
        batch.report.skip("release without a buyer", rel.ocid)
    for party, ref, role in entries:
        name = _party_name(ref, {str(ref.get('id')): party}) if ref else _party_name(party, {})
        if "centralPurchasingBody" in _list(party.get("roles")):
            role = f"{role}; central purchasing body" if role else "central purchasing body"
        actor = batch.actor("Organisation", _kind_by_name(name, "buyer", party), name,
                            cite_for(name), identifiers=_identifiers(party, ref))
        if actor is None:
            batch.report.skip("buyer without a name", rel.ocid)
            continue
        batch.relate(actor, "COMMISSIONED", contract_id, cite_for(name), role=role, evidence="documented")


def _supplier(batch: ImportBatch, rel: Release, parties: dict[str, dict], ref: dict, contract_id: str, cite: Cited) -> None:
    party = parties.get(str(ref.get("id"))) or {}
    name = _party_name(ref, parties)
    identifiers = _identifiers(party, ref)
    if not name:
        known = next((batch.index.aliases[i] for i in identifiers if i in batch.index.aliases), None)
        if known is None:
            batch.report.skip("supplier without a name (and no known identifier)", f"{rel.ocid} supplier {ref.get('id')}")
            return
        batch.relate(contract_id, "AWARDED_TO", known, cite, evidence="documented")
        return
    kind = _kind_by_name(name, "supplier", party)
    actor = batch.actor("Organisation", kind, name, cite, identifiers=identifiers)
    if actor:
        batch.relate(contract_id, "AWARDED_TO", actor, cite, evidence="documented")


REVIEW_ROLES = {"reviewBody", "reviewContactPoint", "mediationBody"}


def _skip_other_parties(report: ImportReport, rel: Release, parties: dict[str, dict]) -> None:
    """Parties that neither buy nor supply: counted with the reason they are left out."""
    for party in parties.values():
        roles = {str(r) for r in _list(party.get("roles"))}
        example = f"{rel.ocid} {party.get('name')} ({'/'.join(sorted(roles)) or 'no role'})"
        if not roles:
            report.skip("party without a role", example)
        elif KEPT_ROLES & roles:
            continue
        elif roles <= REVIEW_ROLES:
            report.skip("review or mediation body only (not a party to the contract)", example)
        elif "processContactPoint" in roles:
            report.skip("process contact point (an agent running the procurement, not a buyer)", example)
        else:
            report.skip(f"party with role {'/'.join(sorted(roles))} only (not a buyer or supplier)", example)


def _party_name(ref: dict, parties: dict[str, dict]) -> str | None:
    party = parties.get(str(ref.get("id"))) or {}
    for candidate in (ref.get("name"), party.get("name"), _dict(party.get("identifier")).get("legalName")):
        text = _text(candidate)
        if text:
            return text
    return None


def _identifiers(party: dict, ref: dict | None = None) -> tuple[str, ...]:
    """Organisation identifiers that hold across releases (never local ids such as org-1)."""
    found = []
    for ident in (party.get("identifier"), *_list(party.get("additionalIdentifiers"))):
        if isinstance(ident, dict) and _str(ident.get("scheme")) and _str(ident.get("id")):
            found.append(_org_id(ident["scheme"], ident["id"]))
    for pid in (party.get("id"), (ref or {}).get("id")):
        if _str(pid):
            found.extend(_id_as_org_id(pid))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def _id_as_org_id(pid: str) -> tuple[str, ...]:
    """A party id that is an organisation identifier (`GB-COH-…`), as one; () for a local id."""
    if not ORG_ID.match(pid):
        return ()
    scheme, _, rest = pid.partition("-")[2].partition("-")
    return (_org_id(f"{pid[:2]}-{scheme}", rest),)


@lru_cache(maxsize=65536)
def _org_id(scheme: str, value: str) -> str:
    """`GB-COH-158718` and `GB-COH-00158718` are one company."""
    value = value.strip()
    if scheme.upper() == "GB-COH" and value.isdigit():
        value = value.zfill(8)
    return f"{scheme.upper()}-{value}"


def _kind_by_name(name: str | None, role: str, party: dict) -> str:
    """The kind of a buyer or supplier (`role`): from a local authority classification or the
    name's words (the ontology's kinds_by_name), else the role's kind; a supplier is never taken
    for a kind of the `not_supplier` group."""
    onto = load_ontology()
    if role == "buyer" and "Regional or local authority" in _classifications(party):
        return onto.kind("local_authority")
    if _KIND_BY_NAME.get("ontology") is not onto or len(_KIND_BY_NAME) > 200_000:
        _KIND_BY_NAME.clear()
        _KIND_BY_NAME["ontology"] = onto
    kind = _KIND_BY_NAME.get((name, role))
    if kind is None:  # the same names recur in thousands of releases: their words are searched once
        kind = onto.kind_from_name(name, onto.kind(role))
        kind = onto.kind(role) if role == "supplier" and kind in onto.group("not_supplier") else kind
        _KIND_BY_NAME[(name, role)] = kind
    return kind


def _classifications(party: dict) -> str:
    """The ids of a party's classifications, as one text."""
    return " ".join(str(_dict(c).get("id", "")) for c in _list(_dict(party.get("details")).get("classifications")))


_KIND_BY_NAME: dict = {}  # "ontology": the ontology the kinds come from; (name, role): kind
