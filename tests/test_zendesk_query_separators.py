"""A ``;`` in a Zendesk query string is refused: Rails on Rack 2 reads it as a separator, as it
reads ``&`` (``?x=1;include=users`` is two parameters there, one here), so the proxy would judge
other parameters than Zendesk reads: a side-load the agent's token scope never saw, or a
destroy_many naming other records than the ones looked up. Through the proxy to the sandbox."""

from __future__ import annotations

import json

import pytest

from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
TICKET = f"/api/v2/tickets/{ACME_TICKET}.json"


def changes(stack: Stack) -> list[object]:
    async def taken() -> list[object]:
        store = stack.crm_app[ZENDESK_STORE]
        found = list(store.changes)
        store.clear_changes()
        return found

    return stack.call(taken)


@pytest.mark.parametrize(
    ("method", "target", "body"),
    [
        ("GET", f"{TICKET}?a=1;include=users", None),
        ("PUT", f"{TICKET}?x;ticket[priority]=urgent", {"ticket": {"subject": "S"}}),
        ("PUT", f"/api/v2/tickets/update_many.json?ids={ACME_TICKET};ids=1",
         {"ticket": {"subject": "S"}}),
        ("DELETE", "/api/v2/users/destroy_many.json?external_ids=a;external_ids=b", None),
    ],
)  # fmt: skip
def test_a_semicolon_in_the_query_string_is_refused_in_zendesks_format(
    zendesk_stack: Stack, method: str, target: str, body: dict[str, object] | None
) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(TICKET,))
    changes(zendesk_stack)
    answer = agent.client.request(method, target, json=body)
    assert answer.status_code == 400, answer.text
    error = json.loads(answer.text)
    assert error["error"] == "GUARDRAIL_AMBIGUOUS_REQUEST"
    assert "%3B" in error["description"]
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert not changes(zendesk_stack)


def test_a_semicolon_encoded_in_a_value_is_read_as_part_of_it(zendesk_stack: Stack) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(TICKET,))
    answer = agent.client.get(f"{TICKET}?a=1%3Bb")
    assert answer.status_code == 200, answer.text
