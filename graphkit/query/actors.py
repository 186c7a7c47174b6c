"""One actor with its links and the sources behind each: what `graphkit show` prints."""
from __future__ import annotations

from dataclasses import dataclass

from ..stores.dialect import node_label, rel_type
from ..model.ontology import load_ontology
from ..errors import GraphkitError
from ..stores import Store


@dataclass
class ActorView:
    node: dict
    links: list[dict]  # direction, type, other id/name/label, props, sources with quotes
    sources: dict[str, dict]  # id -> source node


def show_actor(store: Store, actor: str) -> ActorView:
    """An actor (named by id, name or alias), every relationship in and out, and the sources cited.

    A link to a contract without an amount of its own shows the contract's value (and VAT basis),
    so an award reads as the money it stands for.
    """
    from ..resolve.sources import find_in_store

    actor_id = find_in_store(store, actor)
    rows = store.query("MATCH (n) WHERE n.id = $id RETURN n", {"id": actor_id}).rows
    if not rows:
        raise GraphkitError(f"no node with id {actor_id!r} in the store")
    e = store.engine
    links = []
    for direction, pattern in (("out", "(n)-[r]->(m)"), ("in", "(m)-[r]->(n)")):
        result = store.query(
            f"MATCH {pattern} WHERE n.id = $id RETURN {rel_type(e, 'r')} AS type, m.id AS other, "
            f"m.name AS other_name, {node_label(e, 'm')} AS other_label, r AS props, m AS other_node "
            "ORDER BY type, other", {"id": actor_id})
        links += [_with_amount({"direction": direction, **rec}) for rec in result.records()]
    cited = set(rows[0][0].get("source_ids") or [])
    for link in links:
        cited.update(link["props"].get("source_ids") or [])
    src_label = load_ontology().source_label
    sources = {r[0]["id"]: r[0] for r in store.query(
        f"MATCH (s:{src_label}) WHERE s.id IN $ids RETURN s ORDER BY s.id", {"ids": sorted(cited)}).rows}
    return ActorView(rows[0][0], links, sources)


def _with_amount(link: dict) -> dict:
    """The link's own amount and VAT basis, else those of the contract at its other end."""
    other = link.pop("other_node") or {}
    props = link["props"]
    own = props.get("amount_gbp") is not None
    link["amount_gbp"] = props.get("amount_gbp") if own else other.get("value_gbp")
    link["vat"] = props.get("vat") if own else (other.get("vat") if other.get("value_gbp") is not None else None)
    return link
