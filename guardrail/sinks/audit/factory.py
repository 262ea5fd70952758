"""Which store a DSN names: ``sqlite:///relative/path``, ``sqlite:////absolute/path`` (as
SQLAlchemy spells them) or ``postgresql://user:password@host:port/database?search_path=...``.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry
from yarl import URL

from guardrail.config import AuditSettings
from guardrail.errors import ConfigError
from guardrail.sinks.audit.log import AuditLog
from guardrail.sinks.audit.metrics import AuditMetrics
from guardrail.sinks.audit.store import Storage

DEFAULT_DSN = "sqlite:///guardrail-audit.db"


def open_storage(dsn: str | None, *, timeout: float) -> Storage:
    """The store for ``dsn`` (not connected yet). Raises ConfigError for a DSN it cannot use."""
    dsn = dsn or DEFAULT_DSN
    scheme = dsn.partition(":")[0].lower()
    if scheme == "sqlite":
        from guardrail.sinks.audit.sqlite import SQLiteStorage

        path, synchronous = _sqlite(dsn)
        return SQLiteStorage(path, timeout=timeout, synchronous=synchronous)
    if scheme in ("postgresql", "postgres"):
        from guardrail.sinks.audit.postgres import PostgresStorage

        return PostgresStorage(dsn, _safe(dsn), timeout=timeout)
    raise ConfigError(
        f"audit_dsn: expected sqlite:///PATH or postgresql://..., got a {scheme or 'bare'} URL"
    )


def _sqlite(dsn: str) -> tuple[Path, str]:
    """The path and the ``?synchronous=normal|full`` of a SQLite DSN."""
    rest, _, query = dsn[len("sqlite:") :].partition("?")
    if not rest.startswith("///") or len(rest) == 3:
        raise ConfigError(
            "audit_dsn: a SQLite DSN is sqlite:///relative/path or sqlite:////absolute/path"
        )
    options = dict(part.partition("=")[::2] for part in query.split("&") if part)
    synchronous = options.pop("synchronous", "normal")
    if options or synchronous.lower() not in ("normal", "full"):
        raise ConfigError("audit_dsn: a SQLite DSN takes only ?synchronous=normal or full")
    return Path(rest[3:]), synchronous


def _safe(dsn: str) -> str:
    """The DSN without its password, for logs and messages."""
    try:
        return str(URL(dsn).with_password(None))
    except (ValueError, TypeError):
        return "postgresql://(unparsable DSN)"


def open_audit_log(settings: AuditSettings, registry: CollectorRegistry) -> AuditLog:
    """The proxy's audit log from its settings, its metrics on ``registry``. Not started yet
    (``AuditLog.start`` connects). Raises ConfigError for a DSN it cannot use."""
    dsn = settings.audit_dsn.get_secret_value() if settings.audit_dsn else None
    storage = open_storage(dsn, timeout=settings.audit_timeout_seconds)
    return AuditLog(
        storage,
        timeout_seconds=settings.audit_timeout_seconds,
        metrics=AuditMetrics(registry, storage.name),
        checkpoint_seconds=settings.audit_checkpoint_seconds,
    )
