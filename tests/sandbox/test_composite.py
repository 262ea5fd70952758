"""The Composite resource: references between subrequests, allOrNone, request limits, and
subrequest headers (conditional requests answered per subrequest)."""

from __future__ import annotations

from typing import Any

import pytest

from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID
from tests.sandbox.helpers import BASE, Api

HALTED = [
    {
        "errorCode": "PROCESSING_HALTED",
        "message": "The transaction was rolled back since another operation in the same "
        "transaction failed.",
    }
]


BEFORE_SEED = "Mon, 05 Jan 2026 08:59:59 GMT"  # the seed records are a second younger


def sub(
    method: str, path: str, ref: str, body: Any = None, headers: dict[str, Any] | None = None
) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": BASE + path, "referenceId": ref}
    if body is not None:
        request["body"] = body
    if headers is not None:
        request["httpHeaders"] = headers
    return request


async def composite(sf: Api, *requests: dict[str, Any], all_or_none: bool) -> list[Any]:
    status, body = await sf.post(
        "/composite", {"allOrNone": all_or_none, "compositeRequest": list(requests)}
    )
    assert status == 200
    return list(body["compositeResponse"])


async def test_later_subrequests_use_earlier_results(sf: Api, store: SandboxStore) -> None:
    responses = await composite(
        sf,
        sub("POST", "/sobjects/Account", "acct", {"Name": "Umbrella"}),
        sub(
            "POST", "/sobjects/Contact", "person", {"LastName": "Wesker", "AccountId": "@{acct.id}"}
        ),
        sub("GET", "/sobjects/Contact/@{person.id}?fields=AccountId", "check"),
        sub("GET", "/query?q=SELECT+Id+FROM+Account+WHERE+Name+=+'Umbrella'", "find"),
        sub("PATCH", "/sobjects/Account/@{find.records[0].Id}", "edit", {"Phone": "@{acct.id}"}),
        all_or_none=True,
    )

    account_id = responses[0]["body"]["id"]
    assert [r["httpStatusCode"] for r in responses] == [201, 201, 200, 200, 204]
    assert [r["referenceId"] for r in responses] == ["acct", "person", "check", "find", "edit"]
    assert responses[0]["httpHeaders"] == {"Location": f"{BASE}/sobjects/Account/{account_id}"}
    assert responses[2]["body"]["AccountId"] == account_id
    assert responses[4]["body"] is None
    account = store.get("Account", account_id)
    assert account is not None
    assert account["Phone"] == account_id


async def test_all_or_none_rolls_back_and_halts_the_rest(sf: Api, store: SandboxStore) -> None:
    before = store.count("Account")

    responses = await composite(
        sf,
        sub("POST", "/sobjects/Account", "first", {"Name": "Kept?"}),
        sub("POST", "/sobjects/Contact", "bad", {"FirstName": "NoLastName"}),
        sub("POST", "/sobjects/Account", "never", {"Name": "Never"}),
        all_or_none=True,
    )

    assert responses[0] == {
        "body": HALTED,
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": "first",
    }
    assert responses[1]["httpStatusCode"] == 400
    assert responses[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert (responses[2]["httpStatusCode"], responses[2]["body"]) == (400, HALTED)
    assert store.count("Account") == before


async def test_without_all_or_none_only_dependents_of_a_failure_halt(
    sf: Api, store: SandboxStore
) -> None:
    before = store.count("Account")

    responses = await composite(
        sf,
        sub("POST", "/sobjects/Account", "bad", {"Name": "x", "Status__c": "Nope"}),
        sub("POST", "/sobjects/Contact", "child", {"LastName": "y", "AccountId": "@{bad.id}"}),
        sub("POST", "/sobjects/Account", "fine", {"Name": "Fine"}),
        all_or_none=False,
    )

    assert [r["httpStatusCode"] for r in responses] == [400, 400, 201]
    assert responses[1]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert "bad.id" in responses[1]["body"][0]["message"]
    assert store.count("Account") == before + 1


async def test_all_or_none_applies_to_collections_inside(sf: Api, store: SandboxStore) -> None:
    before = store.count("Contact")
    records = [
        {"attributes": {"type": "Contact"}, "LastName": "Good"},
        {"attributes": {"type": "Contact"}, "FirstName": "Bad"},
    ]

    responses = await composite(
        sf,
        sub("POST", "/composite/sobjects", "batch", {"allOrNone": False, "records": records}),
        sub("POST", "/sobjects/Account", "after", {"Name": "After"}),
        all_or_none=True,
    )

    assert responses[0]["httpStatusCode"] == 200
    assert responses[0]["body"][0]["errors"][0]["statusCode"] == (
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    )
    assert (responses[1]["httpStatusCode"], responses[1]["body"]) == (400, HALTED)
    assert store.count("Contact") == before


async def test_subrequest_errors_use_the_rest_error_shape(sf: Api) -> None:
    responses = await composite(
        sf,
        sub("GET", "/sobjects/Nope/describe", "missing"),
        {"method": "GET", "url": "/elsewhere/v1/thing", "referenceId": "outside"},
        all_or_none=False,
    )

    not_found = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    assert [(r["httpStatusCode"], r["body"]) for r in responses] == [(404, not_found)] * 2


async def test_malformed_composite_requests_fail_as_a_whole(sf: Api) -> None:
    too_many = [sub("GET", "/sobjects", f"r{i}") for i in range(26)]
    status, body = await sf.post("/composite", {"compositeRequest": too_many})
    assert status == 400
    assert "25" in body[0]["message"]

    twice = [sub("GET", "/sobjects", "same"), sub("GET", "/sobjects", "same")]
    status, body = await sf.post("/composite", {"compositeRequest": twice})
    assert (status, body[0]["errorCode"]) == (400, "JSON_PARSER_ERROR")

    bad_ref = [sub("GET", "/sobjects", "1st")]
    status, body = await sf.post("/composite", {"compositeRequest": bad_ref})
    assert (status, body[0]["errorCode"]) == (400, "JSON_PARSER_ERROR")


async def test_a_failed_subrequest_precondition_rolls_back_with_all_or_none(
    sf: Api, store: SandboxStore
) -> None:
    before = store.get("Case", ACME_CASE_ID)
    stale = {"If-Unmodified-Since": BEFORE_SEED}

    responses = await composite(
        sf,
        sub("PATCH", f"/sobjects/Account/{ACME_ACCOUNT_ID}", "first", {"Phone": "555-0110"}),
        sub("PATCH", f"/sobjects/Case/{ACME_CASE_ID}", "revert", {"Subject": "Old"}, stale),
        sub("GET", f"/sobjects/Case/{ACME_CASE_ID}", "after"),
        all_or_none=True,
    )

    assert responses[1]["httpStatusCode"] == 412
    assert responses[1]["body"][0]["errorCode"] == "PRECONDITION_FAILED"
    assert [(r["httpStatusCode"], r["body"]) for r in (responses[0], responses[2])] == [
        (400, HALTED),
        (400, HALTED),
    ]
    assert store.get("Case", ACME_CASE_ID) == before
    account = store.get("Account", ACME_ACCOUNT_ID)
    assert account is not None
    assert account["Phone"] != "555-0110"


async def test_subrequest_headers_apply_to_their_own_subrequest_only(
    sf: Api, store: SandboxStore
) -> None:
    stale = {"if-unmodified-since": BEFORE_SEED}  # header names are case-insensitive

    responses = await composite(
        sf,
        sub("PATCH", f"/sobjects/Case/{ACME_CASE_ID}", "guarded", {"Subject": "No"}, stale),
        sub("PATCH", f"/sobjects/Case/{ACME_CASE_ID}", "plain", {"Subject": "Yes"}),
        all_or_none=False,
    )

    assert [r["httpStatusCode"] for r in responses] == [412, 204]
    case = store.get("Case", ACME_CASE_ID)
    assert case is not None
    assert case["Subject"] == "Yes"


async def test_the_composite_requests_own_headers_are_not_inherited(
    sf: Api, store: SandboxStore
) -> None:
    request = {
        "allOrNone": True,
        "compositeRequest": [
            sub("PATCH", f"/sobjects/Case/{ACME_CASE_ID}", "edit", {"Subject": "Inherited?"})
        ],
    }

    status, body = await sf.call(
        "POST", "/composite", request, headers={"If-Unmodified-Since": BEFORE_SEED}
    )

    assert status == 200
    assert body["compositeResponse"][0]["httpStatusCode"] == 204


async def test_a_conditional_read_subrequest_answers_304_with_the_etag(sf: Api) -> None:
    account = f"/sobjects/Account/{ACME_ACCOUNT_ID}"
    read = await composite(sf, sub("GET", account, "read"), all_or_none=False)
    etag = read[0]["httpHeaders"]["ETag"]

    responses = await composite(
        sf,
        sub("GET", account, "cached", headers={"If-None-Match": etag}),
        sub("GET", account + "?fields=Name", "changed", headers={"If-None-Match": '"old"'}),
        all_or_none=True,
    )

    assert responses[0] == {
        "body": None,
        "httpHeaders": {"ETag": etag},
        "httpStatusCode": 304,
        "referenceId": "cached",
    }
    assert responses[1]["httpStatusCode"] == 200
    assert responses[1]["httpHeaders"] == {"ETag": etag}
    assert responses[1]["body"]["Name"] == "Acme Corp"


async def test_an_etag_guarded_write_in_a_composite(sf: Api, store: SandboxStore) -> None:
    account = f"/sobjects/Account/{ACME_ACCOUNT_ID}"
    read = await composite(sf, sub("GET", account, "read"), all_or_none=False)
    etag = read[0]["httpHeaders"]["ETag"]

    responses = await composite(
        sf,
        sub("PATCH", account, "first", {"Phone": "555-0111"}, {"If-Match": etag}),
        sub("PATCH", account, "second", {"Phone": "555-0112"}, {"If-Match": etag}),
        all_or_none=False,
    )

    assert [r["httpStatusCode"] for r in responses] == [204, 412]
    assert responses[0]["httpHeaders"]["ETag"] != etag
    saved = store.get("Account", ACME_ACCOUNT_ID)
    assert saved is not None
    assert saved["Phone"] == "555-0111"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer sandbox-token"},
        {"content-type": "application/json"},
        {"Accept": "application/json"},
        {"If-Match": ["a", "b"]},
        ["If-Match", '"a"'],
    ],
)
async def test_unacceptable_subrequest_headers_fail_the_whole_request(
    sf: Api, store: SandboxStore, headers: Any
) -> None:
    before = store.count("Account")
    requests = [
        sub("POST", "/sobjects/Account", "create", {"Name": "Never"}),
        sub("GET", f"/sobjects/Case/{ACME_CASE_ID}", "read", headers=headers),
    ]

    status, body = await sf.post("/composite", {"compositeRequest": requests})

    assert (status, body[0]["errorCode"]) == (400, "JSON_PARSER_ERROR")
    assert store.count("Account") == before
