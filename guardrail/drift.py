"""Schema drift while the proxy runs: the CRM's describe against the policies' schemas.

The CRM team adds a required field, retires a picklist value or shortens a field, and the
pack's schemas go stale without a sound: ParameterValidation lets through writes the CRM will
refuse, or refuses writes the CRM now takes. So the proxy reads the describe of every object
its policies' schemas cover, at start and on an interval, off the hot path (httpx, the proxy's
own credential), compares it with those schemas (``guardrail.crm.drift``) and keeps the drift
that stands. Each standing drift is a metric series, a log line when it appears and when it is
resolved, an alert (Alertmanager, webhook) and an entry in the admin API.

On the hot path a write meets drift when it sets a field with drift or, on create, leaves out
a field the CRM now requires. What it gets is its policy's ``spec.onDrift``: ``block`` refuses
it with a violation naming the drift (rule ``SchemaDrift``); ``flag`` lets it through with a
warn-action violation, so the decision, the audit log and the metrics record it. A drift
belongs to the policy whose schema it was found in, so that policy's choice governs.

``guardrail schema diff`` runs the same comparison once, from the command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from multidict import CIMultiDict

from guardrail.config import Settings
from guardrail.credential import CrmCredential, open_credential
from guardrail.crm.base import Dialect
from guardrail.crm.drift import Drift, DriftKind
from guardrail.model import Action, Operation, Violation, WriteIntent
from guardrail.policy.loader import Policy, PolicySet
from guardrail.sinks.alerts import Alerter
from guardrail.sinks.metrics import Metrics

log = structlog.get_logger("guardrail.drift")

RULE = "SchemaDrift"
CODE = "GUARDRAIL_SCHEMA_DRIFT"
ALERT_NAME = "GuardrailSchemaDrift"

#: The live schemas of some objects, by object name (raises on a describe that fails).
Fetch = Callable[[Sequence[str]], Awaitable[Mapping[str, Mapping[str, Any]]]]
#: Drift per (policy name, object as the policy spells it).
Found = dict[tuple[str, str], tuple[Drift, ...]]


@dataclass(frozen=True)
class Describe:
    """Reads the CRM's describe (as ``dialect`` says) with ``credential``: a Fetch over a
    fresh client per check (checks are minutes apart, so no connection is held open between
    them). A token the CRM refuses (a session that ended early) is refreshed and the describe
    read once more, as the proxy's forwarding does (guardrail.credential)."""

    dialect: Dialect
    base_url: str
    credential: CrmCredential
    api_version: str = "59.0"
    timeout: float = 30.0
    verify: ssl.SSLContext | bool = True

    async def __call__(self, objects: Sequence[str]) -> dict[str, dict[str, Any]]:
        token = await self.credential.token()
        try:
            return await self._read(objects, token)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 401:
                raise
            fresh = await self.credential.refresh(token)
            if fresh == token:
                raise
            return await self._read(objects, fresh)

    async def _read(self, objects: Sequence[str], token: str) -> dict[str, dict[str, Any]]:
        headers = dict(self.dialect.authorize(CIMultiDict(), token))
        async with httpx.AsyncClient(  # never through a proxy the environment names
            base_url=self.base_url,
            headers=headers,
            timeout=self.timeout,
            verify=self.verify,
            follow_redirects=False,
            trust_env=False,
        ) as client:
            return await self.dialect.describe(client, objects, self.api_version)


def from_settings(
    settings: Settings,
    dialect: Dialect,
    policies: Callable[[], PolicySet],
    metrics: Metrics,
    alerter: Alerter | None,
    credential: CrmCredential | None = None,
) -> DriftWatcher:
    """The watcher ``guardrail serve`` runs: the upstream's describe, read with the proxy's
    own credential (never an agent's: checks run when no agent is calling).

    ``credential`` is that credential when the app already holds it (token binding); else
    the watcher opens its own from the settings, and closes it when it stops.
    """
    drift = settings.drift
    if drift.interval_seconds <= 0:
        return DriftWatcher(dialect, policies, None, metrics, alerter, interval=0)  # says it is off
    owned = None
    if credential is None and settings.credential.configured:
        ca_file = str(settings.upstream_ca) if settings.upstream_ca else None
        credential = owned = open_credential(
            settings.credential,
            settings.upstream,
            token_path=dialect.token_path,
            timeout=drift.timeout_seconds,
            ca_file=ca_file,
        )
    if credential is None:
        reason = (
            "no CRM credential to read the describe with (set credential.access_token, or "
            "credential.client_id and credential.client_secret)"
        )
        return DriftWatcher(dialect, policies, None, metrics, alerter, off_reason=reason)
    return DriftWatcher(
        dialect,
        policies,
        describe(settings, dialect, credential),
        metrics,
        alerter,
        interval=drift.interval_seconds,
        on_close=owned.close if owned is not None else None,
    )


def describe(settings: Settings, dialect: Dialect, credential: CrmCredential) -> Describe:
    """The upstream's describe as the settings say to read it (CA, API version, timeout)."""
    verify: ssl.SSLContext | bool = True
    if settings.upstream_ca is not None:
        verify = ssl.create_default_context(cafile=str(settings.upstream_ca))
    drift = settings.drift
    return Describe(
        dialect, settings.upstream, credential, drift.api_version, drift.timeout_seconds, verify
    )


async def detect(
    policy_set: PolicySet, dialect: Dialect, fetch: Fetch, objects: Collection[str] | None = None
) -> Found:
    """Drift between each policy's schema and the CRM's describe, per (policy, object).

    ``objects`` narrows the check to those objects (any case). Raises what ``fetch`` raises.
    """
    wanted = {o.lower() for o in objects} if objects is not None else None
    targets = [
        (policy, obj, schema)
        for policy, obj, schema in policy_set.schemas(dialect.name)
        if wanted is None or obj.lower() in wanted
    ]
    names = list(dict.fromkeys(obj for _, obj, _ in targets))
    live = await fetch(names) if names else {}
    return {
        (p.name, obj): tuple(dialect.drift(obj, schema, live[obj])) for p, obj, schema in targets
    }


def standing(found: Found) -> dict[Drift, tuple[str, ...]]:
    """Each distinct drift, with the policies whose schemas it was found in."""
    policies: dict[Drift, list[str]] = {}
    for (policy, _), drifts in found.items():
        for drift in drifts:
            names = policies.setdefault(drift, [])
            if policy not in names:
                names.append(policy)
    return {d: tuple(p) for d, p in policies.items()}


@dataclass(frozen=True, slots=True)
class _Met:
    """One policy's drift on one object, arranged for the hot path."""

    #: lower-cased field name -> the drift a write that sets the field meets
    by_field: Mapping[str, tuple[Drift, ...]]
    #: fields the CRM now requires, which a create that leaves them out meets
    required: tuple[Drift, ...]


def _index(found: Found) -> dict[tuple[str, str], _Met]:
    index = {}
    for (policy, obj), drifts in found.items():
        if not drifts:
            continue
        by_field: dict[str, list[Drift]] = {}
        for d in drifts:
            if d.kind is not DriftKind.REQUIRED_ADDED:
                by_field.setdefault(d.field.lower(), []).append(d)
        required = tuple(d for d in drifts if d.kind is DriftKind.REQUIRED_ADDED)
        met = _Met({k: tuple(v) for k, v in by_field.items()}, required)
        index[(policy, obj.lower())] = met
    return index


def violations(policy: Policy, intent: WriteIntent, met: _Met) -> list[Violation]:
    """What ``intent`` meets of one policy's drift, as that policy's onDrift says."""
    found = []
    written = list(dict.fromkeys(name.lower() for name in intent.fields))
    for name in written:
        drifts = met.by_field.get(name)
        if drifts:
            found.append(_violation(policy, intent, drifts, omitted=False))
    if intent.operation is Operation.CREATE:
        for d in met.required:
            if d.field.lower() not in written:
                found.append(_violation(policy, intent, (d,), omitted=True))
    return found


def _violation(
    policy: Policy, intent: WriteIntent, drifts: Sequence[Drift], *, omitted: bool
) -> Violation:
    sobject, name = intent.object or drifts[0].object, drifts[0].field
    what = ", ".join(f"{d.kind} ({d.detail})" for d in drifts)
    if omitted:
        message = (
            f"The CRM now requires {sobject}.{name} when creating a {sobject} ({what}), and "
            f"policy {policy.name} does not know it yet."
        )
        fix = "Ask"
    else:
        message = (
            f"{sobject}.{name} has changed in the CRM since policy {policy.name} was written "
            f"({what}), so crm-guardrail cannot tell whether this value is valid."
        )
        fix = f"Leave {name} out of the write, or ask"
    if policy.block_on_drift:
        message += f" {fix} the guardrail administrator to bring the policy's schema up to date."
    else:
        message += " The write was let through and flagged for review."
    return Violation(
        policy=policy.name,
        rule=RULE,
        message=message,
        fields=(name,),
        action=Action.BLOCK if policy.block_on_drift else Action.WARN,
        code=CODE,
    )


@dataclass(frozen=True, slots=True)
class CheckResult:
    at: datetime
    ok: bool
    seconds: float
    error: str | None = None
    objects: tuple[str, ...] = ()


@dataclass
class _State:
    index: dict[tuple[str, str], _Met] = field(default_factory=dict)
    drift: dict[Drift, tuple[str, ...]] = field(default_factory=dict)  # -> policies
    since: dict[Drift, datetime] = field(default_factory=dict)
    last: CheckResult | None = None
    last_success: datetime | None = None


class DriftWatcher:
    """Checks for drift at start and every ``interval`` seconds; keeps what stands.

    ``fetch`` is None when the proxy has no credential to read the describe with: the watcher
    is then off, says why (``off_reason``), and no write meets drift. ``on_close`` runs when
    the watcher stops (it closes a credential the watcher opened for itself).
    """

    def __init__(
        self,
        dialect: Dialect,
        policies: Callable[[], PolicySet],
        fetch: Fetch | None,
        metrics: Metrics,
        alerter: Alerter | None = None,
        *,
        interval: float = 300.0,
        off_reason: str | None = None,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.dialect = dialect
        self.crm = dialect.name
        self.interval = interval
        self.off_reason = off_reason or (
            "schema drift checks are off (drift.interval_seconds is 0)" if interval <= 0 else None
        )
        self._policies = policies
        self._fetch = fetch if self.off_reason is None else None
        self._metrics = metrics
        self._alerter = alerter
        self._state = _State()
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._on_close = on_close

    @property
    def enabled(self) -> bool:
        return self._fetch is not None

    # -- the hot path ------------------------------------------------------------------------

    def violations(self, policy: Policy, intent: WriteIntent) -> Sequence[Violation]:
        """What a write meets of ``policy``'s standing drift (nothing, nearly always)."""
        index = self._state.index
        if not index:
            return ()
        met = index.get((policy.name, intent.object.lower()))
        return violations(policy, intent, met) if met is not None else ()

    # -- checking ----------------------------------------------------------------------------

    async def check(self) -> CheckResult:
        """Fetch the describe, compare, and report what changed. Never raises for the CRM's
        sake: a failed check is counted, logged and shown, and the last known drift stands."""
        if self._fetch is None:
            raise RuntimeError(self.off_reason)
        async with self._lock:
            started = time.perf_counter()
            at = datetime.now(UTC)
            policy_set = self._policies()
            try:
                found = await detect(policy_set, self.dialect, self._fetch)
            except Exception as exc:  # the CRM, the network or its answer: all the same here
                result = CheckResult(at, False, time.perf_counter() - started, problem(exc))
                self._metrics.drift_checks.labels("failure").inc()
                log.warning("drift_check_failed", error=result.error)
            else:
                objects = tuple(dict.fromkeys(obj for _, obj in found))
                result = CheckResult(at, True, time.perf_counter() - started, objects=objects)
                self._metrics.drift_checks.labels("success").inc()
                self._update(found, at)
                self._state.last_success = at
            self._state.last = result
            self._alert()
            return result

    def recheck(self) -> None:
        """Check again now rather than at the end of the interval (the policies changed)."""
        self._wake.set()

    async def run(self) -> None:
        """Check at once, then every interval or when woken, until cancelled."""
        while True:
            self._wake.clear()
            await self.check()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The watcher in the background for the duration of the block."""
        task = None
        if self._fetch is None:
            log.info("drift_checks_off", reason=self.off_reason)
        else:
            task = asyncio.create_task(self.run())
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if self._on_close is not None:
                await self._on_close()

    def _update(self, found: Found, at: datetime) -> None:
        state = self._state
        before, now = state.drift, standing(found)
        for drift in sorted(now.keys() - before.keys(), key=_order):
            state.since[drift] = at
            log.warning("schema_drift", **_fields(drift), policies=list(now[drift]))
        resolved: dict[Drift, datetime] = {}
        for drift in sorted(before.keys() - now.keys(), key=_order):
            resolved[drift] = state.since.pop(drift)
            log.info("schema_drift_resolved", **_fields(drift), policies=list(before[drift]))
        state.drift = now
        state.index = _index(found)
        self._metrics.drift({_key(d) for d in now})
        standing_keys = {_key(d) for d in now}
        for key, drifts in _by_key(resolved).items():
            if key not in standing_keys:
                self._alert_key(key, drifts, before, resolved[drifts[0]], resolved=True)

    def _alert(self) -> None:
        """Report every standing drift to the alerter (it re-sends once per dedupe window)."""
        state = self._state
        for key, drifts in _by_key(state.drift).items():
            since = min(state.since[d] for d in drifts)
            self._alert_key(key, drifts, state.drift, since)

    def _alert_key(
        self,
        key: tuple[str, str, str],
        drifts: Sequence[Drift],
        policies_of: Mapping[Drift, tuple[str, ...]],
        since: datetime,
        *,
        resolved: bool = False,
    ) -> None:
        if self._alerter is None:
            return
        obj, name, kind = key
        labels = {
            "alertname": ALERT_NAME,
            "severity": "warning",
            "crm": self.crm,
            "object": obj,
            "field": name,
            "kind": kind,
        }
        details = ", ".join(d.detail for d in drifts)
        policies = sorted({p for d in drifts for p in policies_of.get(d, ())})
        annotations = {
            "summary": f"{obj}.{name}: {kind} in the CRM",
            "description": (
                f"The CRM's describe of {obj}.{name} differs from the schema of policy "
                f"{', '.join(policies)}: {kind} ({details}). Writes that meet it are blocked or "
                "flagged as the policy's onDrift says. Compare with guardrail schema diff and "
                "bring the schema up to date."
            ),
        }
        event: dict[str, Any] = {"event": "guardrail.schema_drift", "crm": self.crm, "object": obj}
        event |= {"field": name, "kind": kind, "detail": details, "policies": policies}
        self._alerter.standing(
            labels, annotations, event, since=since, every=self.interval, resolved=resolved
        )

    # -- the admin API -----------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        """The current drift and the last check, as ``GET /guardrail/v1/drift`` shows them."""
        state = self._state
        last = state.last
        return {
            "enabled": self.enabled,
            "off_reason": self.off_reason,
            "interval_seconds": self.interval,
            "last_check": None
            if last is None
            else {
                "at": last.at.isoformat(),
                "result": "success" if last.ok else "failure",
                "error": last.error,
                "duration_seconds": round(last.seconds, 6),
                "objects": list(last.objects),
            },
            "last_success": state.last_success.isoformat() if state.last_success else None,
            "drift": [
                {**_fields(d), "policies": list(p), "since": state.since[d].isoformat()}
                for d, p in sorted(state.drift.items(), key=lambda item: _order(item[0]))
            ],
        }


def _key(drift: Drift) -> tuple[str, str, str]:
    """What the metric and the alert tell drift apart by: its object, field and kind."""
    return drift.object, drift.field, str(drift.kind)


def _by_key(drifts: Collection[Drift]) -> dict[tuple[str, str, str], list[Drift]]:
    grouped: dict[tuple[str, str, str], list[Drift]] = {}
    for drift in sorted(drifts, key=_order):
        grouped.setdefault(_key(drift), []).append(drift)
    return grouped


def _order(drift: Drift) -> tuple[str, str, str, str]:
    return drift.object, drift.field, str(drift.kind), drift.detail


def _fields(drift: Drift) -> dict[str, str]:
    return {
        "object": drift.object,
        "field": drift.field,
        "kind": str(drift.kind),
        "detail": drift.detail,
    }


def problem(exc: Exception) -> str:
    """Why a check failed, in a line: the URL path and status, never the credential."""
    with contextlib.suppress(RuntimeError):  # an httpx error without its request
        if isinstance(exc, httpx.HTTPStatusError):
            status = exc.response.status_code
            refused = " (the CRM refused the proxy's credential)" if status == 401 else ""
            return f"GET {exc.request.url.path}: HTTP {status}{refused}"
        if isinstance(exc, httpx.RequestError):
            return f"GET {exc.request.url.path}: {type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}"
