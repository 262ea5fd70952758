"""Test helpers shipped with the package: a throwaway CA, and a whole stack in a thread.

``Stack`` runs the sandbox CRM and the guardrail proxy (over TLS, because Salesforce clients
speak only https) on free loopback ports, on an event loop of their own, so synchronous CRM
clients such as simple-salesforce can drive them from the calling thread. The tests, the demo
and the benchmarks share it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from guardrail.app import Guardrail, build, running
from guardrail.config import AuthMode, Settings
from guardrail.sandbox import STORE, SandboxConfig, SandboxStore, create_app
from guardrail.sandbox.oauth import OAUTH, OAuthServer
from guardrail.tls import DevelopmentCerts
from guardrail.upstream import Sender

T = TypeVar("T")
SANDBOX_TOKEN = "sandbox-token"  # noqa: S105 - the sandbox's default, not a secret


class TestCA(DevelopmentCerts):
    """A certificate authority and a server certificate for 127.0.0.1 and localhost, on disk."""

    __test__ = False  # a helper, not a test class


class LoopThread:
    """An event loop running in a daemon thread; ``call`` runs a coroutine there and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


async def start_app(app: web.Application, host: str = "127.0.0.1") -> tuple[web.AppRunner, str]:
    """Serve ``app`` on a free port; returns the runner (to clean up) and its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, 0).start()
    port = runner.addresses[0][1]
    return runner, f"http://{host}:{port}"


class Stack:
    """Sandbox CRM + guardrail proxy (TLS) + admin listener, in a background thread.

    ``settings`` are overrides on top of what the stack sets (upstream, listeners, TLS, audit
    log, auth mode). ``auth_mode`` is chosen, never defaulted from ``guardrail serve``:
    ``passthrough`` for a test that drives the proxy as an agent holding the sandbox's token
    and sending the X-Guardrail-* headers; ``token`` for one that issues agent tokens
    (``agent_token``), with the proxy fetching its own sandbox token by client credentials
    (the sandbox's default client) unless ``credential`` is given.
    """

    def __init__(
        self,
        directory: Path,
        *,
        auth_mode: AuthMode,
        sandbox: SandboxConfig | None = None,
        transport: Callable[[Sender], Sender] | None = None,
        **settings: Any,
    ) -> None:
        self.directory = directory
        self.auth_mode = AuthMode(auth_mode)
        self._transport = transport
        self._sandbox_config = sandbox or SandboxConfig()
        self._settings = settings
        self.tls = TestCA.create(directory / "tls")
        self._thread: LoopThread | None = None
        self._stop: asyncio.Event | None = None
        self._served: Future[None] | None = None

    # set by __enter__
    sandbox_url: str
    proxy_url: str
    admin_url: str
    store: SandboxStore
    oauth: OAuthServer
    guardrail: Guardrail

    def __enter__(self) -> Stack:
        self._thread = LoopThread()
        ready: Future[None] = Future()
        self._served = self._thread.submit(self._serve(ready))
        try:
            ready.result(30)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    async def _serve(self, ready: Future[None]) -> None:
        try:
            sandbox_app = create_app(self._sandbox_config)
            sandbox_runner, self.sandbox_url = await start_app(sandbox_app)
            self.store = sandbox_app[STORE]
            self.oauth = sandbox_app[OAUTH]
            settings = Settings(
                **{
                    "upstream": self.sandbox_url,
                    "listen": "127.0.0.1:0",
                    "admin_listen": "127.0.0.1:0",
                    "tls_cert": self.tls.cert_pem,
                    "tls_key": self.tls.key_pem,
                    "audit_dsn": f"sqlite:///{self.directory.resolve() / 'audit.db'}",
                    "auth_mode": self.auth_mode,
                    **self._own_credential(),
                    **self._settings,
                }
            )
            self.guardrail = build(settings)
            if self._transport is not None:
                self.guardrail.transport = self._transport
            self._stop = asyncio.Event()
            async with running(self.guardrail) as listening:
                self.proxy_url, self.admin_url = listening.proxy_url, listening.admin_url
                ready.set_result(None)
                await self._stop.wait()
            await sandbox_runner.cleanup()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is None:
            return
        if self._stop is not None:
            self._thread.loop.call_soon_threadsafe(self._stop.set)
        if self._served is not None:
            # A start-up failure was raised from __enter__ already.
            with contextlib.suppress(Exception):
                self._served.result(30)
        self._thread.close()
        self._thread = None

    def _own_credential(self) -> dict[str, Any]:
        """With token binding, the proxy's credential: the sandbox's first OAuth client."""
        if self.auth_mode is not AuthMode.TOKEN or "credential" in self._settings:
            return {}
        client_id, secret = next(iter(self._sandbox_config.oauth_clients.items()))
        return {"credential": {"client_id": client_id, "client_secret": secret}}

    def agent_token(self, conversation: str, agent: str, **request: Any) -> str:
        """A token for ``agent`` in ``conversation`` (which must exist), from the admin API;
        ``request`` adds ``ttl_seconds`` or ``scopes``."""
        import httpx

        url = f"{self.admin_url}/guardrail/v1/conversations/{conversation}/tokens"
        answer = httpx.post(url, json={"agent": agent, **request}, timeout=10)
        answer.raise_for_status()
        token: str = answer.json()["token"]
        return token

    @property
    def proxy_instance(self) -> str:
        """``host:port`` of the proxy, as simple-salesforce's ``instance`` takes it."""
        return self.proxy_url.removeprefix("https://")

    def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Run ``fn()`` on the stack's loop (to touch the sandbox store or the proxy safely)."""
        assert self._thread is not None

        async def wrapper() -> T:
            return await fn()

        return self._thread.call(wrapper())

    def salesforce(
        self,
        *,
        conversation: str | None = None,
        agent: str | None = None,
        token: str = SANDBOX_TOKEN,
    ) -> Any:
        """A simple-salesforce client pointed at the proxy, trusting the stack's CA."""
        import requests
        from simple_salesforce.api import Salesforce

        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify (RECIPES.md)
        session.verify = str(self.tls.ca_pem)
        if conversation:
            session.headers["X-Guardrail-Conversation"] = conversation
        if agent:
            session.headers["X-Guardrail-Agent"] = agent
        return Salesforce(instance=self.proxy_instance, session_id=token, session=session)
