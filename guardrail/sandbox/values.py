"""Turning request JSON into typed field values, the way Salesforce's deserializer does.

These are the errors a whole request fails with before any record is touched: malformed JSON,
an unknown field, a value of the wrong JSON type (``JSON_PARSER_ERROR``). What a well-typed
value may hold (lengths, picklists, references) is ``validation``'s job.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from guardrail.crm import sfid
from guardrail.sandbox.errors import ApiError, json_parser_error, no_such_field
from guardrail.sandbox.schema import Field, FieldType, SObjectType

_NO_BODY = "The HTTP entity body is required, but this request has no entity body."
_TOKENS = {
    type(None): "VALUE_NULL",
    int: "VALUE_NUMBER_INT",
    float: "VALUE_NUMBER_FLOAT",
    str: "VALUE_STRING",
    dict: "START_OBJECT",
    list: "START_ARRAY",
}


def parse_body(raw: bytes) -> Any:
    """The request's JSON document; an empty or malformed body is ``JSON_PARSER_ERROR``."""
    if not raw.strip():
        raise json_parser_error(_NO_BODY)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = (
            f" at [line:{exc.lineno}, column:{exc.colno}]"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise json_parser_error(f"Unexpected character: {exc}{where}") from None


def decode_record(sobject: SObjectType, body: Any) -> dict[str, Any]:
    """A record body as canonical field names and typed values (``attributes`` is dropped)."""
    if not isinstance(body, dict):
        raise _cannot_deserialize(sobject.name, body)
    values: dict[str, Any] = {}
    for key, raw in body.items():
        if key == "attributes":
            continue
        field = sobject.field(key)
        if field is None:
            raise no_such_field(sobject.name, key)
        values[field.name] = decode_value(field, raw)
    return values


def decode_value(field: Field, raw: Any) -> Any:
    """One JSON value as the Python value the field holds, or ``JSON_PARSER_ERROR``.

    Like Salesforce, scalars are coerced where the text is unambiguous (``"12.5"`` into a
    currency, ``7`` into a string) and rejected where it is not (``"abc"`` into a number).
    """
    if raw is None:
        return None
    kind = field.type
    value: Any = None
    if kind.is_text:
        value = _as_text(raw)
    elif kind is FieldType.BOOLEAN:
        value = _as_bool(raw)
    elif kind is FieldType.INT:
        value = _as_int(raw)
    elif kind.is_number:
        value = _as_float(raw)
    elif kind is FieldType.DATE and isinstance(raw, str):
        value = _as_date(raw)
    elif kind is FieldType.DATETIME and isinstance(raw, str):
        value = _as_datetime(raw)
    if value is None:
        raise _cannot_deserialize(kind.soap_type.partition(":")[2], raw)
    return value


def format_datetime(moment: datetime) -> str:
    """Salesforce's datetime text: UTC, milliseconds, ``+0000``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def same_value(field: Field, left: Any, right: Any) -> bool:
    """Salesforce equality: ids by their 15-character form, text case-insensitively."""
    if isinstance(left, str) and isinstance(right, str):
        if field.type in (FieldType.ID, FieldType.REFERENCE):
            return sfid.same_id(left, right)
        return left.casefold() == right.casefold()
    return bool(left == right)


def round_half_up(value: float, places: int) -> float:
    """Round as Salesforce does when it saves a number to a field's scale (half away from 0)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _as_text(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str | int | float):
        return str(raw)
    return None


def _as_bool(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return None


def _as_int(raw: Any) -> int | None:
    number = _as_float(raw)
    if number is None or not number.is_integer():
        return None
    return int(number)


def _as_float(raw: Any) -> float | None:
    # Java's number parsing has no digit separators; Python's float() reads "2_000" as 2000.
    if isinstance(raw, bool) or not isinstance(raw, str | int | float) or "_" in str(raw):
        return None
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _as_date(raw: str) -> str | None:
    try:
        return date.fromisoformat(raw).isoformat() if len(raw) == 10 else None
    except ValueError:
        return None


def _as_datetime(raw: str) -> str | None:
    if "T" not in raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _cannot_deserialize(target: str, raw: Any) -> ApiError:
    if isinstance(raw, bool):
        token = "VALUE_TRUE" if raw else "VALUE_FALSE"
    else:
        token = _TOKENS[type(raw)]
    shown = {"START_OBJECT": "{", "START_ARRAY": "["}.get(token, json.dumps(raw).strip('"'))
    return json_parser_error(
        f"Cannot deserialize instance of {target} from {token} value {shown} "
        "or request may be missing a required field"
    )
