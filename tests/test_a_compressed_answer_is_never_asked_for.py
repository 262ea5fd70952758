"""The proxy reads the CRM's answers (which record a create made, what a read showed, what a
read-back found), so it never lets an agent ask the CRM to compress them: Salesforce gzips or
deflates an answer whenever the request's Accept-Encoding allows it, and requests, httpx and
simple-salesforce send ``Accept-Encoding: gzip, deflate`` on every call. Differential against
the sandbox, which compresses as Salesforce does: every record a create made is named by its
audited decision, and a read is remembered as the agent saw it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrail.testing import Stack
from tests.helpers import Sent, Wire, guarded_pack, through_a_stack

API = "/services/data/v59.0"
ACCOUNT = "001000000000001AAA"
CONVERSATION = "invariant"  # the one Wire names
#: What clients send, and what else HTTP lets an Accept-Encoding say.
ENCODINGS = st.sampled_from(
    ["gzip, deflate", "gzip, deflate, br, zstd", "gzip", "deflate", "GZIP;q=1.0", "*",
     "identity;q=0.5, gzip", "br;q=0.2, deflate;q=0.9"]
)  # fmt: skip


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    pack = guarded_pack(tmp_path_factory.mktemp("pack"))
    with Stack(tmp_path_factory.mktemp("gzip"), auth_mode="passthrough", policies=pack) as s:
        url = f"{s.admin_url}/guardrail/v1/conversations/{CONVERSATION}"
        httpx.put(url, json={"channel": "chat", "turns": []}).raise_for_status()
        yield s


def _decision(stack: Stack, decision_id: str) -> dict[str, object]:
    found = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}")
    found.raise_for_status()
    return dict(found.json())


@through_a_stack(8)
@given(accepted=ENCODINGS)
def test_a_create_asking_for_a_compressed_answer_is_audited_under_the_record_it_made(
    stack: Stack, accepted: str
) -> None:
    body = json.dumps({"Subject": "Call back", "WhatId": ACCOUNT}).encode()
    headers = (("Content-Type", "application/json"), ("Accept-Encoding", accepted))
    answer = Wire(stack).send(Sent("POST", f"{API}/sobjects/Task", body, headers))
    assert answer.status == 201, answer.body
    assert "content-encoding" not in answer.headers
    made = json.loads(answer.body)["id"]
    decision = _decision(stack, answer.headers["x-guardrail-decision-id"])
    assert [i["saved_id"] for i in decision["intents"]] == [made]  # type: ignore[attr-defined]


@through_a_stack(4)
@given(accepted=ENCODINGS)
def test_a_read_asking_for_a_compressed_answer_is_remembered_as_the_agent_saw_it(
    stack: Stack, accepted: str
) -> None:
    async def create() -> str:
        return stack.store.create("Account", {"Name": "Read compressed"})

    account = stack.call(create)
    headers = (("Accept-Encoding", accepted),)
    answer = Wire(stack).send(Sent("GET", f"{API}/sobjects/Account/{account}", headers=headers))
    assert answer.status == 200, answer.body
    assert json.loads(answer.body)["Id"] == account
    seen = httpx.get(f"{stack.admin_url}/guardrail/v1/conversations/{CONVERSATION}")
    assert account in seen.text
