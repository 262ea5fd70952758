"""Shared test helpers (packs, processes, a wire recorder) and the fixtures conftest.py
registers; imported by test modules, which never import from one another."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from hypothesis import HealthCheck, settings
from multidict import CIMultiDict

from guardrail.sandbox.store import Change
from guardrail.testing import SANDBOX_TOKEN, LoopThread, Stack, start_app
from guardrail.upstream import Sender, UpstreamResponse

CASE_POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata:
  name: case-fields
spec:
  match:
    objects: [Case]
  mode: {mode}
  schema:
    type: object
    additionalProperties: false
    required: [Subject]
    properties:
      Subject: {{type: string, maxLength: 255}}
      Status: {{enum: [New, Working, Escalated, Closed]}}
"""
#: Digits to fullwidth digits (``str.translate``): digits to Python (``isdigit``, ``int``, ``\d``),
#: not to Rails or to an id pattern of ASCII digits.
FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + n) for n in range(10)))


@pytest.fixture(autouse=True, scope="session")
def _audit_log_outside_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`guardrail serve` keeps its audit log in the working directory by default: the tests'
    servers keep theirs in a temporary one, unless a test says otherwise."""
    if "GUARDRAIL_AUDIT_DSN" in os.environ:
        yield
        return
    path = tmp_path_factory.mktemp("audit") / "guardrail-audit.db"
    os.environ["GUARDRAIL_AUDIT_DSN"] = f"sqlite:///{path}"
    try:
        yield
    finally:
        os.environ.pop("GUARDRAIL_AUDIT_DSN", None)


SHIPPED_PACK = Path(__file__).resolve().parent.parent / "policies" / "salesforce-contact-center"


def salesforce_in(stack: Stack, conversation: str, body: dict[str, Any], agent: str) -> Any:
    """A simple-salesforce client through ``stack``'s proxy, in the conversation ``body``
    registers (through the admin API) under the name ``conversation`` (cut to 60 characters)."""
    name = conversation[:60]
    url = f"{stack.admin_url}/guardrail/v1/conversations/{name}"
    httpx.put(url, json=body, timeout=10).raise_for_status()
    return stack.salesforce(conversation=name, agent=agent)


def parameters_pack(directory: Path) -> Path:
    """The shipped pack's ParameterValidation alone (no conversation rules)."""
    shutil.copytree(SHIPPED_PACK / "schemas", directory / "schemas")
    shutil.copy(SHIPPED_PACK / "parameters.yaml", directory)
    return directory


def notes_pack(directory: Path) -> Path:
    """The shipped pack's ParameterValidation and its note rules (the sensitive-data rule)."""
    parameters_pack(directory)
    shutil.copy(SHIPPED_PACK / "notes.yaml", directory)
    return directory


@pytest.fixture(scope="module")
def notes_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A Salesforce stack judging by ``notes_pack``, one per test module."""
    directory = tmp_path_factory.mktemp("notes")
    pack = notes_pack(directory / "policies")
    with Stack(directory, auth_mode="passthrough", policies=pack) as running:
        yield running


def grounded_pack(directory: Path) -> Path:
    """The shipped pack's ParameterValidation and grounding: a write must name records the
    conversation has grounds for."""
    parameters_pack(directory)
    shutil.copy(SHIPPED_PACK / "grounding.yaml", directory)
    return directory


NO_HIGH_PRIORITY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata:
  name: no-high-priority
spec:
  match:
    objects: [Case]
    operations: [create, update, upsert]
  rules:
    - name: NotHigh
      expression: '!has(intent.fields.Priority) || intent.fields.Priority != "High"'
      message: Priority High is forbidden here.
"""


def guarded_pack(directory: Path) -> Path:
    """The shipped pack's schemas and CRM safeguards, and one rule on values: Priority High is
    forbidden on a Case, so a test can tell a rule saw a field under its canonical name."""
    parameters_pack(directory)
    shutil.copy(SHIPPED_PACK / "crm-safeguards.yaml", directory)
    (directory / "priority.yaml").write_text(NO_HIGH_PRIORITY)
    return directory


def write_case_pack(directory: Path, mode: str = "enforce") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "case.yaml").write_text(CASE_POLICY.format(mode=mode))
    return directory


@pytest.fixture
def case_pack(tmp_path: Path) -> Path:
    return write_case_pack(tmp_path / "policies")


@dataclass(frozen=True)
class Sent:
    """One request, as bytes on the wire, and whether the test's policies forbid what it
    would write (in any reading of it)."""

    method: str
    target: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    forbidden: bool = False
    note: str = ""


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Wire:
    """Sends a ``Sent`` through the proxy exactly as built, with ``authorization``."""

    def __init__(self, stack: Stack, authorization: str = f"Bearer {SANDBOX_TOKEN}") -> None:
        self.authorization = authorization
        self.host, _, port = stack.proxy_instance.partition(":")
        self.port = int(port)
        self.context = ssl.create_default_context(cafile=str(stack.tls.ca_pem))

    def send(self, sent: Sent) -> Answer:
        connection = http.client.HTTPSConnection(
            self.host, self.port, context=self.context, timeout=30
        )
        try:
            connection.putrequest(sent.method, sent.target, skip_accept_encoding=True)
            connection.putheader("Authorization", self.authorization)
            connection.putheader("X-Guardrail-Conversation", "invariant")
            for name, value in sent.headers:
                connection.putheader(name, value)
            if sent.body or sent.method in ("POST", "PATCH", "PUT"):
                connection.putheader("Content-Length", str(len(sent.body)))
            connection.endheaders(sent.body or None)
            response = connection.getresponse()
            return Answer(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            connection.close()


def taken_changes(stack: Stack) -> list[Change]:
    """What the Salesforce sandbox behind ``stack`` changed since last asked; its log emptied."""

    async def taken() -> list[Change]:
        found = list(stack.store.changes)
        stack.store.clear_changes()
        return found

    return stack.call(taken)


def guardrail(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardrail", *args],
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,  # type: ignore[call-overload]
    )


def free_port() -> int:
    """A port nothing listens on, below the kernel's ephemeral range where it has room: a port
    bound to 0 comes from that range, where an outgoing connection may take it before the
    process under test binds it ("address already in use"). Never one handed out before in
    this run: two asked for at once (a proxy's and its admin port) are free together."""
    ceiling = _ephemeral_floor()
    while True:
        port = _ports.randrange(10_000, ceiling) if ceiling > 11_000 else 0
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            found = int(s.getsockname()[1])
        _handed_out.add(found)
        return found


_ports = random.Random()
_handed_out: set[int] = set()  # bounded by the ports a run asks for


def _ephemeral_floor() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


class Serving:
    """``guardrail serve`` as a process (pass-through, the parameters pack, an unreachable
    CRM unless given one), its JSON log lines in a file, its admin listener in reach."""

    def __init__(self, directory: Path, *args: str, **env: str) -> None:
        self.admin = f"http://127.0.0.1:{free_port()}"
        self.log = directory / "serve.log"
        pack = parameters_pack(directory / "policies")
        defaults = ["--upstream", "http://127.0.0.1:9", "--auth-mode", "passthrough"]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "guardrail", "serve", *(args or defaults),
                 "--policies", str(pack), "--listen", f"127.0.0.1:{free_port()}",
                 "--admin-listen", self.admin.removeprefix("http://")],
                stdout=out, stderr=subprocess.STDOUT, text=True, env={**os.environ, **env},
            )  # fmt: skip

    def events(self, name: str) -> list[dict[str, Any]]:
        lines = self.log.read_text().splitlines()
        found = [json.loads(line) for line in lines if line.startswith("{")]
        return [e for e in found if e.get("event") == name]

    def readyz(self, ready: bool | None = None, seconds: float = 20) -> dict[str, Any]:
        """/readyz's answer, once listening (and, given ``ready``, once it says so)."""
        deadline = time.monotonic() + seconds
        while True:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                answer = httpx.get(f"{self.admin}/readyz", timeout=2)
            except httpx.TransportError:
                answer = None
            if answer is not None and (ready is None or answer.json()["ready"] is ready):
                return dict(answer.json())
            assert time.monotonic() < deadline, answer.text if answer else "never listened"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def wait_ready(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.communicate()[1])
        try:
            if httpx.get(url, timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{url} never became ready")


#: What a test module that starts a server, a stack or a process uses (fixtures or code).
_E2E_SIGNS = (
    "aiohttp_server",
    "aiohttp_client",
    "aiohttp_raw_server",
    "TestServer(",
    "Stack(",
    "start_app(",
    "LoopThread",
    "subprocess",
    "guardrail(",
    "sandbox_url",
)
_E2E_MODULES: dict[str, bool] = {}


def tier(item: pytest.Item) -> pytest.MarkDecorator:
    """``e2e`` for a test that starts servers, stacks or processes (by its fixtures, or what
    its module uses), else ``unit``."""
    if item.get_closest_marker("e2e") is not None:
        return pytest.mark.e2e
    path = str(item.path)
    if path not in _E2E_MODULES:
        source = item.path.read_text(encoding="utf-8")
        _E2E_MODULES[path] = any(sign in source for sign in _E2E_SIGNS)
    fixtures = set(getattr(item, "fixturenames", ()))
    started = _E2E_MODULES[path] or bool(fixtures & {"aiohttp_server", "aiohttp_client"})
    return pytest.mark.e2e if started else pytest.mark.unit


class ZendeskAgent:
    """An agent in a conversation of its own with one verified customer (``customer``: its
    account and contact ids), writing through the proxy to the Zendesk sandbox with Zendesk's
    JSON API; ``reads`` are the paths it reads first, which grounds them."""

    _numbers = itertools.count()

    def __init__(
        self, stack: Stack, customer: dict[str, list[str]], reads: tuple[str, ...] = ()
    ) -> None:
        self.stack = stack
        self.conversation = conversation = f"zendesk-agent-{next(self._numbers)}"
        httpx.put(
            f"{stack.admin_url}/guardrail/v1/conversations/{conversation}",
            json={
                "channel": "chat",
                "customer": {**customer, "verified": True},
                "turns": [{"role": "customer", "text": "My router keeps rebooting."}],
            },
            timeout=10,
        ).raise_for_status()
        self.client = httpx.Client(
            base_url=stack.proxy_url,
            verify=ssl.create_default_context(cafile=stack.tls.ca_pem),
            timeout=30,
            headers={
                "Authorization": "Bearer sandbox-oauth-token",
                "X-Guardrail-Conversation": conversation,
            },
        )
        for path in reads:
            self.client.get(path).raise_for_status()

    def write(self, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.client.request(method, path, json=body)

    def zenpy(self, name: str) -> Any:
        """zenpy in this conversation, as the agent ``name`` with the sandbox's API token."""
        from guardrail.sandbox.zendesk.seed import AGENT_EMAIL

        return self.stack.zendesk(conversation=self.conversation, agent=name, email=AGENT_EMAIL,
                                  token="sandbox-api-token")  # fmt: skip

    def records(self, obj: str) -> list[dict[str, Any]]:
        """The sandbox's ``obj`` records (``ticket``, ``comment``, ``organization``...)."""
        from guardrail.sandbox.zendesk import ZENDESK_STORE

        async def read() -> list[dict[str, Any]]:
            return [dict(r) for r in self.stack.crm_app[ZENDESK_STORE].records(obj)]

        return self.stack.call(read)


def zendesk_ticket(
    stack: Stack,
    requester: int,
    body: str = "Router reboots hourly.",
    public: bool = True,
    **attributes: Any,
) -> int:
    """A ticket ``requester`` raised, opened with a comment (``body``, public or a private
    note) and ``attributes``, made in the stack's Zendesk sandbox; its id."""
    from guardrail.sandbox.zendesk import ZENDESK_STORE

    async def make() -> int:
        made = stack.crm_app[ZENDESK_STORE].create_ticket({
            "subject": "Router", **attributes, "requester_id": requester,
            "comment": {"body": body, "public": public},
        })  # fmt: skip
        return int(made["id"])

    return stack.call(make)


def zendesk_problem(stack: Stack, requester: int) -> int:
    """A problem ticket (an outage's: incidents link to it) ``requester`` raised, made in the
    stack's Zendesk sandbox; its id."""
    return zendesk_ticket(
        stack, requester, "Routers down across the region.", subject="Outage", type="problem"
    )


def zendesk_stack_with(directory: Path, pack: Path) -> Stack:
    """The proxy with ``pack``, in front of the Zendesk sandbox; its certificate names
    ``acme.zendesk.test`` too, so zenpy reaches it (``Stack.zendesk``). Enter it."""
    from guardrail.sandbox.zendesk import ZendeskConfig, create_app

    return Stack(
        directory, auth_mode="passthrough", crm=lambda: create_app(ZendeskConfig()),
        dialect="zendesk", policies=pack, hostnames=["acme.zendesk.test"],
    )  # fmt: skip


@pytest.fixture(scope="module")
def zendesk_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The proxy with the shipped Zendesk pack, in front of the Zendesk sandbox."""
    pack = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
    with zendesk_stack_with(tmp_path_factory.mktemp("zendesk-pack"), pack) as running:
        yield running


def acme_on_the_line(stack: Stack, conversation: str, said: str) -> None:
    """Register ``conversation`` (ServiceNow): Acme's verified contact, who said ``said``."""
    from guardrail.sandbox.servicenow.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID

    _verified(stack, conversation, "voice", said, ACME_ACCOUNT_ID, ACME_CONTACT_ID)


def deletes_allowed(directory: Path, crm: str, objects: list[str]) -> Path:
    """A pack under ``directory`` whose one policy lets any delete of ``objects`` through: for
    tests of what a delete does beside its record, which no policy may wave through."""
    pack = directory / "policies"
    pack.mkdir()
    (pack / "deletes-allowed.yaml").write_text(
        "apiVersion: guardrail/v1\nkind: GuardrailPolicy\nmetadata: {name: deletes-allowed}\n"
        f"spec:\n  crm: {crm}\n  match: {{objects: {json.dumps(objects)}, "
        "operations: [delete]}\n  rules:\n    - {name: Allowed, expression: 'true', "
        "message: Never shown.}\n"
    )
    return pack


ZENDESK_FORBIDDING = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: forbidding}
spec:
  crm: zendesk
  match: {objects: [ticket], operations: [create, update, upsert]}
  rules:
    - name: NotUrgent
      expression: '!("priority" in intent.fields) || intent.fields.priority != "urgent"'
      message: Urgent is for supervisors.
    - name: NoCardInComments
      expression: >-
        !("comment.body" in intent.fields)
        || !pii(string(intent.fields["comment.body"])).exists(k, k == "card")
      message: No card numbers in comments.
"""


def zendesk_stack_forbidding(directory: Path) -> Stack:
    """The proxy, with the shipped Zendesk pack's schemas, ParameterValidation and safeguards
    and a policy forbidding priority urgent and card numbers in comments
    (``ZENDESK_FORBIDDING``), in front of the sandbox account. Enter it."""
    from guardrail.sandbox.zendesk import create_app

    shipped = Path(__file__).resolve().parent.parent / "policies" / "zendesk-contact-center"
    pack = directory / "pack"
    shutil.copytree(shipped / "schemas", pack / "schemas")
    for name in ("parameters.yaml", "safeguards.yaml"):
        shutil.copy(shipped / name, pack)
    (pack / "forbidding.yaml").write_text(ZENDESK_FORBIDDING)
    return Stack(
        directory, auth_mode="passthrough", crm=create_app, dialect="zendesk", policies=pack
    )


def servicenow_safeguards_pack(directory: Path) -> Path:
    """The shipped ServiceNow pack's schemas, ParameterValidation and CRM safeguards alone, in
    ``directory`` (a test adds its own policies beside them)."""
    shipped = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"
    (directory / "schemas").mkdir(parents=True)
    for name in ("parameters.yaml", "safeguards.yaml"):
        shutil.copy(shipped / name, directory)
    for schema in (shipped / "schemas").glob("*.json"):
        shutil.copy(schema, directory / "schemas")
    return directory


def servicenow_stack_with(directory: Path, pack: Path) -> Stack:
    """The proxy with ``pack``, in front of the sandbox instance. Enter it."""
    from guardrail.config import AuthMode
    from guardrail.sandbox.servicenow import create_app

    return Stack(
        directory, auth_mode=AuthMode.PASSTHROUGH, crm=create_app, dialect="servicenow",
        policies=pack,
    )  # fmt: skip


@pytest.fixture(scope="module")
def servicenow_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The proxy with the shipped ServiceNow pack, in front of the sandbox instance."""
    pack = Path(__file__).parent.parent / "policies" / "servicenow-contact-center"
    with servicenow_stack_with(tmp_path_factory.mktemp("servicenow-pack"), pack) as running:
        yield running


def through_a_stack(examples: int) -> settings:
    """Hypothesis settings for a property each example of which goes through a running stack
    (a module fixture): no deadline, and no complaint about slowness or the shared fixture."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture(scope="module")
def alerts() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A webhook that keeps the alerts it is sent: its URL (a stack's ``alerts.webhook_url``)
    and what it received."""
    received: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    thread = LoopThread()
    runner, url = thread.call(start_app(app))
    yield f"{url}/hook", received
    thread.call(runner.cleanup())
    thread.close()


def wait_for_alert(alerts: list[dict[str, Any]], policy: str, **matching: str) -> dict[str, Any]:
    """The first alert ``alerts`` received of a violation of ``policy`` (and whose other
    fields are as ``matching`` says), waiting up to 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for alert in alerts:
            if alert.get("policy") == policy and all(
                alert.get(k) == v for k, v in matching.items()
            ):
                return alert
        time.sleep(0.05)
    raise AssertionError(f"no alert for {policy}: {alerts}")


class Race:
    """Stands between the proxy and the CRM: once the CRM has answered a lookup the test
    arranged a race for, makes the record that lookup was for (on the stack's loop), before
    the proxy sends the write it judged on that answer."""

    def __init__(self) -> None:
        self._arranged: dict[str, Callable[[], Any]] = {}
        self.made: dict[str, Any] = {}  # what each race made (its id), by the lookup's target

    def arrange(self, lookup: str, make: Callable[[], Any]) -> None:
        """Run ``make`` once, right after the proxy's GET whose target holds ``lookup``."""
        self._arranged[lookup] = make

    def wrap(self, sender: Sender) -> Sender:
        race = self

        class Racing:
            async def send(
                self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
            ) -> UpstreamResponse:
                answer = await sender.send(method, path, headers, body)
                for lookup in [k for k in race._arranged if method == "GET" and k in path]:
                    race.made[lookup] = race._arranged.pop(lookup)()
                return answer

        return Racing()


def acme_in_chat(stack: Stack, conversation: str, said: str) -> None:
    """Register ``conversation`` (Salesforce): Acme's verified contact, who said ``said``."""
    from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID

    _verified(stack, conversation, "chat", said, ACME_ACCOUNT_ID, ACME_CONTACT_ID)


def _verified(
    stack: Stack, conversation: str, channel: str, said: str, account: str, contact: str
) -> None:
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{conversation}",
        json={"channel": channel, "turns": [{"role": "customer", "text": said}],
              "customer": {"account_ids": [account], "contact_ids": [contact],
                           "verified": True}},
        timeout=10,
    ).raise_for_status()  # fmt: skip
