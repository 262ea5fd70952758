"""The review page over HTTP: list, filters, paging, detail, marks, sign-in, CSRF, escaping."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from guardrail.admin.auth import Credentials
from guardrail.admin.review import mount
from guardrail.admin.review.guard import CSRF_COOKIE
from guardrail.app import build
from guardrail.config import Settings
from guardrail.context.facts import Facts
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import Conversation, ConversationIn, Turn
from guardrail.context.store import ConversationStore
from guardrail.errors import ContextUnavailable
from guardrail.model import Caller, FieldDiff, Operation, Verdict, WriteIntent
from guardrail.sinks.audit import AuditLog, open_storage
from guardrail.sinks.audit.record import decision_entry
from tests.auditdb import STORES, audit_dsn, decision

SCRIPT = "<script>alert(1)</script>"
TOKEN = "api-token-for-tests"
USERS = {"rita": SecretStr("rita-password"), "sam": SecretStr("sam-password")}
Client = TestClient[Any, Any]
MakeClient = Callable[..., Awaitable[Client]]


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def fill(log: AuditLog) -> None:
    """Five decisions: one allowed (never listed), four to review."""
    await log.record(decision(1, Verdict.ALLOW))
    hostile = decision(2, Verdict.BLOCK, rule="StatusKnown", conversation="conv-xss")
    intent = hostile.intents[0]
    await log.record(
        replace(
            hostile,
            intents=(replace(intent, fields={**intent.fields, "Subject": f"hi {SCRIPT}"}),),
            caller=replace(hostile.caller, agent=f"agent {SCRIPT}"),
        )
    )
    await log.record(
        decision(3, Verdict.BLOCK, obj="Refund__c", rule="RefundUnderCap", agent="agent-2")
    )
    failed = decision(4, Verdict.POST_FAIL, rule="SavedStatus", agent="agent-2")
    intent = failed.intents[0]
    await log.record(
        replace(
            failed,
            intents=(replace(intent, fields={**intent.fields, "Status": "Closed"}),),
            diffs=(
                FieldDiff("Subject", "write 4", "write", "truncated to 5 characters"),
                FieldDiff("Description", "mail jane@example.com", "mail", "changed"),
                FieldDiff("Api_Token__c", "tok-1", "tok-2", "changed"),
            ),
            revert="success",
        )
    )
    await log.record(decision(5, Verdict.SHADOW_BLOCK, obj="Task", rule="TaskNote"))


@pytest.fixture
async def audit(tmp_path: Path) -> AsyncIterator[AuditLog]:
    with audit_dsn("sqlite", tmp_path) as dsn:
        log = AuditLog(open_storage(dsn, timeout=5), timeout_seconds=5)
        await log.start()
        await fill(log)
        yield log
        await log.close()


@pytest.fixture
async def conversations() -> AsyncIterator[ConversationStore]:
    store = MemoryConversationStore(3600)
    await store.put(
        "conv-xss",
        ConversationIn(
            turns=[
                Turn(role="customer", text=f"my case {SCRIPT} please, call 555-123-4567"),
                Turn(role="agent", text="I will close it."),
            ]
        ),
    )
    yield store
    await store.close()


@pytest.fixture
def make_client(
    audit: AuditLog, conversations: ConversationStore, aiohttp_client: Any
) -> MakeClient:
    async def make(**access: Any) -> Client:
        app = web.Application()
        mount(app, audit, conversations, credentials=Credentials(**access))
        return await aiohttp_client(app)  # type: ignore[no-any-return]

    return make


@pytest.fixture
async def client(make_client: MakeClient) -> Client:
    return await make_client()


def listed(html: str) -> list[str]:
    """The decision ids the list links to, in order."""
    return re.findall(r'href="/review/decisions/([^"]+)"', html)


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def open_form(client: Client, decision_id: str, **headers: str) -> str:
    """Open the decision page (which sets the CSRF cookie) and return the form's token."""
    page = await client.get(f"/review/decisions/{decision_id}", headers=headers)
    assert page.status == 200, await page.text()
    return form_token(await page.text())


async def mark(
    client: Client, decision_id: str, token: str, headers: dict[str, str] | None = None, **form: str
) -> Any:
    data = {"csrf_token": token, "verdict": "false_positive", "reviewer": "rita", **form}
    origin = {"Origin": str(client.make_url("")).rstrip("/")}
    return await client.post(
        f"/review/decisions/{decision_id}/reviews",
        data=data,
        headers={**origin, **(headers or {})},
        allow_redirects=False,
    )


async def test_the_list_holds_the_writes_to_review_not_the_allowed(client: Client) -> None:
    answer = await client.get("/review/")
    assert answer.status == 200
    assert answer.content_type == "text/html"
    html = await answer.text()
    assert listed(html) == [f"decision-{n:04d}" for n in (5, 4, 3, 2)]
    for column in ("Time", "Decision", "Agent", "Object", "Rule", "Message", "Review"):
        assert f'<th scope="col">{column}</th>' in html
    assert "case-fields/<wbr><code>RefundUnderCap</code>" in html
    assert "RefundUnderCap is wrong: call [PHONE]" in html  # as the record keeps it: masked
    assert "Refund__c" in html
    assert "Failed after saving" in html
    assert "Would block (shadow mode)" in html
    redirect = await client.get("/review", allow_redirects=False)
    assert redirect.status == 308
    assert redirect.headers["Location"] == "/review/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("decision=block", [3, 2]),
        ("decision=post-fail", [4]),
        ("object=Refund__c", [3]),
        ("rule=RefundUnderCap", [3]),
        ("rule=case-fields/TaskNote", [5]),
        ("agent=agent-2", [4, 3]),
        ("conversation=conv-xss", [2]),
        ("decision=block&agent=agent-2", [3]),
        ("since=2000-01-01T00:00&until=2999-01-01T00:00:00", [5, 4, 3, 2]),
        ("until=2000-01-01T00:00", []),
        # What the empty filter form sends: every field, blank.
        ("decision=&object=&rule=&agent=&conversation=&since=&until=", [5, 4, 3, 2]),
    ],
)
async def test_filters(client: Client, query: str, expected: list[int]) -> None:
    answer = await client.get(f"/review/?{query}")
    assert answer.status == 200
    assert listed(await answer.text()) == [f"decision-{n:04d}" for n in expected]


async def test_the_form_keeps_the_filters_and_bad_ones_say_what_to_fix(client: Client) -> None:
    html = await (await client.get("/review/?decision=post-fail&agent=agent-2")).text()
    assert '<option value="post-fail" selected>' in html
    assert 'name="agent" value="agent-2"' in html
    since = await (await client.get("/review/?since=2026-11-25T10:00:00%2B01:00")).text()
    assert 'name="since" type="datetime-local" step="1" value="2026-11-25T09:00:00"' in since

    for query, says in [
        (
            "decision=allow",
            "decision: &#39;allow&#39; is not one of block, shadow-block, post-fail",
        ),
        ("since=yesterday", "since: &#39;yesterday&#39; is not an ISO 8601 time"),
        ("cursor=nope", "pass next_cursor"),
    ]:
        answer = await client.get(f"/review/?{query}")
        assert answer.status == 400
        html = await answer.text()
        assert says in html
        assert 'role="search"' in html  # the form is still there to fix it


async def test_pages_follow_the_cursor(client: Client) -> None:
    first = await (await client.get("/review/?limit=3&agent=")).text()
    assert listed(first) == [f"decision-{n:04d}" for n in (5, 4, 3)]
    older = re.search(r'<a href="([^"]+)" rel="next">Older</a>', first)
    assert older
    url = older.group(1).replace("&amp;", "&")
    assert "limit=3" in url
    assert "agent=" not in url  # blank filters are not carried along
    second = await (await client.get(url)).text()
    assert listed(second) == ["decision-0002"]
    assert 'rel="next"' not in second
    assert ">Newest</a>" in second


async def test_a_decision_shows_its_write_violations_transcript_diff_and_chain(
    client: Client,
) -> None:
    answer = await client.get("/review/decisions/decision-0004")
    assert answer.status == 200
    html = await answer.text()
    assert "Failed after saving" in html
    assert "mail me at [EMAIL]" in html  # the redacted write
    assert "case-fields/SavedStatus" in html
    assert "SavedStatus is wrong: call [PHONE]" in html
    assert '<tr class="flagged">' in html  # Status, the field the violation names
    # The read-back diff, masked as the write is; a secret-named field's values are dropped.
    assert "truncated to 5 characters" in html
    assert "mail [EMAIL]" in html
    assert "jane@example.com" not in html
    assert "tok-1" not in html
    assert "[REDACTED]" in html
    assert "Revert: success." in html
    assert "Intact: this record's hash matches its contents" in html
    assert "<dt>Sequence</dt><dd>4</dd>" in html
    assert "Not reviewed yet." in html
    # conv-1 is not in the store: the page says so rather than showing nothing.
    assert "Conversation conv-1 is no longer in the conversation store" in html

    transcript = await (await client.get("/review/decisions/decision-0002")).text()
    assert "This audit record does not keep the transcript its rules read" in transcript
    assert "call [PHONE]" in transcript  # masked as the record is
    assert "I will close it." in transcript


async def test_a_missing_or_malformed_decision(client: Client) -> None:
    missing = await client.get("/review/decisions/decision-9999")
    assert missing.status == 404
    assert "no decision &#39;decision-9999&#39; in the audit log" in await missing.text()
    malformed = await client.get("/review/decisions/bad%20id")
    assert malformed.status == 400
    assert "a decision id is 1 to 200 characters" in await malformed.text()
    nowhere = await client.get("/review/nowhere")
    assert nowhere.status == 404
    assert nowhere.content_type == "text/html"


async def test_a_mark_is_its_own_record_and_shows_on_the_page_and_in_the_list(
    client: Client, audit: AuditLog
) -> None:
    before = await audit.storage.decision("decision-0003")
    token = await open_form(client, "decision-0003")
    answer = await mark(client, "decision-0003", token, comment="the refund\r\nwas in the cap")
    assert answer.status == 303, await answer.text()
    assert answer.headers["Location"] == "/review/decisions/decision-0003?recorded=6#reviews"

    page = await (await client.get(answer.headers["Location"].split("#")[0])).text()
    assert "Your mark was recorded as audit record 6." in page
    assert "False positive</span>" in page
    assert "by <strong>rita</strong>" in page
    assert "the refund\nwas in the cap" in page

    reviews = await audit.storage.reviews("decision-0003")
    assert [(r.body["verdict"], r.body["reviewer"]) for r in reviews] == [
        ("false_positive", "rita")
    ]
    assert await audit.storage.decision("decision-0003") == before  # never edited

    token = await open_form(client, "decision-0003")
    assert (await mark(client, "decision-0003", token, verdict="confirmed")).status == 303
    html = await (await client.get("/review/?object=Refund__c")).text()
    assert "Confirmed</span>" in html
    assert "by rita (2 marks)" in html
    assert "Not reviewed" in await (await client.get("/review/?decision=post-fail")).text()


async def test_a_bad_mark_is_shown_back_with_what_to_fix(client: Client, audit: AuditLog) -> None:
    token = await open_form(client, "decision-0003")
    answer = await mark(
        client, "decision-0003", token, verdict="maybe", comment="kept", reviewer=""
    )
    assert answer.status == 422
    html = await answer.text()
    assert "The mark was not recorded" in html
    assert "verdict: Input should be &#39;confirmed&#39; or &#39;false_positive&#39;" in html
    assert "reviewer: String should have at least 1 character" in html
    assert ">kept</textarea>" in html
    long = await mark(client, "decision-0003", token, comment="x" * 4001)
    assert long.status == 422
    missing = await mark(client, "decision-9999", token)
    assert missing.status == 404
    assert await audit.storage.reviews("decision-0003") == []


async def test_csrf_refusals(client: Client, audit: AuditLog) -> None:
    page = await client.get("/review/decisions/decision-0002")
    token = form_token(await page.text())
    cookie = page.cookies[CSRF_COOKIE]
    assert cookie.value == token
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/review/"
    # The same cookie is kept while it is valid (a form opened in two tabs works in both).
    assert await open_form(client, "decision-0003") == token

    refused = [
        await mark(client, "decision-0002", ""),
        await mark(client, "decision-0002", "A" * 43),
        await mark(client, "decision-0002", token, headers={"Origin": "http://evil.example"}),
        await mark(client, "decision-0002", token, headers={"Origin": "null"}),
        await client.post(  # no Origin, a foreign Referer
            "/review/decisions/decision-0002/reviews",
            data={"csrf_token": token, "verdict": "confirmed", "reviewer": "mallory"},
            headers={"Referer": "https://evil.example/page"},
        ),
        await client.post(  # JSON carries no form token
            "/review/decisions/decision-0002/reviews",
            json={"csrf_token": token, "verdict": "confirmed", "reviewer": "mallory"},
        ),
    ]
    assert [r.status for r in refused] == [403] * len(refused)
    assert "could not be verified" in await refused[0].text()
    assert "sent from another site" in await refused[2].text()

    client.session.cookie_jar.clear()  # a post that brings no cookie: as a cross-site one would
    assert (await mark(client, "decision-0002", token)).status == 403
    assert await audit.storage.reviews("decision-0002") == []

    # A program without Origin or Referer may post, token and cookie in hand.
    token = await open_form(client, "decision-0002")
    plain = await client.post(
        "/review/decisions/decision-0002/reviews",
        data={"csrf_token": token, "verdict": "confirmed", "reviewer": "bot"},
        allow_redirects=False,
    )
    assert plain.status == 303


async def test_sign_in_by_token_or_basic(make_client: MakeClient, audit: AuditLog) -> None:
    client = await make_client(tokens=(SecretStr(TOKEN),), users=USERS)
    anonymous = await client.get("/review/")
    assert anonymous.status == 401
    challenges = anonymous.headers.getall("WWW-Authenticate")
    assert 'Basic realm="guardrail review", charset="UTF-8"' in challenges
    assert "Sign in as a review user" in await anonymous.text()
    for wrong in (
        basic("rita", "nope"),
        basic("nobody", "rita-password"),
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Basic {TOKEN}"},
    ):
        assert (await client.get("/review/", headers=wrong)).status == 401
    assert (
        await client.get("/review/", headers={"Authorization": f"Bearer {TOKEN}"})
    ).status == 200
    assert (await client.get("/review.css")).status == 404  # outside the page: not its route
    assert (await client.get("/review/review.css")).status == 401

    # A review user's marks carry their name, whatever the form says.
    rita = basic("rita", "rita-password")
    page = await (await client.get("/review/decisions/decision-0005", headers=rita)).text()
    assert "Marking as <strong>rita</strong>" in page
    assert 'name="reviewer"' not in page
    answer = await mark(client, "decision-0005", form_token(page), rita, reviewer="sam")
    assert answer.status == 303
    assert [r.body["reviewer"] for r in await audit.storage.reviews("decision-0005")] == ["rita"]
    # The form is refused without credentials before anything else is looked at.
    unsigned = await mark(client, "decision-0005", form_token(page))
    assert unsigned.status == 401


async def test_a_token_alone_asks_for_a_bearer(make_client: MakeClient) -> None:
    client = await make_client(tokens=(SecretStr(TOKEN),))
    anonymous = await client.get("/review/")
    assert anonymous.status == 401
    assert anonymous.headers.getall("WWW-Authenticate") == ['Bearer realm="guardrail"']


async def test_script_in_transcript_and_fields_is_text(client: Client) -> None:
    for url in ("/review/", "/review/decisions/decision-0002"):
        answer = await client.get(url)
        html = await answer.text()
        assert "<script" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "script-src" not in answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Cache-Control"] == "no-store"
    detail = await (await client.get("/review/decisions/decision-0002")).text()
    assert "my case &lt;script&gt;alert(1)&lt;/script&gt; please" in detail  # the transcript
    assert "hi &lt;script&gt;alert(1)&lt;/script&gt;" in detail  # a field value
    assert "agent &lt;script&gt;alert(1)&lt;/script&gt;" in detail  # the agent id


async def test_the_stylesheet(client: Client) -> None:
    css = await client.get("/review/review.css")
    assert css.status == 200
    assert css.content_type == "text/css"
    assert "max-age" in css.headers["Cache-Control"]


class DownStore(MemoryConversationStore):
    async def get(self, conversation_id: str) -> Any:
        raise ContextUnavailable("redis is down")


async def test_a_store_that_is_down_or_absent_is_said(audit: AuditLog, aiohttp_client: Any) -> None:
    for store, says in [
        (DownStore(60), "The conversation store did not answer: redis is down"),
        (None, "No conversation store is attached"),
    ]:
        app = web.Application()
        mount(app, audit, store)
        client = await aiohttp_client(app)
        html = await (await client.get("/review/decisions/decision-0002")).text()
        assert says in html
    nobody = replace(decision(6, Verdict.BLOCK, rule="X"), caller=Caller())
    await audit.record(nobody)
    html = await (await client.get("/review/decisions/decision-0006")).text()
    assert "This write named no conversation" in html


async def test_an_audit_log_that_is_down_is_a_503_page(client: Client, audit: AuditLog) -> None:
    await audit.storage.close()
    answer = await client.get("/review/")
    assert answer.status == 503
    assert answer.content_type == "text/html"


@pytest.fixture(params=STORES)
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with audit_dsn(request.param, tmp_path) as found:
        yield found


@pytest.fixture
async def any_store(dsn: str) -> AsyncIterator[AuditLog]:
    log = AuditLog(open_storage(dsn, timeout=5), timeout_seconds=5)
    await log.start()
    await fill(log)
    yield log
    await log.close()


async def test_the_list_on_both_stores(any_store: AuditLog, aiohttp_client: Any) -> None:
    app = web.Application()
    mount(app, any_store, None)
    client = await aiohttp_client(app)
    assert listed(await (await client.get("/review/")).text()) == [
        f"decision-{n:04d}" for n in (5, 4, 3, 2)
    ]
    blocked = await (await client.get("/review/?decision=block&object=Case")).text()
    assert listed(blocked) == ["decision-0002"]


@pytest.fixture
def settings(admin_settings: Callable[..., Settings]) -> Settings:
    return admin_settings(
        api_tokens=[TOKEN],
        review_users={"rita": "rita-password"},
        auth_mode="passthrough",  # no CRM credential to hold here
    )


async def test_the_admin_listener_serves_it_behind_its_settings(
    settings: Settings, aiohttp_client: Any
) -> None:
    guardrail = build(settings)
    await guardrail.audit.start()
    try:
        await guardrail.audit.record(decision(1, Verdict.BLOCK, rule="Status"))
        admin = await aiohttp_client(guardrail.admin_app())
        assert (await admin.get("/review/")).status == 401
        page = await admin.get("/review/", headers=basic("rita", "rita-password"))
        assert page.status == 200
        assert listed(await page.text()) == ["decision-0001"]
        # The JSON API still takes only its bearer token.
        api = "/guardrail/v1/decisions"
        assert (await admin.get(api, headers=basic("rita", "rita-password"))).status == 401
        assert (await admin.get(api, headers={"Authorization": f"Bearer {TOKEN}"})).status == 200
    finally:
        await guardrail.audit.close()


def test_review_users_are_settings() -> None:
    settings = Settings(upstream="http://127.0.0.1:9", review_users={"rita": "pw"})
    assert settings.review_users["rita"].get_secret_value() == "pw"
    assert "pw" not in repr(settings)
    with pytest.raises(ValueError, match="review_users"):
        Settings(upstream="http://127.0.0.1:9", review_users={"a:b": "pw"})


def test_decision_records_keep_the_read_back_diff_masked() -> None:
    made = replace(
        decision(1, Verdict.POST_FAIL),
        intents=(WriteIntent("salesforce", "Case", Operation.UPDATE, {}),),
        diffs=(FieldDiff("Password__c", "a", "b", "changed", 0),),
    )
    body = orjson.loads(decision_entry(made).body)
    assert body["diffs"] == [
        {
            "field": "Password__c",
            "intended": "[REDACTED]",
            "saved": "[REDACTED]",
            "note": "changed",
            "intent": 0,
        }
    ]
    assert body["revert"] is None


async def test_a_write_recorded_again_shows_what_it_was_first(
    client: Client, audit: AuditLog
) -> None:
    """An async read-back's post-fail is recorded under the allowed write's id."""
    await audit.record(decision(7, Verdict.ALLOW))
    await audit.record(decision(7, Verdict.POST_FAIL, rule="SavedStatus"))
    assert "decision-0007" in listed(await (await client.get("/review/")).text())
    html = await (await client.get("/review/decisions/decision-0007")).text()
    assert "Failed after saving</span> write" in html
    assert "<dt>Recorded before as</dt>" in html
    assert "Allowed (record 6," in html


async def test_the_transcript_the_record_kept_is_the_one_shown(
    client: Client, audit: AuditLog, conversations: ConversationStore
) -> None:
    """A record that keeps the context it was judged in shows that transcript, not what the
    conversation store holds now (the conversation went on, or is gone)."""
    at = datetime.now(UTC)
    judged = Conversation(
        id="conv-xss",
        turns=[Turn(role="customer", text=f"refund me {SCRIPT}, mail jane@example.com")],
        created_at=at,
        updated_at=at,
    )
    made = decision(8, Verdict.BLOCK, rule="RefundRequested", conversation="conv-xss")
    await audit.record(replace(made, facts=Facts(judged)))
    unknown = decision(9, Verdict.BLOCK, rule="ContextRequired", conversation="conv-gone")
    await audit.record(replace(unknown, facts=Facts(None)))

    html = await (await client.get("/review/decisions/decision-0008")).text()
    assert "The transcript as the rules read it when they judged this write" in html
    assert "refund me &lt;script&gt;alert(1)&lt;/script&gt;, mail [EMAIL]" in html
    assert "I will close it." not in html  # the store's turns, not shown
    html = await (await client.get("/review/decisions/decision-0009")).text()
    assert "Conversation conv-gone was not in the conversation store when this write" in html
