"""The dataset's checks of one record an importer builds, fast for the records that pass.

`record_problem` asks the record models (pydantic) and words the first problem as the dataset
does. `RecordChecks.problem` gives the same answer: it first runs the fields' own checks
(the functions the models call) directly, and asks the models only about a record they do not
pass, so the reason is always the models' own. Entities and claims alike: a claim's
description (an FtM record's, say) makes every claim differ, so nothing is remembered per claim.

>>> checks = RecordChecks()
>>> good = {"id": "c1", "label": "Contract", "kind": "contract", "name": "C",
...         "sources": [{"source": "s1", "quote": "q"}]}
>>> checks.problem(good) is None
True
>>> checks.problem({**good, "value_gbp": -5.0})
'value_gbp -5.0 is negative'
>>> checks.problem({**good, "kind": "plan"})
"kind 'plan' must be one of 'contract', 'award', 'framework_agreement', 'dynamic_purchasing_system', 'tender', 'grant'"
"""
from __future__ import annotations

from typing import Any, Callable

from ..model import values
from ..model.ontology import Ontology, load_ontology
from ..model.value_types import value_type

FieldCheck = Callable[[Any], bool]


def record_problem(record: dict) -> str | None:
    """The first reason the dataset would refuse `record`, in its words; None when it is valid."""
    from pydantic import ValidationError

    from ..model.records import describe_error, entity_model, relationship_model

    try:
        if "label" in record:
            entity_model(record["label"])(**record)
        else:
            relationship_model()(**record)
    except ValidationError as exc:
        field, message = describe_error(exc.errors()[0])
        return f"{field} {message}"
    except (KeyError, TypeError) as exc:
        return f"not a record ({exc})"
    return None


class RecordChecks:
    """Checks of entities and claims against one ontology (the record models' rules)."""

    def __init__(self, onto: Ontology | None = None):
        self.onto = onto or load_ontology()
        self._entity_fields: dict[str, tuple[dict[str, FieldCheck], tuple[str, ...]]] = {}
        self._claim_checks: tuple[dict[str, FieldCheck], tuple[str, ...]] | None = None

    def problem(self, record: dict) -> str | None:
        """Why the dataset would refuse `record` (the models' words), or None."""
        known = self._fields(record.get("label")) if "label" in record else self._claim_fields()
        if known is not None and _passes(record, *known):
            return None
        return record_problem(record)

    def _claim_fields(self) -> tuple[dict[str, FieldCheck], tuple[str, ...]]:
        """The check of each field of a claim, and the fields a claim must have."""
        if self._claim_checks is None:
            specs, types = self.onto.relationship_fields, set(self.onto.relationships)
            checks = {name: _field_check(self.onto, fs.type) for name, fs in specs.items()}
            checks.update({"id": _is_id, "source": _is_id, "target": _is_id, "sources": _citations_valid,
                           "type": lambda v: isinstance(v, str) and v in types})
            required = ("source", "type", "target", "sources", *(n for n, fs in specs.items() if fs.required))
            self._claim_checks = checks, required
        return self._claim_checks

    def _fields(self, label: Any) -> tuple[dict[str, FieldCheck], tuple[str, ...]] | None:
        """The check of each field of a label's records, and the fields a record must have."""
        if not isinstance(label, str) or label not in self.onto.labels:
            return None
        if label not in self._entity_fields:
            spec = self.onto.labels[label]
            specs = {**self.onto.node_fields, **spec.fields}
            kinds = set(spec.kinds)
            checks = {name: _field_check(self.onto, fs.type) for name, fs in specs.items()}
            checks.update({"id": _is_id, "label": lambda v: v == label,
                           "kind": lambda v: isinstance(v, str) and v in kinds, "sources": _citations_valid})
            required = ("id", "label", "kind", "sources", *(n for n, fs in specs.items() if fs.required))
            self._entity_fields[label] = checks, required
        return self._entity_fields[label]


def _passes(record: dict, fields: dict[str, FieldCheck], required: tuple[str, ...]) -> bool:
    """Whether every field passes its check; False also when unsure (the models then decide)."""
    if not all(name in record for name in required):
        return False
    try:
        for name, value in record.items():
            check = fields.get(name)
            if check is None or not check(value):
                return False
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def _field_check(onto: Ontology, ftype: str) -> FieldCheck:
    """A field's check as the model applies it, as a test (raising ValueError where the check does)."""
    enum = onto.enums.get(ftype)
    if enum:
        allowed = set(enum)
        return lambda v: isinstance(v, str) and v in allowed
    vtype = value_type(ftype)
    if vtype.python is bool:
        return lambda v: isinstance(v, bool)
    if vtype.python is list:
        return lambda v: isinstance(v, list) and all(isinstance(values.check_text(i), str) for i in v)
    check, python = vtype.check, vtype.python
    return _remembering(lambda v: v is not None and isinstance(check(v), python))


def _remembering(test: FieldCheck, limit: int = 4096) -> FieldCheck:
    """`test`, asked once per value (and type: 1, 1.0 and True are three) among the last `limit` passed."""
    passed: set[tuple] = set()

    def remembered(value: Any) -> bool:
        key = (type(value), value)
        try:
            if key in passed:
                return True
        except TypeError:  # a list: not remembered
            return test(value)
        if not test(value):
            return False
        if len(passed) >= limit:
            passed.clear()
        passed.add(key)
        return True
    return remembered


def _is_valid_id(value: Any) -> bool:
    return isinstance(value, str) and isinstance(values.check_id(value), str)


_is_id = _remembering(_is_valid_id, limit=65536)  # actors' and sources' ids recur in thousands of claims


def _citations_valid(cites: Any) -> bool:
    """A non-empty list of {source, quote} with a valid id and a quote the dataset accepts."""
    if not isinstance(cites, list) or not cites:
        return False
    for cite in cites:
        if not isinstance(cite, dict) or len(cite) != 2 or not _is_id(cite.get("source")):
            return False
        quote = cite.get("quote")
        if not isinstance(quote, str) or not values.check_text(quote, values.MAX_QUOTE):
            return False
    return True
