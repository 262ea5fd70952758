"""The Composite resource: references between subrequests, allOrNone, request limits."""

from __future__ import annotations

from typing import Any

from guardrail.sandbox import SandboxStore
from tests.sandbox.conftest import BASE, Api

HALTED = [
    {
        "errorCode": "PROCESSING_HALTED",
        "message": "The transaction was rolled back since another operation in the same "
        "transaction failed.",
    }
]


def sub(method: str, path: str, ref: str, body: Any = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": BASE + path, "referenceId": ref}
    if body is not None:
        request["body"] = body
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
