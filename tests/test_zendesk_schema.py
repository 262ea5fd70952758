"""Zendesk's describe to JSON Schema, and drift, by the schema commands every CRM shares: the
pack's schemas are what ``guardrail schema import`` builds from the sandbox's ticket fields, and
a changed dropdown is reported by ``guardrail schema diff``."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from guardrail.sandbox.zendesk import ZendeskConfig, create_app
from guardrail.sandbox.zendesk.fields import CONTACT_REASON_FIELD, TICKET_FIELDS
from guardrail.testing import LoopThread, start_app
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


@pytest.fixture(scope="module")
def changed() -> Iterator[str]:
    """An account whose contact reason dropped 'complaint' and gained 'fraud'."""
    fields = tuple(
        dataclasses.replace(
            f, options=(*(o for o in f.options if o[1] != "complaint"), ("Fraud", "fraud"))
        )
        if f.id == CONTACT_REASON_FIELD
        else f
        for f in TICKET_FIELDS
    )
    yield from _serve(ZendeskConfig(ticket_fields=fields))


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
