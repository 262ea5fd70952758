"""A Batch API item carries its own headers, and the instance applies them to the request the
item stands for (ServiceNow's Batch API: ``rest_requests.headers``, "request header objects to
send to the endpoint"). A request's own headers are judged or removed before they reach the
instance (a session cookie, a compressed answer, a method override); an item's cannot be
removed without changing what the agent sent, so an item carries only the headers the dialect
reads to a certainty: Content-Type and Accept of JSON, and a Content-Length that is its body's.
Any other is refused with ServiceNow's error, naming the item and the header, and nothing in the
batch is written. The real pysnc client, through the proxy, to the sandbox instance."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from pysnc.exceptions import RequestException

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import ACME_CASE_ID
from guardrail.testing import Stack
from tests.helpers import Sent, Wire, acme_on_the_line, through_a_stack

CASE = "sn_customerservice_case"
CONVERSATION = "invariant"  # the one Wire names
#: Headers ServiceNow (or the servlet container before it) would act on in an item.
REFUSED = [
    ("Cookie", "JSESSIONID=0123456789ABCDEF"),
    ("Accept-Encoding", "gzip"),
    ("Authorization", "Basic YWRtaW46c2FuZGJveC1wYXNzd29yZA=="),
    ("X-UserToken", "a-session-token"),
    ("X-no-response-body", "true"),
    ("X-Transaction-Source", "Interface=Batch"),
    ("X-WantSessionNotificationMessages", "true"),
    ("X-HTTP-Method-Override", "DELETE"),
    ("X-Forwarded-Host", "other.service-now.com"),
    ("Content-Type", "application/xml"),
    ("Accept", "application/xml"),
    ("X-Made-Up", "1"),
]


@pytest.fixture
def client(servicenow_stack: Stack) -> Any:
    acme_on_the_line(servicenow_stack, CONVERSATION, "Please make my case a priority.")
    agent = servicenow_stack.servicenow(conversation=CONVERSATION, agent="agent-e2e")
    case = agent.GlideRecord(CASE)
    assert case.get(ACME_CASE_ID)  # read in the conversation, so the update may be judged
    return agent


@pytest.fixture
def store(servicenow_stack: Stack) -> InstanceStore:
    found: InstanceStore = servicenow_stack.crm_app[INSTANCE]
    return found


def _batched(client: Any, extra: tuple[str, str] | None) -> list[Any]:
    """One update of the Acme case sent by pysnc's own Batch API, with ``extra`` among its
    item's headers (beside those pysnc sends: Content-Type and Content-Length); the answers."""
    batch = client.batch_api
    url = batch._table_target(CASE, ACME_CASE_ID)
    headers = dict([extra]) if extra else {}
    request = requests.Request("PATCH", url, json={"priority": "2"}, headers=headers)
    answers: list[Any] = []
    batch._add_request(request, answers.append)
    batch.execute()
    return answers


def test_the_headers_pysnc_gives_an_item_pass(client: Any, store: InstanceStore) -> None:
    [answer] = _batched(client, ("Accept", "application/json"))
    assert answer.status_code == 200, answer.text
    assert store.get(CASE, ACME_CASE_ID)["priority"] == "2"  # type: ignore[index]


@pytest.mark.parametrize(("name", "value"), REFUSED, ids=[n for n, _ in REFUSED])
def test_an_item_header_the_dialect_does_not_read_is_refused_naming_it(
    client: Any, store: InstanceStore, name: str, value: str
) -> None:
    before = copy.deepcopy(store.rows)
    with pytest.raises(RequestException) as refused:
        _batched(client, (name, value))
    error = refused.value.args[0]["error"]
    assert error["message"].startswith("Batch request "), error
    told = error["message"].lower()
    assert name.lower() in told or value in told, error  # the header, or its value
    assert store.rows == before


def _send(stack: Stack, headers: list[tuple[str, str]]) -> tuple[int, str]:
    """A batch of one update of the Acme case, its item carrying ``headers``, sent byte for
    byte; the answer's status and error message."""
    body = json.dumps({"priority": "3"}).encode()
    item = {"id": "one", "method": "PATCH", "url": f"/api/now/table/{CASE}/{ACME_CASE_ID}",
            "body": base64.b64encode(body).decode(),
            "headers": [{"name": name, "value": value} for name, value in headers]}  # fmt: skip
    batch = json.dumps({"batch_request_id": "b", "rest_requests": [item]}).encode()
    answer = Wire(stack).send(
        Sent("POST", "/api/now/v1/batch", batch, (("Content-Type", "application/json"),))
    )
    return answer.status, json.loads(answer.body).get("error", {}).get("message", "")


def test_a_content_length_other_than_the_items_body_is_refused(
    servicenow_stack: Stack, client: Any, store: InstanceStore
) -> None:
    before = copy.deepcopy(store.rows)
    json_body = ("Content-Type", "application/json")
    status, message = _send(servicenow_stack, [json_body, ("Content-Length", "3")])
    assert status == 400
    assert message.startswith("Batch request one: Content-Length: 3 is not"), message
    assert store.rows == before
    assert _send(servicenow_stack, [json_body, ("Content-Length", "17")])[0] == 200


#: Header names as HTTP spells them, in any case, some close to ones a server acts on.
NAMES = st.one_of(
    st.sampled_from(["cookie", "ACCEPT-ENCODING", "x-usertoken", "Te", "Range", "If-Match",
                     "X-Sn-Debug", "X_HTTP_Method_Override", "Prefer", "Content-Encoding"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True),
)  # fmt: skip


@through_a_stack(15)
@given(name=NAMES, value=st.from_regex(r"[ -~]{1,30}", fullmatch=True))
def test_no_item_header_outside_the_rule_reaches_the_instance(
    servicenow_stack: Stack, name: str, value: str
) -> None:
    store: InstanceStore = servicenow_stack.crm_app[INSTANCE]
    if name.lower() in ("content-type", "accept", "content-length"):
        return  # read by the dialect: tested above
    before = copy.deepcopy(store.rows)
    status, message = _send(servicenow_stack, [("Content-Type", "application/json"), (name, value)])
    assert status == 400, message
    assert message.startswith("Batch request one:"), message
    dashed = name.lower().replace("_", "-")  # an override named as the header it stands for
    assert dashed in message.lower().replace("_", "-"), message
    assert store.rows == before
