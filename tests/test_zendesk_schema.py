"""Zendesk's describe to JSON Schema, and drift, by the schema commands every CRM shares: the
pack's schemas are what ``guardrail schema import`` builds from the sandbox's ticket fields, and
a changed dropdown is reported by ``guardrail schema diff``."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from guardrail.sandbox.zendesk import ZENDESK_STORE, ZendeskConfig, create_app
from guardrail.sandbox.zendesk.fields import CONTACT_REASON_FIELD, TICKET_FIELDS, TicketField
from guardrail.testing import LoopThread, Stack, start_app
from tests.helpers import guardrail

PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
ENV = {**os.environ, "GUARDRAIL_CRM_TOKEN": "sandbox-oauth-token"}


def _serve(config: ZendeskConfig) -> Iterator[str]:
    thread = LoopThread()
    runner, url = thread.call(start_app(create_app(config)))
    try:
        yield url
    finally:
        thread.call(runner.cleanup())
        thread.close()


@pytest.fixture(scope="module")
def zendesk() -> Iterator[str]:
    yield from _serve(ZendeskConfig())


def _without_complaint(fields: tuple[TicketField, ...]) -> tuple[TicketField, ...]:
    """The fields of an account whose contact reason dropped 'complaint' and gained 'fraud'."""
    return tuple(
        dataclasses.replace(
            f, options=(*(o for o in f.options if o[1] != "complaint"), ("Fraud", "fraud"))
        )
        if f.id == CONTACT_REASON_FIELD
        else f
        for f in fields
    )


@pytest.fixture(scope="module")
def changed() -> Iterator[str]:
    yield from _serve(ZendeskConfig(ticket_fields=_without_complaint(TICKET_FIELDS)))


def test_the_packs_schemas_are_the_import_of_the_describe(zendesk: str, tmp_path: Path) -> None:
    result = guardrail(
        "schema", "import", "--crm", "zendesk", "--url", zendesk,
        "--objects", "ticket,user,organization", "--out", str(tmp_path), env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("ticket", "user", "organization"):
        shipped = (PACK / "schemas" / f"{name}.json").read_text()
        assert (tmp_path / f"{name}.json").read_text() == shipped


def test_no_drift_against_the_account_the_pack_was_built_from(zendesk: str) -> None:
    result = guardrail("schema", "diff", "--url", zendesk, "--policies", str(PACK), env=ENV)
    assert result.returncode == 0, result.stderr
    assert "no drift" in result.stdout


def test_a_changed_dropdown_is_drift(changed: str) -> None:
    result = guardrail("schema", "diff", "--url", changed, "--policies", str(PACK), env=ENV)
    assert result.returncode == 1, result.stderr
    assert "custom_fields.360000101" in result.stdout
    assert "complaint" in result.stdout


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[Stack]:
    with Stack(
        tmp_path, auth_mode="passthrough", crm=create_app, dialect="zendesk", policies=PACK,
        credential={"access_token": "sandbox-oauth-token"}, drift={"interval_seconds": 0.3},
    ) as running:  # fmt: skip
        yield running


def test_the_running_proxy_reports_zendesk_drift_within_an_interval(watched: Stack) -> None:
    def report() -> dict[str, Any]:
        answer = httpx.get(f"{watched.admin_url}/guardrail/v1/drift", timeout=10)
        body: dict[str, Any] = answer.json()
        return body

    wait = time.monotonic() + 10
    while not report()["last_check"] and time.monotonic() < wait:
        time.sleep(0.05)
    assert report()["last_check"]["result"] == "success"
    assert report()["drift"] == []

    async def change() -> None:  # the account's admin drops an option of the contact reason
        store = watched.crm_app[ZENDESK_STORE]
        store.ticket_fields = _without_complaint(store.ticket_fields)

    watched.call(change)
    wait = time.monotonic() + 5
    while not report()["drift"] and time.monotonic() < wait:
        time.sleep(0.05)
    found = [(d["object"], d["field"], d["kind"], d["detail"], d["policies"])
             for d in report()["drift"]]  # fmt: skip
    assert found == [
        ("ticket", "custom_fields.360000101", "picklist_value_added", "'fraud'", ["ticket-fields"]),
        ("ticket", "custom_fields.360000101", "picklist_value_removed", "'complaint'",
         ["ticket-fields"]),
    ]  # fmt: skip
