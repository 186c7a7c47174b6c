"""Network analysis commands (graphkit analyse …): thin commands over library functions."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from .common import FormatOpt, Neo4jOpt, StoreOpt, app, command, graph_from_options as _graph
from .output import WideOpt, render
from ..errors import GraphkitError

analyse_app = typer.Typer(help="Follow the money, find brokers, paths, neighbourhoods and communities.",
                          no_args_is_help=True)
app.add_typer(analyse_app, name="analyse")


def _gbp(value, fmt: str):
    """£ with thousands separators on the terminal; the raw number for JSON and CSV."""
    if fmt != "table" or not isinstance(value, (int, float)):
        return value
    return f"£{value:,.2f}" if value % 1 else f"£{value:,.0f}"


def _score(value: float, fmt: str):
    return round(value, 4) if fmt == "table" else value




@command(target=analyse_app, name="money")
def money_cmd(by: Annotated[str, typer.Option("--by", help="actor, programme or year.")] = "actor",
              summary: Annotated[bool, typer.Option("--summary",
                                                    help="Only the grand totals (each item once).")] = False,
              fmt: FormatOpt = "table", store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Who received and paid how much: contract values, payments, funding; VAT bases kept apart."""
    from ..analysis import money_summary, money_totals

    rows = money_totals(_graph(store, neo4j), by=by)
    group = {"actor": [], "programme": ["programme_id", "programme"], "year": ["year"]}.get(by, [])
    overlap = ["overlaps"] if any(r.overlaps for r in rows) else []  # a column only when some figure may overlap
    if not summary:
        cols = group + ["actor_id", "actor", "direction", "money", "vat", "total_gbp", *_ceiling(rows), "items",
                        "shared_with", *overlap, "source_ids"] + ([] if fmt == "table" else ["amounts"])
        render(cols, [[_cell(r, c, fmt) for c in cols] for r in rows], fmt, title=f"money by {by}")
    if summary or fmt == "table":
        totals = money_summary(rows)
        cols = group + ["money", "vat", "total_gbp", *_ceiling(totals), "items", *overlap, "source_ids"]
        render(cols, [[_cell(t, c, fmt) for c in cols] for t in totals], fmt,
               title="totals (each item counted once; figures that may overlap stand apart, never summed)")


def _ceiling(rows) -> list[str]:
    """A ceiling_gbp column when a framework's ceiling is among the rows: a ceiling is no money received."""
    return ["ceiling_gbp"] if any(r.ceiling for r in rows) else []


def _cell(row, column: str, fmt: str):
    if column in ("total_gbp", "ceiling_gbp"):  # a framework's ceiling only ever in its own column
        own = row.ceiling == (column == "ceiling_gbp")
        return _gbp(row.total_gbp, fmt) if own else None
    value = getattr(row, column)
    if column == "overlaps" and fmt == "table":
        return _overlaps(value)
    return value


def _overlaps(ids: list[str], shown: int = 2) -> str:
    """'may overlap N: first, second, …' with each item named by its first three fields (a link's ends)."""
    if not ids:
        return ""
    names = [" ".join(i.split("|")[:3]) for i in ids[:shown]]
    return f"may overlap {len(ids)}: " + "; ".join(names) + ("; …" if len(ids) > shown else "")


@command(target=analyse_app, name="brokers")
def brokers_cmd(top: Annotated[int, typer.Option("--top", help="Show the N best placed.")] = 20,
                bridges: Annotated[Optional[str], typer.Option(
                    "--bridges", metavar="GROUP",
                    help="Only the shortest chains from this group (kinds or ids, comma-separated), to the --to group.")] = None,
                to: Annotated[Optional[str], typer.Option(
                    "--to", metavar="GROUP", help="The other group of --bridges (kinds or ids, comma-separated).")] = None,
                fmt: FormatOpt = "table", wide: WideOpt = False, store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Who sits between others (betweenness), how linked they are, and how many pilots they reach in two hops.

    With --bridges A --to B, betweenness is the share of the shortest chains from A to B through each node.
    """
    from ..analysis import bridges_between, brokers

    if bool(bridges) != bool(to):
        raise GraphkitError("--bridges and --to go together: e.g. --bridges pilot_area,council --to government_department")
    graph = _graph(store, neo4j)
    groups = [_group(bridges), _group(to)] if bridges else None
    found = bridges_between(graph, *groups, top=top) if groups else brokers(graph, top=top)
    cols = ["id", "name", "label", "kind", "betweenness", "degree", "pilots"]
    rows = [[r.id, r.name, r.label, r.kind, _score(r.betweenness, fmt), _score(r.degree, fmt), r.pilots] for r in found]
    title = f"bridges from {bridges} to {to} (betweenness: share of their shortest chains)" if groups else "brokers"
    render(cols, rows, fmt, title=title, wide=wide)


def _group(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@command(target=analyse_app, name="path")
def path_cmd(a: Annotated[str, typer.Argument(metavar="A", help="Id, name or alias.")],
             b: Annotated[str, typer.Argument(metavar="B", help="Id, name or alias.")],
             max_paths: Annotated[int, typer.Option("--max", help="Show at most N chains.")] = 5,
             fmt: FormatOpt = "table", wide: WideOpt = False, store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """The shortest chains linking two actors, each link with its direction and sources."""
    from ..analysis import paths

    found = paths(_graph(store, neo4j), a, b, max_paths=max_paths)
    if fmt == "table":
        rows = [[n, i, s.subject_name if s.forward else s.object_name, _arrow(s),
                 s.object_name if s.forward else s.subject_name, s.evidence, _citations(s)]
                for n, p in enumerate(found, 1) for i, s in enumerate(p.steps, 1)]
        render(["path", "step", "from", "link", "to", "evidence", "sources"], rows, fmt, title=f"{a} ↔ {b}", wide=wide)
        return
    cols = ["path", "step", "subject", "subject_name", "type", "object", "object_name", "forward", "evidence",
            "amount_gbp", "sources"]
    render(cols, [[n, i] + [getattr(s, c) for c in cols[2:]] for n, p in enumerate(found, 1)
                  for i, s in enumerate(p.steps, 1)], fmt)


def _arrow(step) -> str:
    return f"—{step.type}→" if step.forward else f"←{step.type}—"


def _citations(step) -> str:
    return "; ".join(f"{c['id']}: “{c['quote']}”" if c.get("quote") else c["id"]
                     for c in {(c["id"], c.get("quote")): c for c in step.sources}.values())


@command(target=analyse_app, name="ego")
def ego_cmd(actor: Annotated[str, typer.Argument(metavar="ID", help="Id, name or alias.")],
            hops: Annotated[int, typer.Option("--hops", help="How many links out.")] = 1,
            fmt: FormatOpt = "table", wide: WideOpt = False, store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """An actor's neighbourhood: every link among the actors within N links of it."""
    from ..analysis import ego

    sub = ego(_graph(store, neo4j), actor, hops=hops)
    name = {n: p.get("name") or n for n, p in sub.nodes(data=True)}
    rows = [[a, name[a], p.get("type"), b, name[b], _gbp(p.get("amount_gbp"), fmt), p.get("evidence"),
             list(dict.fromkeys(p.get("source_ids") or []))]
            for a, b, p in sorted(sub.edges(data=True), key=lambda e: (e[0], e[2].get("type") or "", e[1]))]
    render(["from_id", "from", "type", "to_id", "to", "amount_gbp", "evidence", "source_ids"], rows, fmt,
           title=f"{actor}: {sub.number_of_nodes()} nodes, {sub.number_of_edges()} links within {hops} hop(s)", wide=wide)


@command(target=analyse_app, name="communities")
def communities_cmd(method: Annotated[str, typer.Option("--method", help="louvain or label_propagation.")] = "louvain",
                    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same answer).")] = 42,
                    fmt: FormatOpt = "table", store: StoreOpt = None, neo4j: Neo4jOpt = None):
    """Clusters of actors more linked to each other than to the rest."""
    from ..analysis import communities

    found = communities(_graph(store, neo4j), method=method, seed=seed)
    cols = ["community", "size", "top_members", "kinds", "labels"] + ([] if fmt == "table" else ["members"])
    rows = [[c.index, c.size, c.top_members, _mix(c.kinds, fmt), _mix(c.labels, fmt)]
            + ([] if fmt == "table" else [c.members]) for c in found]
    render(cols, rows, fmt, title=f"communities ({method})")


def _mix(counts: dict[str, int], fmt: str):
    return ", ".join(f"{k} {v}" for k, v in counts.items()) if fmt == "table" else counts
