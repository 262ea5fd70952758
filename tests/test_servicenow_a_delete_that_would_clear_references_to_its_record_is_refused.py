"""Deleting a record clears every reference to it, in any table ("Clear or -- None --: deleting
a record clears references (default option)", the platform's reference cascade rule): deleting
a contact clears the contact of their cases and interactions, deleting an assignment group or
a user clears it on other customers' cases and incidents, records no intent of the request
names. Whether such a delete is allowed is a policy's to say (the shipped pack never deletes a
contact; this test's policies allow any delete), but what it does beside its record is not:
pysnc through the proxy to the sandbox instance (which clears references as the platform
documents): the delete is refused, naming the fields it would clear, and every record is kept;
a record no field references (an interaction) is deleted as before. A reference to a table may
name a record of any table extending it (``sys_db_object.super_class``: an incident or a case
is a ``task``), so a field an admin added referencing ``task`` is cleared by deleting the
customer's case or incident, and such a delete is refused too, through its own table or
``task``; and a record named through a table its own extends (an admin's table of callbacks
extending ``interaction``) is deleted as a record of its own table, whose references it
clears."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from pysnc.exceptions import RequestException

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import (
    ACME_CASE_ID,
    ACME_CONTACT_ID,
    ACME_INCIDENT_ID,
    ACME_INTERACTION_ID,
    AGENT_USER_ID,
    GROUP_IDS,
)
from guardrail.sandbox.servicenow.tables import Column, Kind, Table
from guardrail.testing import Stack
from tests.helpers import acme_on_the_line, deletes_allowed, servicenow_stack_with

_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("servicenow-reference-deletes")
    tables = ["customer_contact", "sys_user", "sys_user_group", "interaction",
              "sn_customerservice_case", "incident"]  # fmt: skip
    pack = deletes_allowed(directory, "servicenow", tables)
    with servicenow_stack_with(directory, pack) as running:
        running.call(lambda: _follow_ups(running.crm_app[INSTANCE]))
        yield running


#: Acme's callback: an interaction of an admin's table extending ``interaction``.
CALLBACK_ID = "c0ffee00c0ffee00c0ffee00c0ffee00"


async def _follow_ups(store: InstanceStore) -> None:
    """An admin's reference to ``task`` on interactions, one naming Acme's case, one its
    incident: records of tables extending ``task``; and an admin's table of callbacks
    extending ``interaction``, one of Acme's named by a reference to callbacks on its case."""
    store.add_field("interaction", Column("u_follow_up", "Follow-up", Kind.REFERENCE, 32,
                                          reference="task"))  # fmt: skip
    for task in (ACME_CASE_ID, ACME_INCIDENT_ID):
        store.insert("interaction", {"u_follow_up": task}, user="system")
    store.add_table(Table("u_callback", "Callback", {}, "number"), extends="interaction")
    store.insert("u_callback", {"sys_id": CALLBACK_ID, "contact": ACME_CONTACT_ID}, user="system")
    store.add_field("sn_customerservice_case", Column("u_callback", "Callback", Kind.REFERENCE,
                                                      32, reference="u_callback"))  # fmt: skip
    store.update("sn_customerservice_case", ACME_CASE_ID, {"u_callback": CALLBACK_ID},
                 user="system")  # fmt: skip


def client(stack: Stack) -> Any:
    """pysnc in a conversation with Acme's verified contact."""
    name = f"sn-reference-delete-{next(_conversations)}"
    acme_on_the_line(stack, name, "Please sort out my case.")
    return stack.servicenow(conversation=name, agent="agent-reference-deletes")


@pytest.mark.parametrize(
    ("table", "sys_id", "cleared"),
    [
        ("customer_contact", ACME_CONTACT_ID, "sn_customerservice_case.contact"),
        ("sys_user", ACME_CONTACT_ID, "sn_customerservice_case.contact"),
        (
            "sys_user_group",
            GROUP_IDS["Technical Support"],
            "sn_customerservice_case.assignment_group",
        ),
        ("sys_user", AGENT_USER_ID, "incident.assigned_to"),
        # referenced through task, which they extend
        ("sn_customerservice_case", ACME_CASE_ID, "interaction.u_follow_up"),
        ("task", ACME_CASE_ID, "interaction.u_follow_up"),
        ("incident", ACME_INCIDENT_ID, "interaction.u_follow_up"),
        ("task", ACME_INCIDENT_ID, "interaction.u_follow_up"),
        # a callback, named through interaction, which its table extends
        ("interaction", CALLBACK_ID, "sn_customerservice_case.u_callback"),
    ],
    ids=["contact", "contact-as-user", "group", "user", "case", "case-as-task", "incident",
         "incident-as-task", "callback-as-interaction"],
)  # fmt: skip
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
