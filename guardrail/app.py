"""Wires the parts into the two listeners: the proxy (CRM API surface) and the admin API.

``build`` makes everything that can fail on bad configuration or policies, before any socket
is opened; ``running`` opens the listeners and closes them in order on the way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from aiohttp import web
from pydantic import ValidationError

from guardrail import __version__, lookups
from guardrail.admin import conversations, decisions, tokens
from guardrail.admin import drift as drift_api
from guardrail.admin.auth import Credentials
from guardrail.admin.conversations import CONVERSATIONS, TOKENS
from guardrail.admin.decisions import DECISIONS, HOLDS
from guardrail.admin.drift import DRIFT
from guardrail.admin.origin import guarded, known_hosts
from guardrail.admin.review import mount as mount_review
from guardrail.admin.roles import signed_in
from guardrail.bulk import BulkJobs
from guardrail.config import AlertSettings, Settings, UnknownWrites
from guardrail.context.changes import ACCOUNT_RETENTION
from guardrail.context.factory import open_store
from guardrail.context.loader import ContextLoader, ConversationRecorder
from guardrail.context.store import ConversationStore
from guardrail.credential import CredentialedSender, CrmCredential, open_credential
from guardrail.crm.base import Dialect, DialectOptions, dialect_for
from guardrail.crm.canonical import BodyLimits
from guardrail.drift import DriftWatcher, describe, problem
from guardrail.drift import from_settings as drift_watcher
from guardrail.dryrun import CheckRequest, judge, refused
from guardrail.errors import ConfigError, DependencyFailure, PolicyError
from guardrail.framing import FramingServer
from guardrail.holds import Holds
from guardrail.holds.metrics import HoldMetrics
from guardrail.holds.notify import Notifier
from guardrail.judge import Judge
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import PolicySet, PolicyStore
from guardrail.post import PostVerifier
from guardrail.proxy import UPSTREAM, Proxy
from guardrail.readiness import Dependency, Readiness
from guardrail.sinks.alerts import Alerter, alertmanager, webhook
from guardrail.sinks.audit import AuditLog, AuditSink, audit_gate, open_audit_log
from guardrail.sinks.fanout import Fanout
from guardrail.sinks.logs import DecisionLog
from guardrail.sinks.metrics import CONTENT_TYPE, Metrics
from guardrail.tls import server_context
from guardrail.tokens.gate import open_gate
from guardrail.tracing import DISABLED, Tracing
from guardrail.understanding import service as understanding
from guardrail.understanding.backends import install as install_backends
from guardrail.upstream import Sender, Upstream

log = structlog.get_logger("guardrail")


def default_policies(dialect: str = "salesforce") -> Path:
    """The shipped contact-center pack of a CRM (``<dialect>-contact-center``): inside the
    wheel, or beside the source tree."""
    package = Path(__file__).parent
    for candidate in (package / "_packs", package.parent / "policies"):
        pack = candidate / f"{dialect}-contact-center"
        if pack.is_dir():
            return pack
    raise ConfigError("no policy directory given and the shipped pack is missing")


@dataclass
class Guardrail:
    settings: Settings
    policies: PolicyStore
    metrics: Metrics
    proxy: Proxy
    conversations: ConversationStore
    audit: AuditLog
    readiness: Readiness
    holds: Holds
    alerter: Alerter | None = None
    drift: DriftWatcher | None = None
    ready: bool = field(default=False)
    #: Wraps the forwarding client: the seam tests use to stand between the proxy and the CRM.
    transport: Callable[[Sender], Sender] | None = None
    #: What approved holds are executed through: the forwarding client with the proxy's own
    #: CRM credential (None without one). Set when the proxy listener starts.
    hold_sender: Sender | None = None
    #: The proxy's forwarding client (as proxied writes are sent and looked up through), which
    #: ``POST /check`` asks the CRM through. Set when the proxy listener starts.
    sender: Sender | None = None

    def reload_policies(self) -> PolicySet:
        """Reload atomically; on failure the last good set stays and PolicyError is raised."""
        try:
            loaded = self.policies.reload()
        except PolicyError as exc:
            self.metrics.policy_reloads.labels("failure").inc()
            log.error("policy_reload_failed", error=str(exc), kept=self.policies.current.version)
            raise
        self.metrics.policy_reloads.labels("success").inc()
        self.metrics.policy_set(loaded.version, len(loaded.policies))
        log.info("policy_reloaded", version=loaded.version, policies=len(loaded.policies))
        if self.drift is not None:
            self.drift.recheck()  # the new schemas may have drifted, or fixed a drift
        return loaded

    def proxy_app(self) -> web.Application:
        app = self.proxy.application()
        app.cleanup_ctx.append(self._audit)  # first in, last out: after every decision is in
        app.cleanup_ctx.append(self._upstream)
        app.cleanup_ctx.append(self._alerts)
        app.cleanup_ctx.append(self._post_queue)
        app.cleanup_ctx.append(self._holds)
        return app

    async def _holds(self, app: web.Application) -> AsyncIterator[None]:
        """Expire and recover held writes, and push settled ones, in the background."""
        notifier = self.holds.notifier
        if notifier is not None:
            notifier.start()
        sweeper = asyncio.create_task(self.holds.sweep_forever())
        yield
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        if notifier is not None:
            await notifier.close(self.settings.timeouts.shutdown / 2)

    async def _post_queue(self, app: web.Application) -> AsyncIterator[None]:
        """Async verifications run in the background; shutdown drains what is queued."""
        post = self.proxy.post
        if post is not None:
            post.start()
        yield
        if post is not None:
            await post.close(self.settings.timeouts.shutdown)

    async def _audit(self, app: web.Application) -> AsyncIterator[None]:
        """Open the audit log (or start unavailable and probe); close it once drained."""
        await self.audit.start()
        yield
        await self.audit.close()

    async def _alerts(self, app: web.Application) -> AsyncIterator[None]:
        """Deliver alerts in the background; on shutdown, what is queued gets a last chance."""
        if self.alerter is not None:
            self.alerter.start()
        yield
        if self.alerter is not None:
            await self.alerter.close(self.settings.timeouts.shutdown / 2)

    async def _upstream(self, app: web.Application) -> AsyncIterator[None]:
        s = self.settings
        upstream = Upstream.open(
            s.upstream_url,
            connect_timeout=s.timeouts.upstream_connect,
            timeout=s.timeouts.upstream,
            max_connections=s.limits.upstream_connections,
            ca_file=str(s.upstream_ca) if s.upstream_ca else None,
        )
        sender = self.transport(upstream) if self.transport is not None else upstream
        app[UPSTREAM] = self.sender = self.proxy.sender(sender)
        own = None  # passthrough: held writes go out with the proxy's credential, if it has one
        if self.proxy.tokens is not None:
            self.hold_sender = app[UPSTREAM]
        elif s.credential.configured:
            dialect = self.proxy.dialect
            own = open_credential(
                s.credential, s.upstream, token_path=dialect.token_path, timeout=s.timeouts.upstream
            )
            self.hold_sender = self.proxy.tracing.sender(
                CredentialedSender(sender, own, dialect.authorize)
            )
        yield
        self.hold_sender = self.sender = None
        await upstream.close()
        if own is not None:
            await own.close()
        if self.proxy.tokens is not None:
            await self.proxy.tokens.close()
        self.proxy.tracing.shutdown()
        await self.conversations.close()

    async def _watch_policies(self, app: web.Application) -> AsyncIterator[None]:
        """Reload when the policy files change (a ConfigMap update, an editor's save)."""
        interval = self.settings.policy_watch_seconds

        async def watch() -> None:
            while True:
                await asyncio.sleep(interval)
                if await asyncio.to_thread(self.policies.changed):
                    _reload_quietly(self)

        task = asyncio.create_task(watch()) if interval > 0 else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch_drift(self, app: web.Application) -> AsyncIterator[None]:
        """Check the CRM's describe for schema drift at start and on an interval."""
        if self.drift is None:
            yield
            return
        async with self.drift.running():
            yield

    def admin_app(self) -> web.Application:
        s = self.settings
        credentials = Credentials(tuple(s.api_tokens), s.api_reviewers, s.review_users)
        hosts = known_hosts(s.admin_listen.host, s.admin_hosts)
        middlewares = [guarded(hosts, check_host=credentials.api_open), signed_in(credentials)]
        app = web.Application(middlewares=middlewares)
        app.cleanup_ctx.append(self._watch_policies)
        app.cleanup_ctx.append(self._watch_drift)
        app.cleanup_ctx.append(self._watch_dependencies)
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/guardrail/v1/policies", self._list_policies)
        app.router.add_post("/guardrail/v1/policies/reload", self._reload)
        app.router.add_post("/guardrail/v1/check", self._check)
        app[CONVERSATIONS] = self.conversations
        app.add_routes(conversations.routes)
        if self.proxy.tokens is not None:
            app[TOKENS] = self.proxy.tokens
            app.add_routes(tokens.routes)
        app[DECISIONS] = self.audit
        app[HOLDS] = self.holds
        app.add_routes(decisions.routes)
        mount_review(app, self.audit, self.conversations, self.holds, credentials)
        if self.drift is not None:
            app[DRIFT] = self.drift
            app.add_routes(drift_api.routes)
        return app

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "version": __version__})

    async def _watch_dependencies(self, app: web.Application) -> AsyncIterator[None]:
        async with self.readiness.running():
            yield

    async def _readyz(self, request: web.Request) -> web.Response:
        readiness = self.readiness
        await readiness.probe_required()
        ready = self.ready and readiness.ready
        failing = readiness.failing()
        body = {
            "ready": ready,
            "policy_version": self.policies.current.version,
            "conversation_store": "conversation_store" not in failing,
            "audit_log": self.audit.available,
            "dependencies": readiness.report(),
            "unready_because": [
                f"{name}: {why}"
                for name, why in failing.items()
                if readiness.dependencies[name].required
            ]
            + ([] if self.ready else ["the listeners are not serving (starting or draining)"]),
        }
        return web.json_response(body, status=200 if ready else 503)

    async def _list_policies(self, request: web.Request) -> web.Response:
        current = self.policies.current
        return web.json_response(
            {
                "version": current.version,
                "source": current.source,
                "policies": [
                    {
                        "name": p.name,
                        "crm": p.crm,
                        "objects": sorted(p.objects),
                        "operations": sorted(p.operations),
                        "mode": p.mode,
                        "failurePolicy": "open" if p.fail_open else "closed",
                        "onDrift": "block" if p.block_on_drift else "flag",
                        "checks": [c.name for c in p.checks],
                        "source": p.source,
                    }
                    for p in current.policies
                ],
            }
        )

    async def _check(self, request: web.Request) -> web.Response:
        try:
            check = CheckRequest.model_validate_json(await request.read())
        except ValidationError as exc:
            return web.json_response(
                {"error": "invalid_check", "message": _first_error(exc)}, status=422
            )
        try:
            result = await judge(check, self.proxy.judge, self._crm(check), self.proxy.tokens)
        except DependencyFailure as exc:
            return web.json_response(refused(exc), status=503)
        return web.json_response(result)

    def _crm(self, check: CheckRequest) -> lookups.Get:
        """How a check asks the CRM what a write really writes: as the proxy would ask it for
        the same request (its Authorization in pass-through mode, the proxy's own credential
        in token mode), through the proxy's client."""
        if self.sender is None:
            return lookups.Unreachable("the proxy's connection to the CRM is not open yet")
        authorization = next(
            (v for k, v in check.headers.items() if k.lower() == "authorization"), None
        )
        return lookups.asking(self.sender, authorization)

    async def _reload(self, request: web.Request) -> web.Response:
        try:
            loaded = self.reload_policies()
        except PolicyError as exc:
            return web.json_response(
                {
                    "error": "invalid_policies",
                    "message": str(exc),
                    "kept": self.policies.current.version,
                },
                status=422,
            )
        return web.json_response({"version": loaded.version, "policies": len(loaded.policies)})


def build(
    settings: Settings,
    tracing: Tracing | None = None,
    transport: Callable[[Sender], Sender] | None = None,
) -> Guardrail:
    """Everything but the sockets. Raises ConfigError or PolicyError. ``tracing`` replaces
    the OTLP exporter ``settings.tracing`` turns on (tests give an in-memory one);
    ``transport`` wraps the forwarding client (tests stand between the proxy and the CRM)."""
    dialect = dialect_for(
        settings.dialect,
        DialectOptions(
            forward_unknown_writes=settings.unknown_writes is UnknownWrites.FORWARD,
            limits=BodyLimits(max_bytes=settings.limits.max_body_bytes),
        ),
    )
    policies = PolicyStore(settings.policies or default_policies(settings.dialect))
    metrics = Metrics(
        dialect.name,
        lambda obj: policies.current.object_name(dialect.name, obj),
        conversation_intents=settings.metrics.conversation_intents,
        mismatch_rules=settings.metrics.mismatch_rules,
        disposition_field=settings.metrics.disposition_field,
    )
    current = policies.current
    metrics.start(current.object_names(dialect.name))
    metrics.policy_set(current.version, len(current.policies))
    try:
        install_backends(settings.understanding)
        understanding.configure(settings.understanding.backends)
    except ValueError as exc:
        raise ConfigError(f"understanding.backends: {exc}") from None
    store = _open_store(settings)
    alerter = _alerter(settings.alerts, metrics)
    audit = open_audit_log(settings, metrics.registry)
    tokens = open_gate(settings, metrics, dialect)
    own = tokens.credential if tokens is not None else None  # one token cache
    drift = drift_watcher(settings, dialect, lambda: policies.current, metrics, alerter, own)
    pipeline = Pipeline(lambda: policies.current, settings.unmatched_writes, drift.violations)
    context = ContextLoader(store, dialect, ACCOUNT_RETENTION)
    sinks = Fanout(
        # The record is durable before an alert acts on it; the proxy's own books are kept
        # while it commits (the decision log first: its write hands the audit writer the GIL
        # early, so the commit's SQLite work overlaps the rest).
        [AuditSink(audit), *([alerter] if alerter else [])],
        metrics,
        beside=[
            DecisionLog(settings.log_field_values),
            metrics,
            ConversationRecorder(store, dialect),
        ],
    )
    hold_metrics = HoldMetrics(metrics.registry)
    webhook_url = settings.holds.webhook_url
    slot: list[Guardrail] = []  # the sender exists once the proxy listener starts
    jobs = BulkJobs(store, dialect, lambda obj: policies.current.kinds(dialect.name, obj))
    judge = Judge(dialect, pipeline, context, jobs)
    holds = Holds(
        audit=audit,
        judge=judge,
        report=functools.partial(sinks.emit, audited=True),
        metrics=hold_metrics,
        settings=settings.holds,
        sender=lambda: slot[0].hold_sender if slot else None,
        notifier=(Notifier(webhook_url.get_secret_value(), hold_metrics) if webhook_url else None),
        tokens=tokens,
    )
    proxy = Proxy(
        judge,
        context,
        metrics,
        sinks,
        max_body_bytes=settings.limits.max_body_bytes,
        body_timeout=settings.timeouts.client_body,
        post=PostVerifier(dialect, lambda: policies.current, metrics, sinks.emit),
        tokens=tokens,
        admit_write=audit_gate(audit, settings.audit_fail_open),
        tracing=tracing or (Tracing(enabled=True) if settings.tracing else DISABLED),
        holds=holds,
    )
    readiness = Readiness(_dependencies(settings, dialect, policies, store, audit, own))
    guardrail = Guardrail(
        settings,
        policies,
        metrics,
        proxy,
        store,
        audit,
        readiness,
        holds,
        alerter,
        drift=drift,
        transport=transport,
    )
    slot.append(guardrail)
    return guardrail


def _dependencies(
    settings: Settings,
    dialect: Dialect,
    policies: PolicyStore,
    store: ConversationStore,
    audit: AuditLog,
    credential: CrmCredential | None,
) -> list[Dependency]:
    """What the proxy cannot work without, and (holding the CRM credential) the CRM's parts."""

    async def audit_log() -> str | None:
        return None if audit.available else audit.health.reason

    found = [
        # Failing open, a replica still serves writes without its audit log: it stays ready.
        Dependency("audit_log", audit_log, required=not settings.audit_fail_open, every=1.0),
        Dependency("conversation_store", store.unavailable),
    ]
    if credential is None:  # pass-through: agents bring their own CRM credentials
        return found
    read = describe(settings, dialect, credential)

    async def crm_credential() -> str | None:
        await credential.token()
        return None

    async def crm_describe() -> str | None:
        objects = [obj for _, obj, _ in policies.current.schemas(dialect.name)]
        try:
            await read(objects[:1] or ["Account"])
        except Exception as exc:  # whatever it is, it is the CRM's answer to show
            return problem(exc)
        return None

    return [
        *found,
        Dependency("crm_credential", crm_credential, required=False, every=60.0),
        Dependency("crm_describe", crm_describe, required=False, every=60.0),
    ]


def _alerter(settings: AlertSettings, metrics: Metrics) -> Alerter | None:
    targets = []
    if settings.alertmanager_url:
        targets.append(alertmanager(settings.alertmanager_url))
    if settings.webhook_url:
        targets.append(webhook(settings.webhook_url.get_secret_value()))
    if not targets:
        return None
    return Alerter(
        targets,
        metrics,
        dedupe_seconds=settings.dedupe_seconds,
        queue_size=settings.queue_size,
        decision_url=settings.decision_url,
    )


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "body"
    return f"{where}: {err['msg']}"


def _open_store(settings: Settings) -> ConversationStore:
    url = settings.redis_url.get_secret_value() if settings.redis_url else None
    return open_store(url, settings.conversation_idle_seconds, settings.redis_prefix)


@dataclass(frozen=True)
class Listening:
    proxy_url: str
    admin_url: str


@asynccontextmanager
async def running(guardrail: Guardrail) -> AsyncIterator[Listening]:
    """Open both listeners; on exit, turn unready, stop accepting and drain in-flight requests."""
    s = guardrail.settings
    tls = server_context(s.tls_cert, s.tls_key) if s.tls_cert and s.tls_key else None
    shutdown = s.timeouts.shutdown
    # The proxy application's life is its AppRunner's; its connections are a FramingServer's,
    # so a request with broken framing is refused in the CRM's format (guardrail.framing).
    app = web.AppRunner(guardrail.proxy_app(), shutdown_timeout=shutdown)
    admin = web.AppRunner(guardrail.admin_app(), access_log=None, shutdown_timeout=shutdown)
    await app.setup()
    assert app.server is not None  # set up
    # The body as sent: the dialect undoes its content encoding itself, bounded, and forwards
    # the bytes it judged (aiohttp would decompress unbounded and keep the header).
    served = FramingServer(
        app.server, guardrail.proxy.refuse_unread, access_log=None, auto_decompress=False
    )
    proxy = web.ServerRunner(served, shutdown_timeout=shutdown)
    await proxy.setup()
    await admin.setup()
    try:
        await web.TCPSite(proxy, s.listen.host, s.listen.port, ssl_context=tls).start()
        await web.TCPSite(admin, s.admin_listen.host, s.admin_listen.port).start()
        listening = Listening(
            proxy_url=_url("https" if tls else "http", proxy.addresses[0]),
            admin_url=_url("http", admin.addresses[0]),
        )
        # Everything loaded so far (policies, schemas, libraries) lives as long as the process:
        # move it out of the collector's sight, so collections only scan per-request garbage.
        gc.freeze()
        guardrail.ready = True
        log.info(
            "listening",
            proxy=listening.proxy_url,
            admin=listening.admin_url,
            upstream=s.upstream,
            policy_version=guardrail.policies.current.version,
        )
        yield listening
    finally:
        guardrail.ready = False
        guardrail.proxy.draining = True
        await proxy.cleanup()  # stops listening and drains the proxy's connections
        await app.cleanup()
        await admin.cleanup()


def _url(scheme: str, address: tuple[str, int] | tuple[str, int, int, int]) -> str:
    host, port = address[0], address[1]
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


async def serve_forever(guardrail: Guardrail) -> None:
    """Run until SIGTERM or SIGINT; SIGHUP reloads the policies."""
    import signal

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, _reload_quietly, guardrail)
    async with running(guardrail):
        await stop.wait()
        log.info("shutting_down", drain_seconds=guardrail.settings.timeouts.shutdown)


async def probe_once(guardrail: Guardrail) -> dict[str, str]:
    """Open what the proxy depends on, probe each dependency once and close again: each that
    fails, and why (``guardrail serve --check-config``)."""
    await guardrail.audit.start()
    try:
        await guardrail.readiness.probe()
        return guardrail.readiness.failing()
    finally:
        await guardrail.audit.close()
        await guardrail.conversations.close()
        if guardrail.proxy.tokens is not None:
            await guardrail.proxy.tokens.close()


def _reload_quietly(guardrail: Guardrail) -> None:
    # A failure is logged and counted by reload_policies; the last good set stays.
    with contextlib.suppress(PolicyError):
        guardrail.reload_policies()
