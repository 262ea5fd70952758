"""A composite subrequest carries its own headers (``httpHeaders``), and Salesforce applies them
to the request the subrequest stands for: "any header supported by the requested resource",
but Accept, Authorization and Content-Type, which it inherits from the composite request (and
for which Salesforce fails the whole request, 400). A request's own headers are judged or
removed before they reach the CRM (a session cookie, a compressed answer, a method override);
a subrequest's cannot be removed without changing what the agent sent, so a subrequest carries
only the headers the dialect reads: the Sforce-* headers, judged as on a request of their own,
and the conditions (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since), which can
stop the write and do nothing else. Any other is refused in Salesforce's format, naming the
subrequest and the header, and nothing in the composite is written. The real simple-salesforce
client, through the proxy, to the sandbox."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.testing import Stack
from tests.helpers import through_a_stack

BASE = "/services/data/v59.0"
FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"
PAST = "Mon, 01 Jan 2001 00:00:00 GMT"
#: Headers Salesforce (or the server before it) would act on in a subrequest, unread by the
#: dialect: an answer it cannot read, a session or a user, another method, a body read
#: otherwise, another host; and the three a subrequest inherits.
REFUSED = [
    ("Accept-Encoding", "gzip"),
    ("Cookie", "sid=00D000000000001!AQ0AQ"),
    ("Authorization", "Bearer another-session"),
    ("X-SFDC-Session", "another-session"),
    ("X-HTTP-Method-Override", "DELETE"),
    ("Content-Type", "application/xml"),
    ("Accept", "application/xml"),
    ("Content-Encoding", "gzip"),
    ("Content-Length", "3"),
    ("X-Forwarded-Host", "other.my.salesforce.com"),
    ("X-PrettyPrint", "1"),
    ("Prefer", "return=minimal"),
    ("X-Made-Up", "1"),
]
#: Headers a subrequest may carry, with a value that lets the write land.
DOCUMENTED = [
    ("Sforce-Auto-Assign", "TRUE"),
    ("Sforce-Duplicate-Rule-Header", "allowSave=false"),
    ("Sforce-Mru", "updateMru=false"),
    ("If-Unmodified-Since", FUTURE),
    ("If-Match", '"ignored-on-a-case"'),
    ("If-None-Match", '"ignored-on-a-case"'),
]


@pytest.fixture(scope="module")
def stack(notes_stack: Stack) -> Stack:
    """The shipped pack's ParameterValidation (and note rules): the update judged is valid."""
    return notes_stack


@pytest.fixture(scope="module")
def sf(stack: Stack) -> Any:
    return stack.salesforce(conversation="conv-subrequest-headers", agent="agent-e2e")


def _update(sf: Any, subject: str, headers: dict[str, str]) -> dict[str, Any]:
    """A composite of one update of the Acme case's Subject, its subrequest carrying
    ``headers``, sent by simple-salesforce; the subrequest's answer."""
    sub: dict[str, Any] = {"method": "PATCH", "url": f"{BASE}/sobjects/Case/{ACME_CASE_ID}",
                           "referenceId": "w", "body": {"Subject": subject}}  # fmt: skip
    if headers:
        sub["httpHeaders"] = headers
    answer = sf.restful("composite", method="POST", json={"compositeRequest": [sub]})
    [result] = answer["compositeResponse"]
    return dict(result)


def _refused(stack: Stack, sf: Any, headers: dict[str, str]) -> str:
    """The proxy's message refusing the update with ``headers``; the CRM unchanged."""
    before = copy.deepcopy(stack.store.records("Case"))
    with pytest.raises(SalesforceMalformedRequest) as refused:
        _update(sf, "Never written", headers)
    [error] = refused.value.content
    assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST", error
    assert error["message"].startswith("Subrequest w: "), error
    assert stack.store.records("Case") == before
    return str(error["message"])


def _subject(stack: Stack) -> str:
    case = stack.store.get("Case", ACME_CASE_ID)
    assert case is not None
    return str(case["Subject"])


def test_a_subrequest_without_headers_lands(stack: Stack, sf: Any) -> None:
    """What simple-salesforce and most clients send."""
    assert _update(sf, "No headers", {})["httpStatusCode"] == 204
    assert _subject(stack) == "No headers"


@pytest.mark.parametrize(("name", "value"), DOCUMENTED, ids=[n for n, _ in DOCUMENTED])
def test_a_header_the_dialect_reads_lands(stack: Stack, sf: Any, name: str, value: str) -> None:
    assert _update(sf, f"With {name}", {name: value})["httpStatusCode"] == 204
    assert _subject(stack) == f"With {name}"


def test_a_condition_the_crm_evaluates_can_only_stop_the_write(stack: Stack, sf: Any) -> None:
    before = _subject(stack)
    assert _update(sf, "Stale", {"If-Unmodified-Since": PAST})["httpStatusCode"] == 412
    assert _subject(stack) == before


@pytest.mark.parametrize(("name", "value"), REFUSED, ids=[n for n, _ in REFUSED])
def test_a_subrequest_header_the_dialect_does_not_read_is_refused_naming_it(
    stack: Stack, sf: Any, name: str, value: str
) -> None:
    told = _refused(stack, sf, {name: value}).lower()
    assert name.lower() in told, told


def test_a_condition_given_twice_in_two_spellings_is_refused(stack: Stack, sf: Any) -> None:
    """A JSON object may name one header twice in two cases: which one the CRM reads is not
    the proxy's to guess."""
    told = _refused(stack, sf, {"If-Match": '"a"', "if-match": '"b"'})
    assert "given twice" in told, told


#: Header names as HTTP spells them, some close to ones a server acts on or the dialect reads.
NAMES = st.one_of(
    st.sampled_from(["cookie", "ACCEPT-ENCODING", "x-sfdc-session", "If_Match", "IfMatch",
                     "If-Match-X", "Sforce_Mru", "X-HTTP-METHOD", "Te", "Range", "Expect",
                     "Transfer-Encoding", "Content-Encoding", "X-Sfdc-Sessionx"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,20}", fullmatch=True),
)  # fmt: skip
#: Lower-case names the dialect reads in a subrequest (tested above).
READ = {"if-match", "if-none-match", "if-modified-since", "if-unmodified-since"}


@through_a_stack(25)
@given(name=NAMES, value=st.from_regex(r"[ -~]{1,30}", fullmatch=True))
def test_no_subrequest_header_outside_the_rule_reaches_the_crm(
    stack: Stack, sf: Any, name: str, value: str
) -> None:
    lower = name.lower()
    if lower in READ or (lower.startswith(("sforce-", "x-sfdc-")) and lower != "x-sfdc-session"):
        return  # read by the dialect
    told = _refused(stack, sf, {name: value}).lower().replace("_", "-")
    assert lower.replace("_", "-") in told, told


def _spellings(name: str) -> st.SearchStrategy[str]:
    """``name`` in any case."""
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in name)).map("".join)


@through_a_stack(15)
@given(header=st.sampled_from(DOCUMENTED).flatmap(
    lambda h: st.tuples(_spellings(h[0]), st.just(h[1]))
))  # fmt: skip
def test_a_header_the_dialect_reads_lands_in_any_case(
    stack: Stack, sf: Any, header: tuple[str, str]
) -> None:
    assert _update(sf, f"Spelled {header[0]}", dict([header]))["httpStatusCode"] == 204
    assert _subject(stack) == f"Spelled {header[0]}"


@pytest.mark.parametrize(
    "name", [" If-Match", "If-Match ", "If-Match\t", "If Match", "If-Match:", "\tAccept-Encoding"]
)
def test_a_subrequest_header_name_with_spaces_in_or_around_it_is_refused(
    stack: Stack, sf: Any, name: str
) -> None:
    """No HTTP parser reads a subrequest's header names before the CRM's: one that trims
    `` If-Match`` would evaluate a condition the proxy did not see."""
    assert "Spell the header as HTTP does" in _refused(stack, sf, {name: '"a"'})
