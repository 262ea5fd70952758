"""A Zendesk id names a record of one resource: ticket 40002, user 40002 and organization
40002 are three records (each resource is numbered on its own; Zendesk documents no id shared
across them), but the conversation's records are keyed by id alone (``Dialect.record_key``), so
the verified customer's user or organization id grounds, and is judged the customer's as, a
ticket of that number. Open: another customer's ticket numbered as the customer's user or
organization is updated and deleted, never read (allowed, 200 and 204). Closing it needs the
resource in the record key (grounded(), known_field(), the customer's ids), which this test
waits for (strict xfail)."""

from __future__ import annotations

import pytest

from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_USER, GLOBEX_ORG, GLOBEX_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent


@pytest.mark.xfail(strict=True, reason="open: the conversation keys records by id alone")
@pytest.mark.parametrize("number", [ACME_USER, ACME_ORG])
def test_another_customers_ticket_numbered_as_the_customer_is_not_theirs(
    zendesk_stack: Stack, number: int
) -> None:
    async def globex_ticket() -> None:
        store = zendesk_stack.crm_app[ZENDESK_STORE]
        if store.get("ticket", number) is None:
            store._seeded("ticket", {"id": number, "subject": "Globex's invoice",
                                     "requester_id": GLOBEX_USER, "organization_id": GLOBEX_ORG,
                                     "comment": {"body": "Charged twice."}}, store.create_ticket)  # fmt: skip

    zendesk_stack.call(globex_ticket)
    agent = ZendeskAgent(zendesk_stack, {"account_ids": [str(ACME_ORG)],
                                         "contact_ids": [str(ACME_USER)]})  # fmt: skip
    answer = agent.write("PUT", f"/api/v2/tickets/{number}.json", {"ticket": {"tags": ["x"]}})
    assert answer.status_code == 400, answer.text
    assert answer.headers["X-Guardrail-Decision"] == "block"
    gone = agent.client.delete(f"/api/v2/tickets/{number}.json")
    assert gone.status_code == 400, gone.text
