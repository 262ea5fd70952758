"""Every audit store test runs on both stores: a SQLite file and a real PostgreSQL schema."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from guardrail.sinks.audit import AuditLog, open_storage
from guardrail.sinks.audit.store import Storage
from tests.auditdb import STORES, audit_dsn


@pytest.fixture(params=STORES)
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with audit_dsn(request.param, tmp_path) as found:
        yield found


@pytest.fixture
async def audit(dsn: str) -> AsyncIterator[AuditLog]:
    log = AuditLog(open_storage(dsn, timeout=5), timeout_seconds=5)
    await log.start()
    assert log.available, log.health.reason
    yield log
    await log.close()


@pytest.fixture
def storage(audit: AuditLog) -> Storage:
    return audit.storage
