"""ServiceNow's describe: the schemas built from sys_dictionary and sys_choice are the shipped
pack's, and a choice list that changed on the instance shows as drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from guardrail.crm.drift import DriftKind
from guardrail.crm.servicenow import ServiceNowDialect
from guardrail.sandbox.servicenow import create_app

SCHEMAS = Path(__file__).resolve().parents[2] / "policies/servicenow-contact-center/schemas"
TABLES = sorted(p.stem for p in SCHEMAS.glob("*.json"))


async def _describe(aiohttp_client: Any) -> dict[str, dict[str, Any]]:
    server = await aiohttp_client(create_app())
    base = str(server.make_url("/")).rstrip("/")
    async with httpx.AsyncClient(base_url=base, auth=("admin", "sandbox-password")) as client:
        return await ServiceNowDialect().describe(client, TABLES, "")


async def test_the_pack_schemas_are_what_the_instance_describes(aiohttp_client: Any) -> None:
    live = await _describe(aiohttp_client)
    assert live == {t: json.loads((SCHEMAS / f"{t}.json").read_text()) for t in TABLES}


async def test_a_choice_the_pack_knows_and_the_instance_dropped_is_drift(
    aiohttp_client: Any,
) -> None:
    live = await _describe(aiohttp_client)
    pack = json.loads((SCHEMAS / "sn_customerservice_case.json").read_text())
    pack["properties"]["category"]["enum"].append("warranty")
    drift = ServiceNowDialect().drift(
        "sn_customerservice_case", pack, live["sn_customerservice_case"]
    )
    assert [(d.field, d.kind) for d in drift] == [("category", DriftKind.PICKLIST_VALUE_REMOVED)]
