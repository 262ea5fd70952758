import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from guardrail.checks.schema import check_schema
from guardrail.crm.salesforce_schema import fetch_schemas, schema_from_describe
from guardrail.crm.schemas import write_schemas
from guardrail.sandbox import SandboxConfig, create_app

PACK = Path(__file__).resolve().parents[2] / "policies" / "salesforce-contact-center" / "schemas"
OBJECTS = ["Account", "Contact", "Case", "CaseComment", "Task", "Refund__c"]


@pytest.fixture
async def sandbox(aiohttp_server: Any) -> httpx.AsyncClient:
    server = await aiohttp_server(create_app(SandboxConfig()))
    return httpx.AsyncClient(
        base_url=str(server.make_url("")), headers={"Authorization": "Bearer sandbox-token"}
    )


async def test_shipped_pack_schemas_are_exactly_what_the_sandbox_describe_yields(
    sandbox: httpx.AsyncClient, tmp_path: Path
) -> None:
    async with sandbox:
        schemas = await fetch_schemas(sandbox, OBJECTS)
    for path in write_schemas(schemas, tmp_path):
        shipped = PACK / path.name
        assert shipped.read_text() == path.read_text(), (
            f"{shipped} is stale: regenerate with `guardrail schema import` (see the pack README)"
        )
        check_schema(json.loads(path.read_text()))


async def test_describe_refused_is_an_http_error(aiohttp_server: Any) -> None:
    server = await aiohttp_server(create_app(SandboxConfig()))
    async with httpx.AsyncClient(base_url=str(server.make_url(""))) as client:
        with pytest.raises(httpx.HTTPStatusError):
            await fetch_schemas(client, ["Case"])


def test_describe_attributes_map_to_schema_keywords() -> None:
    describe = {
        "name": "Thing__c",
        "keyPrefix": "a02",
        "fields": [
            {"name": "Id", "type": "id", "nillable": False, "createable": False, "updateable": False},
            {"name": "Code__c", "type": "string", "length": 10, "nillable": False,
             "createable": True, "updateable": False, "defaultedOnCreate": False},
            {"name": "Kind__c", "type": "picklist", "restrictedPicklist": True, "nillable": True,
             "createable": True, "updateable": True,
             "picklistValues": [{"value": "A", "active": True}, {"value": "B", "active": False}]},
            {"name": "Free__c", "type": "picklist", "restrictedPicklist": False, "length": 40,
             "createable": True, "updateable": True},
            {"name": "Who__c", "type": "reference", "referenceTo": ["Contact", "Lead"],
             "createable": True, "updateable": True},
            {"name": "Count__c", "type": "int", "nillable": False, "createable": True,
             "updateable": True, "defaultedOnCreate": True},
            {"name": "Flag__c", "type": "boolean", "nillable": False, "createable": True,
             "updateable": True},
        ],
    }  # fmt: skip
    schema = schema_from_describe(describe, {"Contact": "003"})
    props = schema["properties"]
    assert schema["required"] == ["Code__c"]  # not nillable, createable, not defaulted
    assert props["Id"]["readOnly"] is True
    assert props["Code__c"] == {"type": "string", "maxLength": 10, "x-salesforce-createOnly": True}
    assert props["Kind__c"]["enum"] == ["A", None]  # inactive values are not offered
    assert props["Free__c"] == {"type": ["string", "null"], "maxLength": 40}
    assert props["Who__c"]["x-salesforce-reference"] == {"Contact": "003"}
    assert props["Count__c"] == {"type": "integer"}
    assert props["Flag__c"] == {"type": "boolean"}
    check_schema(schema)


def test_an_unrestricted_picklist_lists_its_active_values_without_restricting_them() -> None:
    """Any text is saved in an unrestricted picklist, but one of its values in another case is
    saved as listed: the schema lists them (x-salesforce-picklist) so the proxy can refuse a
    value spelled another way, and restricts nothing else."""
    describe = {
        "name": "Thing__c",
        "fields": [
            {"name": "Stage__c", "type": "picklist", "restrictedPicklist": False, "length": 255,
             "createable": True, "updateable": True,
             "picklistValues": [{"value": "Open", "active": True},
                                {"value": "Closed", "active": True},
                                {"value": "Old", "active": False}]},
        ],
    }  # fmt: skip
    schema = schema_from_describe(describe, {})
    check_schema(schema)
    assert schema["properties"]["Stage__c"] == {
        "type": ["string", "null"],
        "maxLength": 255,
        "x-salesforce-picklist": ["Open", "Closed"],
    }
