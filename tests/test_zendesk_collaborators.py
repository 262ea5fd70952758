"""A Zendesk ticket write naming CCs by ``collaborators``, ``additional_collaborators``,
``email_ccs`` or ``followers`` is refused by the dialect, whatever the pack's schema allows:
each takes emails (or ``{name, email}``, ``{user_email, user_name}``) as well as ids, and an
email no user has makes a new end user on the fly, a user create no rule judged (who the user
is, whose organization they join) under a ticket write. ``collaborator_ids``, ``email_cc_ids``
and ``follower_ids``, which name users that exist, are the ways to copy people in. Through the
proxy to the sandbox, which makes the users as Zendesk documents."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guardrail.sandbox.zendesk import ZENDESK_STORE, ZendeskConfig, create_app
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from tests.crm.helpers import zendesk_ticket_writes
from tests.helpers import ZendeskAgent

CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}
TICKET = f"/api/v2/tickets/{ACME_TICKET}.json"
PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
NAMES = ("collaborators", "additional_collaborators", "email_ccs", "followers")
STRANGER = "stranger@elsewhere.example"
CCS = {
    "collaborators": [STRANGER],
    "additional_collaborators": [{"name": "A Stranger", "email": STRANGER}],
    "email_ccs": [{"user_email": STRANGER, "user_name": "A Stranger", "action": "put"}],
    "followers": [{"user_id": ACME_USER, "action": "put"}],
}
NEW = {"subject": "Copy", "comment": {"body": "Copying you in.", "public": False},
       "requester_id": ACME_USER}  # fmt: skip


@pytest.fixture(scope="module")
def open_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shipped pack, its ticket schema admitting the four (as a pack author reading
    Zendesk's ticket attributes might): what stands in the dialect's way is the dialect."""
    pack = tmp_path_factory.mktemp("open-pack") / "zendesk-contact-center"
    shutil.copytree(PACK, pack)
    schema_path = pack / "schemas" / "ticket.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"].update({name: {"type": "array"} for name in NAMES})
    schema_path.write_text(json.dumps(schema))
    with Stack(
        tmp_path_factory.mktemp("open-zendesk"), auth_mode="passthrough",
        crm=lambda: create_app(ZendeskConfig()), dialect="zendesk", policies=pack,
    ) as running:  # fmt: skip
        yield running


def users(stack: Stack) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        return list(stack.crm_app[ZENDESK_STORE].records("user"))

    return stack.call(read)


def tickets(stack: Stack) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        return list(stack.crm_app[ZENDESK_STORE].records("ticket"))

    return stack.call(read)


def writes(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    cc = {name: CCS[name]}
    return zendesk_ticket_writes(cc, {**NEW, **cc})


CASES = [(name, *write) for name in NAMES for write in writes(name)]


@pytest.mark.parametrize(("name", "method", "path", "body"), CASES)
@pytest.mark.parametrize("which", ["shipped", "open"])
def test_a_ticket_write_naming_ccs_by_email_is_refused_saying_to_name_them_by_id(
    zendesk_stack: Stack, open_stack: Stack, which: str,
    name: str, method: str, path: str, body: dict[str, Any],
) -> None:  # fmt: skip
    stack = zendesk_stack if which == "shipped" else open_stack
    agent = ZendeskAgent(stack, CUSTOMER, reads=(TICKET,))
    people, before = users(stack), tickets(stack)
    answer = agent.write(method, path, body)
    assert answer.status_code == 400, answer.text
    error = answer.json()
    assert error["error"] == "GUARDRAIL_AMBIGUOUS_REQUEST", answer.text
    assert name in error["description"], answer.text
    assert "_ids" in error["description"], answer.text
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert users(stack) == people
    assert tickets(stack) == before


def test_ccs_named_by_id_still_land(zendesk_stack: Stack) -> None:
    agent = ZendeskAgent(zendesk_stack, CUSTOMER, reads=(TICKET,))
    answer = agent.write("PUT", TICKET, {"ticket": {"collaborator_ids": [ACME_USER]}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["ticket"]["collaborator_ids"] == [ACME_USER]
