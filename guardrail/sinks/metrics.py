"""Prometheus metrics, all prefixed ``guardrail_``, on a registry of their own.

Label values are bounded: an object no policy names is counted as "other", so an agent (or an
attacker) writing to made-up objects cannot grow the series without limit. Series that alerts
use are created at zero at start-up, because ``increase()`` needs a first sample.

Release cohorts: judged writes, blocks per rule and call dispositions that do not match the
conversation's outcome are also counted by the conversation's intent (its ``metadata.intent``:
one of the configured intents, else ``other``, ``unknown`` when absent) and by policy version,
so each release of the policies is a cohort of its own. Only the last few versions keep their
series: a proxy that reloads its policies for weeks does not grow them without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from guardrail import __version__
from guardrail.checks.rules import ERROR_CODE
from guardrail.model import Decision, Operation, Verdict

__all__ = ["CONTENT_TYPE", "Metrics"]

_CHECK_BUCKETS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1)
_UPSTREAM_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
OTHER = "other"
_UPSTREAM_ERROR = "GUARDRAIL_UPSTREAM_"
UNKNOWN = "unknown"
#: The rules whose violations are disposition-vs-outcome mismatches, by default: the shipped
#: pack's (policies/salesforce-contact-center/dispositions.yaml).
MISMATCH_RULES = ("call-disposition/DispositionMatchesOutcome",)
DISPOSITION_FIELD = "CallDisposition"
#: Policy versions whose cohort series are kept (the newest; older ones are removed).
COHORT_VERSIONS = 5


class _Children:
    """A labelled metric's children, each looked up once: ``labels()`` validates and locks on
    every call, and the hot path asks for the same few children on every write. As bounded as
    the metric's own label values."""

    def __init__(self, metric: Counter | Histogram) -> None:
        self._metric = metric
        self._made: dict[tuple[str, ...], Any] = {}

    def __call__(self, *labels: str) -> Any:
        child = self._made.get(labels)
        if child is None:
            child = self._made[labels] = self._metric.labels(*labels)
        return child


class Metrics:
    def __init__(
        self,
        dialect: str,
        object_name: Callable[[str], str | None],
        *,
        conversation_intents: Iterable[str] = (),
        mismatch_rules: Iterable[str] = MISMATCH_RULES,
        disposition_field: str = DISPOSITION_FIELD,
    ) -> None:
        self.dialect = dialect
        self._object_name = object_name
        self._intents = frozenset(conversation_intents)
        self._mismatch_rules = frozenset(mismatch_rules)
        self._disposition_field = disposition_field
        # Per policy version, oldest first: the cohort series made under it (and their children).
        self._cohorts: OrderedDict[str, dict[tuple[Counter, tuple[str, ...]], Any]] = OrderedDict()
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "guardrail_requests",
            "Requests through the proxy, by object, operation and decision (reads: read/allow).",
            ["dialect", "object", "operation", "decision"],
            registry=r,
        )
        self.violations = Counter(
            "guardrail_violations",
            "Violations found, by policy and rule; mode shadow did not block.",
            ["policy", "rule", "action", "mode"],
            registry=r,
        )
        self.rule_errors = Counter(
            "guardrail_rule_errors",
            "CEL rules that errored at run time, by policy and rule (the policy's failurePolicy "
            "decided: closed blocked the write, open let it through with a warning).",
            ["policy", "rule"],
            registry=r,
        )
        self.check_seconds = Histogram(
            "guardrail_check_duration_seconds",
            "Time spent judging a write (pre-guardrails), per request.",
            ["dialect"],
            buckets=_CHECK_BUCKETS,
            registry=r,
        )
        self.upstream_seconds = Histogram(
            "guardrail_upstream_duration_seconds",
            "Time the CRM took to answer a forwarded request.",
            ["dialect"],
            buckets=_UPSTREAM_BUCKETS,
            registry=r,
        )
        self.upstream_errors = Counter(
            "guardrail_upstream_errors",
            "Forwarded requests the CRM did not answer (unreachable, timeout).",
            ["dialect", "kind"],
            registry=r,
        )
        self.sink_errors = Counter(
            "guardrail_sink_errors",
            "Decisions a sink failed to take (after the agent's answer was settled).",
            ["sink"],
            registry=r,
        )
        self.post_checks = Counter(
            "guardrail_post_checks",
            "Saved records verified after a write, by object and result (pass, fail).",
            ["object", "result"],
            registry=r,
        )
        self.reverts = Counter(
            "guardrail_reverts",
            "Compensating writes after a failed verification, by result "
            "(success, lost_race, failed, no_pre_image).",
            ["result"],
            registry=r,
        )
        self.readback_seconds = Histogram(
            "guardrail_readback_duration_seconds",
            "Time the CRM took to answer a read-back (single writes: the whole composite).",
            buckets=_UPSTREAM_BUCKETS,
            registry=r,
        )
        self.post_queue = Gauge(
            "guardrail_post_queue_depth", "Writes waiting for async verification.", registry=r
        )
        self.post_overflow = Counter(
            "guardrail_post_queue_overflow",
            "Async verifications done inline because the queue was full (never dropped).",
            registry=r,
        )
        self.alerts = Counter(
            "guardrail_alerts",
            "Alerts pushed, by target and result (sent, failed, deduplicated, dropped).",
            ["target", "result"],
            registry=r,
        )
        self.alert_queue = Gauge(
            "guardrail_alert_queue_depth", "Alerts waiting to be delivered.", registry=r
        )
        self.policy_info = Gauge(
            "guardrail_policy_set_info",
            "The loaded policy set: 1 for the version in force.",
            ["version"],
            registry=r,
        )
        self.policies = Gauge(
            "guardrail_policies_loaded", "Policies in the set in force.", registry=r
        )
        self.policy_reloads = Counter(
            "guardrail_policy_reloads",
            "Policy reloads by result; a failed reload keeps the last good set.",
            ["result"],
            registry=r,
        )
        self.schema_drift = Gauge(
            "guardrail_schema_drift",
            "1 while a policy's schema and the CRM's describe differ, by object, field and kind "
            "(required_added, field_removed, picklist_value_removed...); gone once resolved.",
            ["object", "field", "kind"],
            registry=r,
        )
        self.drift_checks = Counter(
            "guardrail_schema_drift_checks",
            "Checks of the CRM's describe for schema drift, by result (success, failure).",
            ["result"],
            registry=r,
        )
        self.tokens_issued = Counter(
            "guardrail_agent_tokens_issued", "Agent tokens issued on the admin API.", registry=r
        )
        self.tokens_revoked = Counter(
            "guardrail_agent_tokens_revoked",
            "Agent tokens revoked (one by one, or with their conversation).",
            registry=r,
        )
        self.tokens_used = Counter(
            "guardrail_agent_tokens_used",
            "Requests an agent token let in (before scopes are checked).",
            registry=r,
        )
        self.tokens_refused = Counter(
            "guardrail_agent_tokens_refused",
            "Requests refused for their agent token, by reason: missing, unknown, expired, "
            "revoked (401 INVALID_SESSION_ID); scope, mismatch (403).",
            ["reason"],
            registry=r,
        )
        self.credential_fetches = Counter(
            "guardrail_crm_credential_fetches",
            "CRM tokens fetched by the proxy (client credentials), by reason (due: none cached "
            "or near expiry; rejected: the CRM refused the cached one) and result.",
            ["reason", "result"],
            registry=r,
        )
        self.judged_writes = Counter(
            "guardrail_judged_writes",
            "Writes judged, by the conversation's intent, the policy version and decision: the "
            "denominator of a release cohort's block rate.",
            ["conversation_intent", "policy_version", "decision"],
            registry=r,
        )
        self.rule_blocks = Counter(
            "guardrail_rule_blocks",
            "Violations that blocked a write (mode shadow: would have), by rule, the "
            "conversation's intent and the policy version.",
            ["policy", "rule", "conversation_intent", "policy_version", "mode"],
            registry=r,
        )
        self.dispositions = Counter(
            "guardrail_dispositions",
            "Writes setting a call disposition, by the conversation's intent, the policy "
            "version and result: mismatch when a disposition-vs-outcome rule objected.",
            ["conversation_intent", "policy_version", "result"],
            registry=r,
        )
        self._requests = _Children(self.requests)
        self._violations = _Children(self.violations)
        self._check_seconds = self.check_seconds.labels(dialect)
        self._upstream_seconds = self.upstream_seconds.labels(dialect)
        Gauge("guardrail_build_info", "The running build.", ["version"], registry=r).labels(
            __version__
        ).set(1)
        self._version: str | None = None
        self._drift: frozenset[tuple[str, str, str]] = frozenset()

    def start(self, objects: list[str]) -> None:
        """Create at zero the series alerts watch, so their first increase is seen."""
        for obj in [*objects, OTHER]:
            for op in Operation:
                for verdict in Verdict:
                    self.requests.labels(self.dialect, obj, str(op), str(verdict))
        for kind in ("unavailable", "timeout"):
            self.upstream_errors.labels(self.dialect, kind)
        for result in ("success", "failure"):
            self.policy_reloads.labels(result)
        for result in ("success", "lost_race", "failed", "no_pre_image"):
            self.reverts.labels(result)
        for obj in objects:
            self.post_checks.labels(obj, "fail")
        for reason in ("missing", "unknown", "expired", "revoked", "scope", "mismatch"):
            self.tokens_refused.labels(reason)
        for reason in ("due", "rejected"):
            for result in ("success", "failure"):
                self.credential_fetches.labels(reason, result)
        for result in ("success", "failure"):
            self.drift_checks.labels(result)

    def policy_set(self, version: str, count: int) -> None:
        if self._version is not None:
            self.policy_info.remove(self._version)
        self.policy_info.labels(version).set(1)
        self.policies.set(count)
        self._version = version

    def drift(self, standing: Iterable[tuple[str, str, str]]) -> None:
        """The drift gauge shows exactly these ``(object, field, kind)``: a resolved drift's
        series is removed rather than set to 0, so it does not linger in queries."""
        now = frozenset(standing)
        for gone in self._drift - now:
            self.schema_drift.remove(*gone)
        for new in now - self._drift:
            self.schema_drift.labels(*new).set(1)
        self._drift = now

    def _object(self, name: str) -> str:
        return self._object_name(name) or OTHER

    def read(self, sobject: str, upstream_seconds: float | None, error: str | None) -> None:
        self._requests(self.dialect, self._object(sobject), "read", "allow").inc()
        self._upstream(upstream_seconds, error)

    async def emit(self, decision: Decision) -> None:
        verdict = str(decision.verdict)
        for sobject in decision.reads:
            self._requests(self.dialect, self._object(sobject), "read", verdict).inc()
        if not decision.intents and not decision.reads:
            self._requests(self.dialect, OTHER, "unknown", verdict).inc()
        for intent in decision.intents:
            self._requests(
                self.dialect, self._object(intent.object), str(intent.operation), verdict
            ).inc()
        for v in decision.violations:
            self._violations(v.policy, v.rule, str(v.action), str(v.mode)).inc()
            if v.code == ERROR_CODE:
                self.rule_errors.labels(v.policy, v.rule).inc()
        self._check_seconds.observe(decision.guardrail_seconds)
        self._upstream(decision.upstream_seconds, decision.error)
        self._cohort(decision)

    def conversation_intent(self, decision: Decision) -> str:
        """The bounded label value of the intent of the conversation a write was judged in."""
        conversation = decision.facts.conversation if decision.facts is not None else None
        intent = conversation.metadata.get("intent") if conversation is not None else None
        if intent is None or intent == "":
            return UNKNOWN
        return intent if isinstance(intent, str) and intent in self._intents else OTHER

    def _cohort(self, decision: Decision) -> None:
        """The decision counted in its release cohort (conversation intent, policy version)."""
        intent, version = self.conversation_intent(decision), decision.policy_version
        verdict = str(decision.verdict)
        self._count(self.judged_writes, version, (intent, version, verdict), len(decision.intents))
        for v in decision.violations:
            if v.would_block:
                labels = (v.policy, v.rule, intent, version, str(v.mode))
                self._count(self.rule_blocks, version, labels)
        for n, intent_of_write in enumerate(decision.intents):
            if intent_of_write.fields.get(self._disposition_field) in (None, ""):
                continue
            mismatch = any(
                v.intent == n and f"{v.policy}/{v.rule}" in self._mismatch_rules
                for v in decision.violations
            )
            result = "mismatch" if mismatch else "match"
            self._count(self.dispositions, version, (intent, version, result))

    def _count(
        self, counter: Counter, version: str, labels: tuple[str, ...], amount: float = 1
    ) -> None:
        if amount <= 0:
            return
        made = self._cohorts.get(version)
        if made is None:
            made = self._cohorts[version] = {}
            while len(self._cohorts) > COHORT_VERSIONS:
                _, old = self._cohorts.popitem(last=False)
                for old_counter, old_labels in old:
                    old_counter.remove(*old_labels)
        child = made.get((counter, labels))
        if child is None:
            child = made[counter, labels] = counter.labels(*labels)
        child.inc(amount)

    def _upstream(self, seconds: float | None, error: str | None) -> None:
        if seconds is not None:
            self._upstream_seconds.observe(seconds)
        if error and error.startswith(_UPSTREAM_ERROR):
            kind = error.removeprefix(_UPSTREAM_ERROR).lower()
            self.upstream_errors.labels(self.dialect, kind).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
