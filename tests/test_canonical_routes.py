"""Each route around the guardrail the issue listed, and malformed input, through the real proxy
to the sandbox: refused in Salesforce's format, audited, and the sandbox left as it was."""

from __future__ import annotations

import gzip
import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrail.config import AuthMode
from guardrail.sandbox.store import Change
from guardrail.testing import Stack
from tests.helpers import Answer, Sent, Wire, guarded_pack, through_a_stack

API = "/services/data/v59.0"
ACCOUNT = "001000000000001AAA"
ACME_CONTACT_ID = "003000000000001AAA"
JSON = (("Content-Type", "application/json"),)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    pack = guarded_pack(tmp_path_factory.mktemp("pack"))
    with Stack(tmp_path_factory.mktemp("routes"), auth_mode="passthrough", policies=pack) as s:
        yield s


@pytest.fixture(autouse=True)
def _no_changes_yet(stack: Stack) -> None:
    async def clear() -> None:
        stack.store.clear_changes()

    stack.call(clear)


@pytest.fixture
def case_id(stack: Stack) -> str:
    """A fresh Case in the sandbox, and its change log emptied."""

    async def create() -> str:
        made = stack.store.create("Case", {"Subject": "Route target", "AccountId": ACCOUNT})
        stack.store.clear_changes()
        return made

    return stack.call(create)


def send(stack: Stack, method: str, target: str, body: bytes | str = b"", *headers: Any) -> Answer:
    raw = body.encode() if isinstance(body, str) else body
    return Wire(stack).send(Sent(method, target, raw, (*(JSON if raw else ()), *headers)))


def changed(stack: Stack) -> list[Change]:
    async def taken() -> list[Change]:
        return list(stack.store.changes)

    return stack.call(taken)


def case(stack: Stack, record_id: str) -> dict[str, Any]:
    async def row() -> dict[str, Any]:
        found = stack.store.get("Case", record_id)
        assert found is not None
        return found

    return stack.call(row)


def refused(stack: Stack, answer: Answer, status: int, code: str) -> str:
    """Assert a refusal in Salesforce's format that reached no record and was audited; the
    message the agent read."""
    assert answer.status == status, answer.body
    assert answer.headers["x-guardrail-decision"] == "block"
    [error] = json.loads(answer.body)
    assert error["errorCode"] == code, error
    decision_id = answer.headers["x-guardrail-decision-id"]
    url = f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}"
    assert httpx.get(url, timeout=10).json()["decision"] == "block"
    assert changed(stack) == []
    return str(error["message"])


# -- routes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["priority", "PRIORITY", "pRiOrItY"])
def test_a_field_in_another_case_meets_the_rule_written_for_it(
    stack: Stack, case_id: str, name: str
) -> None:
    answer = send(stack, "PATCH", f"{API}/sobjects/Case/{case_id}", json.dumps({name: "High"}))
    assert answer.status == 400
    assert "no-high-priority/NotHigh" in answer.body.decode()
    assert case(stack, case_id)["Priority"] == "Medium"


def test_a_rule_sees_the_describes_spelling_and_the_write_lands(stack: Stack, case_id: str) -> None:
    answer = send(stack, "PATCH", f"{API}/sobjects/case/{case_id}", '{"priority": "Low"}')
    assert answer.status == 204, answer.body
    record = httpx.get(
        f"{stack.admin_url}/guardrail/v1/decisions/{answer.headers['x-guardrail-decision-id']}"
    ).json()
    [intent] = record["intents"]
    assert (intent["object"], list(intent["fields"])) == ("Case", ["Priority"])
    assert case(stack, case_id)["Priority"] == "Low"


def test_a_field_given_twice_in_two_spellings_is_refused(stack: Stack, case_id: str) -> None:
    body = '{"Priority": "Low", "priority": "High"}'
    message = refused(
        stack,
        send(stack, "PATCH", f"{API}/sobjects/Case/{case_id}", body),
        400,
        "JSON_PARSER_ERROR",
    )
    assert "twice" in message


@pytest.mark.parametrize("value", ["GET", "HEAD", "DELETE", "patch", "PUT"])
def test_a_method_override_salesforce_does_not_document_is_refused(
    stack: Stack, value: str
) -> None:
    answer = send(
        stack, "POST", f"{API}/sobjects/Case?_HttpMethod={value}", '{"Subject": "Sneaky"}'
    )
    message = refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert "_HttpMethod=PATCH" in message


@pytest.mark.parametrize("name", ["_httpmethod", "_HTTPMETHOD", "_HttpMETHOD"])
def test_the_override_in_another_spelling_is_refused(stack: Stack, case_id: str, name: str) -> None:
    target = f"{API}/sobjects/Case/{case_id}?{name}=PATCH"
    refused(
        stack, send(stack, "POST", target, '{"Subject": "x"}'), 400, "GUARDRAIL_AMBIGUOUS_REQUEST"
    )


def test_the_documented_override_is_judged_and_forwarded_as_a_patch(
    stack: Stack, case_id: str
) -> None:
    target = f"{API}/sobjects/Case/{case_id}?_HttpMethod=PATCH"
    blocked = send(stack, "POST", target, '{"Priority": "High"}')
    assert blocked.status == 400
    assert changed(stack) == []
    allowed = send(stack, "POST", target, '{"Subject": "Patched by override"}')
    assert allowed.status == 204, allowed.body
    assert case(stack, case_id)["Subject"] == "Patched by override"


def test_a_composite_subrequest_with_an_override_is_refused(stack: Stack, case_id: str) -> None:
    sub = {
        "method": "POST",
        "url": f"{API}/sobjects/Case/{case_id}?_HttpMethod=GET",
        "referenceId": "w",
        "body": {"Subject": "Sneaky"},
    }
    body = json.dumps({"compositeRequest": [sub]})
    refused(
        stack, send(stack, "POST", f"{API}/composite", body), 400, "GUARDRAIL_AMBIGUOUS_REQUEST"
    )


def test_a_collection_delete_override_on_a_create_is_refused(stack: Stack) -> None:
    body = json.dumps({"records": [{"attributes": {"type": "Case"}, "Subject": "x"}]})
    target = f"{API}/composite/sobjects?_HttpMethod=DELETE"
    refused(stack, send(stack, "POST", target, body), 400, "GUARDRAIL_AMBIGUOUS_REQUEST")


@pytest.mark.parametrize(
    "override", [("X-HTTP-Method-Override", "PATCH"), ("X-HTTP-Method", "POST")]
)
def test_a_get_with_a_body_and_an_override_header_is_refused(
    stack: Stack, case_id: str, override: tuple[str, str]
) -> None:
    answer = send(stack, "GET", f"{API}/sobjects/Case/{case_id}", '{"Subject": "x"}', override)
    refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert case(stack, case_id)["Subject"] == "Route target"


def test_a_get_with_a_body_is_refused(stack: Stack, case_id: str) -> None:
    answer = send(stack, "GET", f"{API}/sobjects/Case/{case_id}", '{"Subject": "x"}')
    message = refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert "no body" in message


@pytest.mark.parametrize(
    "target",
    [
        "/query?q=SELECT+Id+FROM+Case+WHERE+Id+%3D+%27{id}%27+FOR+VIEW",
        "/queryAll?q=SELECT+Id+FROM+Case+WHERE+Id+%3D+%27{id}%27+for+reference",
        "/query?q=SELECT+Id+FROM+Case+WHERE+Id+%3D+%27{id}%27+++FoR++VIEW",
        "/search?q=FIND+%7BRoute%7D+RETURNING+Case+UPDATE+TRACKING",
        "/search?q=FIND+%7BRoute%7D+RETURNING+Case+Update+ViewStat",
        "/query?Q=SELECT+Id+FROM+Case+WHERE+Id+%3D+%27{id}%27+FOR+VIEW",
    ],
)
def test_a_query_that_stamps_the_records_it_returns_is_refused(
    stack: Stack, case_id: str, target: str
) -> None:
    """Salesforce documents FOR VIEW and FOR REFERENCE (and UPDATE TRACKING / VIEWSTAT on
    search) as updating the records a query returns: a write in a GET."""
    answer = send(stack, "GET", API + target.format(id=case_id))
    assert "Send the query without it" in refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert case(stack, case_id)["LastViewedDate"] is None


def test_such_a_query_in_a_composite_or_a_bulk_job_is_refused_too(
    stack: Stack, case_id: str
) -> None:
    soql = f"SELECT Id FROM Case WHERE Id = '{case_id}' FOR VIEW"
    read = {"method": "GET", "url": f"{API}/query?q={soql.replace(' ', '+')}", "referenceId": "r"}
    answer = send(stack, "POST", f"{API}/composite", json.dumps({"compositeRequest": [read]}))
    assert "FOR VIEW" in refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    job = json.dumps({"operation": "query", "query": soql})
    answer = send(stack, "POST", f"{API}/jobs/query", job)
    assert "FOR VIEW" in refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")


#: What may stand right before the clause in a valid query, written against it (no space):
#: a LIMIT's or OFFSET's number, a compared text, the parenthesis of a subquery's IN.
GLUED_BEFORE = st.sampled_from(["LIMIT 1", "LIMIT 10", "OFFSET 0", "WHERE Subject = 'Route target'",
                                "WHERE Id IN (SELECT Id FROM Case)"])  # fmt: skip
CLAUSES = st.sampled_from(["FOR VIEW", "FOR REFERENCE", "FOR UPDATE"])


@through_a_stack(25)
@given(
    before=GLUED_BEFORE,
    clause=CLAUSES,
    spaces=st.sampled_from([" ", "  ", "   "]),
    case_of=st.sampled_from([str.upper, str.lower, str.title]),
)
def test_a_stamping_clause_written_against_what_comes_before_is_refused(
    stack: Stack, before: str, clause: str, spaces: str, case_of: Any
) -> None:
    """LIMIT 1FOR VIEW is LIMIT 1 and FOR VIEW to SOQL (a number ends where its digits do),
    so the records it returns are stamped: a write in a GET however the clause is glued on."""

    async def create() -> str:
        made = stack.store.create("Case", {"Subject": "Route target", "AccountId": ACCOUNT})
        stack.store.clear_changes()
        return made

    made = stack.call(create)
    soql = f"SELECT Id FROM Case {before}{case_of(clause).replace(' ', spaces)}"
    answer = send(stack, "GET", f"{API}/query?{urlencode({'q': soql})}")
    assert "Send the query without it" in refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert case(stack, made)["LastViewedDate"] is None
    assert case(stack, made)["LastReferencedDate"] is None


def test_the_words_inside_a_text_a_query_compares_are_a_read(stack: Stack, case_id: str) -> None:
    soql = "SELECT+Id+FROM+Case+WHERE+Subject+%3D+%27Ready+for+view%27"
    answer = send(stack, "GET", f"{API}/query?q={soql}")
    assert answer.status == 200, answer.body
    assert changed(stack) == []


@pytest.mark.parametrize(
    "prefix",
    [
        "/services/oauth2/../data/v59.0",
        "/services/oauth2/%2e%2e/data/v59.0",
        "/services/oauth2/%2E%2E/data/v59.0",
        "/services/oauth2/..;/data/v59.0",
        "/SERVICES/OAUTH2/../data/v59.0",
        "/services/oauth2/token/../../data/v59.0",
        f"{API}/./x/..",
        f"{API}/",
        f"{API}%2f",
        f"{API}%5c",
    ],
)
def test_a_path_that_changes_under_normalisation_is_refused(stack: Stack, prefix: str) -> None:
    answer = send(stack, "POST", f"{prefix}/sobjects/Case", '{"Subject": "Sneaky"}')
    refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")


@pytest.mark.parametrize(
    ("method", "target"),
    [("CONNECT", "127.0.0.1:443"), ("OPTIONS", "*"), ("GET", "http://evil.example/x")],
)
def test_a_target_that_is_no_path_is_refused_and_recorded(
    stack: Stack, method: str, target: str
) -> None:
    """Not a bare 404 from the HTTP server: a refusal in the CRM's format, audited."""
    refused(stack, send(stack, method, target), 400, "GUARDRAIL_AMBIGUOUS_REQUEST")


def test_the_oauth_prefix_is_no_longer_trusted(stack: Stack) -> None:
    answer = send(stack, "POST", "/services/oauth2/anything", '{"Subject": "x"}')
    refused(stack, answer, 400, "GUARDRAIL_UNSUPPORTED_ENDPOINT")


def test_a_repeated_parameter_is_refused(stack: Stack, case_id: str) -> None:
    target = f"{API}/composite/sobjects?ids={case_id}&ids=500000000000001AAA"
    refused(stack, send(stack, "DELETE", target), 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert case(stack, case_id)


def test_duplicate_json_keys_are_refused(stack: Stack, case_id: str) -> None:
    body = '{"Subject": "a", "Subject": "b"}'
    refused(
        stack,
        send(stack, "PATCH", f"{API}/sobjects/Case/{case_id}", body),
        400,
        "JSON_PARSER_ERROR",
    )


def test_duplicate_keys_deep_inside_a_composite_are_refused(stack: Stack, case_id: str) -> None:
    body = (
        '{"compositeRequest": [{"method": "PATCH", "url": "' + API + f'/sobjects/Case/{case_id}",'
        ' "referenceId": "w", "body": {"Subject": "a", "Priority": "Low", "Priority": "High"}}]}'
    )
    refused(stack, send(stack, "POST", f"{API}/composite", body), 400, "JSON_PARSER_ERROR")


@pytest.mark.parametrize(
    ("headers", "rule"),
    [
        ((("Sforce-Auto-Assign", "FALSE"),), "AssignmentRulesKept"),
        ((("sforce-auto-assign", "false"),), "AssignmentRulesKept"),
        ((("Sforce-Duplicate-Rule-Header", "allowSave=true"),), "DuplicateRulesKept"),
        ((("Sforce-Brand-New", "1"),), "KnownHeadersOnly"),
    ],
)
def test_headers_that_switch_off_the_crms_safeguards_are_refused(
    stack: Stack, headers: tuple[tuple[str, str], ...], rule: str
) -> None:
    answer = send(stack, "POST", f"{API}/sobjects/Case", '{"Subject": "x"}', *headers)
    assert answer.status == 400
    assert f"crm-safeguards/{rule}" in answer.body.decode()
    assert changed(stack) == []


@pytest.mark.parametrize(
    "header",
    [
        ("Sforce-Duplicate-Rule-Header", 'allowSave="true"'),
        ("Sforce-Duplicate-Rule-Header", "allowSave=1"),
        ("Sforce-Duplicate-Rule-Header", "allowSave=yes"),
        ("Sforce-Duplicate-Rule-Header", "allowSave:true"),
        ("Sforce-Duplicate-Rule-Header", "allowSave=false; allowSave=true"),
        ("Sforce-Duplicate-Rule-Header", "allowSave=false, includeRecordDetails=true"),
        ("Sforce-Duplicate-Rule-Header", "bypass=true"),
        ("Sforce-Auto-Assign", "no"),
        ("Sforce-Auto-Assign", '"FALSE"'),
        ("Sforce-Mru", "updateMru=0"),
    ],
)
def test_a_behaviour_header_value_salesforce_does_not_document_is_refused(
    stack: Stack, header: tuple[str, str]
) -> None:
    """A rule judges allowSave=true; allowSave="true" or =1 it would not see as one, and how
    Salesforce reads them is not documented: refused, not guessed at."""
    answer = send(stack, "POST", f"{API}/sobjects/Case", '{"Subject": "x"}', header)
    assert "is not a value Salesforce documents" in refused(
        stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST"
    )


@pytest.mark.parametrize(
    "header",
    [
        ("Sforce-Duplicate-Rule-Header", "allowSave=false; includeRecordDetails=TRUE"),
        ("Sforce-Duplicate-Rule-Header", " runAsCurrentUser = true "),
        ("Sforce-Auto-Assign", "true"),
        ("Sforce-Mru", "updateMru=false"),
    ],
)
def test_a_behaviour_header_as_salesforce_documents_it_is_judged_and_lands(
    stack: Stack, header: tuple[str, str]
) -> None:
    answer = send(stack, "POST", f"{API}/sobjects/Case", '{"Subject": "Documented"}', header)
    assert answer.status == 201, answer.body


@through_a_stack(20)
@given(
    name=st.sampled_from(["Sforce-Call-Options", "sforce-call-options", "SFORCE-CALL-OPTIONS"]),
    value=st.sampled_from(["defaultNamespace=acme", "client=agent, defaultNamespace=acme",
                           "client=agent; DefaultNamespace = acme", "defaultnamespace=acme"]),
    how=st.sampled_from(["create", "update", "upsert", "collection", "composite"]),
)  # fmt: skip
def test_a_write_with_a_default_namespace_is_refused_whatever_the_pack_allows(
    stack: Stack, case_id: str, name: str, value: str, how: str
) -> None:
    """With defaultNamespace=acme Salesforce writes Rating__c to acme__Rating__c when the
    package has it: the write would be judged on one field and land on another. The dialect
    refuses it before any rule reads it, however the header is spelled or wherever it rides."""
    row = {"Subject": "Namespaced"}
    header = (name, value)
    sub = {"method": "PATCH", "url": f"{API}/sobjects/Case/{case_id}", "referenceId": "w",
           "body": row, "httpHeaders": dict([header])}  # fmt: skip
    record = {"attributes": {"type": "Case"}, "id": case_id, **row}
    method, target, body, headers = {
        "create": ("POST", f"{API}/sobjects/Case", row, (header,)),
        "update": ("PATCH", f"{API}/sobjects/Case/{case_id}", row, (header,)),
        "upsert": ("PATCH", f"{API}/sobjects/Case/Id/{case_id}", row, (header,)),
        "collection": ("PATCH", f"{API}/composite/sobjects", {"records": [record]}, (header,)),
        "composite": ("POST", f"{API}/composite", {"compositeRequest": [sub]}, ()),
    }[how]
    answer = send(stack, method, target, json.dumps(body), *headers)
    message = refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert "without defaultNamespace" in message
    assert case(stack, case_id)["Subject"] == "Route target"


def test_a_behaviour_header_sent_twice_is_refused(stack: Stack) -> None:
    answer = send(
        stack,
        "POST",
        f"{API}/sobjects/Case",
        '{"Subject": "x"}',
        ("Sforce-Auto-Assign", "TRUE"),
        ("Sforce-Auto-Assign", "FALSE"),
    )
    refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")


def test_a_relationship_written_by_lookup_is_refused(stack: Stack, case_id: str) -> None:
    body = '{"Account": {"External_Id__c": "GLOBEX-001"}}'
    refused(
        stack,
        send(stack, "PATCH", f"{API}/sobjects/Case/{case_id}", body),
        400,
        "JSON_PARSER_ERROR",
    )


def test_a_gzip_write_is_judged_and_forwarded_decoded(stack: Stack, case_id: str) -> None:
    raw = gzip.compress(b'{"Subject": "Sent compressed"}')
    target = f"{API}/sobjects/Case/{case_id}"
    answer = send(stack, "PATCH", target, raw, ("Content-Encoding", "gzip"))
    assert answer.status == 204, answer.body
    assert case(stack, case_id)["Subject"] == "Sent compressed"
    blocked = send(
        stack, "PATCH", target, gzip.compress(b'{"Priority": "High"}'), ("Content-Encoding", "gzip")
    )
    assert blocked.status == 400
    assert case(stack, case_id)["Priority"] == "Medium"


# -- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        ("[" * 200_000 + "]" * 200_000, (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": "x", "a": ' + "[" * 40 + "]" * 40 + "}", (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": ' + "9" * 5000 + "}", (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": 1e999}', (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": NaN}', (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": "x"} trailing', (), 400, "JSON_PARSER_ERROR"),
        (b'{"Subject": "\xff\xfe"}', (), 400, "JSON_PARSER_ERROR"),
        (b'\xef\xbb\xbf{"Subject": "x"}', (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": "' + "x" * 200_000 + '"}', (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": "x\\ud800y"}', (), 400, "JSON_PARSER_ERROR"),
        ('{"\\udc00": "x"}', (), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": "41\\u000011 1111 1111 1111"}', (), 400, "JSON_PARSER_ERROR"),
        (b"\x1f\x8b\x08\x00garbage", (("Content-Encoding", "gzip"),), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": "x"}', (("Content-Encoding", "gzip"),), 400, "JSON_PARSER_ERROR"),
        ('{"Subject": "x"}', (("Content-Encoding", "br"),), 415, "UNSUPPORTED_MEDIA_TYPE"),
        ('{"Subject": "x"}', (("Content-Encoding", "gzip, gzip"),), 415, "UNSUPPORTED_MEDIA_TYPE"),
        (
            gzip.compress(b" " * 3_000_000),
            (("Content-Encoding", "gzip"),),
            413,
            "GUARDRAIL_BODY_TOO_LARGE",
        ),
    ],
    ids=[
        "deep-nesting",
        "nesting-past-the-bound",
        "huge-integer",
        "infinite-number",
        "nan",
        "trailing-garbage",
        "invalid-utf8",
        "byte-order-mark",
        "over-long-string",
        "lone-surrogate",
        "lone-surrogate-in-a-key",
        "control-character",
        "broken-gzip",
        "plain-body-labelled-gzip",
        "unknown-encoding",
        "stacked-encodings",
        "gzip-bomb",
    ],
)
def test_malformed_input_is_a_clear_refusal_never_a_500(
    stack: Stack, body: str | bytes, headers: tuple[tuple[str, str], ...], status: int, code: str
) -> None:
    answer = send(stack, "POST", f"{API}/sobjects/Case", body, *headers)
    refused(stack, answer, status, code)


def test_a_body_in_another_charset_is_refused(stack: Stack) -> None:
    answer = Wire(stack).send(
        Sent(
            "POST",
            f"{API}/sobjects/Case",
            '{"Subject": "x"}'.encode("utf-16"),
            (("Content-Type", "application/json; charset=UTF-16"),),
        )
    )
    refused(stack, answer, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_an_oversized_body_is_413(stack: Stack) -> None:
    body = '{"Subject": "' + "x" * (1024 * 1024 + 10) + '"}'
    refused(
        stack, send(stack, "POST", f"{API}/sobjects/Case", body), 413, "GUARDRAIL_BODY_TOO_LARGE"
    )


# -- token scopes ----------------------------------------------------------------------------


def test_token_scopes_apply_to_a_composite_subrequests_effective_operation(
    tmp_path: Path,
) -> None:
    pack = guarded_pack(tmp_path / "pack")
    with Stack(tmp_path / "stack", auth_mode=AuthMode.TOKEN, policies=pack) as stack:
        httpx.put(
            f"{stack.admin_url}/guardrail/v1/conversations/c1",
            json={"customer": {"account_ids": [ACCOUNT], "verified": True}},
        ).raise_for_status()
        token = stack.agent_token(
            "c1", "bot", scopes={"objects": ["Case"], "operations": ["read", "create"]}
        )
        sub = {
            "method": "POST",
            "url": f"{API}/sobjects/Case/500000000000001AAA?_HttpMethod=PATCH",
            "referenceId": "w",
            "body": {"Subject": "changed"},
        }
        answer = httpx.post(
            f"{stack.proxy_url}{API}/composite",
            json={"compositeRequest": [sub]},
            headers={"Authorization": f"Bearer {token}"},
            verify=ssl.create_default_context(cafile=str(stack.tls.ca_pem)),
        )
        assert answer.status_code == 403, answer.text
        assert answer.json()[0]["errorCode"] == "GUARDRAIL_TOKEN_SCOPE"
        assert "update Case" in answer.json()[0]["message"]


# -- classes found attacking the canonical reading ------------------------------------------


def _composite(*subrequests: dict[str, Any]) -> str:
    return json.dumps({"allOrNone": True, "compositeRequest": list(subrequests)})


def _theirs(stack: Stack) -> str:
    """Another customer's Case, holding a card number, its change log emptied."""

    async def create() -> str:
        made = stack.store.create(
            "Case",
            {"Subject": "Theirs", "AccountId": "001000000000002AAA", "Priority": "High",
             "Description": "4111 1111 1111 1111"},
        )  # fmt: skip
        stack.store.clear_changes()
        return made

    return stack.call(create)


#: (url tail, body, subrequest headers) of a write filled in from what subrequest "g" read.
FILLED_IN = [
    ("/@{g.Id}", {"Subject": "x"}, {}),
    ("", {"Subject": "Re: @{g.Subject}"}, {}),
    ("", {"Priority": "@{g.Priority}"}, {}),
    ("", {"Description": "@{g.Description}"}, {}),
    ("", {"AccountId": "@{g.AccountId}"}, {}),
    ("", {"Subject": "x"}, {"Sforce-Call-Options": "@{g.Subject}"}),
]


@pytest.mark.parametrize(("tail", "body", "headers"), FILLED_IN)
def test_a_composite_write_filled_in_from_what_a_get_subrequest_read_is_refused(
    stack: Stack, case_id: str, tail: str, body: dict[str, str], headers: dict[str, str]
) -> None:
    """The CRM fills a reference in while it executes: judged as the text ``@{g.Priority}``,
    the write would save another customer's Priority High or card number unjudged."""
    theirs = _theirs(stack)
    url = f"{API}/sobjects/Case" + (tail if tail.startswith("/") else f"/{case_id}{tail}")
    write = {"method": "PATCH", "url": url, "referenceId": "w", "body": body,
             "httpHeaders": headers}  # fmt: skip
    read = {"method": "GET", "url": f"{API}/sobjects/Case/{theirs}", "referenceId": "g"}
    answer = send(stack, "POST", f"{API}/composite", _composite(read, write))
    assert "fills in" in refused(stack, answer, 400, "GUARDRAIL_LOOKUP_UNRESOLVED")
    assert case(stack, case_id)["Subject"] == "Route target"


#: (url, subrequest headers) of a read filled in from what subrequest "g" read: a Case whose
#: Subject holds "FOR+VIEW" (text the agent may well have written there before).
READ_FILLED_IN = [
    (f"{API}/query?q=SELECT+Id+FROM+Contact+@{{g.Subject}}", {}),
    (f"{API}/queryAll?q=SELECT+Id+FROM+Contact+WHERE+LastName+!%3D+null+@{{g.Subject}}", {}),
    (f"{API}/search?q=FIND+%7BDoe%7D+RETURNING+Contact+@{{g.Subject}}", {}),
    (f"{API}/sobjects/Contact/@{{g.Subject}}", {}),
    (f"{API}/sobjects/Contact/{ACME_CONTACT_ID}?fields=@{{g.Subject}}", {}),
    (f"{API}/sobjects/Contact/{ACME_CONTACT_ID}", {"Sforce-Call-Options": "@{g.Subject}"}),
]


@pytest.mark.parametrize(("url", "headers"), READ_FILLED_IN)
def test_a_composite_read_filled_in_from_what_another_subrequest_read_is_refused(
    stack: Stack, url: str, headers: dict[str, str]
) -> None:
    """A read the CRM completes while it executes is not the read judged: judged as the text
    ``@{g.Subject}``, the query ran as ... FOR VIEW and stamped every contact it returned,
    the customer's and another customer's (a write in a request of reads only)."""

    async def create() -> str:
        made = stack.store.create("Case", {"Subject": "FOR+VIEW", "AccountId": ACCOUNT})
        stack.store.clear_changes()
        return made

    stamped = stack.call(create)
    read = {"method": "GET", "url": f"{API}/sobjects/Case/{stamped}", "referenceId": "g"}
    filled = {"method": "GET", "url": url, "referenceId": "q", "httpHeaders": headers}
    answer = send(stack, "POST", f"{API}/composite", _composite(read, filled))
    assert "fills in" in refused(stack, answer, 400, "GUARDRAIL_LOOKUP_UNRESOLVED")


def test_a_read_of_the_record_a_write_before_it_made_is_forwarded(stack: Stack) -> None:
    """Reading back the record an earlier subrequest created, by its id, reads only that."""
    made = {"method": "POST", "url": f"{API}/sobjects/Case", "referenceId": "made",
            "body": {"Subject": "Read back", "AccountId": ACCOUNT}}  # fmt: skip
    again = {"method": "GET", "url": f"{API}/sobjects/Case/@{{made.id}}", "referenceId": "again"}
    answer = send(stack, "POST", f"{API}/composite", _composite(made, again))
    assert answer.status == 200, answer.body
    results = json.loads(answer.body)["compositeResponse"]
    assert [r["httpStatusCode"] for r in results] == [201, 200]
    assert results[1]["body"]["Subject"] == "Read back"


def test_a_reference_to_the_id_of_a_record_written_before_is_judged_and_lands(
    stack: Stack,
) -> None:
    made = {"method": "POST", "url": f"{API}/sobjects/Account", "referenceId": "acct",
            "body": {"Name": "Referenced Ltd"}}  # fmt: skip
    linked = {"method": "POST", "url": f"{API}/sobjects/Case", "referenceId": "case",
              "body": {"Subject": "Linked", "AccountId": "@{acct.id}"}}  # fmt: skip
    answer = send(stack, "POST", f"{API}/composite", _composite(made, linked))
    assert answer.status == 200, answer.body
    results = json.loads(answer.body)["compositeResponse"]
    assert [r["httpStatusCode"] for r in results] == [201, 201]
    saved = case(stack, results[1]["body"]["id"])
    assert saved["AccountId"] == results[0]["body"]["id"]


def test_a_behaviour_header_the_request_and_a_subrequest_disagree_on_is_refused(
    stack: Stack, case_id: str
) -> None:
    sub = {"method": "PATCH", "url": f"{API}/sobjects/Case/{case_id}", "referenceId": "w",
           "body": {"Subject": "x"}, "httpHeaders": {"Sforce-Auto-Assign": "TRUE"}}  # fmt: skip
    answer = send(
        stack, "POST", f"{API}/composite", _composite(sub), ("Sforce-Auto-Assign", "FALSE")
    )
    assert "Sforce-Auto-Assign" in refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")


@pytest.mark.parametrize(
    "name",
    [" Sforce-Auto-Assign", "Sforce-Auto-Assign ", "\tSforce-Duplicate-Rule-Header",
     "Sforce-Auto-Assign:", "Sforce Auto Assign"],
)  # fmt: skip
def test_a_subrequest_header_name_no_http_parser_would_take_is_refused(
    stack: Stack, case_id: str, name: str
) -> None:
    """A subrequest's headers are JSON, read by no HTTP parser before the CRM's: a name with a
    space in or around it is no behaviour header to the proxy, and one the CRM would trim to
    Sforce-Auto-Assign would switch assignment rules off unjudged."""
    sub = {"method": "PATCH", "url": f"{API}/sobjects/Case/{case_id}", "referenceId": "w",
           "body": {"Subject": "x"}, "httpHeaders": {name: "FALSE"}}  # fmt: skip
    answer = send(stack, "POST", f"{API}/composite", _composite(sub))
    assert "Spell the header as HTTP does" in refused(stack, answer, 400,
                                                      "GUARDRAIL_AMBIGUOUS_REQUEST")  # fmt: skip


@pytest.mark.parametrize(
    "header",
    [
        ("Sforce_Auto_Assign", "FALSE"),
        ("sforce_duplicate_rule_header", "allowSave=true"),
        ("X_HTTP_Method_Override", "DELETE"),
        ("Authorization", "Bearer another-session"),
        ("X-SFDC-Session", "another-session"),
    ],
)
def test_a_header_the_crm_could_read_otherwise_is_refused(
    stack: Stack, case_id: str, header: tuple[str, str]
) -> None:
    """A header spelled with _ (some servers read it as the dashed one) or a second session
    (the lookup and the write could run as two users) is refused, not forwarded unjudged."""
    answer = send(stack, "PATCH", f"{API}/sobjects/Case/{case_id}", '{"Subject": "x"}', header)
    refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert case(stack, case_id)["Subject"] == "Route target"


@pytest.mark.parametrize("tail", ["?x=1#frag", "#frag", "?allOrNone=true#&x=1"])
def test_a_target_with_a_fragment_is_refused(stack: Stack, case_id: str, tail: str) -> None:
    """A fragment never reaches a server: what follows # is read by the proxy and not the CRM."""
    answer = send(stack, "PATCH", f"{API}/sobjects/Case/{case_id}{tail}", '{"Subject": "x"}')
    refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")


@pytest.mark.parametrize("value", ['"false"', '"true"', "0", "null"])
def test_all_or_none_that_is_not_a_boolean_is_refused(
    stack: Stack, case_id: str, value: str
) -> None:
    """The CRM does not read a JSON string as a boolean: the proxy must not save in part."""
    theirs = _theirs(stack)
    records = [{"attributes": {"type": "Case"}, "id": i, "Subject": "x"} for i in (case_id, theirs)]
    body = json.dumps({"records": records}).replace("{", '{"allOrNone": ' + value + ", ", 1)
    refused(stack, send(stack, "PATCH", f"{API}/composite/sobjects", body), 400,
            "JSON_PARSER_ERROR")  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        '{"Subject": "x", "Id": "{theirs}"}',
        '{"Subject": "x", "id": "{theirs}"}',
        '{"attributes": {"type": "Account"}, "Name": "x"}',
    ],
)
def test_a_single_record_body_naming_another_record_or_object_is_refused(
    stack: Stack, case_id: str, body: str
) -> None:
    theirs = _theirs(stack)
    answer = send(
        stack, "PATCH", f"{API}/sobjects/Case/{case_id}", body.replace("{theirs}", theirs)
    )
    refused(stack, answer, 400, "JSON_PARSER_ERROR")


@pytest.mark.parametrize("version", ["v57.0", "v59.0"])
@pytest.mark.parametrize("tail", ["{case_id}.json", "{case_id}.XML", "External_Id__c/RT-9.json"])
def test_a_path_ending_in_a_format_suffix_is_refused(
    stack: Stack, case_id: str, version: str, tail: str
) -> None:
    """Up to API 57.0 Salesforce reads a final .json or .xml as the response format: the
    proxy would look up (or ground) the value with the suffix, the CRM write the one without."""
    target = f"/services/data/{version}/sobjects/Case/{tail.format(case_id=case_id)}"
    refused(stack, send(stack, "PATCH", target, '{"Subject": "x"}'), 400,
            "GUARDRAIL_AMBIGUOUS_REQUEST")  # fmt: skip


def test_an_upsert_body_giving_its_lookup_field_another_value_is_refused(stack: Stack) -> None:
    body = '{"Subject": "x", "external_id__c": "RT-OTHER"}'
    answer = send(stack, "PATCH", f"{API}/sobjects/Case/External_Id__c/RT-NEW", body)
    assert "RT-OTHER" in refused(stack, answer, 400, "JSON_PARSER_ERROR")


def test_a_collection_upsert_finds_its_value_under_any_spelling_of_the_field(
    stack: Stack,
) -> None:
    async def create() -> str:
        made = stack.store.create(
            "Case", {"Subject": "Keyed", "AccountId": ACCOUNT, "External_Id__c": "RT-KEY"}
        )
        stack.store.clear_changes()
        return made

    keyed = stack.call(create)
    record = {"attributes": {"type": "Case"}, "external_id__c": "RT-KEY", "Subject": "Rekeyed"}
    body = json.dumps({"allOrNone": True, "records": [record]})
    answer = send(stack, "PATCH", f"{API}/composite/sobjects/Case/External_Id__c", body)
    assert answer.status == 200, answer.body
    assert json.loads(answer.body)[0]["success"] is True
    assert case(stack, keyed)["Subject"] == "Rekeyed"


@pytest.mark.parametrize("tail", ["?x=1#frag", "#frag", "?allOrNone=true#"])
def test_a_composite_subrequest_url_with_a_fragment_is_refused(
    stack: Stack, case_id: str, tail: str
) -> None:
    sub = {"method": "PATCH", "url": f"{API}/sobjects/Case/{case_id}{tail}", "referenceId": "w",
           "body": {"Subject": "x"}}  # fmt: skip
    refused(stack, send(stack, "POST", f"{API}/composite", _composite(sub)), 400,
            "JSON_PARSER_ERROR")  # fmt: skip


@pytest.mark.parametrize("how", ["row", "collection", "composite"])
def test_a_write_naming_another_object_than_its_records_is_refused(
    stack: Stack, case_id: str, how: str
) -> None:
    """A Case id written as a Task or an Opportunity (which no policy covers, or other policies
    do) is refused: judged as the one object, the CRM could write it as the other."""
    record = {"attributes": {"type": "Opportunity"}, "id": case_id, "Name": "x"}
    target, body = {
        "row": (f"{API}/sobjects/Task/{case_id}", '{"Subject": "x"}'),
        "collection": (f"{API}/composite/sobjects", json.dumps({"records": [record]})),
        "composite": (f"{API}/composite", _composite({"method": "PATCH", "referenceId": "w",
            "url": f"{API}/sobjects/Task/{case_id}", "body": {"Subject": "x"}})),
    }[how]  # fmt: skip
    method = "POST" if how == "composite" else "PATCH"
    assert "is a Case" in refused(stack, send(stack, method, target, body), 400,
                                  "JSON_PARSER_ERROR")  # fmt: skip


def test_update_only_on_an_upsert_is_forwarded_and_keeps_it_from_creating(
    stack: Stack, case_id: str
) -> None:
    """Salesforce reads updateOnly (API 61.0): the upsert updates a record it finds and
    creates none; judged as the create it would otherwise make, it is judged no less strictly."""
    target = f"{API}/sobjects/Case/Id/{case_id}?updateOnly=true"
    answer = send(stack, "PATCH", target, json.dumps({"Subject": "Updated only"}))
    assert answer.status == 200, answer.body
    assert case(stack, case_id)["Subject"] == "Updated only"


@pytest.mark.parametrize(
    ("target", "instead"),
    [
        (f"{API}/ui-api/records", "POST /sobjects/{Object}"),
        (f"{API}/actions/standard/convertLead", "leave the action to a person"),
        (f"{API}/process/approvals", "leave them to a person"),
        ("/services/apexrest/refunds", "Apex REST runs the org's own code"),
        (f"{API}/chatter/feed-elements", "as a CaseComment"),
        (f"{API}/composite/tree/Case", "one /composite request"),
    ],
)
def test_a_write_to_an_api_the_guardrail_does_not_judge_says_what_to_send_instead(
    stack: Stack, target: str, instead: str
) -> None:
    body = json.dumps({"apiName": "Case", "fields": {"Subject": "x", "AccountId": ACCOUNT}})
    message = refused(
        stack, send(stack, "POST", target, body), 400, "GUARDRAIL_UNSUPPORTED_ENDPOINT"
    )
    assert instead in message


def test_an_upsert_after_a_subrequest_that_may_change_what_it_finds_is_refused(
    stack: Stack, case_id: str
) -> None:
    """The proxy finds the record an upsert names before the composite runs, and Salesforce
    runs each subrequest on what the ones before it left: keyed first, the upsert judged as a
    create would land on the customer's case. Sent on its own after, it is judged as it lands."""
    keyed = {"method": "PATCH", "url": f"{API}/sobjects/Case/{case_id}", "referenceId": "key",
             "body": {"External_Id__c": "RT-STALE"}}  # fmt: skip
    upsert = {"method": "PATCH", "url": f"{API}/sobjects/Case/External_Id__c/RT-STALE",
              "referenceId": "upsert", "body": {"Subject": "Judged as a create"}}  # fmt: skip
    answer = send(stack, "POST", f"{API}/composite", _composite(keyed, upsert))
    message = refused(stack, answer, 400, "GUARDRAIL_AMBIGUOUS_REQUEST")
    assert message.startswith("Subrequest upsert:"), message
    assert "on its own" in message, message
    assert send(stack, "POST", f"{API}/composite", _composite(keyed)).status == 200
    landed = send(stack, "PATCH", upsert["url"], json.dumps(upsert["body"]))
    assert landed.status == 200, landed.body  # an update of the case, answered as one
    assert case(stack, case_id)["Subject"] == "Judged as a create"


@pytest.mark.parametrize("how", ["row", "collection", "composite"])
def test_a_field_given_another_json_type_than_the_crm_keeps_is_refused_naming_the_type(
    stack: Stack, case_id: str, how: str
) -> None:
    """A Case's Description given as a number, however sent, is refused in Salesforce's format
    before any rule reads it, telling the agent the field takes a string."""
    record = {"attributes": {"type": "Case"}, "id": case_id, "Description": 12345}
    target, body = {
        "row": (f"{API}/sobjects/Case/{case_id}", '{"Description": 12345}'),
        "collection": (f"{API}/composite/sobjects", json.dumps({"records": [record]})),
        "composite": (f"{API}/composite", _composite({"method": "PATCH", "referenceId": "w",
            "url": f"{API}/sobjects/Case/{case_id}", "body": {"Description": 12345}})),
    }[how]  # fmt: skip
    method = "POST" if how == "composite" else "PATCH"
    said = refused(stack, send(stack, method, target, body), 400, "JSON_PARSER_ERROR")
    assert "Case.Description: expected a string or null, got 12345 (a number)" in said
