"""Bulk ingest jobs, judged row by row: the proxy's side of the job's three requests.

A job is created (recorded in the conversation store once the CRM made it, with what it
writes), its data uploaded (every row an intent of the job's conversation, judged like any
write; one blocked row refuses the whole upload and nothing of it is sent), and its state
changed (``UploadComplete`` only once an upload was let through, so the CRM never processes
data the proxy did not judge). Once the job ran, the agent's read of its successful results
says what the CRM did with each row: an upsert row judged as the create (or update) its lookup
found that the CRM saved the other way (the record appeared, or was gone, in between) is
reported as a post-fail of its own (guardrail.answered). The store is shared, so any replica
judges any step. A job the
proxy did not see created, or one created in another conversation, is refused: its object and
operation are unknown, or its writes would be judged against the wrong transcript.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from guardrail.answered import answered
from guardrail.checks.compare import Kind
from guardrail.context.jobs import BulkJob, JudgedRow
from guardrail.context.store import ConversationStore
from guardrail.crm.base import CanonicalRequest, Dialect, ParsedRequest
from guardrail.errors import BulkJobRefused
from guardrail.model import (
    Caller,
    Decision,
    Operation,
    Saved,
    Verdict,
    WriteIntent,
    new_decision_id,
)


class BulkJobs:
    def __init__(
        self,
        store: ConversationStore,
        dialect: Dialect,
        kinds: Callable[[str], Mapping[str, Kind]],
    ) -> None:
        self._store = store
        self._dialect = dialect
        self._kinds = kinds

    async def prepare(
        self, request: CanonicalRequest, parsed: ParsedRequest, caller: Caller
    ) -> ParsedRequest:
        """The request with what its job step writes: an upload's rows as intents. Raises
        BulkJobRefused (or the dialect's RequestRejected for data it cannot read)."""
        step = parsed.job
        if step is None:
            return parsed
        if not caller.conversation:
            raise BulkJobRefused(
                "A bulk job's rows are judged against the conversation they belong to; send "
                "X-Guardrail-Conversation (or use an agent token)."
            )
        if step.kind == "create":
            return parsed
        job = await self._store.get_job(step.job_id)
        if job is None or job.conversation != caller.conversation:
            raise BulkJobRefused(
                f"Bulk job {step.job_id} was not created through crm-guardrail in this "
                "conversation, so it cannot tell what its data writes. Create the job through "
                "it, in this conversation."
            )
        if step.kind == "upload":
            if job.uploaded is not None:
                raise BulkJobRefused(
                    f"Bulk job {job.id} has had its upload; upload more rows in a new job."
                )
            return self._dialect.job_rows(job.spec, job.id, request, self._kinds)
        if step.kind == "state" and step.state == "UploadComplete" and job.uploaded is None:
            raise BulkJobRefused(
                f"Bulk job {job.id} has no upload crm-guardrail let through, so it may not be "
                "processed. Upload its data first; a refused upload cannot be completed."
            )
        return parsed

    async def admit(self, parsed: ParsedRequest, decision: Decision) -> None:
        """Claim the job's one upload for an allowed upload, before it is sent. Raises
        BulkJobRefused when another upload claimed it first."""
        step = parsed.job
        if (
            step is not None
            and step.kind == "upload"
            and not await self._store.claim_upload(step.job_id, decision.id, _judged(parsed))
        ):
            raise BulkJobRefused(
                f"Bulk job {step.job_id} has had its upload; upload more rows in a new job."
            )

    async def record(self, parsed: ParsedRequest, caller: Caller, status: int, body: bytes) -> None:
        """Remember a job the CRM just created, with what it writes."""
        step = parsed.job
        if step is None or step.kind != "create" or step.spec is None or not caller.conversation:
            return
        job_id = self._dialect.created_job(status, body)
        if job_id is not None:
            await self._store.put_job(BulkJob(job_id, caller.conversation, step.spec))

    async def results(
        self, parsed: ParsedRequest, caller: Caller, status: int, body: bytes, policy_version: str
    ) -> Decision | None:
        """The post-fail of the rows of a job the CRM saved otherwise than they were judged, from
        its answer (``status``, ``body``) to the job's results step; None when every row was
        saved as judged (or the job is none of this conversation's)."""
        step = parsed.job
        if step is None or step.kind != "results" or not caller.conversation:
            return None
        job = await self._store.get_job(step.job_id)
        if job is None or job.conversation != caller.conversation or not job.rows:
            return None
        said = self._dialect.job_saved(job.spec, status, body, self._kinds)
        intents, saved = self._otherwise(job, said)
        if not intents:
            return None
        judged = Decision(
            new_decision_id(), Verdict.ALLOW, self._dialect.name, intents, (), policy_version,
            caller, status=status, upstream_status=status,
        )  # fmt: skip
        return answered(judged, saved)

    def _otherwise(
        self, job: BulkJob, said: tuple[tuple[str | None, Saved], ...]
    ) -> tuple[tuple[WriteIntent, ...], tuple[Saved, ...]]:
        """Each row the CRM saved otherwise than judged, as judged, with what it did. Results
        come in no set order: a result is the next row judged by its external id."""
        waiting: dict[str | None, list[JudgedRow]] = {}
        for row in job.rows:
            waiting.setdefault(row.external_id, []).append(row)
        intents: list[WriteIntent] = []
        saved: list[Saved] = []
        for external_id, s in said:
            rows = waiting.get(external_id)
            if not rows:
                continue
            row = rows.pop(0)
            intent = WriteIntent(
                self._dialect.name, job.spec.object, Operation(row.operation), {},
                record_id=row.record_id, external_id_field=job.spec.external_id_field,
                external_id=row.external_id, ref=row.ref,
            )  # fmt: skip
            if s.updated(intent) or s.made(intent):
                intents.append(intent)
                saved.append(s)
        return tuple(intents), tuple(saved)


def _judged(parsed: ParsedRequest) -> tuple[JudgedRow, ...]:
    """How each upsert row of an upload was judged: the create or update its lookup found."""
    return tuple(
        JudgedRow(i.ref, str(i.operation), i.external_id, i.record_id)
        for i in parsed.intents
        if i.external_id is not None and i.operation in (Operation.CREATE, Operation.UPDATE)
    )
