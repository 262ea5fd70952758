"""What the commands print: piping one into ``head`` ends quietly (no BrokenPipeError
traceback); ``guardrail sandbox`` says where it listens, its token and its sample records."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID
from guardrail.sinks.audit import AuditLog, open_storage
from tests.auditdb import decision
from tests.conftest import free_port


async def populate(dsn: str, count: int) -> None:
    log = AuditLog(open_storage(dsn, timeout=5), timeout_seconds=5)
    await log.start()
    try:
        await asyncio.gather(*(log.record(decision(n)) for n in range(count)))
    finally:
        await log.close()


def test_audit_commands_piped_into_head_end_quietly(tmp_path: Path) -> None:
    dsn = f"sqlite:///{tmp_path / 'audit.db'}"
    asyncio.run(populate(dsn, 600))  # far more than a pipe holds: the writer meets a closed pipe
    command = f"{sys.executable} -m guardrail audit"
    for args in ("export", "list --limit 500", "show decision-0003"):
        done = subprocess.run(
            ["sh", "-c", f"{command} {args} --dsn {dsn} | head -c 100"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            timeout=60,
        )
        assert done.returncode == 0  # head's
        assert len(done.stdout) == 100
        assert done.stderr == "", f"{args}: {done.stderr}"


def test_the_sandbox_says_where_it_listens_its_token_and_its_sample_records() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardrail", "sandbox", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        while not lines or not lines[-1].startswith("Ctrl+C"):
            line = proc.stdout.readline()
            assert line, "the sandbox ended without saying where it listens"
            lines.append(line)
        text = "".join(lines)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert f"listening on http://127.0.0.1:{port}" in text
    assert "access tokens: sandbox-token" in text
    assert f"Account  {ACME_ACCOUNT_ID}  Acme Corp" in text
    assert f"Case     {ACME_CASE_ID}  Order arrived damaged" in text
