"""A Salesforce record named by an external id in a write's body (a collection upsert's records,
a composite's, a single upsert's body repeating the URL's value) is named by text, or by a whole
number: a JSON number with a fraction or an exponent, or a boolean, is refused, saying to send
the value as text. The proxy read such a value as Python prints it (``2.10`` as ``"2.1"``,
``1e2`` as ``"100.0"``, ``true`` as ``"True"``) and looked the record up by that text, while
Salesforce reads the number as it was written, or as its own decimal (``2.10``), so it could
upsert another record than the one judged: an update of the customer's ``2.1`` judged, the other
customer's ``2.10`` written. A pack's schema typing the field as text refuses such a value
too, but the dialect does not count on one (here a pack with no schema of Case: a rule on its
Priority alone). (Zendesk's create_or_update refuses such values alike.)"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrail.testing import Stack
from tests.helpers import NO_HIGH_PRIORITY, Sent, Wire, taken_changes, through_a_stack

API = "/services/data/v59.0"
JSON = (("Content-Type", "application/json"),)

#: JSON numbers with a fraction or an exponent, spelled as a client may (trailing zeros too).
FRACTIONS = st.builds(
    lambda whole, digits, zeros: f"{whole}.{digits}{'0' * zeros}",
    st.integers(0, 999),
    st.integers(0, 99),
    st.integers(0, 2),
)
EXPONENTS = st.builds(
    lambda whole, mark, power: f"{whole}{mark}{power}",
    st.integers(1, 99),
    st.sampled_from(["e", "E", "e+", "E-"]),
    st.integers(0, 5),
)
NOT_TEXT = st.one_of(FRACTIONS, EXPONENTS, st.sampled_from(["true", "false"]))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    pack = tmp_path_factory.mktemp("pack")
    (pack / "priority.yaml").write_text(NO_HIGH_PRIORITY)
    with Stack(tmp_path_factory.mktemp("ext-ids"), auth_mode="passthrough", policies=pack) as s:
        yield s


def _record(value: str) -> str:
    return f'{{"attributes": {{"type": "Case"}}, "Subject": "Upserted", "External_Id__c": {value}}}'


def _requests(value: str) -> list[tuple[str, str, str]]:
    """The writes naming a Case by ``value`` (JSON text) in their body."""
    collection = f'{{"allOrNone": true, "records": [{_record(value)}]}}'
    upsert = f"{API}/composite/sobjects/Case/External_Id__c"
    sub = (f'{{"method": "PATCH", "url": "{upsert}", "referenceId": "up", '
           f'"body": {collection}}}')  # fmt: skip
    single = f'{{"Subject": "Upserted", "External_Id__c": {value}}}'
    spelled = json.dumps(str(json.loads(value)))  # as Python prints it
    return [
        ("PATCH", upsert, collection),
        ("POST", f"{API}/composite", f'{{"compositeRequest": [{sub}]}}'),
        ("PATCH", f"{API}/sobjects/Case/External_Id__c/{json.loads(spelled)}", single),
    ]


@through_a_stack(40)
@given(value=NOT_TEXT)
def test_an_external_id_given_as_a_fraction_an_exponent_or_a_boolean_is_refused(
    stack: Stack, value: str
) -> None:
    for method, target, body in _requests(value):
        answer = Wire(stack).send(Sent(method, target, body.encode(), JSON))
        assert answer.status == 400, (target, body, answer.body)
        [error] = json.loads(answer.body)
        assert error["errorCode"] == "JSON_PARSER_ERROR", error
        assert "as text" in error["message"], error
        assert answer.headers["x-guardrail-decision"] == "block"
        assert taken_changes(stack) == [], (target, body)


@pytest.mark.parametrize("value", ['"2.10"', "7"])
def test_an_external_id_given_as_text_or_a_whole_number_is_looked_up(
    stack: Stack, value: str
) -> None:
    taken_changes(stack)
    method, target, body = _requests(value)[0]
    answer = Wire(stack).send(Sent(method, target, body.encode(), JSON))
    assert answer.status == 200, answer.body
    [result] = json.loads(answer.body)
    assert (result["success"], result["created"]) == (True, True), result
    assert [c.kind for c in taken_changes(stack)] == ["create"]
