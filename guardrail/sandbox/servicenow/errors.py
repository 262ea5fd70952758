"""ServiceNow's REST error answers: ``{"error": {"message", "detail"}, "status": "failure"}``.

The messages are the platform's own, so a client's handling of them (pysnc maps 401 to
AuthenticationException, 403 to RoleException, 404 to NotFoundException, any other 4xx to
RequestException) is exercised as against an instance.
"""

from __future__ import annotations

from typing import Any


class InstanceError(Exception):
    """An API call the instance refuses: its status, message and detail."""

    def __init__(self, status: int, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "detail": self.detail}, "status": "failure"}


def not_authenticated() -> InstanceError:
    return InstanceError(401, "User Not Authenticated", "Required to provide Auth information")


def no_record() -> InstanceError:
    return InstanceError(
        404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
    )


def invalid_table(table: str) -> InstanceError:
    return InstanceError(400, f"Invalid table {table}")


def bad_payload() -> InstanceError:
    return InstanceError(400, "Exception while reading request", "The payload is not valid JSON.")


def aborted(table: str, rule: str, why: str) -> InstanceError:
    return InstanceError(
        403,
        "Operation Failed",
        f"Operation against file '{table}' was aborted by Business Rule '{rule}'. {why}",
    )


def acl(operation: str) -> InstanceError:
    return InstanceError(
        403, "Operation Failed", f"ACL Exception {operation} Failed due to security constraints"
    )


def not_supported(method: str) -> InstanceError:
    return InstanceError(405, "Method not Supported", f"{method} method not supported for API")


def no_api(path: str) -> InstanceError:
    return InstanceError(400, "Requested URI does not represent any resource", path)
