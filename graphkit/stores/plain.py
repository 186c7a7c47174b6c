"""Engine values as plain Python: nodes and relationships become dicts."""
from __future__ import annotations

from typing import Any


def plain_value(value: Any) -> Any:
    """A JSON-friendly value: engine nodes/relationships as dicts without internal keys."""
    if isinstance(value, dict):
        out = {k: plain_value(v) for k, v in value.items() if not k.startswith("_")}
        if "_LABEL" in value:  # a Ladybug node or relationship
            out["type" if "_SRC" in value else "label"] = value["_LABEL"]
        return out
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if hasattr(value, "element_id") and hasattr(value, "items"):  # neo4j Node / Relationship
        props = {k: plain_value(v) for k, v in value.items() if not k.startswith("_")}
        labels = getattr(value, "labels", None)
        if labels:
            props["label"] = sorted(labels)[0]
        rtype = getattr(value, "type", None)
        if isinstance(rtype, str):
            props["type"] = rtype
        return props
    if hasattr(value, "iso_format"):  # neo4j temporal types
        return value.iso_format()
    return value
