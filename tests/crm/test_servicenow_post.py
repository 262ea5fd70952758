"""ServiceNow read-back and revert: what the proxy sends and how it reads the answers."""

from __future__ import annotations

import base64
import json

from guardrail.crm.base import CanonicalRequest, Revert
from guardrail.crm.servicenow_post import (
    AFTER,
    BEFORE,
    WRITE,
    newest_entry,
    revert,
    write_and_read,
    written,
)
from guardrail.model import Operation, WriteIntent

SYS_ID = "0123456789abcdef0123456789abcdef"
UPDATE = WriteIntent("servicenow", "incident", Operation.UPDATE, {"state": "6"}, record_id=SYS_ID)
REQUEST = CanonicalRequest(
    "PATCH", f"/api/now/table/incident/{SYS_ID}", {}, f"/api/now/table/incident/{SYS_ID}",
    b'{"state": "6"}', {"state": "6"}, {},
)  # fmt: skip


def _item(ref: str, status: int, body: object) -> dict[str, object]:
    return {"id": ref, "status_code": status, "headers": [],
            "body": base64.b64encode(json.dumps(body).encode()).decode()}  # fmt: skip


def test_an_update_is_read_before_and_after_in_one_batch_and_made_as_sent() -> None:
    outbound = write_and_read(UPDATE, REQUEST, ["state"], before=True)
    assert outbound is not None
    assert (outbound.method, outbound.target) == ("POST", "/api/now/v1/batch")
    items = json.loads(outbound.body or b"")["rest_requests"]
    assert [(i["id"], i["method"]) for i in items] == [
        (BEFORE, "GET"),
        (WRITE, "PATCH"),
        (AFTER, "GET"),
    ]
    assert base64.b64decode(items[1]["body"]) == REQUEST.body
    assert items[1]["url"] == REQUEST.target


def test_a_create_is_read_back_after_it_is_saved() -> None:
    create = WriteIntent("servicenow", "incident", Operation.CREATE, {"short_description": "x"})
    assert write_and_read(create, REQUEST, None, before=True) is None


def test_the_batch_answer_gives_the_agents_reply_and_both_records() -> None:
    answer = {"batch_request_id": "guardrail", "unserviced_requests": [], "serviced_requests": [
        _item(BEFORE, 200, {"result": {"sys_id": SYS_ID, "state": {"value": "2", "display_value": "In Progress"}}}),
        _item(WRITE, 200, {"result": {"sys_id": SYS_ID, "state": "7"}}),
        _item(AFTER, 200, {"result": {"sys_id": SYS_ID, "state": {"value": "7"},
                                      "work_notes": {"value": "", "display_value":
                                                     "2026-12-05 01:00:00 - admin (Work notes)\nCalled back\n\n"
                                                     "2026-12-04 01:00:00 - admin (Work notes)\nFirst\n\n"}}}),
    ]}  # fmt: skip
    outcome = written(200, {}, json.dumps(answer).encode())
    assert outcome is not None
    assert (outcome.reply.status, outcome.record_id, outcome.created) == (200, SYS_ID, False)
    assert outcome.before == {"sys_id": SYS_ID, "state": "2"}
    assert outcome.after == {"sys_id": SYS_ID, "state": "7", "work_notes": "Called back"}


def test_a_journal_display_value_reads_as_its_newest_entry() -> None:
    assert (
        newest_entry("2026-12-05 01:00:00 - Ava Agent (Additional comments)\nHi\nthere\n\nold")
        == "Hi\nthere"
    )
    assert newest_entry("plain text") == "plain text"


def test_a_revert_sets_back_what_the_save_changed_but_never_a_journal_entry() -> None:
    undo = Revert(SYS_ID, False, {"state": "2", "work_notes": "First", "priority": "3"},
                  {"state": "7", "work_notes": "Called back", "priority": "3"},
                  writable={"state", "work_notes", "priority"})  # fmt: skip
    outbound = revert(UPDATE, undo)
    assert outbound is not None
    assert (outbound.method, outbound.target) == ("PATCH", f"/api/now/table/incident/{SYS_ID}")
    assert json.loads(outbound.body or b"") == {"state": "2"}
    created = revert(UPDATE, Revert(SYS_ID, True, None, {"state": "7"}, writable=()))
    assert created is not None
    assert created.method == "DELETE"
