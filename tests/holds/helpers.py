"""What the held-write tests share: an unsure refund's conversation, and the admin calls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID
from guardrail.testing import SANDBOX_TOKEN, Stack, TestCA
from tests.helpers import free_port

R = TypeVar("R")
REDIS_URL = "redis://127.0.0.1:6379/0"

#: The reviewers' API tokens (api_reviewers) and an anonymous one (api_tokens).
RITA, OSCAR, ANON = "rita-token", "oscar-token", "anonymous-token"
REVIEWERS = {"rita": RITA, "oscar": OSCAR}

#: A customer whose words the reading cannot be sure are a refund request: held, not guessed.
UNSURE_REFUND_TURNS = [
    {
        "role": "customer",
        "text": "Tracking has said out for delivery since Monday. Twelve ninety-nine, that's "
        "what it cost me.",
    },
    {"role": "agent", "text": "OK, one moment while I do that."},
]
REFUND = {
    "Amount__c": 12.99,
    "Reason__c": "Late Delivery",
    "Status__c": "Requested",
    "Account__c": ACME_ACCOUNT_ID,
}


def conversation(turns: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "channel": "chat",
        "customer": {
            "account_ids": [ACME_ACCOUNT_ID],
            "contact_ids": [ACME_CONTACT_ID],
            "verified": True,
        },
        "entitlements": {"refund_limit": 100},
        "turns": turns or UNSURE_REFUND_TURNS,
    }


def passthrough_stack(directory: Path, **settings: Any) -> Stack:
    """A stack in pass-through mode (agents bring the sandbox's token) whose proxy has that
    token too, to make approved writes with; ``settings`` override the reviewers."""
    return Stack(
        directory,
        auth_mode="passthrough",
        credential={"access_token": SANDBOX_TOKEN},
        api_tokens=[ANON],
        **{"api_reviewers": REVIEWERS, **settings},
    )


def token_stack(directory: Path, **settings: Any) -> Stack:
    """A stack in token mode (agents bear agent tokens, the proxy its own credential) whose
    holds are swept every 0.2 s; ``settings`` override the holds' settings."""
    return Stack(
        directory,
        auth_mode="token",
        api_tokens=[ANON],
        api_reviewers=REVIEWERS,
        holds={"sweep_seconds": 0.2, **settings},
    )


def at_once(calls: Sequence[Callable[[], R]]) -> list[R]:
    """Each of ``calls`` made at the same moment, one thread each; the results in the order
    they finished."""
    start = threading.Barrier(len(calls))
    results: list[R] = []

    def run(call: Callable[[], R]) -> None:
        start.wait()
        results.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def admin(base: str, method: str, path: str, token: str = ANON, **kw: Any) -> httpx.Response:
    """The admin API, with the platform's token unless ``token`` says otherwise."""
    return httpx.request(
        method,
        f"{base}/guardrail/v1/{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        **kw,
    )


def refunds(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("Amount__c") == 12.99]


def settle(base: str, held: str, decision: str, token: str = RITA, **extra: Any) -> httpx.Response:
    """``POST /guardrail/v1/decisions/{held}/approval`` as the reviewer ``token`` names."""
    body = {"decision": decision, **extra}
    return admin(base, "POST", f"decisions/{held}/approval", token=token, json=body)


class ProxyProcess:
    """A proxy process (tests/holds/proxy_process.py) in passthrough mode with its own CRM
    token, sharing ``audit_dsn`` and Redis with its siblings; ``crash`` as that script says."""

    def __init__(
        self, sandbox: str, tls: TestCA, audit_dsn: str, prefix: str, crash: str | None = None
    ) -> None:
        self.port, self.admin_port = free_port(), free_port()
        env = {
            **os.environ,
            "GUARDRAIL_UPSTREAM": sandbox,
            "GUARDRAIL_AUTH_MODE": "passthrough",
            "GUARDRAIL_CREDENTIAL__ACCESS_TOKEN": SANDBOX_TOKEN,
            "GUARDRAIL_LISTEN": f"127.0.0.1:{self.port}",
            "GUARDRAIL_ADMIN_LISTEN": f"127.0.0.1:{self.admin_port}",
            "GUARDRAIL_TLS_CERT": str(tls.cert_pem),
            "GUARDRAIL_TLS_KEY": str(tls.key_pem),
            "GUARDRAIL_AUDIT_DSN": audit_dsn,
            "GUARDRAIL_REDIS_URL": REDIS_URL,
            "GUARDRAIL_REDIS_PREFIX": prefix,
            "GUARDRAIL_API_TOKENS": json.dumps([ANON]),
            "GUARDRAIL_API_REVIEWERS": json.dumps(REVIEWERS),
            "GUARDRAIL_HOLDS__SWEEP_SECONDS": "0.2",
            "GUARDRAIL_HOLDS__LEASE_SECONDS": "1",
            "GUARDRAIL_LOG_LEVEL": "warning",
        }
        if crash:
            env["HOLD_TEST_CRASH"] = crash
        script = Path(__file__).with_name("proxy_process.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(script)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.admin = f"http://127.0.0.1:{self.admin_port}"
        self.tls = tls
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.communicate()[1])
            try:
                if httpx.get(f"{self.admin}/readyz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the proxy never became ready")
            time.sleep(0.05)

    def salesforce(self, conversation: str) -> Any:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.tls.ca_pem)
        session.headers["X-Guardrail-Conversation"] = conversation
        session.headers["X-Guardrail-Agent"] = "support-bot"
        return Salesforce(
            instance=f"127.0.0.1:{self.port}", session_id=SANDBOX_TOKEN, session=session
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=30)


class Webhook:
    """The platform's webhook: keeps every JSON body posted to it."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        received = self.events

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/holds"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def about(self, held: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if event["decision_id"] == held:
                    return event
            time.sleep(0.05)
        raise AssertionError(f"no webhook event about {held}: {self.events}")


def agent_of(stack: Stack, name: str) -> Any:
    """A simple-salesforce client with an agent token of conversation ``name`` (created with
    the unsure refund's turns), as an agent framework drives the proxy in token mode."""
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    issued = admin(
        stack.admin_url, "POST", f"conversations/{name}/tokens", json={"agent": "support-bot"}
    )
    return stack.salesforce(token=issued.json()["token"])


def held_in(error: SalesforceError) -> str:
    """The decision id a held write's error names for the agent to wait on."""
    content: Any = error.content
    assert content[0]["errorCode"] == "GUARDRAIL_HELD_FOR_APPROVAL", content
    message: str = content[0]["message"]
    return message.split("(decision ", 1)[1].split(")", 1)[0]


def issue_token(stack: Stack, name: str, **token: Any) -> dict[str, Any]:
    """A new agent token of agent ``bot`` for conversation ``name`` (``token``: the request's
    other fields, e.g. ``ttl_seconds``), as the admin API answers it."""
    issued = admin(
        stack.admin_url, "POST", f"conversations/{name}/tokens", json={"agent": "bot", **token}
    )
    assert issued.status_code == 201, issued.text
    answer: dict[str, Any] = issued.json()
    return answer


def hold_with_token(stack: Stack, name: str, **token: Any) -> tuple[str, str]:
    """The unsure refund held in a new conversation ``name``, sent by agent ``bot`` with a
    fresh agent token (``issue_token``): the hold's decision id and the token's id."""
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    issued = issue_token(stack, name, **token)
    sf = stack.salesforce(token=issued["token"])
    try:
        sf.Refund__c.create(REFUND)
    except SalesforceError as exc:
        return held_in(exc), issued["token_id"]
    raise AssertionError("the unsure refund was not held")


def hold_refund(stack: Stack, name: str, agent: str | None) -> str:
    """The decision id of the unsure refund held when ``agent`` (pass-through mode: named by
    its X-Guardrail-Agent header, or none) writes it in a new conversation ``name``."""
    admin(stack.admin_url, "PUT", f"conversations/{name}", json=conversation()).raise_for_status()
    sf = stack.salesforce(conversation=name, agent=agent, token=SANDBOX_TOKEN)
    try:
        sf.Refund__c.create(REFUND)
    except SalesforceError as exc:
        return held_in(exc)
    raise AssertionError("the unsure refund was not held")


def poll(sf: Any, decision_id: str) -> requests.Response:
    """``GET /guardrail/v1/decisions/{id}`` on the proxy, with the agent's own credential."""
    url = f"https://{sf.sf_instance}/guardrail/v1/decisions/{decision_id}"
    response: requests.Response = sf.session.get(url, headers=sf.headers, timeout=30)
    return response
