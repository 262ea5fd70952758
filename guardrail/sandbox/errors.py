"""Salesforce's errors: one exception, rendered in the two shapes the REST API uses.

A single-record call answers ``[{"message", "errorCode", "fields"?}]`` with an HTTP status;
a collection answers per record ``{"statusCode", "message", "fields"}`` inside a 200. The same
exception feeds both, so an error reads alike whichever route found it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

NOT_FOUND_MESSAGE = "The requested resource does not exist"


class ApiError(Exception):
    """A Salesforce error: HTTP status, errorCode, message and (for DML errors) the fields."""

    def __init__(
        self, status: int, code: str, message: str, fields: Sequence[str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = tuple(fields) if fields is not None else None

    def rest_body(self) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            body["fields"] = list(self.fields)
        return [body]

    def record_error(self) -> dict[str, Any]:
        return {"statusCode": self.code, "message": self.message, "fields": list(self.fields or ())}


class MultipleMatches(ApiError):
    """An upsert or lookup by an id-lookup field matched several records (HTTP 300)."""

    def __init__(self, sobject: str, field: str, ids: Sequence[str]) -> None:
        super().__init__(
            300,
            "DUPLICATE_EXTERNAL_ID",
            f"{field}: more than one record found for external id field: [{', '.join(ids)}]",
            [field],
        )
        self.sobject = sobject
        self.ids = tuple(ids)


def not_found(message: str = NOT_FOUND_MESSAGE) -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


def entity_deleted(status: int = 404, fields: Sequence[str] | None = None) -> ApiError:
    return ApiError(status, "ENTITY_IS_DELETED", "entity is deleted", fields)


def no_such_field(sobject: str, field: str) -> ApiError:
    """An unknown field in a record body (the deserializer's wording)."""
    return ApiError(400, "INVALID_FIELD", f"No such column '{field}' on sobject of type {sobject}")


def no_such_column(sobject: str, field: str) -> ApiError:
    """An unknown field in a query or a ``fields=`` list (SOQL's wording)."""
    return ApiError(
        400,
        "INVALID_FIELD",
        f"No such column '{field}' on entity '{sobject}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names.",
    )


def unsupported_type(name: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_TYPE",
        f"sObject type '{name}' is not supported. If you are attempting to use a custom object, "
        "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names.",
    )


def json_parser_error(message: str) -> ApiError:
    return ApiError(400, "JSON_PARSER_ERROR", message)


def missing_argument(message: str) -> ApiError:
    return ApiError(400, "MISSING_ARGUMENT", message)


def required_missing(fields: Sequence[str]) -> ApiError:
    return ApiError(
        400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(fields)}]", fields
    )


def wrong_operation(sobject: str, verb: str) -> ApiError:
    """An operation the object does not allow ("inserted", "updated", "deleted")."""
    return ApiError(400, "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be {verb}: {sobject}")
