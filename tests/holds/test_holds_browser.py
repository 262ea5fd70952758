"""A held refund approved in the review page, in a real browser (headless Chromium through
Playwright), signed in with HTTP basic and with no JavaScript on the page: it lands once, is
read back and is audited with the reviewer. Synchronous, as every browser test module is
(tests/admin/test_review_browser.py says why)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, HttpCredentials, Page, expect
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.testing import Stack
from tests.holds.helpers import REFUND, conversation, refunds

REVIEWER = ("rita", "rita-password")
CREDENTIALS: HttpCredentials = {"username": REVIEWER[0], "password": REVIEWER[1], "send": "always"}
AUTH = {"Authorization": "Bearer page-test-token"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(
        tmp_path_factory.mktemp("holds-browser"),
        auth_mode="passthrough",
        credential={"access_token": "sandbox-token"},
        api_tokens=["page-test-token"],
        review_users={REVIEWER[0]: REVIEWER[1]},
    ) as running:
        yield running


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(base_url=stack.admin_url, http_credentials=CREDENTIALS)
    yield context.new_page()
    context.close()


def test_a_reviewer_approves_a_held_refund_in_the_page_and_it_lands_once(
    page: Page, stack: Stack
) -> None:
    put = requests.put(
        f"{stack.admin_url}/guardrail/v1/conversations/conv-page",
        json=conversation(),
        headers=AUTH,
        timeout=10,
    )
    assert put.status_code in (200, 201), put.text
    before = refunds(stack.store.records("Refund__c"))
    agent = stack.salesforce(conversation="conv-page", agent="support-bot")
    with pytest.raises(SalesforceMalformedRequest):
        agent.Refund__c.create(REFUND)
    assert refunds(stack.store.records("Refund__c")) == before

    page.goto("/review/")
    waiting = page.locator("table.holds tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("refund-rules/RefundRequested")
    waiting.get_by_role("link").click()

    approval = page.locator("#hold")
    expect(approval).to_contain_text("Waiting for approval")
    expect(approval.locator("table.reading")).to_contain_text("cues of refund not read")
    expect(approval.locator("table.reading")).to_contain_text("Twelve ninety-nine")
    expect(page.locator("ol.transcript")).to_contain_text("out for delivery since Monday")
    page.get_by_label("Approve: judge it again and write it to the CRM").check()
    page.get_by_label("Comment").first.fill("Late parcel; the customer asked.")
    page.get_by_role("button", name="Record the decision").click()

    expect(approval).to_contain_text("Recorded: Approved and written")
    expect(approval).to_contain_text("rita")
    landed = [r for r in refunds(stack.store.records("Refund__c")) if r not in before]
    assert len(landed) == 1
    approval.get_by_role("link", name="decision").click()
    expect(page.locator("#hold")).to_contain_text("Read back from the CRM after the write")
    expect(page.locator("#hold")).to_contain_text(landed[0]["Id"])
    expect(page.locator("#hold")).to_contain_text("Late parcel; the customer asked.")

    page.goto("/review/")
    expect(page.locator("table.holds")).to_have_count(0)  # nothing waits any more
