"""Between the proxy and the store: load what rules need before a write is judged, and record
what the agent read and wrote after."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from guardrail.context.changes import ACCOUNT_FIELDS, account_key
from guardrail.context.facts import Facts, TranscriptCache
from guardrail.context.model import ReadRecord, WriteRecord
from guardrail.context.store import ConversationStore
from guardrail.crm.base import RecordRead
from guardrail.model import Caller, Decision, Operation, WriteIntent


def accounts_of(intent: WriteIntent) -> set[str]:
    """The index keys of the accounts a write touches (as the store indexes them)."""
    named = [intent.fields.get(f) for f in ACCOUNT_FIELDS]
    if intent.object == "Account":
        named.append(intent.record_id)
    return {account_key(v) for v in named if isinstance(v, str) and v}


class ContextLoader:
    def __init__(self, store: ConversationStore, account_window: timedelta) -> None:
        self.store = store
        self._transcripts = TranscriptCache()
        self._account_window = account_window

    async def facts(self, caller: Caller, intents: Sequence[WriteIntent]) -> Facts:
        """The conversation and the accounts' recent writes, in as few round trips as possible.

        Raises ContextUnavailable when the store does not answer.
        """
        now = datetime.now().astimezone()
        accounts = sorted(
            {a for i in intents if i.operation is not Operation.DELETE for a in accounts_of(i)}
        )
        since = now - self._account_window
        conversation = await self.store.get(caller.conversation) if caller.conversation else None
        histories = await asyncio.gather(*(self.store.account_writes(a, since) for a in accounts))
        account_writes = dict(zip(accounts, histories, strict=True))
        if conversation is None:
            return Facts(None, account_writes=account_writes, now=now)
        return Facts(conversation, self._transcripts.get(conversation), account_writes, now)

    async def record_reads(self, caller: Caller, records: Sequence[RecordRead]) -> None:
        if caller.conversation and records:
            at = datetime.now().astimezone()
            reads = [
                ReadRecord(object=r.object, id=r.id, fields=dict(r.fields), at=at) for r in records
            ]
            await self.store.record_reads(caller.conversation, reads)


class ConversationRecorder:
    """A sink: each judged write joins its conversation's history and its accounts' index."""

    def __init__(self, store: ConversationStore) -> None:
        self.store = store

    async def emit(self, decision: Decision) -> None:
        at = datetime.now().astimezone()
        for n, intent in enumerate(decision.intents):
            saved = decision.saved_ids[n] if n < len(decision.saved_ids) else None
            write = WriteRecord(
                decision_id=decision.id,
                object=intent.object,
                operation=str(intent.operation),
                id=saved or intent.record_id,
                fields=dict(intent.fields),
                decision=str(decision.verdict),
                at=at,
            )
            await self.store.record_write(decision.caller.conversation, write)
