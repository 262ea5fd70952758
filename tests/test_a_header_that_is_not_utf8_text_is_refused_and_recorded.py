"""A request header whose bytes are not UTF-8 text (a Latin-1 byte, say) reached the proxy as
text it could neither record nor forward: an X-Guardrail-Agent or X-Guardrail-Tool value made
of such bytes let a write through to the CRM with no audit record (the record could not be
serialised), and any other such header answered a bare 500. Every such request is refused in
the CRM's format, nothing of it is sent, and the refusal is recorded."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import requests

from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import acme_in_chat


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(tmp_path_factory.mktemp("not-utf8"), auth_mode="passthrough") as running:
        yield running


def _session(stack: Stack) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    session.headers.update(
        {
            "Authorization": f"Bearer {SANDBOX_TOKEN}",
            "X-Guardrail-Conversation": "conv-latin1",
            "X-Guardrail-Agent": "support-bot",
        }
    )
    return session


@pytest.mark.parametrize(
    "header", ["X-Guardrail-Agent", "X-Guardrail-Tool", "traceparent", "Sforce-Call-Options"]
)
def test_a_write_with_a_header_that_is_not_utf8_is_refused_and_recorded(
    stack: Stack, header: str
) -> None:
    acme_in_chat(stack, "conv-latin1", "My order arrived damaged, please make it urgent.")
    session = _session(stack)
    case = f"{stack.proxy_url}/services/data/v59.0/sobjects/Case/{ACME_CASE_ID}"
    assert session.get(case).status_code == 200
    before = stack.store.get("Case", ACME_CASE_ID)["Priority"]
    wanted = "Low" if before == "High" else "High"
    answer = session.patch(
        case, json={"Priority": wanted}, headers={header: "caf\xe9".encode("latin-1")}
    )
    assert answer.status_code == 400, answer.text
    error = answer.json()[0]
    assert error["errorCode"] == "GUARDRAIL_MALFORMED_REQUEST"
    assert header.lower() in error["message"].lower()
    assert stack.store.get("Case", ACME_CASE_ID)["Priority"] == before
    recorded = answer.headers["X-Guardrail-Decision-Id"]
    found = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{recorded}")
    assert found.status_code == 200, found.text
    assert found.json()["decision"] == "block"
