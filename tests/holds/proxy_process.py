"""A guardrail proxy process for the exactly-once tests (run as a script, not collected).

It is ``guardrail serve`` from ``GUARDRAIL_*`` settings, except that with ``HOLD_TEST_CRASH``
set it kills itself with SIGKILL at a point of executing an approved hold: ``before-send``
right before the held refund's write is sent (the hold already claimed), ``after-send`` right
after the CRM answered it (before anything is recorded), ``after-record`` right after the
decision settling it was audited (before the hold is marked settled). The kills sit in the
forwarding seam (``Guardrail.transport``) and around the audit log's ``record``, so the
proxy's own code runs unchanged.
"""

from __future__ import annotations

import asyncio
import os
import signal

from multidict import CIMultiDict

from guardrail.app import build, serve_forever
from guardrail.config import load_settings
from guardrail.model import Decision
from guardrail.sinks import logs
from guardrail.sinks.audit.chain import Row
from guardrail.upstream import Sender, UpstreamResponse


class Crash:
    def __init__(self, sender: Sender, when: str) -> None:
        self._sender = sender
        self._when = when

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        refund = method == "POST" and path.split("?")[0].rstrip("/").endswith("/sobjects/Refund__c")
        if refund and self._when == "before-send":
            os.kill(os.getpid(), signal.SIGKILL)
        answer = await self._sender.send(method, path, headers, body)
        if refund and self._when == "after-send":
            os.kill(os.getpid(), signal.SIGKILL)
        return answer


def main() -> None:
    settings = load_settings(None)
    logs.configure(settings.log_level)
    guardrail = build(settings)
    when = os.environ.get("HOLD_TEST_CRASH")
    if when in ("before-send", "after-send"):
        guardrail.transport = lambda sender: Crash(sender, when)
    if when == "after-record":
        record = guardrail.audit.record

        async def record_then_die(decision: Decision) -> Row:
            row = await record(decision)
            if decision.hold is not None and decision.hold.of is not None:
                os.kill(os.getpid(), signal.SIGKILL)
            return row

        guardrail.audit.record = record_then_die  # type: ignore[method-assign]
    asyncio.run(serve_forever(guardrail))


if __name__ == "__main__":
    main()
