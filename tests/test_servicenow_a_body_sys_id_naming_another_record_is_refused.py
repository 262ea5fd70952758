"""An update names its record in its URL (``/api/now/table/{table}/{sys_id}``); a ``sys_id`` in
its body that is not the URL's names another record, and which one the instance writes is not
the proxy's to guess. So it is refused, as Salesforce's ``Id`` and Zendesk's ``id`` are, with
ServiceNow's own 400 telling the agent how to fix the write, through the Table API and as a
Batch API item alike, and nothing is written. A body ``sys_id`` that is the URL's, spelled as
the URL must spell it (32 lower-case hexadecimal characters), names the same record and passes
as before."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrail.crm.servicenow import ServiceNowDialect
from guardrail.errors import MalformedBody
from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import ACME_CASE_ID, ACME_INCIDENT_ID
from guardrail.testing import Stack
from tests.crm.helpers import read_json
from tests.helpers import Sent, Wire

dialect = ServiceNowDialect()
CASE = "sn_customerservice_case"
SYS_IDS = st.from_regex(r"[0-9a-f]{32}", fullmatch=True)
#: What a body may give as its sys_id: another record's, text that is no sys_id, JSON values of
#: other types.
OTHERS = st.one_of(
    SYS_IDS,
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    st.integers(),
    st.booleans(),
    st.none(),
    st.just(""),
)


def _batch(method: str, url: str, payload: Any) -> dict[str, Any]:
    item = {"id": "one", "method": method, "url": url,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "body": base64.b64encode(json.dumps(payload).encode()).decode()}  # fmt: skip
    return {"batch_request_id": "b", "rest_requests": [item]}


def _ways(method: str, sys_id: str, payload: Any) -> list[tuple[str, str, Any]]:
    """An update of the incident ``sys_id`` with ``payload``: through the Table API, and as a
    Batch API item."""
    url = f"/api/now/table/incident/{sys_id}"
    return [(method, url, payload), ("POST", "/api/now/v1/batch", _batch(method, url, payload))]


@given(
    method=st.sampled_from(["PATCH", "PUT"]),
    url_id=SYS_IDS,
    given_id=st.one_of(OTHERS, SYS_IDS.map(str.upper)),
    batched=st.booleans(),
)
def test_a_body_sys_id_other_than_the_urls_is_refused_in_servicenows_format(
    method: str, url_id: str, given_id: Any, batched: bool
) -> None:
    if given_id == url_id:
        return  # the same record: below
    way = _ways(method, url_id, {"sys_id": given_id, "state": "2"})[batched]
    with pytest.raises(MalformedBody) as refused:
        read_json(dialect, *way)
    reply = dialect.render_error(refused.value)
    assert reply.status == 400
    answer = json.loads(reply.body)
    assert answer["status"] == "failure"
    assert set(answer["error"]) == {"message", "detail"}
    message = answer["error"]["message"]
    assert "sys_id" in message
    assert "Drop sys_id from the body" in message, message  # how to fix the write
    assert message.startswith("Batch request one: ") is batched


@given(url_id=SYS_IDS.filter(lambda s: s != s.upper()), batched=st.booleans())
def test_the_urls_sys_id_spelled_in_capitals_is_refused(url_id: str, batched: bool) -> None:
    """The URL must spell a sys_id in lower case; the body may spell it no other way."""
    way = _ways("PATCH", url_id, {"sys_id": url_id.upper()})[batched]
    with pytest.raises(MalformedBody, match="Drop sys_id from the body"):
        read_json(dialect, *way)


@given(method=st.sampled_from(["PATCH", "PUT"]), url_id=SYS_IDS, batched=st.booleans())
def test_a_body_sys_id_that_is_the_urls_passes(method: str, url_id: str, batched: bool) -> None:
    way = _ways(method, url_id, {"sys_id": url_id, "state": "2"})[batched]
    [intent] = read_json(dialect, *way).intents
    assert intent.record_id == url_id
    assert intent.fields == {"sys_id": url_id, "state": "2"}


def _send(stack: Stack, method: str, target: str, payload: Any) -> tuple[int, dict[str, Any]]:
    answer = Wire(stack).send(Sent(method, target, json.dumps(payload).encode(),
                                   (("Content-Type", "application/json"),)))  # fmt: skip
    return answer.status, json.loads(answer.body)


@pytest.mark.parametrize("batched", [False, True], ids=["table-api", "batch-item"])
def test_an_update_naming_another_record_in_its_body_writes_nothing(
    servicenow_stack: Stack, batched: bool
) -> None:
    store: InstanceStore = servicenow_stack.crm_app[INSTANCE]
    before = copy.deepcopy(store.rows)
    url = f"/api/now/table/{CASE}/{ACME_CASE_ID}"
    payload = {"sys_id": ACME_INCIDENT_ID, "priority": "1"}
    way = ("POST", "/api/now/v1/batch", _batch("PATCH", url, payload)) if batched else (
        "PATCH", url, payload)  # fmt: skip
    status, answer = _send(servicenow_stack, *way)
    assert status == 400, answer
    assert answer["status"] == "failure"
    message = answer["error"]["message"]
    assert ACME_INCIDENT_ID in message, answer
    assert message.startswith("Batch request one: ") is batched, answer
    assert store.rows == before
