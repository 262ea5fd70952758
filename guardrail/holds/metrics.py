"""What held writes do, counted on the shared registry (``guardrail_holds_*``)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

#: From seconds to a working day: a hold is settled by a person, or expires.
_DECISION_BUCKETS = (10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400)


class HoldMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.transitions = Counter(
            "guardrail_holds_total",
            "Held writes by what happened to them: held, repeated (sent again while held), "
            "approved, rejected, expired, and after approval done, refused (no longer holds "
            "when judged again) or failed",
            ["policy", "rule", "outcome"],
            registry=registry,
        )
        self.refused = Counter(
            "guardrail_hold_settles_refused_total",
            "Attempts to approve or reject a held write by a reviewer who may not settle it, by "
            "reason: not_reviewer (not one of holds.reviewers), own_write (made as an agent of "
            "the reviewer's own name), own_agent (by an agent the reviewer is responsible for), "
            "agent_unknown (the write names no agent, and the reviewer is responsible for some)",
            ["policy", "rule", "reason"],
            registry=registry,
        )
        self.decision_seconds = Histogram(
            "guardrail_hold_decision_seconds",
            "Time from a write being held to its approval, rejection or expiry",
            ["policy", "rule", "outcome"],
            buckets=_DECISION_BUCKETS,
            registry=registry,
        )
        self.waiting = Gauge(
            "guardrail_holds_waiting",
            "Held writes waiting for a decision (all replicas: read from the shared store)",
            registry=registry,
        )
        self.oldest_waiting = Gauge(
            "guardrail_hold_oldest_waiting_seconds",
            "How long the oldest held write has waited (0 when none waits)",
            registry=registry,
        )
        self.sweep_errors = Counter(
            "guardrail_hold_sweep_errors_total",
            "Sweeps (expiry and recovery of held writes) that failed",
            registry=registry,
        )
        self.notify_errors = Counter(
            "guardrail_hold_notify_errors_total",
            "Settled holds the webhook could not be told about",
            registry=registry,
        )

    def count(self, policy: str, rule: str, outcome: str, seconds: float | None = None) -> None:
        self.transitions.labels(policy, rule, outcome).inc()
        if seconds is not None:
            self.decision_seconds.labels(policy, rule, outcome).observe(max(seconds, 0.0))
