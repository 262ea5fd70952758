"""The review page in a real browser (headless Chromium through Playwright), against a whole
running stack: blocked writes made by a real Salesforce client, then filtered, opened and marked
as a reviewer would, signed in with HTTP basic, with no JavaScript on the page to help.

Synchronous on purpose: Playwright's sync API runs its event loop in a greenlet of this thread,
so this module has no asyncio test (RECIPES.md) and the stack runs on its own loop in its own
thread. The browser is this module's (tests/conftest.py: ``browser``), with Debian's chromium.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Dialog, HttpCredentials, Page, expect
from simple_salesforce.exceptions import SalesforceError

from guardrail.testing import Stack

SCRIPT = "<script>alert(1)</script>"
API_TOKEN = "browser-test-api-token"
REVIEWER = ("rita", "rita-password")
SCREENSHOTS = os.environ.get("GUARDRAIL_REVIEW_SCREENSHOTS")
# Sent with every request, as a browser does once the user has signed in: what a cross-site
# form would ride on.
CREDENTIALS: HttpCredentials = {"username": REVIEWER[0], "password": REVIEWER[1], "send": "always"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shipped pack, a reviewer, and three blocked writes: a refund nobody asked for in a
    conversation whose transcript holds a script tag, and two invalid cases."""
    directory = tmp_path_factory.mktemp("review-browser")
    with Stack(
        directory,
        auth_mode="passthrough",
        api_tokens=[API_TOKEN],
        review_users={REVIEWER[0]: REVIEWER[1]},
    ) as running:
        conversation = {
            "channel": "chat",
            "customer": {"verified": True},
            "turns": [
                {"role": "customer", "text": f"Hello {SCRIPT} my parcel is late"},
                {"role": "agent", "text": "Sorry to hear that, let me look."},
            ],
        }
        put = requests.put(
            f"{running.admin_url}/guardrail/v1/conversations/conv-xss",
            json=conversation,
            headers={"Authorization": f"Bearer {API_TOKEN}"},
            timeout=10,
        )
        assert put.status_code in (200, 201), put.text
        refunds = running.salesforce(conversation="conv-xss", agent="agent-refunds")
        with pytest.raises(SalesforceError):
            refunds.Refund__c.create({"Amount__c": 40, "Reason__c": "Damaged Item"})
        cases = running.salesforce(conversation="conv-cases", agent="agent-cases")
        for subject in ("Broken router", f"Subject {SCRIPT}"):
            with pytest.raises(SalesforceError):
                cases.Case.create({"Subject": subject, "Status": "Bogus", "Origin": "Chat"})
        yield running


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    """A reviewer's tab: signed in with HTTP basic, script dialogs recorded."""
    context = browser.new_context(
        base_url=stack.admin_url,
        http_credentials=CREDENTIALS,
    )
    tab = context.new_page()
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", record)
    yield tab
    context.close()
    assert dialogs == [], f"a script ran and opened a dialog: {dialogs}"


def shot(page: Page, tmp_path: Path, name: str) -> None:
    """A full-page screenshot, kept with the test's files (or where the variable says)."""
    directory = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


def test_filter_open_mark_and_see_the_mark(page: Page, tmp_path: Path) -> None:
    page.goto("/review/")
    expect(page.get_by_role("heading", name="Blocked and failed writes")).to_be_visible()
    rows = page.locator("table.decisions tbody tr.decision-start")  # one per decision
    expect(rows).to_have_count(3)
    shot(page, tmp_path, "list")

    page.get_by_label("Object").fill("Refund__c")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]object=Refund__c(&|$)"))
    expect(rows).to_have_count(1)
    listed = page.locator("table.decisions tbody")
    expect(listed).to_contain_text("agent-refunds")
    expect(listed).to_contain_text("refund-rules/RefundRequested")
    expect(listed).to_contain_text("The customer never asked for a refund")
    expect(listed).to_contain_text("Not reviewed")

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Blocked")
    transcript = page.locator("ol.transcript")
    # The script tag is shown as the text it is, and never ran (the page fixture checks that
    # no dialog opened; the page also has no script element at all).
    expect(transcript).to_contain_text(f"Hello {SCRIPT} my parcel is late")
    assert page.locator("script").count() == 0
    violations = page.get_by_role("region", name="Violations")
    expect(violations).to_contain_text("The customer never asked for a refund")
    expect(page.get_by_role("region", name="Chain status")).to_contain_text("Intact")
    shot(page, tmp_path, "decision")

    page.get_by_label("False positive").check()
    page.get_by_label("Comment").fill(f"She asked in another call {SCRIPT}")
    expect(page.get_by_label("Your name")).to_have_count(0)  # signed in: the name is rita's
    page.get_by_role("button", name="Record the mark").click()

    expect(page.get_by_role("status")).to_contain_text("Your mark was recorded")
    reviews = page.locator("ol.reviews")
    expect(reviews).to_contain_text("False positive")
    expect(reviews).to_contain_text("rita")
    expect(reviews).to_contain_text(f"She asked in another call {SCRIPT}")
    shot(page, tmp_path, "marked")

    page.get_by_role("link", name="All writes to review").click()
    refund_row = page.locator("table.decisions tbody tr.decision-start", has_text="agent-refunds")
    expect(refund_row).to_contain_text("False positive")
    expect(refund_row).to_contain_text("by rita")


def test_a_script_in_a_field_renders_as_text(page: Page) -> None:
    page.goto("/review/?agent=agent-cases")
    rows = page.locator("table.decisions tbody tr.decision-start")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("link").click()
    expect(page.locator("table.fields")).to_contain_text(f"Subject {SCRIPT}")
    assert page.locator("script").count() == 0


def test_a_cross_site_form_is_refused(browser: Browser, stack: Stack, tmp_path: Path) -> None:
    """A page on another origin posts a mark to the review page with the reviewer's saved
    credentials: the review page refuses it and records nothing."""
    attacker = tmp_path / "attack.html"
    attacker.write_text(
        f'<form id="f" method="post" action="{stack.admin_url}/review/decisions/x/reviews">'
        '<input name="verdict" value="confirmed"><input name="reviewer" value="mallory">'
        '<input name="csrf_token" value="guessed"></form>'
        '<button form="f" type="submit">Win a prize</button>'
    )
    context = browser.new_context(http_credentials=CREDENTIALS)
    tab = context.new_page()
    try:
        tab.goto(f"{stack.admin_url}/review/")  # the reviewer has the page (and cookie) open
        tab.goto(attacker.as_uri())
        with tab.expect_navigation():
            tab.get_by_role("button", name="Win a prize").click()
        expect(tab.get_by_role("alert")).to_contain_text("another site")
    finally:
        context.close()
