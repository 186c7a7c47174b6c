"""`graphkit add …`: record a new finding from the command line."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from .common import DEFAULT_DATASET, DatasetOpt, Neo4jOpt, StoreOpt, add_app, command, store_from_options
from .output import console


def _reference(source: str, quote: str, title, publisher, date):
    from ..dataset.findings import Reference

    return Reference(source, quote, title, publisher, date)


SourceOpt = Annotated[str, typer.Option("--source", "-s", help="URL of the evidence, or the id of a recorded source.")]
QuoteOpt = Annotated[str, typer.Option("--quote", "-q", help="Short verbatim quote from the source.")]
TitleOpt = Annotated[Optional[str], typer.Option(help="Title of a new source.")]
PublisherOpt = Annotated[Optional[str], typer.Option(help="Publisher of a new source.")]
DateOpt = Annotated[Optional[str], typer.Option("--date", help="Date of a new source (ISO).")]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Only write the dataset file.")]
EvidenceOpt = Annotated[str, typer.Option(
    help="How the claim is known: documented (a primary record), reported (a publication says it), "
         "alleged (only a partisan source or blog says it) or inferred.")]


def _record(add, dataset, *args, no_store: bool, store, neo4j, **kwargs) -> None:
    """Call the library's `add(dataset, *args, store=…, **kwargs)` with the store (unless --no-store), then say what it did."""
    target = None if no_store else store_from_options(store, neo4j, few_rows=True)
    try:
        result = add(dataset, *args, store=target, **kwargs)
    finally:
        target and target.close()
    _print_added(result)


def _print_added(result) -> None:
    for item in result.created:
        console.print(f"added {item}", markup=False, highlight=False)
    for item in result.matched:
        console.print(f"matched existing {item}", markup=False, highlight=False)
    console.print(f"written to {result.file}" + ("; store updated" if result.stored else ""), markup=False, highlight=False)


@command(target=add_app, name="entity")
def add_entity_cmd(label: Annotated[str, typer.Option(help="Organisation, Person, Programme, Report, …")],
                   kind: Annotated[str, typer.Option(help="A kind of that label, e.g. consultancy.")],
                   name: Annotated[str, typer.Option(help="The actor's name.")],
                   source: SourceOpt, quote: QuoteOpt,
                   id: Annotated[Optional[str], typer.Option("--id", help="Stable id (derived from the name when absent).")] = None,
                   alias: Annotated[Optional[list[str]], typer.Option(help="Other spelling (repeatable).")] = None,
                   description: Annotated[Optional[str], typer.Option()] = None,
                   evidence: EvidenceOpt = "reported",
                   field: Annotated[Optional[list[str]], typer.Option(help="Label field as key=value, e.g. value_gbp=60000.")] = None,
                   title: TitleOpt = None, publisher: PublisherOpt = None, date: DateOpt = None,
                   dataset: DatasetOpt = DEFAULT_DATASET, no_store: NoStoreOpt = False,
                   store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Add an actor or other entity (matched by id, name or alias instead of duplicated)."""
    from ..dataset.findings import add_entity
    from ..query.named import parse_params

    _record(add_entity, dataset, label=label, kind=kind, name=name, id=id, aliases=alias, description=description,
            evidence=evidence, fields=parse_params(field or []),
            reference=_reference(source, quote, title, publisher, date), no_store=no_store, store=store, neo4j=neo4j)


@command(target=add_app, name="relation")
def add_relation_cmd(src: Annotated[str, typer.Argument(metavar="SRC", help="Id, name or alias.")],
                     rel_type: Annotated[str, typer.Argument(metavar="TYPE", help="e.g. ADVISES, PAID, FUNDS.")],
                     dst: Annotated[str, typer.Argument(metavar="DST", help="Id, name or alias.")],
                     source: SourceOpt, quote: QuoteOpt,
                     amount_gbp: Annotated[Optional[float], typer.Option(help="Amount in GBP (needs --vat).")] = None,
                     vat: Annotated[Optional[str], typer.Option(help="excluded, included or unknown.")] = None,
                     start_date: Annotated[Optional[str], typer.Option()] = None,
                     end_date: Annotated[Optional[str], typer.Option()] = None,
                     role: Annotated[Optional[str], typer.Option()] = None,
                     evidence: EvidenceOpt = "reported",
                     title: TitleOpt = None, publisher: PublisherOpt = None, date: DateOpt = None,
                     dataset: DatasetOpt = DEFAULT_DATASET, no_store: NoStoreOpt = False,
                     store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Add a link between two recorded actors."""
    from ..dataset.findings import add_relation

    props = {"amount_gbp": amount_gbp, "vat": vat, "start_date": start_date, "end_date": end_date,
             "role": role, "evidence": evidence}
    _record(add_relation, dataset, src, rel_type, dst, props=props,
            reference=_reference(source, quote, title, publisher, date), no_store=no_store, store=store, neo4j=neo4j)


@command(target=add_app, name="contract")
def add_contract_cmd(buyer: Annotated[str, typer.Argument(help="Id, name or alias of the buyer.")],
                     supplier: Annotated[str, typer.Argument(help="Id, name or alias of the supplier.")],
                     title: Annotated[str, typer.Option("--title", help="The contract's title.")],
                     source: SourceOpt, quote: QuoteOpt,
                     value_gbp: Annotated[Optional[float], typer.Option(help="Contract value in GBP (needs --vat).")] = None,
                     vat: Annotated[Optional[str], typer.Option(help="excluded, included or unknown.")] = None,
                     start_date: Annotated[Optional[str], typer.Option()] = None,
                     procedure: Annotated[Optional[str], typer.Option()] = None,
                     evidence: EvidenceOpt = "reported",
                     source_title: Annotated[Optional[str], typer.Option(help="Title of a new source.")] = None,
                     publisher: PublisherOpt = None, date: DateOpt = None,
                     dataset: DatasetOpt = DEFAULT_DATASET, no_store: NoStoreOpt = False,
                     store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Add a contract: buyer -COMMISSIONED-> contract -AWARDED_TO-> supplier (the same one again gains the citation)."""
    from ..dataset.findings import add_contract

    _record(add_contract, dataset, buyer, supplier, title=title, value_gbp=value_gbp, vat=vat, start_date=start_date,
            procedure=procedure, evidence=evidence, reference=_reference(source, quote, source_title, publisher, date),
            no_store=no_store, store=store, neo4j=neo4j)


@command(target=add_app, name="source")
def add_source_cmd(url: Annotated[str, typer.Argument(help="http(s) URL of the document.")],
                   title: TitleOpt = None, publisher: PublisherOpt = None, date: DateOpt = None,
                   dataset: DatasetOpt = DEFAULT_DATASET, no_store: NoStoreOpt = False,
                   store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Record a source document, to cite it later by id."""
    from ..dataset.findings import add_source

    _record(add_source, dataset, url, title=title, publisher=publisher, date=date,
            no_store=no_store, store=store, neo4j=neo4j)
