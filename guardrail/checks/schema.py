"""ParameterValidation: a write's fields against the JSON Schema of its object.

On create the schema's ``required`` applies; on update and upsert only the fields present are
validated (Salesforce keeps the rest). Salesforce field names are case-insensitive, so fields are
matched to the schema's spelling first: a lower-case ``status`` must not slip past the check on
``Status``. Extra keywords the JSON Schema standard lacks, as Salesforce's describe has them:

- ``x-salesforce-reference``: ``{object: keyPrefix}`` the id in this field may point to;
- ``x-salesforce-scale``: the most decimal places a number may have;
- ``readOnly`` (standard, not enforced by validators): the field cannot be written;
- ``x-salesforce-createOnly``: the field can be set on create only;
- ``contentMediaType: text/html`` (standard, an annotation): the field is shown rendered as
  HTML (a rich text area), so it is judged as it reads (PolicySet.canonical);
- ``x-salesforce-picklist``: an unrestricted picklist's values (any text is saved, but one of
  these in another case is saved as listed: PolicySet.canonical refuses it spelled so).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import SchemaError

from guardrail.checks.base import CheckContext
from guardrail.checks.compare import Kind, kind_of
from guardrail.crm import sfid
from guardrail.crm.markup import HTML
from guardrail.model import Operation, Violation, WriteIntent
from guardrail.sinks.redact import holds_mask, is_number, mask_card_data

RULE = "ParameterValidation"
CODE = "GUARDRAIL_PARAMETER_INVALID"


def reference_problem(prefixes: Mapping[str, str], value: Any) -> str | None:
    """Why ``value`` cannot go in an id field taking these ``{object: keyPrefix}``, if it can't."""
    if not isinstance(value, str):
        return None
    if not sfid.is_id(value):
        return "malformed-id"
    if sfid.key_prefix(value) not in prefixes.values():
        return "wrong-object"
    if not sfid.case_fits(value):
        return "miscased-id"
    return None


def scale_problem(scale: int, value: Any) -> str | None:
    """Why ``value`` has too many decimal places for ``scale``, if it has."""
    if is_number(value):
        exponent = Decimal(repr(value)).as_tuple().exponent
        if isinstance(exponent, int) and -exponent > scale:
            return "too-many-decimals"
    return None


_PROBLEMS: dict[str, Callable[[Any, Any], str | None]] = {
    "x-salesforce-reference": reference_problem,
    "x-salesforce-scale": scale_problem,
}


def _explaining(
    problem: Callable[[Any, Any], str | None],
) -> Callable[..., Iterator[ValidationError]]:
    def keyword(
        validator: Any, value: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        found = problem(value, instance)
        if found:
            yield ValidationError(found)

    return keyword


def _fast(problem: Callable[[Any, Any], str | None]) -> type:
    """The same problem function as a custom keyword for jsonschema-rs, run from Rust."""

    class Keyword:
        def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
            self.value = value

        def validate(self, instance: Any) -> None:
            found = problem(self.value, instance)
            if found:
                raise ValueError(found)

    return Keyword


SalesforceValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {name: _explaining(fn) for name, fn in _PROBLEMS.items()}
)
_FAST_KEYWORDS = {name: _fast(fn) for name, fn in _PROBLEMS.items()}


class _Validator:
    """Accepts fast (jsonschema-rs: ~0.2 us a Case body), explains thoroughly (jsonschema).

    Nearly every write is valid, so the Rust validator decides; only a write it rejects pays for
    the Python validator's detailed errors, from which the agent's messages are written.
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._fast = jsonschema_rs.Draft202012Validator(dict(schema), keywords=_FAST_KEYWORDS)
        self._explain = SalesforceValidator(schema)

    def errors(self, instance: Mapping[str, Any]) -> list[ValidationError]:
        if self._fast.is_valid(instance):
            return []
        found = list(self._explain.iter_errors(instance))
        return found or [ValidationError("does not match the object's schema", validator="schema")]


def check_schema(schema: Mapping[str, Any]) -> None:
    """Raise SchemaError when ``schema`` is not a usable object schema."""
    SalesforceValidator.check_schema(schema)
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise SchemaError("an object schema needs 'type: object' and 'properties'")
    for name, prop in schema["properties"].items():
        refs = prop.get("x-salesforce-reference") if isinstance(prop, dict) else None
        if refs is not None and not (
            isinstance(refs, dict)
            and all(isinstance(p, str) and len(p) == 3 for p in refs.values())
        ):
            raise SchemaError(
                f"properties.{name}.x-salesforce-reference must map object names to 3-character "
                "key prefixes"
            )
        listed = prop.get("x-salesforce-picklist") if isinstance(prop, dict) else None
        if listed is not None and not (
            isinstance(listed, list) and all(isinstance(v, str) for v in listed)
        ):
            raise SchemaError(f"properties.{name}.x-salesforce-picklist must list text values")


#: Each JSON type's name -> whether a value is of it, as JSON Schema has them: a boolean is no
#: number, and 2.0 is an integer.
_OF_TYPE: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": is_number,
    "integer": lambda v: is_number(v, int) or (isinstance(v, float) and v.is_integer()),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _types_of(prop: Any) -> frozenset[str]:
    """The JSON types a property takes: its ``type``, else those of its ``enum``'s values
    (a picklist's text); none when it says neither."""
    if not isinstance(prop, dict):
        return frozenset()
    if "type" in prop:
        declared = prop["type"]
        return frozenset([declared] if isinstance(declared, str) else declared)
    return frozenset(
        next((t for t, is_of in _OF_TYPE.items() if is_of(v)), "object")
        for v in prop.get("enum") or ()
    )


def of_types(types: frozenset[str], value: Any) -> bool:
    """Whether ``value`` is of one of these JSON types (any, when none are said)."""
    return not types or any(_OF_TYPE[t](value) for t in types)


@dataclass(frozen=True, slots=True)
class FieldType:
    """The JSON types a field takes, and those a list in it holds (none said: any)."""

    types: frozenset[str]
    items: frozenset[str] = frozenset()

    @classmethod
    def of(cls, prop: Any) -> FieldType | None:
        """What ``prop`` says of its field's type, or None when it says nothing."""
        items = _types_of(prop.get("items")) if isinstance(prop, dict) else frozenset()
        types = _types_of(prop)
        return cls(types, items) if types or items else None

    def problem(self, label: str, value: Any) -> str | None:
        """What to tell an agent who sent ``value`` to this field (``label``), if it is not
        of its type: a list's first item that is not, by its place."""
        if not of_types(self.types, value):
            return wrong_type(label, self.types, value)
        if isinstance(value, list):
            for at, item in enumerate(value):
                if not of_types(self.items, item):
                    return wrong_type(f"{label}[{at}]", self.items, item)
        return None


def wrong_type(label: str, types: str | Sequence[str] | frozenset[str], value: Any) -> str:
    """What to tell an agent who sent ``value`` to a field (``label``) taking ``types``."""
    return (
        f"{label}: expected {_types(types)}, got {_json_type(value)}. Send the value as "
        f"{_types(types)}."
    )


def _listed_values(prop: Any) -> tuple[str, ...]:
    if not isinstance(prop, dict):
        return ()
    listed = [*(prop.get("enum") or ()), *(prop.get("x-salesforce-picklist") or ())]
    return tuple(v for v in listed if isinstance(v, str))


class ParameterValidation:
    """Validates the fields of one object's writes against its JSON Schema."""

    name = RULE

    def __init__(self, policy: str, schema: Mapping[str, Any]) -> None:
        check_schema(schema)
        self.policy = policy
        self.schema = schema  # as the policy wrote it: drift checks compare it with the CRM
        self.object = str(schema.get("title", ""))
        properties: Mapping[str, Any] = schema["properties"]
        self._spelling = {name.lower(): name for name in properties}
        self._properties = properties
        self._listed = {
            name: values for name, prop in properties.items() if (values := _listed_values(prop))
        }
        self._types = {
            name: typed for name, prop in properties.items() if (typed := FieldType.of(prop))
        }
        self._markup = frozenset(
            n for n, p in properties.items() if p.get("contentMediaType") == HTML
        )
        self._read_only = frozenset(n for n, p in properties.items() if p.get("readOnly"))
        self._create_only = frozenset(
            n for n, p in properties.items() if p.get("x-salesforce-createOnly")
        )
        self._closed = schema.get("additionalProperties") is False and not schema.get(
            "patternProperties"
        )
        self._on_create = _Validator(schema)
        self._on_change = _Validator({k: v for k, v in schema.items() if k != "required"})

    @property
    def spelling(self) -> Mapping[str, str]:
        """Each field's name in lower case -> as the schema (the describe) spells it."""
        return self._spelling

    @property
    def listed(self) -> Mapping[str, tuple[str, ...]]:
        """Each field whose values the schema lists (an ``enum``'s text, an unrestricted
        picklist's ``x-salesforce-picklist``) -> those values."""
        return self._listed

    @property
    def types(self) -> Mapping[str, FieldType]:
        """Each field whose property says its JSON types (``type``, or its ``enum``'s values';
        its ``items``') -> those types."""
        return self._types

    @property
    def markup(self) -> frozenset[str]:
        """Fields their readers see rendered as HTML (``contentMediaType: text/html``)."""
        return self._markup

    @property
    def updateable(self) -> frozenset[str]:
        """Fields an update may set."""
        return frozenset(self._properties) - self._read_only - self._create_only

    def unlisted(self, intent: WriteIntent) -> frozenset[str]:
        """The fields of ``intent`` this schema refuses by their names, whatever their values:
        those a closed schema does not list."""
        if not self._closed or intent.operation is Operation.DELETE:
            return frozenset()
        return frozenset(name for name in intent.fields if name.lower() not in self._spelling)

    def kinds(self) -> dict[str, Kind]:
        """How read-back compares each field, from its property's type."""
        return {name: kind_of(prop) for name, prop in self._properties.items()}

    def __call__(self, intent: WriteIntent, context: CheckContext) -> Sequence[Violation]:
        if intent.operation is Operation.DELETE:
            return ()
        fields, found = self._canonical(intent)
        references = {}
        for name, target in intent.references.items():
            canonical = self._spelling.get(name.lower(), name)
            references[canonical] = target
            fields.pop(canonical, None)
        found.extend(self._check_references(intent.object, references))
        found.extend(self._check_writability(intent, fields))
        validator = self._on_create if intent.operation is Operation.CREATE else self._on_change
        redacted = context.facts is not None and context.facts.redacted
        for error in validator.errors(fields):
            if not (redacted and _of_a_mask(error, fields)):
                found.extend(self._explain(intent.object or self.object, error, fields))
        return found

    def _canonical(self, intent: WriteIntent) -> tuple[dict[str, Any], list[Violation]]:
        fields: dict[str, Any] = {}
        problems: list[Violation] = []
        for name, value in intent.fields.items():
            canonical = self._spelling.get(name.lower(), name)
            if canonical in fields:
                problems.append(
                    self._violation(
                        f"{intent.object}.{canonical} is given twice (as differently cased names); "
                        "send it once.",
                        canonical,
                    )
                )
            fields[canonical] = value
        return fields, problems

    def _check_references(
        self, sobject: str, references: Mapping[str, str | None]
    ) -> Iterator[Violation]:
        for name, target in references.items():
            allowed = self._properties.get(name, {}).get("x-salesforce-reference") or {}
            if target is None or target not in allowed:
                what = "an id field" if allowed else "a field that takes no record id"
                yield self._violation(
                    f"{sobject}.{name} is set from a composite reference crm-guardrail cannot "
                    f"verify ({what}). Reference only the id of a record created earlier in the "
                    f"same request{_one_of(allowed)}, or send the id itself.",
                    name,
                )

    def _check_writability(
        self, intent: WriteIntent, fields: Mapping[str, Any]
    ) -> Iterator[Violation]:
        for name in fields:
            if name in self._read_only:
                yield self._violation(
                    f"{intent.object}.{name} is read-only; remove it from the write.", name
                )
            elif name in self._create_only and intent.operation is Operation.UPDATE:
                yield self._violation(
                    f"{intent.object}.{name} can only be set when the record is created; remove it "
                    "from the update.",
                    name,
                )

    def _explain(
        self, sobject: str, error: ValidationError, fields: Mapping[str, Any]
    ) -> list[Violation]:
        """What ``error`` tells the agent: one finding, or one for each field it refuses (a
        closed schema refuses every field it does not list, each named)."""
        keyword = str(error.validator)
        expected: Any = error.validator_value
        value: Any = error.instance
        if keyword == "required":
            missing = [n for n in expected if n not in fields]
            name = missing[0] if missing else ""
            return [
                self._violation(
                    f"{sobject}.{name} is required when creating a {sobject}; add it to the write.",
                    name,
                    keyword,
                )
            ]
        if keyword == "additionalProperties":
            return [
                self._unlisted(sobject, name)
                for name in sorted(set(fields) - set(self._properties)) or [""]
            ]
        name = str(error.absolute_path[0]) if error.absolute_path else ""
        prop = self._properties.get(name, {})
        label = f"{sobject}.{name}"
        if keyword == "enum":
            allowed = ", ".join(str(v) for v in expected if v not in (None, ""))
            message = f"{label}: {value!r} is not an allowed value. Use one of: {allowed}."
        elif keyword == "type":
            message = wrong_type(label, expected, value)
        elif keyword == "maxLength":
            message = f"{label} is {len(value)} characters; the limit is {expected}. Shorten it."
        elif keyword == "x-salesforce-reference":
            message = _reference_message(label, value, prop["x-salesforce-reference"], error)
        elif keyword == "x-salesforce-scale":
            places = expected
            message = (
                f"{label}: {value!r} has more than {places} decimal places; round it to {places}."
            )
        else:
            message = f"{label}: {error.message}."
        return [self._violation(message, name, keyword)]

    def _unlisted(self, sobject: str, name: str) -> Violation:
        close = difflib.get_close_matches(name, self._properties, n=1)
        hint = f" Did you mean {close[0]}?" if close else " Remove it."
        return self._violation(
            f"{sobject}.{name} is not a field writes to {sobject} may set.{hint}",
            name,
            "additionalProperties",
        )

    def _violation(self, message: str, field: str, keyword: str = "field") -> Violation:
        """A finding, quoting no card number or SSN a value it names holds back to the agent
        (its answer goes into the agent's context, as a rule's message does)."""
        return Violation(
            policy=self.policy,
            rule=f"{RULE}.{keyword}",
            message=mask_card_data(message),
            fields=(field,) if field else (),
            code=CODE,
        )


#: What a value's keywords say whatever its text: judged on a masked value as on the original.
_SHAPELESS = frozenset({"required", "additionalProperties", "type"})


def _of_a_mask(error: ValidationError, fields: Mapping[str, Any]) -> bool:
    """Whether ``error`` is about the shape of a value a record kept masked (a replayed write's
    email, as ``[EMAIL]``): not the value that was judged, so not judged again (replay keeps
    what was found of the original: ``of_a_mask``)."""
    name = str(error.absolute_path[0]) if error.absolute_path else ""
    return str(error.validator) not in _SHAPELESS and holds_mask(fields.get(name))


def of_a_mask(violation: Violation, fields: Mapping[str, Any]) -> bool:
    """Whether a recorded finding is one of this check's about the shape of a value the record
    (``fields``) kept masked: what a replay cannot find again, so keeps as found."""
    rule, _, keyword = violation.rule.partition(".")
    return (
        rule == RULE
        and keyword not in _SHAPELESS
        and any(holds_mask(fields.get(name)) for name in violation.fields)
    )


def _reference_message(
    label: str, value: str, prefixes: Mapping[str, str], error: ValidationError
) -> str:
    wanted = " or ".join(f"{obj} id (prefix {prefix})" for obj, prefix in prefixes.items())
    if error.message == "malformed-id":
        return (
            f"{label}: {value!r} is not a Salesforce id (15 or 18 letters and digits). "
            f"Use the {wanted} as returned by the CRM."
        )
    if error.message == "miscased-id":
        return (
            f"{label}: the last three characters of {value!r} say its letters are cased "
            "otherwise, so it names one record as written and another by its checksum. Send "
            "the id exactly as the CRM returned it."
        )
    other = {p: o for o, p in sfid.STANDARD_KEY_PREFIXES.items()}.get(sfid.key_prefix(value))
    what = f"a {other} id" if other else f"an id with prefix {sfid.key_prefix(value)}"
    return f"{label}: {value!r} is {what}; this field takes an {wanted}."


def _one_of(prefixes: Mapping[str, str]) -> str:
    return f" ({', '.join(prefixes)})" if prefixes else ""


_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
    "object": "an object",
    "array": "a list",
}


def _types(types: str | Sequence[str] | frozenset[str]) -> str:
    listed = [types] if isinstance(types, str) else sorted(types, key=list(_TYPE_NAMES).index)
    names = [_TYPE_NAMES.get(t, t) for t in listed]
    return " or ".join(names)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"{value!r} (a number)"
    if isinstance(value, str):  # quoting no card data back (an id field given a card)
        return f"{mask_card_data(value)!r} (a string)"
    return "a list" if isinstance(value, list) else "an object"
