"""The audit log: every decision, durable before the agent's answer leaves, tamper-evident.

Records (``record``) are canonical JSON, chained by hash (``chain``) and appended by group
commit (``group`` on the event loop, ``thread`` on SQLite's writer thread) to a store behind
one interface (``store``): SQLite (``sqlite``, the
default) or PostgreSQL (``postgres``), which share their SQL (``sql``, ``scripts``, ``base``).
``log`` is the log as the proxy uses it (health, probes, checkpoints), ``sink`` its gate and
sink, ``verify`` walks the chain, ``retention`` prunes, ``factory`` opens a store from a DSN.
"""

from guardrail.sinks.audit.factory import DEFAULT_DSN, open_audit_log, open_storage
from guardrail.sinks.audit.log import AuditLog, DecisionNotFound
from guardrail.sinks.audit.sink import AuditSink, audit_gate

__all__ = [
    "DEFAULT_DSN",
    "AuditLog",
    "AuditSink",
    "DecisionNotFound",
    "audit_gate",
    "open_audit_log",
    "open_storage",
]
