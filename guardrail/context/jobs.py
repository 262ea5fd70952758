"""Bulk jobs the proxy saw created: what a later upload to them is judged as.

A bulk ingest job is created by one request and filled by another, possibly on another replica,
so what the job is (``JobSpec``: object, operation, how its data is written) lives in the
conversation store beside the conversation that created it. ``uploaded`` names the decision
that let the job's one upload through; it is set once, atomically, so no job gets a second,
unjudged upload, with ``rows``: how each upsert row was judged (the create or update its
lookup found), set against what the CRM says it did once the job ran (guardrail.bulk).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from guardrail.crm.base import JobSpec


@dataclass(frozen=True, slots=True)
class JudgedRow:
    """How one upsert row of an upload was judged: as ``operation`` (create, or update of
    ``record_id``), the record its ``external_id`` named when the proxy looked it up."""

    ref: str
    operation: str
    external_id: str | None
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class BulkJob:
    id: str
    conversation: str
    spec: JobSpec
    uploaded: str | None = None
    rows: tuple[JudgedRow, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "conversation": self.conversation,
                           "spec": asdict(self.spec)})  # fmt: skip

    @classmethod
    def from_json(cls, text: str, uploaded: str | None = None, rows: str | None = None) -> BulkJob:
        data = json.loads(text)
        judged = tuple(JudgedRow(**r) for r in json.loads(rows)) if rows else ()
        return cls(data["id"], data["conversation"], JobSpec(**data["spec"]), uploaded, judged)


def rows_json(rows: tuple[JudgedRow, ...]) -> str:
    return json.dumps([asdict(r) for r in rows])
