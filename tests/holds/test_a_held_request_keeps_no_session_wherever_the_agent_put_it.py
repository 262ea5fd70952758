"""A held request is kept in the audit store until it is settled, "never a header that
authenticates". Salesforce also takes a session in X-SFDC-Session (Bulk API 1.0), and the
proxy reads an agent token there too: such a token was kept whole in the held request, in a
store that otherwise keeps only tokens' digests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from guardrail.testing import Stack
from tests.holds.helpers import ANON, REFUND, REVIEWERS, admin, conversation


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("holds-session-header"),
        auth_mode="token",
        api_tokens=[ANON],
        api_reviewers=REVIEWERS,
    ) as running:
        yield running


def test_an_agent_token_in_x_sfdc_session_is_not_kept_with_the_held_write(stack: Stack) -> None:
    name = "conv-sfdc-session"
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    token = admin(
        stack.admin_url, "POST", f"conversations/{name}/tokens", json={"agent": "support-bot"}
    ).json()["token"]
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    answer = session.post(
        f"{stack.proxy_url}/services/data/v59.0/sobjects/Refund__c",
        json=REFUND,
        headers={"X-SFDC-Session": token},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()[0]["errorCode"] == "GUARDRAIL_HELD_FOR_APPROVAL"
    held = answer.headers["X-Guardrail-Decision-Id"]

    async def kept() -> str:
        row = await stack.guardrail.audit.storage.hold(held)
        assert row is not None
        assert row.request is not None
        return repr(row.request)

    assert token not in stack.call(kept)
