"""A create the CRM answered as a success without naming the record it made saved a record no
read-back can find: its read-back fails (``Saved.unnamed``), in ServiceNow and Zendesk as in
Salesforce, rather than being skipped as though nothing had been saved. A write that names its
record is that record, whatever its answer says."""

from __future__ import annotations

import base64
import json
from typing import Any

from guardrail.crm.base import dialect_for
from guardrail.model import Saved
from tests.crm.helpers import read_json

SYS_ID = "0123456789abcdef0123456789abcdef"
SERVICENOW = dialect_for("servicenow")
ZENDESK = dialect_for("zendesk")


def _body(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def test_a_servicenow_create_answered_without_its_sys_id_fails_its_read_back() -> None:
    created = read_json(SERVICENOW, "POST", "/api/now/table/incident", {"short_description": "x"})
    for answer in (b"", b'{"result": {}}'):
        assert SERVICENOW.saved(created, 201, answer) == (Saved(None, unnamed=True),)
    updated = read_json(SERVICENOW, "PATCH", f"/api/now/table/incident/{SYS_ID}", {"state": "2"})
    assert SERVICENOW.saved(updated, 200, b"") == (Saved(SYS_ID),)


def test_a_servicenow_batch_create_answered_without_its_sys_id_fails_its_read_back() -> None:
    json_type = [{"name": "Content-Type", "value": "application/json"}]
    batch = read_json(SERVICENOW, "POST", "/api/now/v1/batch", {"batch_request_id": "1", "rest_requests": [
        {"id": "new", "method": "POST", "url": "/api/now/table/incident", "headers": json_type,
         "body": _body({"short_description": "x"})},
        {"id": "named", "method": "PATCH", "url": f"/api/now/table/sn_customerservice_case/{SYS_ID}",
         "headers": json_type, "body": _body({"short_description": "y"})},
    ]})  # fmt: skip
    answer = {"serviced_requests": [{"id": "new", "status_code": 201, "body": ""},
                                    {"id": "named", "status_code": 200, "body": ""}]}  # fmt: skip
    assert SERVICENOW.saved(batch, 200, json.dumps(answer).encode()) == (
        Saved(None, unnamed=True),
        Saved(SYS_ID),
    )


def test_a_zendesk_create_answered_without_its_record_fails_its_read_back() -> None:
    created = read_json(ZENDESK, "POST", "/api/v2/tickets.json",
                        {"ticket": {"subject": "x", "comment": {"body": "y"}}})  # fmt: skip
    for answer in (b"", b"{}", b'{"ticket": {}}'):
        assert ZENDESK.saved(created, 201, answer) == (Saved(None, True, unnamed=True),)
    updated = read_json(ZENDESK, "PUT", "/api/v2/tickets/7.json", {"ticket": {"status": "open"}})
    assert ZENDESK.saved(updated, 200, b"") == (Saved("7", False),)
