"""Deleting a record clears every reference to it ("Clear or -- None --: deleting a record clears
references (default option)", the platform's reference cascade rule), so deleting the
customer's own parent incident or parent case clears the parent of each child, another
customer's too, which no intent of the request names. pysnc through the proxy with the shipped
pack, to the sandbox instance (which clears references as the platform documents): such a
delete is refused, naming the children, and both records are kept; a parent with no children
is deleted as before."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pysnc.exceptions import RequestException

from guardrail.sandbox.servicenow import INSTANCE, InstanceStore
from guardrail.sandbox.servicenow.seed import (
    ACME_ACCOUNT_ID,
    ACME_CONTACT_ID,
    GLOBEX_ACCOUNT_ID,
    GLOBEX_CONTACT_ID,
)
from guardrail.testing import Stack
from tests.helpers import acme_on_the_line

_conversations = itertools.count()
#: table -> (the field a child names its parent by, a record of Acme's, of Globex's)
TABLES = {
    "incident": ("parent_incident", {"caller_id": ACME_CONTACT_ID},
                 {"caller_id": GLOBEX_CONTACT_ID}),
    "sn_customerservice_case": ("parent", {"account": ACME_ACCOUNT_ID, "contact": ACME_CONTACT_ID},
                                {"account": GLOBEX_ACCOUNT_ID, "contact": GLOBEX_CONTACT_ID}),
}  # fmt: skip


def inserted(stack: Stack, table: str, values: dict[str, str]) -> str:
    async def make() -> str:
        store: InstanceStore = stack.crm_app[INSTANCE]
        made = store.insert(table, {"short_description": "Outage", **values}, user="system")
        return made["sys_id"]

    return stack.call(make)


def held(stack: Stack, table: str, sys_id: str) -> dict[str, str] | None:
    store: InstanceStore = stack.crm_app[INSTANCE]
    return store.get(table, sys_id)


def client(stack: Stack) -> Any:
    """pysnc in a conversation with Acme's verified contact."""
    name = f"sn-parent-delete-{next(_conversations)}"
    acme_on_the_line(stack, name, "Opened by mistake.")
    return stack.servicenow(conversation=name, agent="agent-parent-deletes")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_deleting_a_parent_that_would_clear_another_customers_child_is_refused(
    servicenow_stack: Stack, table: str
) -> None:
    field, ours, theirs = TABLES[table]
    parent = inserted(servicenow_stack, table, ours)
    child = inserted(servicenow_stack, table, {**theirs, field: parent})
    record = client(servicenow_stack).GlideRecord(table)
    assert record.get(parent)
    with pytest.raises(RequestException) as caught:
        record.delete()
    message = caught.value.args[0]["error"]["message"]
    assert child in message
    assert field in message
    assert held(servicenow_stack, table, parent) is not None
    assert (held(servicenow_stack, table, child) or {}).get(field) == parent


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_parent_with_no_children_is_deleted(servicenow_stack: Stack, table: str) -> None:
    parent = inserted(servicenow_stack, table, TABLES[table][1])
    record = client(servicenow_stack).GlideRecord(table)
    assert record.get(parent)
    record.delete()
    assert held(servicenow_stack, table, parent) is None
