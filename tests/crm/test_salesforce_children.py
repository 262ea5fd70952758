"""What a Salesforce delete asks before it is judged: its object's describe, then whether a
record names it through each child relationship the describe lists."""

import json
from typing import Any

import pytest

from guardrail.crm import salesforce_children
from guardrail.errors import AmbiguousRequest, LookupFailed
from guardrail.model import Operation, WriteIntent

PATH = "/services/data/v59.0/sobjects/Case/500000000000001AAA"
DELETE = WriteIntent("salesforce", "Case", Operation.DELETE, {}, record_id="500000000000001AAA")


def relationship(child: str, field: str, **flags: bool) -> dict[str, Any]:
    return {"childSObject": child, "field": field, "cascadeDelete": False,
            "restrictedDelete": False, **flags}  # fmt: skip


def described(*relationships: dict[str, Any]) -> tuple[WriteIntent, tuple[str, ...]]:
    """The delete once its describe answered with ``relationships``, and the queries it asks."""
    (describe,) = salesforce_children.lookups(DELETE, PATH, ())
    body = json.dumps({"name": "Case", "childRelationships": list(relationships)}).encode()
    intent = salesforce_children.resolved(DELETE, describe, 200, body)
    return intent, salesforce_children.lookups(intent, PATH, {describe})


def test_each_relationship_is_asked_about_at_once_but_one_whose_delete_the_crm_refuses() -> None:
    _, queries = described(
        relationship("Refund__c", "Case__c"),
        relationship("CaseComment", "ParentId", cascadeDelete=True),
        relationship("Escalation__c", "Case__c", restrictedDelete=True),
    )
    assert len(queries) == 2
    assert "Refund__c" in queries[0]
    assert "CaseComment" in queries[1]


def test_a_delete_no_record_names_is_judged_as_it_is() -> None:
    intent, (query,) = described(relationship("Refund__c", "Case__c"))
    empty = json.dumps({"totalSize": 0, "done": True, "records": []}).encode()
    assert salesforce_children.resolved(intent, query, 200, empty) is intent


def test_a_record_a_delete_would_delete_is_named_in_the_refusal() -> None:
    intent, (query,) = described(relationship("CaseComment", "ParentId", cascadeDelete=True))
    found = json.dumps({"records": [{"Id": "00a000000000001AAA"}]}).encode()
    with pytest.raises(AmbiguousRequest, match="deletes the CaseComment records naming it"):
        salesforce_children.resolved(intent, query, 200, found)


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"name": "Case"}', json.dumps({"childRelationships": [
        {"childSObject": "Refund__c", "field": "Case__c' OR Id != '"}]}).encode()],
    ids=["not-a-describe", "no-relationships", "a-field-no-name"],
)  # fmt: skip
def test_a_describe_that_does_not_say_what_names_the_record_fails_closed(body: bytes) -> None:
    (describe,) = salesforce_children.lookups(DELETE, PATH, ())
    with pytest.raises(LookupFailed):
        salesforce_children.resolved(DELETE, describe, 200, body)


def test_a_write_other_than_a_delete_asks_nothing() -> None:
    update = WriteIntent("salesforce", "Case", Operation.UPDATE, {}, record_id="500000000000001AAA")
    assert salesforce_children.lookups(update, PATH, ()) == ()


def test_a_record_looked_up_by_the_value_describe_is_no_describe() -> None:
    assert not salesforce_children.asks(
        "/services/data/v59.0/sobjects/Case/External_Id__c/describe"
    )
    assert salesforce_children.asks("/services/data/v59.0/sobjects/Case/describe")
