"""Between the proxy and the store: load what rules need before a write is judged, and record
what the agent read and wrote after."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from guardrail.context.facts import Facts, TranscriptCache
from guardrail.context.model import ReadRecord, WriteRecord
from guardrail.context.records import RecordIndexes, Records
from guardrail.context.store import ConversationStore
from guardrail.crm.base import Dialect, RecordRead
from guardrail.model import SAVED, Caller, Decision, Operation, Saved, WriteIntent
from guardrail.sinks.redact import mask_fields


class ContextLoader:
    """Facts for judging writes to the CRM ``dialect`` speaks: its ids and the accounts its
    records belong to are the dialect's."""

    def __init__(
        self, store: ConversationStore, dialect: Dialect, account_window: timedelta
    ) -> None:
        self.store = store
        self._dialect = dialect
        self._transcripts = TranscriptCache()
        self._records = RecordIndexes(dialect.record_key)
        self._account_window = account_window

    async def facts(self, caller: Caller, intents: Sequence[WriteIntent]) -> Facts:
        """The conversation and the accounts' recent writes, in as few round trips as possible.

        Raises ContextUnavailable when the store does not answer.
        """
        now = datetime.now(UTC)
        conversation = await self.store.get(caller.conversation) if caller.conversation else None
        key = self._dialect.record_key
        customer_objects = self._dialect.customer_objects
        # One index of what the agent read and wrote, for this version: made once, from the
        # last version's, and asked by the loader, the lookups and the rules alike.
        records = self._records.of(conversation) if conversation is not None else Records(key)
        accounts = sorted(
            {
                account
                for i in intents
                if i.operation is not Operation.DELETE
                for account in self._dialect.accounts(i.object, i.record_id, i.fields)
            }
            | self._changed_accounts(records, intents)
        )
        since = now - self._account_window
        if len(accounts) == 1:  # no task to make: a store that answers at once does not yield
            histories = [await self.store.account_writes(accounts[0], since)]
        else:
            histories = await asyncio.gather(
                *(self.store.account_writes(a, since) for a in accounts)
            )
        account_writes = dict(zip(accounts, histories, strict=True))
        if conversation is None:
            return Facts(
                None,
                account_writes=account_writes,
                now=now,
                record_key=key,
                customer_objects=customer_objects,
            )
        transcript, revision = self._transcripts.get(conversation)
        return Facts(
            conversation,
            transcript,
            account_writes,
            now,
            record_key=key,
            customer_objects=customer_objects,
            revision=revision,
            indexed=records,
        )

    def _changed_accounts(self, records: Records, intents: Sequence[WriteIntent]) -> set[str]:
        """The accounts of the records updates change, where the write does not name them: as
        the lookup found the record, or as the conversation knows it (read, or set by a saved
        write). An update that leaves the account out is still a write of that account's (a
        case given the Reason of another case of it)."""
        found: set[str] = set()
        for i in intents:
            if i.operation not in (Operation.UPDATE, Operation.UPSERT) or not i.record_id:
                continue
            if i.account:
                found.add(self._dialect.record_key(self._dialect.customer_objects[0], i.account))
            known = {
                f: records.known_field(i.object, i.record_id, f) for f in self._dialect.owner_fields
            }
            present = {f: v for f, v in known.items() if v is not None}
            found |= self._dialect.accounts(i.object, i.record_id, present)
        return found

    async def record_reads(self, caller: Caller, records: Sequence[RecordRead]) -> None:
        if caller.conversation and records:
            at = datetime.now(UTC)
            reads = [
                ReadRecord(object=r.object, id=r.id, fields=dict(r.fields), at=at) for r in records
            ]
            await self.store.record_reads(caller.conversation, reads)


class ConversationRecorder:
    """A sink: each judged write joins its conversation's history and the index of the
    accounts its record belongs to (as ``dialect`` finds them); a write that did not reach
    the CRM is kept masked, as the audit log keeps it."""

    def __init__(self, store: ConversationStore, dialect: Dialect) -> None:
        self.store = store
        self._dialect = dialect

    async def emit(self, decision: Decision) -> None:
        at = datetime.now(UTC)
        for n, intent in enumerate(decision.intents):
            saved = decision.saved[n] if n < len(decision.saved) else Saved()
            record_id = saved.id or intent.record_id
            fields, ids = dict(intent.fields), intent.id_fields
            accounts = self._dialect.accounts(intent.object, record_id, fields)
            # What the CRM did: a create it made as an update of an existing record is that
            # update, of a record not created here; an update it made as a create, that
            # create, which no create rule judged (guardrail.answered).
            done = (
                Operation.UPDATE if saved.updated(intent)
                else Operation.CREATE if saved.made(intent)
                else intent.operation
            )  # fmt: skip
            write = WriteRecord(
                decision_id=decision.id,
                object=intent.object,
                operation=str(done),
                judged_as=str(intent.operation) if done is not intent.operation else None,
                id=record_id,
                # A write the CRM never got keeps no personal data it was refused for.
                fields=fields if decision.verdict in SAVED else mask_fields(fields, ids),
                decision=str(decision.verdict),
                at=at,
                status=decision.upstream_status,
                id_fields=ids,
            )
            await self.store.record_write(decision.caller.conversation, write, accounts)
