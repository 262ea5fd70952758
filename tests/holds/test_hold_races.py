"""A held upsert judged as a create, approved after its record appeared: the approval looks the
record up again (and judges it again), yet it can still appear between that lookup and the
write. The CRM's answer says it updated; the settling decision says so, and the conversation
records an update of a record not created here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import GLOBEX_ACCOUNT_ID
from guardrail.testing import Stack
from tests.helpers import Race
from tests.holds.helpers import ANON, REFUND, REVIEWERS, admin, conversation, settle

UPSERT = "/sobjects/Refund__c/External_Id__c/"


@pytest.fixture(scope="module")
def race() -> Race:
    return Race()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, race: Race) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("hold-races"), auth_mode="token", api_tokens=[ANON],
        api_reviewers=REVIEWERS, holds={"sweep_seconds": 0.2}, transport=race.wrap,
    ) as running:  # fmt: skip
        yield running


def held_upsert(stack: Stack, name: str, value: str) -> str:
    """An unsure refund upserted by External_Id__c ``value`` that matches no record: judged
    as a create, held; the held decision's id."""
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    token = admin(
        stack.admin_url, "POST", f"conversations/{name}/tokens", json={"agent": "support-bot"}
    ).json()["token"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        stack.salesforce(token=token).Refund__c.upsert(f"External_Id__c/{value}", REFUND)
    message: str = raised.value.content[0]["message"]
    return message.split("(decision ", 1)[1].split(")", 1)[0]


def test_an_approved_upsert_whose_record_appeared_meanwhile_is_reported_not_owned(
    stack: Stack, race: Race
) -> None:
    held = held_upsert(stack, "hold-race", "RF-RACE-1")
    race.arrange(f"{UPSERT}RF-RACE-1", lambda: stack.store.create("Refund__c", {
        "Amount__c": 5, "Reason__c": "Goodwill", "Status__c": "Paid",
        "Account__c": GLOBEX_ACCOUNT_ID, "External_Id__c": "RF-RACE-1",
    }))  # fmt: skip

    answer = settle(stack.admin_url, held, "approve")
    assert answer.status_code == 200, answer.text
    theirs = race.made[f"{UPSERT}RF-RACE-1"]
    settled = answer.json()
    assert settled["state"] == "done"
    result: dict[str, Any] = admin(
        stack.admin_url, "GET", f"decisions/{settled['result_decision_id']}"
    ).json()
    assert result["decision"] == "post-fail"
    assert [v["rule"] for v in result["violations"]][-1] == "CreateUpdatedExisting"
    assert stack.store.get("Refund__c", theirs)["Amount__c"] == REFUND["Amount__c"]
    writes = admin(stack.admin_url, "GET", "conversations/hold-race").json()["writes"]
    assert [(w["operation"], w["judged_as"], w["id"]) for w in writes][-1] == (
        "update", "create", theirs,
    )  # fmt: skip
