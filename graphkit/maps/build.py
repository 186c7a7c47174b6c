"""The map's content: nodes and links assembled with PyVis, with the facts and sources behind each."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import networkx as nx
from pyvis.network import Network

from ..analysis.money import CEILING, MONEY_WORDS, money_totals
from ..model.ontology import load_ontology
from . import style
from .filters import WEAK_EVIDENCE, MapOptions, filter_graph
from . import names
from .positions import layout_positions
from .emptiness import empty_note
from .legend import legend, vis_options
from .money_view import item_grades
from .roles import load_roles
from .timeline import edge_date, node_date

NAMED_FIRST = ("Organisation", "Person", "Programme")

CROWDED_MAP = 60  # above this many nodes: only money and advice links carry labels
LABELLED_WHEN_CROWDED = ("PAID", "FUNDS", "AWARDED_TO", "COMMISSIONED", "ADVISES")
FACT_FIELDS = ("title", "value_gbp", "vat", "start_date", "end_date", "date", "procedure", "status",
               "response_date", "ocid", "currency", "value_original", "url")


class MapNetwork(Network):
    """PyVis's Network with a set for the id check `add_edge` makes on both ends (a list scan otherwise)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ids: set = set()

    def add_node(self, n_id, label=None, shape="dot", color="#97c2fc", **options):
        super().add_node(n_id, label=label, shape=shape, color=color, **options)
        self._ids.add(n_id)

    def get_nodes(self):
        return self._ids


def _amount(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


def _cites(props: dict) -> list[list[str]]:
    return [[str(s), str(q)] for s, q in zip(props.get("source_ids") or [], props.get("quotes") or [])]


def _money_by_actor(graph: nx.MultiDiGraph) -> tuple[dict, dict]:
    """Per node: lines describing money received and paid (alleged or inferred said so), and money carried."""
    lines, carried = defaultdict(list), defaultdict(float)
    roles, grades = load_roles(), item_grades(graph)
    for row in money_totals(graph, by="actor"):
        verb = "received" if row.direction == "received" else "paid / commissioned"
        count = f"{row.items} item{'s' if row.items != 1 else ''}"
        grade = roles.weakest(grades.get(item) for item in row.amounts)
        mark = f", {grade}" if roles.is_weak(grade) else ""
        lines[row.actor_id].append(f"{verb}: {style.money_full(row.total_gbp, row.vat)} in "
                                   f"{_money_words(row.money)} ({count}{mark})")
        if row.money != CEILING:
            carried[row.actor_id] += row.total_gbp
    return lines, carried


def _money_words(money: str) -> str:
    """What a kind of money is called on a map, a ceiling marked as no money paid."""
    words = MONEY_WORDS.get(money, money)
    return f"{words} (a share of, not money paid)" if money == CEILING else words


def _contract_amount(graph: nx.MultiDiGraph, node) -> tuple[float | None, str | None, bool]:
    props = graph.nodes[node]
    if props.get("label") != "Contract":
        return None, None, False
    ceiling = props.get("kind") in load_ontology().group("ceilings")
    return _amount(props.get("value_gbp")), props.get("vat"), ceiling


def _node_facts(props: dict) -> list[list[str]]:
    facts = []
    for name in FACT_FIELDS:
        value = props.get(name)
        if value in (None, "", []) or name == "vat":
            continue
        if name == "value_gbp" and _amount(value) is not None:
            value = style.money_full(_amount(value), props.get("vat"))
        facts.append([style.words(name).replace(" gbp", ""), str(value)])
    return facts


def _node_label(props: dict, grade: str | None = None) -> str:
    label = style.short_label(props.get("name") or props.get("id"))
    value = _amount(props.get("value_gbp"))
    if props.get("label") == "Contract" and value is not None:
        label += f"\n{style.money_short(value)} {style.vat_short(props.get('vat'))}".rstrip()
        if load_roles().is_weak(grade):
            label += f" ({grade})"
    return label


def _edge_groups(graph: nx.MultiDiGraph) -> dict[tuple, list[dict]]:
    """Parallel links of one type, one VAT basis and one strength of evidence, drawn as one line."""
    groups = defaultdict(list)
    for a, b, props in graph.edges(data=True):
        weak = props.get("evidence") in WEAK_EVIDENCE
        groups[(a, b, props.get("type"), props.get("vat"), weak)].append(props)
    return groups


def _group_amount(graph, a, b, rtype, items) -> tuple[float | None, str | None, bool, bool]:
    """(amount, VAT basis, is a framework ceiling, is the link's own amount rather than its contract's)."""
    amounts = [_amount(p.get("amount_gbp")) for p in items]
    if any(x is not None for x in amounts):
        return sum(x for x in amounts if x is not None), items[0].get("vat"), False, True
    if rtype in ("AWARDED_TO", "COMMISSIONED"):
        contract = a if rtype == "AWARDED_TO" else b
        return (*_contract_amount(graph, contract), False)
    return None, None, False, False


def _edge_label(rtype: str, amount, vat, ceiling: bool, own: bool, count: int, crowded: bool,
                grade: str | None = None) -> str | None:
    """'paid ×3\n£1.2m inc VAT (alleged)'; on crowded maps only money and advice links are labelled."""
    money = None
    if amount is not None and own:  # a contract's value is already on the contract
        money = f"{'ceiling ' if ceiling else ''}{style.money_short(amount)} {style.vat_short(vat)}".rstrip()
        if load_roles().is_weak(grade):
            money += f" ({grade})"
    if crowded and money is None and rtype not in LABELLED_WHEN_CROWDED:
        return None
    text = style.words(rtype) + (f" ×{count}" if count > 1 else "")
    return f"{text}\n{money}" if money else text


def _item_info(props: dict) -> dict:
    amount = _amount(props.get("amount_gbp"))
    facts = [[style.words(k), str(props[k])] for k in ("start_date", "end_date", "role", "description")
             if props.get(k) not in (None, "")]
    return {"amount": style.money_full(amount, props.get("vat")) if amount is not None else None,
            "evidence": props.get("evidence"), "facts": facts, "cites": _cites(props)}


def _advice_links(graph: nx.MultiDiGraph) -> dict:
    advice = load_roles().advice_types
    counts: dict = defaultdict(int)
    for a, b, rtype in graph.edges(data="type"):
        if rtype in advice:
            counts[a] += 1
            counts[b] += 1
    return counts


def _node_sizes(graph: nx.MultiDiGraph) -> tuple[dict, dict, dict]:
    """Per node: drawn size, weight (0-1: its share of the money carried or of the advice links) and money lines."""
    money_lines, carried = _money_by_actor(graph)
    for node in graph:
        value, _, ceiling = _contract_amount(graph, node)
        if value and not ceiling:
            carried[node] = value  # a contract node is as big as its value
    advice, degrees = _advice_links(graph), dict(graph.degree())
    max_carried, max_advice = max(carried.values(), default=0.0), max(advice.values(), default=0)
    max_degree = max(degrees.values(), default=0)
    weights = {n: max(style.weight(carried.get(n, 0.0), max_carried, advice.get(n, 0), max_advice),
                      0.5 * style.weight(0.0, 0.0, degrees.get(n, 0), max_degree)) for n in graph}
    sizes = {n: round(9 + 30 * weights[n], 1) for n in graph}
    # Money and advice first, then actors and programmes, then documents and the rest.
    tiers = {n: 0 if carried.get(n) or advice.get(n) else 1 if graph.nodes[n].get("label") in NAMED_FIRST else 2
             for n in graph}
    return sizes, (weights, tiers), money_lines


def _add_nodes(net: Network, graph: nx.MultiDiGraph, seed: int) -> tuple[dict, float]:
    """Add every node, placed and styled; return their facts and the zoom the layout made room for."""
    sizes, (weights, tiers), money_lines = _node_sizes(graph)
    grades = item_grades(graph)  # a contract node is one money item
    labels = {n: _node_label(p, grades.get(n)) for n, p in graph.nodes(data=True)}
    fonts = {n: names.label_font(weights[n]) for n in graph}
    positions = layout_positions(graph, seed=seed, boxes={n: names.box(labels[n], sizes[n], fonts[n]) for n in graph})
    named = names.named_on_overview(weights, tiers)
    positions, overview_scale = names.make_room(positions, labels, sizes, fonts, named)
    info = {}
    for node, props in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        label, kind = props.get("label") or "", props.get("kind")
        colour = style.node_colour(label, kind)
        x, y = positions[node]
        weak = props.get("evidence") in WEAK_EVIDENCE
        net.add_node(str(node), label=labels[node], shape=style.SHAPES.get(label, "dot"), size=sizes[node],
                     x=x, y=y, cat=style.family(label, kind)[0], borderWidth=2.5 if weak else 1.5,
                     color={"background": colour, "border": "#333333" if weak else colour,
                            "highlight": {"background": colour, "border": "#000000"},
                            "hover": {"background": colour, "border": "#000000"}},
                     shapeProperties={"borderDashes": [4, 3] if weak else False}, font={"size": fonts[node]},
                     t=node_date(props), w=weights[node], **({"named": named[node]} if node in named else {}))
        info[str(node)] = {"name": props.get("name") or str(node), "label": label, "kind": kind,
                           "description": props.get("description"), "aliases": props.get("aliases") or [],
                           "evidence": props.get("evidence"), "facts": _node_facts(props),
                           "money": money_lines.get(node, []), "cites": _cites(props)}
    return info, overview_scale


def _add_edges(net: Network, graph: nx.MultiDiGraph, crowded: bool) -> dict:
    groups = _edge_groups(graph)
    amounts = {key: _group_amount(graph, key[0], key[1], key[2], items) for key, items in groups.items()}
    max_amount = max((a for a, _, ceiling, _ in amounts.values() if a and not ceiling), default=0.0)
    named = names.named_amounts({k: a for k, (a, _, ceiling, own) in amounts.items() if a and own and not ceiling},
                                graph.number_of_nodes())
    pair_count: dict[frozenset, int] = defaultdict(int)
    descriptions = {name: spec.description for name, spec in load_ontology().relationships.items()}
    info = {}
    for n, (key, items) in enumerate(sorted(groups.items(), key=lambda kv: tuple(map(str, kv[0])))):
        a, b, rtype, vat, weak = key
        amount, amount_vat, ceiling, own = amounts[key]
        edge_id = f"e{n}"
        pair = frozenset((a, b))
        bend = pair_count[pair]
        pair_count[pair] += 1
        colour = style.edge_colour(rtype)
        grade = load_roles().weakest(p.get("evidence") for p in items)
        dates = [d for d in (edge_date(p) for p in items) if d]
        options = {"id": edge_id, "rtype": rtype, "dashes": weak, "arrows": "to", "t": min(dates) if dates else None,
                   "width": style.edge_width(None if ceiling else amount, max_amount),
                   "color": {"color": colour, "highlight": colour, "hover": colour, "opacity": 0.85}}
        label = _edge_label(rtype, amount, amount_vat, ceiling, own, len(items), crowded, grade)
        if label:
            options["label"] = label
            options["font"] = {"size": 13 if amount is not None else 11}
            if key in named:
                options["named"] = names.MONEY_PX  # the largest amounts stay readable zoomed out
        if bend:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18 * bend}
        net.add_edge(str(a), str(b), **options)
        info[edge_id] = {"type": rtype, "words": style.words(rtype), "description": descriptions.get(rtype, ""),
                         "from": str(a), "to": str(b), "weak": weak,
                         "total": (("ceiling " if ceiling else "") + style.money_full(amount, amount_vat)
                                   + (f" ({grade})" if load_roles().is_weak(grade) else ""))
                         if amount is not None else None,
                         "items": [_item_info(p) for p in items]}
    return info


def map_payload(graph: nx.MultiDiGraph, options: MapOptions | None = None) -> dict:
    """Everything the page needs, as JSON-ready data: vis nodes and edges, facts, sources, legend."""
    options = options or MapOptions()
    shown = filter_graph(graph, options)
    net = MapNetwork(directed=True, cdn_resources="in_line")
    node_info, overview_scale = _add_nodes(net, shown, options.seed)
    edge_info = _add_edges(net, shown, shown.number_of_nodes() > CROWDED_MAP)
    all_sources = graph.graph.get("sources") or {}
    cited = {s for i in (*node_info.values(), *(it for e in edge_info.values() for it in e["items"]))
             for s, _ in i["cites"]}
    sources = {sid: {k: all_sources[sid].get(k) for k in ("title", "url", "publisher", "date")}
               for sid in sorted(cited) if sid in all_sources}
    return {
        "title": options.title,
        "subtitle": _subtitle(shown, sources, options),
        "nodes": net.nodes, "edges": net.edges,
        "info": {"nodes": node_info, "edges": edge_info},
        "sources": sources,
        "legend": legend(shown),
        "options": vis_options(shown.number_of_nodes()),
        "overviewScale": round(overview_scale, 4),
        "focus": str(shown.graph.get("focus")) if shown.graph.get("focus") else None,
        "empty": empty_note(graph, options, shown.number_of_edges()),
        "time": _time_range(net),
    }


def _time_range(net: MapNetwork) -> dict | None:
    """First and last dates of the map's dated claims, for the time slider (None: nothing is dated)."""
    dates = sorted(d for d in [*(n.get("t") for n in net.nodes), *(e.get("t") for e in net.edges)] if d)
    return {"first": dates[0], "last": dates[-1]} if dates else None


def _subtitle(graph: nx.MultiDiGraph, sources: dict, options: MapOptions) -> str:
    parts = [f"{graph.number_of_nodes():,} nodes", f"{graph.number_of_edges():,} links", f"{len(sources):,} sources"]
    if options.focus:
        parts.append(f"within {options.hops} link{'' if options.hops == 1 else 's'} of {options.focus}")
    parts.append(f"made {date.today().isoformat()}")
    return " · ".join(parts)
