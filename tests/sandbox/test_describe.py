"""Describe: consistent with the records served and with the validation applied."""

from __future__ import annotations

from typing import Any

import pytest

from guardrail.crm.sfid import STANDARD_KEY_PREFIXES
from guardrail.sandbox import SandboxStore
from guardrail.sandbox.org import SCHEMA
from guardrail.sandbox.seed import ACME_CASE_ID
from tests.sandbox.helpers import BASE, Api

OBJECTS = [o.name for o in SCHEMA.objects]
SYSTEM_FIELDS = ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp")
MINIMAL = {
    "Account": {"Name": "A"},
    "Contact": {"LastName": "C"},
    "Case": {},
    "CaseComment": {"ParentId": ACME_CASE_ID},
    "Task": {},
    "Refund__c": {"Amount__c": 1},
}


async def describe(sf: Api, sobject: str) -> dict[str, Any]:
    status, body = await sf.get(f"/sobjects/{sobject}/describe")
    assert status == 200
    return dict(body)


async def test_describe_global_lists_every_object_with_its_key_prefix(sf: Api) -> None:
    status, body = await sf.get("/sobjects")

    assert status == 200
    prefixes = {o["name"]: o["keyPrefix"] for o in body["sobjects"]}
    assert prefixes == {**STANDARD_KEY_PREFIXES, "Refund__c": "a01"}
    refund = next(o for o in body["sobjects"] if o["name"] == "Refund__c")
    assert refund["custom"] is True
    assert refund["urls"]["describe"] == f"{BASE}/sobjects/Refund__c/describe"


async def test_basic_info_wraps_the_summary(sf: Api) -> None:
    status, body = await sf.get("/sobjects/case")

    assert status == 200
    assert body["objectDescribe"]["name"] == "Case"
    assert body["recentItems"] == []


@pytest.mark.parametrize("sobject", OBJECTS)
async def test_records_hold_exactly_the_described_fields(
    sf: Api, store: SandboxStore, sobject: str
) -> None:
    if sobject in MINIMAL:
        assert (await sf.post(f"/sobjects/{sobject}", MINIMAL[sobject]))[0] == 201
    described = await describe(sf, sobject)
    names = [f["name"] for f in described["fields"]]

    assert store.count(sobject) > 0
    for record in store.records(sobject):
        assert list(record) == names
        status, served = await sf.get(f"/sobjects/{sobject}/{record['Id']}")
        assert status == 200
        assert list(served)[1:] == names


@pytest.mark.parametrize("sobject", OBJECTS)
async def test_system_fields_are_read_only(sf: Api, sobject: str) -> None:
    fields = {f["name"]: f for f in (await describe(sf, sobject))["fields"]}

    for name in SYSTEM_FIELDS:
        assert fields[name]["createable"] is False
        assert fields[name]["updateable"] is False
        assert fields[name]["defaultedOnCreate"] is True
    assert fields["Id"]["type"] == "id"


@pytest.mark.parametrize("sobject", ["Account", "Contact", "Case", "Refund__c", "Task"])
async def test_describe_required_fields_are_what_create_requires(sf: Api, sobject: str) -> None:
    fields = (await describe(sf, sobject))["fields"]
    required = [
        f["name"]
        for f in fields
        if not f["nillable"] and f["createable"] and not f["defaultedOnCreate"]
    ]

    status, body = await sf.post(f"/sobjects/{sobject}", {})

    if required:
        assert (status, body[0]["fields"]) == (400, required)
    else:
        assert status == 201


async def test_field_metadata_is_realistic(sf: Api) -> None:
    case = {f["name"]: f for f in (await describe(sf, "Case"))["fields"]}

    assert case["Subject"]["type"] == "string"
    assert case["Subject"]["length"] == 255
    assert case["Description"]["type"] == "textarea"
    assert case["Status"]["restrictedPicklist"] is True
    assert [p["value"] for p in case["Status"]["picklistValues"]] == [
        "New",
        "Working",
        "Escalated",
        "Closed",
    ]
    assert [p["value"] for p in case["Status"]["picklistValues"] if p["defaultValue"]] == ["New"]
    assert case["OwnerId"]["referenceTo"] == ["Group", "User"]
    assert case["OwnerId"]["relationshipName"] == "Owner"
    assert case["CaseNumber"]["autoNumber"] is True
    assert case["CaseNumber"]["createable"] is False
    assert case["IsClosed"]["calculated"] is True

    refund = {f["name"]: f for f in (await describe(sf, "Refund__c"))["fields"]}
    assert (refund["Amount__c"]["type"], refund["Amount__c"]["scale"]) == ("currency", 2)
    assert refund["Amount__c"]["custom"] is True

    task = {f["name"]: f for f in (await describe(sf, "Task"))["fields"]}
    assert task["CallDurationInSeconds"]["type"] == "int"
    assert task["CallDisposition"]["length"] == 255
    assert task["ActivityDate"]["type"] == "date"


@pytest.mark.parametrize("sobject", ["Account", "Contact", "Case", "Refund__c"])
async def test_external_id_fields(sf: Api, sobject: str) -> None:
    fields = {f["name"]: f for f in (await describe(sf, sobject))["fields"]}

    external = fields["External_Id__c"]
    assert (external["type"], external["length"]) == ("string", 255)
    assert external["externalId"] is True
    assert external["unique"] is True


async def test_child_relationships_name_cascades(sf: Api) -> None:
    relations = (await describe(sf, "Case"))["childRelationships"]

    by_name = {(r["childSObject"], r["field"]): r for r in relations}
    assert by_name[("CaseComment", "ParentId")]["cascadeDelete"] is True
    assert by_name[("Refund__c", "Case__c")]["relationshipName"] == "Refunds__r"
    assert by_name[("Refund__c", "Case__c")]["cascadeDelete"] is False
