"""Import FollowTheMoney entities (JSON lines, as OpenSanctions and Aleph export them).

Each line is read and validated by the `followthemoney` package (`model.get_proxy`):
unknown schemata are refused, values that fail FtM's cleaning are dropped, properties
a schema does not have are reported and ignored.

Mapping onto the ontology:

| FtM schema | graphkit |
| --- | --- |
| Person | Person (person) |
| Company, PublicBody | Organisation (company, public_body or a kind its name implies) |
| Organization, LegalEntity | Organisation (a kind its name implies, else company) |
| Contract | Contract (contract); its `authority` -COMMISSIONED-> it |
| Document, Article … | Report (report, article) |
| ContractAward | Contract -AWARDED_TO-> supplier (amount when in GBP) |
| Payment | payer -PAID-> beneficiary |
| Directorship | director -DIRECTOR_OF-> organization (people only) |
| Employment | employee -EMPLOYED_BY-> employer |
| Membership | member -MEMBER_OF-> organization |
| Ownership | owner -OWNS-> asset (people and organisations as owners) |
| Representation | agent -ADVISES-> client, role "represents" unless FtM gives one |
| Documentation | document -ABOUT-> entity |
| UnknownLink | subject -LINKED_TO-> object, role from the link's `role`; a role that starts with a relationship type (`PART_OF: lead`, as `export ftm` writes) is that type again |
| Project | Programme (programme) |

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

import json
import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..model import values
from ..errors import GraphkitError
from ..stores import Store
from .batch import Cite, ImportBatch, clean_text, safe_id, short_hash
from .importing import ImportPlan, Progress, run_record_import
from .kinds import organisation_kind
from .reading import MAX_DEPTH, InputError, check_depth, decode_utf8
from .report import ImportReport

FORMAT = "ftm"
EVIDENCE = "reported"
ACTORS = {"Person": ("Person", "person"), "Company": ("Organisation", "company"),
          "PublicBody": ("Organisation", "public_body"), "Organization": ("Organisation", "company"),
          "LegalEntity": ("Organisation", "company")}
# edge schema -> (relationship type, FtM property of the start, of the end, role)
EDGES = {
    "ContractAward": ("AWARDED_TO", "contract", "supplier", None),
    "Payment": ("PAID", "payer", "beneficiary", None),
    "Directorship": ("DIRECTOR_OF", "director", "organization", None),
    "Employment": ("EMPLOYED_BY", "employee", "employer", None),
    "Membership": ("MEMBER_OF", "member", "organization", None),
    "Ownership": ("OWNS", "owner", "asset", None),
    "Representation": ("ADVISES", "agent", "client", "represents"),
    "Documentation": ("ABOUT", "document", "entity", None),
    "UnknownLink": ("LINKED_TO", "subject", "object", None),
}
UNMAPPED_EDGES: dict[str, str] = {}
TAIL = "FtM: "  # the description's last line: FtM properties without a graphkit field, as JSON
ENTITY_KEPT = ("registrationNumber", "jurisdiction", "country", "idNumber")
EDGE_KEPT = ("percentage", "sharesCount", "sharesValue", "sharesCurrency", "sharesType", "ownershipType",
             "legalBasis", "status", "amountEur", "amountUsd", "purpose", "programme", "summary")
MAX_FTM_ID = 1000
MAX_PAIRS = 1  # an edge with several starts and several ends names no pairs: refused, not multiplied
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def import_ftm(paths: list[str | Path], into: str | Path | None = None, *, dataset: str | Path | list | None = None,
               store: Store | None = None, dry_run: bool = False, source_id: str | None = None,
               progress: Progress | None = None, force: bool = False) -> ImportReport:
    """Import FtM JSON lines into `into` (a folder of `dataset`), then load the dataset into `store`."""
    plan = ImportPlan.make(FORMAT, paths, into, dataset, force=force)
    return run_record_import(plan, lambda batch: convert(plan.inputs, batch, source_id, progress),
                             store=store, dry_run=dry_run, progress=progress)


def read_entities(path: Path, report: ImportReport, progress: Progress | None = None) -> dict[str, Any]:
    """FtM proxies of one file by id; fragments of one id are merged, as FtM does.

    Each line is checked before FtM sees it: a JSON object no deeper than FtM's shape,
    `id` and `schema` text, `properties` an object of text or number lists. A bad line
    is skipped with file:line and the reason. A file that is not UTF-8 or holds no
    entity at all is refused in one line.
    """
    from followthemoney import model
    from followthemoney.exc import FollowTheMoneyException

    data = path.read_bytes()
    text = decode_utf8(data, path)
    if not text.strip():
        raise GraphkitError(f"{path}: empty file (no FollowTheMoney entity)")
    proxies: dict[str, Any] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        progress and progress("reading", len(line.encode("utf-8")) + 1)
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            entity = _checked_entity(line)
            proxy = model.get_proxy(entity, cleaned=False)
        except (InputError, FollowTheMoneyException) as exc:
            report.skip("line is not a FollowTheMoney entity", f"{where}: {clean_text(exc, 200)}")
            continue
        for prop in entity.get("properties") or {}:
            if prop not in proxy.schema.properties:
                report.skip("property not in the FtM schema (ignored)", f"{where}: {proxy.schema.name}.{clean_text(prop, 80)}")
        proxy.context["_where"] = where
        proxy.context["_file"] = path.name
        _add_fragment(proxies, proxy, report, where)
    if not proxies:
        raise GraphkitError(f"{path}: no FollowTheMoney entity could be read"
                            + (f" ({next(iter(report.examples.get('line is not a FollowTheMoney entity', [])), '')})"
                               if report.skipped else ""))
    return proxies


def _checked_entity(line: str) -> dict:
    """One line as an FtM entity's JSON, with every part of the right type; InputError otherwise."""
    try:
        entity = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels") from None
    check_depth(entity)
    if not isinstance(entity, dict):
        raise InputError("not a JSON object")
    for key in ("id", "schema"):
        value = entity.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{key} is not text")
        if _CONTROL.search(value) or len(value) > MAX_FTM_ID:
            raise InputError(f"{key} is not an identifier (control characters or over {MAX_FTM_ID} characters)")
    props = entity.get("properties", {})
    if not isinstance(props, dict):
        raise InputError("properties is not an object")
    for name, value in props.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise InputError(f"property {clean_text(name, 60)} holds a {type(item).__name__}, not text")
    return entity


def _no_constant(name: str):
    raise InputError(f"{name} is not a JSON number")


def _add_fragment(proxies: dict[str, Any], proxy, report: ImportReport, where: str) -> None:
    """Merge a fragment into the entity of its id (FtM picks the common schema)."""
    from followthemoney.exc import InvalidData

    current = proxies.get(proxy.id)
    if current is None:
        proxies[proxy.id] = proxy
        return
    try:
        current.merge(proxy)
    except InvalidData:
        report.skip("fragment whose schema cannot merge with the entity's other fragments (FtM's rule)",
                    f"{where}: {proxy.id} is {current.schema.name} and {proxy.schema.name}")


def _context(proxy, key: str, default: str | None = None) -> str | None:
    """A context value set on reading (merged fragments keep a list: the first fragment's)."""
    value = proxy.context.get(key, default)
    return value[0] if isinstance(value, list) and value else value


def convert(paths: list[Path], batch: ImportBatch, source_id: str | None = None, progress: Progress | None = None) -> None:
    proxies: dict[str, Any] = {}
    for path in paths:
        for proxy in read_entities(path, batch.report, progress).values():
            _add_fragment(proxies, proxy, batch.report, _context(proxy, "_where"))
    batch.report.figures["FtM entities read"] = len(proxies)
    ids: dict[str, str] = {}  # FtM id -> graphkit id
    edges = []
    for proxy in proxies.values():
        if proxy.schema.edge:
            edges.append(proxy)
        else:
            _node(batch, proxy, ids, source_id)
    for proxy in proxies.values():
        if proxy.schema.name == "Contract" and proxy.id in ids:
            _authorities(batch, proxy, ids, proxies, source_id)
    for proxy in edges:
        _edge(batch, proxy, ids, proxies, source_id)


# -- sources and quotes -----------------------------------------------------------------------
def _cite(batch: ImportBatch, proxy, quote: str, source_id: str | None) -> Cite:
    if source_id:
        if source_id not in batch.index.taken or source_id in batch.sources:
            return Cite(batch.source(source_id, title=f"FollowTheMoney import {source_id}"), quote)
        return Cite(source_id, quote)
    url = proxy.first("sourceUrl", quiet=True)
    publisher = proxy.first("publisher", quiet=True)
    if url and re.match(values.URL_PATTERN, url, re.IGNORECASE):
        host = urlsplit(url).hostname or "source"
        sid = batch.source(f"ftm-{values.slugify(host)[:40]}-{short_hash(url)}", url=url,
                           title=publisher or url, publisher=publisher)
    else:
        name = _context(proxy, "_file", "ftm")
        sid = batch.source(f"ftm-file-{values.slugify(name)[:60]}", title=f"FollowTheMoney export {name}",
                           publisher=publisher)
    return Cite(sid, quote)


def _statement(proxy, parts: list[tuple[str, Any]]) -> str:
    shown = ", ".join(f"{k} {v}" for k, v in parts if v not in (None, ""))
    return f"FtM {proxy.schema.name} {proxy.id}: {shown}" if shown else f"FtM {proxy.schema.name} {proxy.id}"


# -- nodes ------------------------------------------------------------------------------------
def _node(batch: ImportBatch, proxy, ids: dict[str, str], source_id: str | None) -> None:
    schema = proxy.schema
    name = clean_text(proxy.caption if proxy.caption != schema.label else None)
    if schema.name in ACTORS:
        _actor(batch, proxy, name, ids, source_id)
    elif schema.name == "Contract":
        _contract(batch, proxy, name, ids, source_id)
    elif schema.is_a("Document"):
        _document(batch, proxy, name, ids, source_id)
    elif schema.name == "Project":
        _programme(batch, proxy, name, ids, source_id)
    else:
        batch.report.skip(f"FtM schema {schema.name} has no counterpart in the ontology", _context(proxy, "_where"))


def _actor(batch: ImportBatch, proxy, name: str | None, ids: dict[str, str], source_id: str | None) -> None:
    label, kind = ACTORS[proxy.schema.name]
    if not name:
        batch.report.skip("entity without a name", _context(proxy, "_where"))
        return
    if label == "Organisation" and kind != "public_body":
        kind = organisation_kind(name, kind) if proxy.schema.name != "Company" else "company"
    elif kind == "public_body":
        kind = organisation_kind(name, kind)
    idents = [f"ftm:{proxy.id}"] + _company_numbers(proxy)
    quote = _statement(proxy, [("name", name), ("jurisdiction", proxy.first("jurisdiction", quiet=True)),
                               ("registrationNumber", proxy.first("registrationNumber", quiet=True))])
    gid = batch.actor(label, kind, name, _cite(batch, proxy, quote, source_id), identifiers=tuple(idents),
                      description=_described(proxy, ENTITY_KEPT), match_created_by_name=False)
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


def _contract(batch: ImportBatch, proxy, name: str | None, ids: dict[str, str], source_id: str | None) -> None:
    title = clean_text(proxy.first("title", quiet=True)) or name
    if not title:
        batch.report.skip("contract without a title or name", _context(proxy, "_where"))
        return
    amount, currency = _amount(proxy, batch.report)
    record = {"id": batch.index.free_id(safe_id(f"ftm-{values.slugify(title)[:80]}")), "label": "Contract",
              "kind": "contract", "name": title, "title": title, "aliases": [f"ftm:{proxy.id}"],
              "procedure": clean_text(proxy.first("procedure", quiet=True)),
              "start_date": _date(proxy.first("contractDate", quiet=True)),
              "description": _described(proxy, ("amountEur", "amountUsd")),
              "evidence": EVIDENCE, **_value(amount, currency, batch.report, proxy)}
    known = batch.index.aliases.get(f"ftm:{proxy.id}") or _same_entity(batch, proxy.id, "Contract")
    if known:
        record["id"] = known
    quote = _statement(proxy, [("title", title), ("amount", _money(amount, currency))])
    ids[proxy.id] = batch.entity(record, _cite(batch, proxy, quote, source_id))
    batch.index.aliases.setdefault(f"ftm:{proxy.id}", ids[proxy.id])


def _document(batch: ImportBatch, proxy, name: str | None, ids: dict[str, str], source_id: str | None) -> None:
    title = clean_text(proxy.first("title", quiet=True)) or name
    if not title:
        batch.report.skip("document without a title or name", _context(proxy, "_where"))
        return
    url = proxy.first("sourceUrl", quiet=True)
    record = {"id": batch.index.aliases.get(f"ftm:{proxy.id}") or _same_entity(batch, proxy.id, "Report")
              or batch.index.free_id(safe_id(f"ftm-{values.slugify(title)[:80]}")),
              "label": "Report", "kind": "article" if proxy.schema.is_a("Article") else "report",
              "name": title, "aliases": [f"ftm:{proxy.id}"],
              "date": _date(proxy.first("publishedAt", quiet=True) or proxy.first("date", quiet=True)),
              "url": url if url and re.match(values.URL_PATTERN, url, re.IGNORECASE) else None,
              "description": _described(proxy, ()), "evidence": EVIDENCE}
    quote = _statement(proxy, [("title", title), ("published", record["date"])])
    ids[proxy.id] = batch.entity(record, _cite(batch, proxy, quote, source_id))
    batch.index.aliases.setdefault(f"ftm:{proxy.id}", ids[proxy.id])


def _same_entity(batch: ImportBatch, ftm_id: str, label: str) -> str | None:
    """graphkit's own FtM export uses graphkit ids: an FtM id that is a recorded id of the same label is that entity."""
    return ftm_id if ftm_id in batch.existing and batch.index.labels.get(ftm_id) == label else None


def _programme(batch: ImportBatch, proxy, name: str | None, ids: dict[str, str], source_id: str | None) -> None:
    """An FtM Project is a Programme (graphkit exports programmes as projects)."""
    if not name:
        batch.report.skip("project without a name", _context(proxy, "_where"))
        return
    record = {"id": batch.index.aliases.get(f"ftm:{proxy.id}") or _same_entity(batch, proxy.id, "Programme")
              or batch.index.free_id(safe_id(f"ftm-{values.slugify(name)[:80]}")),
              "label": "Programme", "kind": "programme", "name": name, "aliases": [f"ftm:{proxy.id}"],
              "description": _described(proxy, ()), "evidence": EVIDENCE}
    quote = _statement(proxy, [("name", name)])
    found = batch.entity(record, _cite(batch, proxy, quote, source_id))
    if found:
        ids[proxy.id] = found
        batch.index.aliases.setdefault(f"ftm:{proxy.id}", found)


def _authorities(batch: ImportBatch, proxy, ids: dict[str, str], proxies: dict, source_id: str | None) -> None:
    for ref in proxy.get("authority", quiet=True):
        buyer = ids.get(ref)
        if buyer is None or batch.index.labels.get(buyer) not in ("Organisation", "Person"):
            batch.report.skip("contract authority not among the imported actors", f"{_context(proxy, '_where')}: {ref}")
            continue
        quote = _statement(proxy, [("authority", _caption(proxies, ref)), ("title", proxy.first("title", quiet=True))])
        batch.relate(buyer, "COMMISSIONED", ids[proxy.id], _cite(batch, proxy, quote, source_id), evidence=EVIDENCE)


# -- edges ------------------------------------------------------------------------------------
def _edge(batch: ImportBatch, proxy, ids: dict[str, str], proxies: dict, source_id: str | None) -> None:
    where = _context(proxy, "_where")
    name = proxy.schema.name
    if name not in EDGES:
        reason = UNMAPPED_EDGES.get(name, f"FtM schema {name} has no counterpart in the ontology")
        batch.report.skip(reason, where)
        return
    rtype, start_prop, end_prop, role = EDGES[name]
    stated = proxy.get("role", quiet=True)
    if name == "UnknownLink":
        rtype, stated = _stated_type(stated)
    starts = [ids.get(ref) for ref in proxy.get(start_prop, quiet=True)]
    ends = [ids.get(ref) for ref in proxy.get(end_prop, quiet=True)]
    if not all(starts) or not all(ends) or not starts or not ends:
        batch.report.skip(f"{name}: an end is missing or was not imported", where)
        return
    if len(starts) > MAX_PAIRS and len(ends) > MAX_PAIRS:
        batch.report.skip(f"{name} with {len(starts)} × {len(ends)} ends names no pairs (not multiplied into "
                          f"{len(starts) * len(ends)} claims)", where)
        return
    amount, currency = _amount(proxy, batch.report)
    props = {"start_date": _date(proxy.first("startDate", quiet=True) or proxy.first("date", quiet=True)),
             "end_date": _date(proxy.first("endDate", quiet=True)), "evidence": EVIDENCE,
             "role": clean_text(", ".join(x for x in stated if x) or role)}
    extra = {}
    if amount is not None and rtype in ("PAID", "AWARDED_TO") and currency == "GBP":
        props["amount_gbp"] = amount
    elif amount is not None:
        batch.report.skip(f"amount in {currency or 'no currency'}: not counted as GBP (kept in the description)", where)
        extra = {"amount": [_plain(amount)], **({"currency": [currency]} if currency else {})}
    props["description"] = _described(proxy, EDGE_KEPT, extra,
                                      f"amount {_money(amount, currency)}" if extra else None)
    parts = [(start_prop, ", ".join(_caption(proxies, r) for r in proxy.get(start_prop, quiet=True))),
             (end_prop, ", ".join(_caption(proxies, r) for r in proxy.get(end_prop, quiet=True))),
             ("role", ", ".join(proxy.get("role", quiet=True))), ("amount", _money(amount, currency)),
             ("date", props["start_date"])]
    cite = _cite(batch, proxy, _statement(proxy, parts), source_id)
    for a in starts:
        for b in ends:
            _relate_checked(batch, a, rtype, b, cite, props, where)


def _stated_type(roles: list[str]) -> tuple[str, list[str]]:
    """An UnknownLink that `graphkit export ftm` wrote names its relationship type in its role
    (`PART_OF` or `PART_OF: lead partner`): that type again, and the role after it."""
    from ..model.ontology import load_ontology

    for i, role in enumerate(roles):
        head, _, rest = role.partition(":")
        if head.strip() in load_ontology().relationships and head.strip() != "LINKED_TO" and head.strip().isupper():
            return head.strip(), [r for r in [*roles[:i], rest.strip(), *roles[i + 1:]] if r]
    return "LINKED_TO", roles


def _relate_checked(batch: ImportBatch, a: str, rtype: str, b: str, cite: Cite, props: dict, where: str) -> None:
    from ..model.ontology import load_ontology

    la, lb = batch.index.labels.get(a), batch.index.labels.get(b)
    if not load_ontology().allows(la, rtype, lb):
        batch.report.skip(f"{rtype} cannot run from a {la} to a {lb} in the ontology", where)
        return
    batch.relate(a, rtype, b, cite, **props)


# -- values -----------------------------------------------------------------------------------
def _amount(proxy, report: ImportReport) -> tuple[float | None, str | None]:
    """The entity's `amount` and `currency`; an amount that is not a usable number is refused with a reason."""
    from followthemoney import registry

    raw = proxy.first("amount", quiet=True)
    currency = (proxy.first("currency", quiet=True) or "").upper() or None
    if raw is None:
        return None, currency
    where = f"{_context(proxy, '_where')}: {proxy.schema.name}.amount {clean_text(raw, 60)!r}"
    text = str(raw).strip().lower().lstrip("+-")
    if text in ("nan", "inf", "infinity"):
        report.skip("amount is not a finite number (left out)", where)
        return None, currency
    number = registry.number.to_number(raw)
    if number is None:  # FtM's parser refuses what it cannot read; say why when it is a number after all
        try:
            number = float(str(raw).replace(",", ""))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        report.skip("amount is not a number (left out)", where)
    elif number < 0:
        report.skip("amount is negative (left out)", where)
    elif number > values.MAX_AMOUNT:
        report.skip(f"amount above {values.MAX_AMOUNT:.0e}, implausible (left out)", where)
    else:
        return round(float(number), 2), currency
    return None, currency


def _value(amount: float | None, currency: str | None, report: ImportReport, proxy) -> dict:
    if amount is None:
        return {}
    fields = {"currency": currency, "value_original": amount}
    if currency != "GBP":
        report.skip(f"value in {currency or 'no currency'}: not counted as GBP (kept as value_original)",
                    _context(proxy, "_where"))
        return fields
    return {**fields, "value_gbp": amount}


def _described(proxy, kept: tuple[str, ...], extra: dict | None = None, lead: str | None = None) -> str | None:
    """The FtM description, then the line `FtM: {…}` with the schema, id and the `kept` properties."""
    tail = {"schema": proxy.schema.name, "id": proxy.id}
    for prop in kept:
        found = proxy.get(prop, quiet=True)
        if found:
            tail[prop] = found
    tail.update(extra or {})
    text = "\n".join(x for x in (lead, clean_text(proxy.first("description", quiet=True), values.MAX_TEXT // 2)) if x)
    line = TAIL + json.dumps(tail, ensure_ascii=False, sort_keys=True)
    return clean_text(f"{text}\n{line}" if text else line, values.MAX_TEXT)


def ftm_tail(description: str | None) -> tuple[str | None, dict]:
    r"""Split a description written by the FtM import into its text and the `FtM: {…}` properties.

    >>> ftm_tail('Board seat\nFtM: {"id": "o1", "percentage": ["25"], "schema": "Ownership"}')
    ('Board seat', {'id': 'o1', 'percentage': ['25'], 'schema': 'Ownership'})
    >>> ftm_tail("plain text")
    ('plain text', {})
    """
    if not description:
        return description, {}
    head, _, last = description.rpartition("\n")
    if not last.startswith(TAIL):
        return description, {}
    try:
        tail = json.loads(last[len(TAIL):])
    except ValueError:
        return description, {}
    return (head or None), (tail if isinstance(tail, dict) else {})


def _plain(number: float):
    return str(int(number)) if float(number).is_integer() else str(number)


def _money(amount: float | None, currency: str | None) -> str | None:
    if amount is None:
        return None
    shown = int(amount) if float(amount).is_integer() else amount
    return f"{shown} {currency or '(no currency)'}"


def _date(value: str | None) -> str | None:
    if not value:
        return None
    for size in (10, 7, 4):
        text = value[:size]
        if re.match(values.DATE_PATTERN, text):
            try:
                return values.check_date(text)
            except ValueError:
                continue
    return None


def _caption(proxies: dict, ref: str) -> str:
    proxy = proxies.get(ref)
    return proxy.caption if proxy is not None else ref
