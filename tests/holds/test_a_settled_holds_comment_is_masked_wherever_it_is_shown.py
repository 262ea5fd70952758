"""A reviewer's comment is free text, and may repeat what the customer said (a card number read
out on the call). The audit record of the settling decision masks it; the hold's own state on
``GET /guardrail/v1/decisions/{id}`` and the webhook's push must not show it unmasked either."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.holds.helpers import REFUND, Webhook, admin, conversation, passthrough_stack, settle

CARD = "4111 1111 1111 1111"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, webhook: Webhook) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("holds-masked-comment")
    with passthrough_stack(directory, holds={"webhook_url": webhook.url}) as running:
        yield running


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_card_number_in_a_comment_is_shown_masked(
    stack: Stack, webhook: Webhook, decision: str
) -> None:
    name = f"conv-comment-{decision}"
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    sf = stack.salesforce(conversation=name, agent="support-bot", token=SANDBOX_TOKEN)
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Refund__c.create(REFUND)
    held = raised.value.content[0]["message"].split("(decision ", 1)[1].split(")", 1)[0]
    comment = f"customer read me the card {CARD}, checked it"
    answer = settle(stack.admin_url, held, decision, comment=comment)
    assert answer.status_code == 200, answer.text
    state = admin(stack.admin_url, "GET", f"decisions/{held}").json()["hold_state"]
    shown = {
        "answer": answer.json()["comment"],
        "hold_state": state["comment"],
        "webhook": webhook.about(held)["comment"],
    }
    assert {where: CARD in text for where, text in shown.items()} == dict.fromkeys(shown, False)
    assert all("checked it" in text for text in shown.values())
