"""The audit log's Prometheus metrics, on the proxy's registry, labelled by store.

``guardrail_audit_errors_total`` is what the GuardrailAuditStoreErrors alert watches. The
checkpoint is exported twice: its sequence as a gauge (to graph and compare) and the head hash
as the label of an info-style gauge that is replaced, not accumulated, so one scrape (or a
copy of it kept elsewhere) holds a hash that proves everything up to that sequence.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from guardrail.sinks.audit.chain import Head

_COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


class AuditMetrics:
    def __init__(self, registry: CollectorRegistry, store: str) -> None:
        self.store = store
        self.errors = Counter(
            "guardrail_audit_errors",
            "Audit appends that failed or were refused (the store down or over its bound).",
            ["store"],
            registry=registry,
        ).labels(store)
        self.appends = Counter(
            "guardrail_audit_appends",
            "Records appended to the audit log.",
            ["store"],
            registry=registry,
        ).labels(store)
        self.commits = Counter(
            "guardrail_audit_commits",
            "Audit commits (group commit: one per batch of concurrent appends).",
            ["store"],
            registry=registry,
        ).labels(store)
        self.commit_seconds = Histogram(
            "guardrail_audit_commit_duration_seconds",
            "Time one audit commit took, lock and fsync included.",
            ["store"],
            buckets=_COMMIT_BUCKETS,
            registry=registry,
        ).labels(store)
        self.batch_size = Histogram(
            "guardrail_audit_batch_size",
            "Records per audit commit.",
            ["store"],
            buckets=_BATCH_BUCKETS,
            registry=registry,
        ).labels(store)
        self.available = Gauge(
            "guardrail_audit_available",
            "1 while the audit log takes writes; 0 while writes are refused for it.",
            ["store"],
            registry=registry,
        ).labels(store)
        self.checkpoint_sequence = Gauge(
            "guardrail_audit_checkpoint_sequence",
            "Sequence number of the audit chain's last checkpoint.",
            ["store"],
            registry=registry,
        ).labels(store)
        self._checkpoint_info = Gauge(
            "guardrail_audit_checkpoint_info",
            "The audit chain's last checkpoint: 1 for its sequence and hash.",
            ["store", "sequence", "hash"],
            registry=registry,
        )
        self._checkpoint: tuple[str, str] | None = None

    def committed(self, records: int, seconds: float) -> None:
        self.commits.inc()
        self.appends.inc(records)
        self.batch_size.observe(records)
        self.commit_seconds.observe(seconds)

    def checkpoint(self, head: Head) -> None:
        labels = (str(head.seq), head.hash)
        if self._checkpoint == labels:
            return
        if self._checkpoint is not None:
            self._checkpoint_info.remove(self.store, *self._checkpoint)
        self._checkpoint_info.labels(self.store, *labels).set(1)
        self._checkpoint = labels
        self.checkpoint_sequence.set(head.seq)
