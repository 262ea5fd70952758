"""Deleting a record clears every reference to it, in any table ("Clear or -- None --: deleting
a record clears references (default option)", the platform's reference cascade rule): deleting
a contact clears the contact of their cases and interactions, deleting an assignment group or
a user clears it on other customers' cases and incidents, records no intent of the request
names. Whether such a delete is allowed is a policy's to say (the shipped pack never deletes a
contact; this test's policies allow any delete), but what it does beside its record is not:
pysnc through the proxy to the sandbox instance (which clears references as the platform
documents): the delete is refused, naming the fields it would clear, and every record is kept;
a record no field references (an interaction) is deleted as before."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from pysnc.exceptions import RequestException

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import (
    ACME_CONTACT_ID,
    ACME_INTERACTION_ID,
    AGENT_USER_ID,
    GROUP_IDS,
)
from guardrail.testing import Stack
from tests.helpers import acme_on_the_line, deletes_allowed, servicenow_stack_with

_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("servicenow-reference-deletes")
    tables = ["customer_contact", "sys_user", "sys_user_group", "interaction"]
    pack = deletes_allowed(directory, "servicenow", tables)
    with servicenow_stack_with(directory, pack) as running:
        yield running


def client(stack: Stack) -> Any:
    """pysnc in a conversation with Acme's verified contact."""
    name = f"sn-reference-delete-{next(_conversations)}"
    acme_on_the_line(stack, name, "Please sort out my case.")
    return stack.servicenow(conversation=name, agent="agent-reference-deletes")


@pytest.mark.parametrize(
    ("table", "sys_id", "cleared"),
    [
        ("customer_contact", ACME_CONTACT_ID, "sn_customerservice_case.contact"),
        ("sys_user", ACME_CONTACT_ID, "interaction.contact"),
        (
            "sys_user_group",
            GROUP_IDS["Technical Support"],
            "sn_customerservice_case.assignment_group",
        ),
        ("sys_user", AGENT_USER_ID, "incident.assigned_to"),
    ],
    ids=["contact", "contact-as-user", "group", "user"],
)
def test_deleting_a_record_other_records_reference_is_refused(
    stack: Stack, table: str, sys_id: str, cleared: str
) -> None:
    store: InstanceStore = stack.crm_app[INSTANCE]
    before = copy.deepcopy(store.rows)
    record = client(stack).GlideRecord(table)
    assert record.get(sys_id)
    with pytest.raises(RequestException) as caught:
        record.delete()
    message = caught.value.args[0]["error"]["message"]
    assert cleared in message
    assert "person" in message  # what to do instead
    assert store.rows == before


def test_a_record_no_field_references_is_deleted(stack: Stack) -> None:
    store: InstanceStore = stack.crm_app[INSTANCE]
    record = client(stack).GlideRecord("interaction")
    assert record.get(ACME_INTERACTION_ID)
    record.delete()
    assert store.get("interaction", ACME_INTERACTION_ID) is None
