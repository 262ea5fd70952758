"""The Zendesk pack's labeled scenarios through the real proxy, in front of the Zendesk sandbox:
the same files ``guardrail test`` runs offline, decided the same way live (starting records made
in the sandbox, reads and writes sent over TLS as a client would, conversations through the
admin API). Every write must be decided as labeled."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

from guardrail.crm.zendesk_fields import unflatten
from guardrail.crm.zendesk_sim import API_PATH, SimulatedZendesk, starting_record
from guardrail.sandbox.zendesk import ZENDESK_STORE, create_app
from guardrail.scenarios.format import (
    NewConversationStep,
    PatchStep,
    ReadStep,
    Scenario,
    TurnsStep,
    WriteStep,
    load_scenarios,
    start,
)
from guardrail.scenarios.scoring import StepResult
from guardrail.testing import Stack
from tests.scenarios.suite import REFUSALS

PACK = Path(__file__).parent.parent.parent / "policies" / "zendesk-contact-center"
BLOCKED = re.compile(r"Blocked by crm-guardrail \((?P<rule>[^()]+)\): ")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(tmp_path_factory.mktemp("zendesk-scenarios"), auth_mode="passthrough",
               crm=create_app, dialect="zendesk", policies=PACK) as running:  # fmt: skip
        yield running


class LiveRunner:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = str(stack.tls.ca_pem)
        self.http.headers["Authorization"] = "Bearer sandbox-oauth-token"

    def create(self, sobject: str, fields: dict[str, Any]) -> str:
        obj, flat = starting_record(sobject, fields)
        record = unflatten(flat)
        if obj == "ticket":
            record.setdefault("comment", {"body": "Opened by the customer."})

        async def make() -> str:
            store = self.stack.crm_app[ZENDESK_STORE]
            made = getattr(store, f"create_{obj}")(record)
            return str(made["id"])

        return self.stack.call(make)

    def conversation(self, conversation: str, body: Any, method: str = "PUT") -> None:
        url = f"{self.stack.admin_url}/guardrail/v1/conversations/{conversation}"
        if method == "POST":
            url += "/turns"
        httpx.request(method, url, json=body, timeout=10).raise_for_status()

    def read(self, path: str, conversation: str) -> None:
        answer = self.http.get(f"{self.stack.proxy_url}{API_PATH}/{path}",
                               headers={"X-Guardrail-Conversation": conversation})  # fmt: skip
        assert answer.status_code == 200, answer.text

    def run(self, scenario: Scenario) -> list[StepResult]:
        tag = uuid.uuid4().hex[:8]
        crm = SimulatedZendesk
        values = start(scenario.records, tag, self.create, crm.starting_records, crm.queues)
        conversation = f"live-{tag}-{scenario.name}"
        self.conversation(conversation, values.fill(scenario.conversation))
        for path in scenario.reads:
            self.read(values.fill(path), conversation)
        results = []
        for n, step in enumerate(scenario.steps):
            if isinstance(step, WriteStep):
                result, made = self.write(scenario, step, values.fill(step.path),
                                          values.fill(step.body), conversation)  # fmt: skip
                results.append(result)
                if made is not None:
                    values.created[step.name] = made
            elif isinstance(step, ReadStep):
                self.read(values.fill(step.read), conversation)
            elif isinstance(step, PatchStep):
                self.conversation(conversation, values.fill(step.patch), "PATCH")
            elif isinstance(step, TurnsStep):
                self.conversation(conversation, {"turns": values.fill(step.append_turns)}, "POST")
            elif isinstance(step, NewConversationStep):
                conversation = f"live-{tag}-{n}-{scenario.name}"
                self.conversation(conversation, values.fill(step.new_conversation))
        return results

    def write(
        self, scenario: Scenario, step: WriteStep, path: str, body: Any, conversation: str
    ) -> tuple[StepResult, str | None]:
        """The write's result, and the id of the record it created, if it created one."""
        answer = self.http.request(
            step.method, f"{self.stack.proxy_url}{API_PATH}/{path}",
            data=None if body is None else json.dumps(body),
            headers={"X-Guardrail-Conversation": conversation, "Content-Type": "application/json",
                     **({"X-Guardrail-Tool": step.tool} if step.tool else {}), **step.headers},
        )  # fmt: skip
        result = StepResult.pending(scenario, step)
        decision = answer.headers.get("X-Guardrail-Decision", "error")
        rules = frozenset(BLOCKED.findall(answer.text)) if decision == "block" else frozenset()
        if decision == "block" and not rules:  # refused unjudged: named as offline, by its code
            refused = REFUSALS.get(answer.json().get("error"))
            rules = frozenset({f"guardrail/{refused}"} if refused else ())
        made = None
        if step.method == "POST" and decision == "allow" and answer.status_code == 201:
            [record] = [v for v in answer.json().values() if isinstance(v, dict) and "id" in v][:1]
            made = str(record["id"])
        judged = replace(result, decision=decision, blocked_by=rules, detail=answer.text[:300])
        return judged, made


def test_every_zendesk_scenario_is_decided_as_labeled_through_the_proxy(stack: Stack) -> None:
    runner = LiveRunner(stack)
    results = [r for s in load_scenarios(PACK / "scenarios") for r in runner.run(s)]
    assert len(results) >= 20
    problems = [r.problem for r in results if r.problem]
    assert not problems, problems
