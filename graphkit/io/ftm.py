"""Import FollowTheMoney entities (JSON lines, as OpenSanctions and Aleph export them).

Each line is read and validated by the `followthemoney` package (`model.get_proxy`):
unknown schemata are refused, values that fail FtM's cleaning are dropped, properties
a schema does not have are reported and ignored.

The mapping is the ontology's `ftm` section (graphkit/model/ontology.yaml): `import` gives
each entity schema its label and kind (an organisation's kind from its name where marked
`by_name`; every schema that is a Document a Report), `links` each link schema its
relationship type and the properties of its ends. A Contract's `authority` -COMMISSIONED-> it;
an amount counts as money only in GBP; a Representation without a role gets the link's
default role; an UnknownLink whose role starts with a relationship type (`PART_OF: lead`, as
`export ftm` writes) is that type again.

FtM ids are kept as aliases (`ftm:<id>`), so importing the same export again matches
the actors recorded the first time; a UK company's registration number becomes the
alias `GB-COH-<number>`, which OCDS imports share.

What the ontology has no field for is kept, not dropped: the last line of the
description is `FtM: {…}`, a JSON object with the entity's schema and id and its
properties without a graphkit field (an Ownership's percentage and share details, a
Payment's amountEur, an amount in another currency, a registration number).
`graphkit export ftm` reads it back, so an FtM file survives import and export whole.

FtM carries no quotes. Each claim cites the entity's `sourceUrl` (with its
`publisher`) or, when it has none, the imported file; its evidence is `reported`; its
quote is a faithful statement of the FtM record itself, written as
`FtM Payment <id>: payer Acme Ltd, beneficiary Barnet Council, amount 123 GBP, date 2010-01-02`.
It is the record's content, not a quotation from a document: follow `sourceUrl` for that.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..model import values
from ..model.ontology import load_ontology
from ..model.vocabulary import FtmImport
from ..stores import Store
from .batch import Cited, ImportBatch, cite, safe_id, short_hash
from ..model.values import clean_text
from .ftm_reading import add_fragment, context_of, read_entities
from .ftm_values import (Captions, amount_of, contract_value, described, ftm_date, ftm_tail, money_text, plain_number,
                         statement)
from .importing import ImportPlan, Progress, run_record_import
from .report import ImportReport

__all__ = ["FORMAT", "import_ftm", "convert", "read_entities", "ftm_tail"]

FORMAT = "ftm"
EVIDENCE = "reported"
UNMAPPED_EDGES: dict[str, str] = {}  # link schema -> why it is skipped, when there is more to say than "no counterpart"
ENTITY_KEPT = ("registrationNumber", "jurisdiction", "country", "idNumber")
EDGE_KEPT = ("percentage", "sharesCount", "sharesValue", "sharesCurrency", "sharesType", "ownershipType",
             "legalBasis", "status", "amountEur", "amountUsd", "purpose", "programme", "summary")
MAX_PAIRS = 1  # an edge with several starts and several ends names no pairs: refused, not multiplied


def import_ftm(paths: list[str | Path], into: str | Path | None = None, *, dataset: str | Path | list | None = None,
               store: Store | None = None, dry_run: bool = False, source_id: str | None = None,
               progress: Progress | None = None, force: bool = False) -> ImportReport:
    """Import FtM JSON lines into `into` (a folder of `dataset`), then load the dataset into `store`."""
    plan = ImportPlan.make(FORMAT, paths, into, dataset, force=force)
    return run_record_import(plan, lambda batch: convert(plan.inputs, batch, source_id, progress),
                             store=store, dry_run=dry_run, progress=progress)


def convert(paths: list[Path], batch: ImportBatch, source_id: str | None = None, progress: Progress | None = None) -> None:
    proxies: dict[str, Any] = {}
    for path in paths:
        for proxy in read_entities(path, batch.report, progress).values():
            add_fragment(proxies, proxy, batch.report, context_of(proxy, "_where"))
    batch.report.figures["FtM entities read"] = len(proxies)
    ids: dict[str, str] = {}  # FtM id -> graphkit id
    captions = Captions(proxies)
    edges = []
    for proxy in proxies.values():
        if proxy.schema.edge:
            edges.append(proxy)
        else:
            _node(batch, proxy, captions[proxy.id], ids, source_id)
    for proxy in proxies.values():
        if proxy.schema.name == "Contract" and proxy.id in ids:
            _authorities(batch, proxy, ids, captions, source_id)
    for proxy in edges:
        _edge(batch, proxy, ids, captions, source_id)


# -- sources and quotes -----------------------------------------------------------------------
def _cite(batch: ImportBatch, proxy, quote: str, source_id: str | None) -> Cited:
    """The claim's citation: of `source_id` when given, else of the entity's `sourceUrl`, else of its file."""
    if source_id:
        if source_id not in batch.index.taken or source_id in batch.sources:
            return cite(batch.source(source_id, title=f"FollowTheMoney import {source_id}"), quote)
        return cite(source_id, quote)
    url = proxy.first("sourceUrl", quiet=True)
    publisher = proxy.first("publisher", quiet=True)
    base_id = _url_source_id(url) if url else None
    if base_id:
        sid = batch.source(base_id, url=url, title=publisher or url, publisher=publisher)
    else:
        name = context_of(proxy, "_file", "ftm")
        sid = batch.source(f"ftm-file-{values.slugify(name)[:60]}", title=f"FollowTheMoney export {name}",
                           publisher=publisher)
    return cite(sid, quote)


@lru_cache(maxsize=65536)
def _url_source_id(url: str) -> str | None:
    """The id a source at `url` is given (from its host and a hash of the URL); None when `url` is no URL.

    >>> _url_source_id("https://example.org/spend/2010"), _url_source_id("not a url")
    ('ftm-example-org-da7b863f86', None)
    """
    if not re.match(values.URL_PATTERN, url, re.IGNORECASE):
        return None
    host = urlsplit(url).hostname or "source"
    return f"ftm-{values.slugify(host)[:40]}-{short_hash(url)}"


# -- nodes ------------------------------------------------------------------------------------
def _node(batch: ImportBatch, proxy, caption: str, ids: dict[str, str], source_id: str | None) -> None:
    schema = proxy.schema
    name = clean_text(caption if caption != schema.label else None)
    onto = load_ontology()
    spec = onto.vocabulary.ftm.import_spec(schema)
    label = spec.label if spec else None
    if label in onto.actor_labels:
        _actor(batch, proxy, spec, name, ids, source_id)
    elif label == "Contract":
        _contract(batch, proxy, spec, name, ids, source_id)
    elif label == "Report":
        _document(batch, proxy, spec, name, ids, source_id)
    elif label == "Programme":
        _programme(batch, proxy, spec, name, ids, source_id)
    else:
        batch.report.skip(f"FtM schema {schema.name} has no counterpart in the ontology", context_of(proxy, "_where"))


def _actor(batch: ImportBatch, proxy, spec: FtmImport, name: str | None, ids: dict[str, str],
           source_id: str | None) -> None:
    if not name:
        batch.report.skip("entity without a name", context_of(proxy, "_where"))
        return
    kind = load_ontology().kind_from_name(name, spec.kind) if spec.by_name else spec.kind
    idents = [f"ftm:{proxy.id}"] + _company_numbers(proxy)
    quote = statement(proxy, [("name", name), ("jurisdiction", proxy.first("jurisdiction", quiet=True)),
                              ("registrationNumber", proxy.first("registrationNumber", quiet=True))])
    gid = batch.actor(spec.label, kind, name, _cite(batch, proxy, quote, source_id), identifiers=tuple(idents),
                      description=described(proxy, ENTITY_KEPT), match_created_by_name=False)
    if gid:
        ids[proxy.id] = gid
        for alias in proxy.get("alias", quiet=True) + proxy.get("previousName", quiet=True):
            record = batch.entities.get(gid)
            if record is not None and clean_text(alias) and alias not in record.setdefault("aliases", []):
                record["aliases"].append(clean_text(alias))


def _company_numbers(proxy) -> list[str]:
    if "gb" not in proxy.get("jurisdiction", quiet=True) + proxy.get("country", quiet=True):
        return []
    out = []
    for number in proxy.get("registrationNumber", quiet=True):
        number = number.strip().upper()
        if re.match(r"^(\d{1,8}|[A-Z]{2}\d{6})$", number):
            out.append(f"GB-COH-{number.zfill(8) if number.isdigit() else number}")
    return out


def _contract(batch: ImportBatch, proxy, spec: FtmImport, name: str | None, ids: dict[str, str],
              source_id: str | None) -> None:
    title = _title(batch, proxy, name, "contract")
    if not title:
        return
    amount, currency = amount_of(proxy, batch.report)
    record = {"id": _titled_id(batch, proxy, spec, title), "label": spec.label,
              "kind": spec.kind, "name": title, "title": title, "aliases": [f"ftm:{proxy.id}"],
              "procedure": clean_text(proxy.first("procedure", quiet=True)),
              "start_date": ftm_date(proxy.first("contractDate", quiet=True)),
              "description": described(proxy, ("amountEur", "amountUsd")),
              "evidence": EVIDENCE, **contract_value(amount, currency, batch.report, proxy)}
    quote = statement(proxy, [("title", title), ("amount", money_text(amount, currency))])
    _keep(batch, proxy, record, quote, ids, source_id)


def _document(batch: ImportBatch, proxy, spec: FtmImport, name: str | None, ids: dict[str, str],
              source_id: str | None) -> None:
    title = _title(batch, proxy, name, "document")
    if not title:
        return
    url = proxy.first("sourceUrl", quiet=True)
    record = {"id": _titled_id(batch, proxy, spec, title), "label": spec.label, "kind": spec.kind,
              "name": title, "aliases": [f"ftm:{proxy.id}"],
              "date": ftm_date(proxy.first("publishedAt", quiet=True) or proxy.first("date", quiet=True)),
              "url": url if url and re.match(values.URL_PATTERN, url, re.IGNORECASE) else None,
              "description": described(proxy, ()), "evidence": EVIDENCE}
    quote = statement(proxy, [("title", title), ("published", record["date"])])
    _keep(batch, proxy, record, quote, ids, source_id)


def _title(batch: ImportBatch, proxy, name: str | None, what: str) -> str | None:
    """The title of a contract or document (its name when it has none); a skip in the report without either."""
    title = clean_text(proxy.first("title", quiet=True)) or name
    if not title:
        batch.report.skip(f"{what} without a title or name", context_of(proxy, "_where"))
    return title


def _titled_id(batch: ImportBatch, proxy, spec: FtmImport, title: str) -> str:
    """The id an earlier import gave this entity, or a free id made from its title."""
    return (batch.index.aliases.get(f"ftm:{proxy.id}") or _same_entity(batch, proxy.id, spec.label)
            or batch.index.free_id(safe_id(f"ftm-{values.slugify(title)[:80]}")))


def _keep(batch: ImportBatch, proxy, record: dict, quote: str, ids: dict[str, str], source_id: str | None) -> None:
    ids[proxy.id] = batch.entity(record, _cite(batch, proxy, quote, source_id))
    batch.index.aliases.setdefault(f"ftm:{proxy.id}", ids[proxy.id])


def _same_entity(batch: ImportBatch, ftm_id: str, label: str) -> str | None:
    """graphkit's own FtM export uses graphkit ids: an FtM id that is a recorded id of the same label is that entity."""
    return ftm_id if ftm_id in batch.existing and batch.index.labels.get(ftm_id) == label else None


def _programme(batch: ImportBatch, proxy, spec: FtmImport, name: str | None, ids: dict[str, str],
               source_id: str | None) -> None:
    """An FtM Project is a Programme (graphkit exports programmes as projects)."""
    if not name:
        batch.report.skip("project without a name", context_of(proxy, "_where"))
        return
    record = {"id": batch.index.aliases.get(f"ftm:{proxy.id}") or _same_entity(batch, proxy.id, spec.label)
              or batch.index.free_id(safe_id(f"ftm-{values.slugify(name)[:80]}")),
              "label": spec.label, "kind": spec.kind, "name": name, "aliases": [f"ftm:{proxy.id}"],
              "description": described(proxy, ()), "evidence": EVIDENCE}
    quote = statement(proxy, [("name", name)])
    found = batch.entity(record, _cite(batch, proxy, quote, source_id))
    if found:
        ids[proxy.id] = found
        batch.index.aliases.setdefault(f"ftm:{proxy.id}", found)


def _authorities(batch: ImportBatch, proxy, ids: dict[str, str], captions: Captions, source_id: str | None) -> None:
    for ref in proxy.get("authority", quiet=True):
        buyer = ids.get(ref)
        if buyer is None or batch.index.labels.get(buyer) not in load_ontology().actor_labels:
            batch.report.skip("contract authority not among the imported actors", f"{context_of(proxy, '_where')}: {ref}")
            continue
        quote = statement(proxy, [("authority", captions[ref]), ("title", proxy.first("title", quiet=True))])
        batch.relate(buyer, "COMMISSIONED", ids[proxy.id], _cite(batch, proxy, quote, source_id), evidence=EVIDENCE)


# -- edges ------------------------------------------------------------------------------------
def _edge(batch: ImportBatch, proxy, ids: dict[str, str], captions: Captions, source_id: str | None) -> None:
    where = context_of(proxy, "_where")
    name = proxy.schema.name
    mapping = load_ontology().vocabulary.ftm
    link = mapping.link_by_schema(name)
    if link is None:
        reason = UNMAPPED_EDGES.get(name, f"FtM schema {name} has no counterpart in the ontology")
        batch.report.skip(reason, where)
        return
    rtype, start_prop, end_prop, role = link.type, link.start, link.end, link.role
    stated = proxy.get("role", quiet=True)
    if link == mapping.fallback_link:
        rtype, stated = _stated_type(stated, link.type)
    starts = [ids.get(ref) for ref in proxy.get(start_prop, quiet=True)]
    ends = [ids.get(ref) for ref in proxy.get(end_prop, quiet=True)]
    if not all(starts) or not all(ends) or not starts or not ends:
        batch.report.skip(f"{name}: an end is missing or was not imported", where)
        return
    if len(starts) > MAX_PAIRS and len(ends) > MAX_PAIRS:
        batch.report.skip(f"{name} with {len(starts)} × {len(ends)} ends names no pairs (not multiplied into "
                          f"{len(starts) * len(ends)} claims)", where)
        return
    amount, currency = amount_of(proxy, batch.report)
    props = {"start_date": ftm_date(proxy.first("startDate", quiet=True) or proxy.first("date", quiet=True)),
             "end_date": ftm_date(proxy.first("endDate", quiet=True)), "evidence": EVIDENCE,
             "role": clean_text(", ".join(x for x in stated if x) or role)}
    extra = {}
    if amount is not None and rtype in ("PAID", "AWARDED_TO") and currency == "GBP":
        props["amount_gbp"] = amount
    elif amount is not None:
        batch.report.skip(f"amount in {currency or 'no currency'}: not counted as GBP (kept in the description)", where)
        extra = {"amount": [plain_number(amount)], **({"currency": [currency]} if currency else {})}
    props["description"] = described(proxy, EDGE_KEPT, extra,
                                      f"amount {money_text(amount, currency)}" if extra else None)
    parts = [(start_prop, ", ".join(captions[r] for r in proxy.get(start_prop, quiet=True))),
             (end_prop, ", ".join(captions[r] for r in proxy.get(end_prop, quiet=True))),
             ("role", ", ".join(proxy.get("role", quiet=True))), ("amount", money_text(amount, currency)),
             ("date", props["start_date"])]
    cited = _cite(batch, proxy, statement(proxy, parts), source_id)
    for a in starts:
        for b in ends:
            _relate_checked(batch, a, rtype, b, cited, props, where)


def _stated_type(roles: list[str], unstated: str) -> tuple[str, list[str]]:
    """An UnknownLink that `graphkit export ftm` wrote names its relationship type in its role
    (`PART_OF` or `PART_OF: lead partner`): that type again, and the role after it; else `unstated`."""
    for i, role in enumerate(roles):
        head, _, rest = role.partition(":")
        if head.strip() in load_ontology().relationships and head.strip() != unstated and head.strip().isupper():
            return head.strip(), [r for r in [*roles[:i], rest.strip(), *roles[i + 1:]] if r]
    return unstated, roles


def _relate_checked(batch: ImportBatch, a: str, rtype: str, b: str, cited: Cited, props: dict, where: str) -> None:
    la, lb = batch.index.labels.get(a), batch.index.labels.get(b)
    if not load_ontology().allows(la, rtype, lb):
        batch.report.skip(f"{rtype} cannot run from a {la} to a {lb} in the ontology", where)
        return
    batch.relate(a, rtype, b, cited, **props)
