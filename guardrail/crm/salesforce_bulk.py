"""Salesforce's Bulk API 2.0, read as writes the guardrail can judge.

An ingest job is made in three requests, each read here: its creation (``POST /jobs/ingest``:
object, operation, ``externalIdFieldName``, ``lineEnding``, ``columnDelimiter``), the upload of
its CSV data (``PUT /jobs/ingest/{id}/batches``), in which every row is one write of the job's
object and operation, and its state change (``PATCH /jobs/ingest/{id}``: ``UploadComplete``
makes the CRM save the rows; ``Aborted`` drops them). ``hardDelete`` (past the recycle bin) and
what Salesforce does not document are refused. The CSV is read strictly, in the job's
delimiter and line ending: a quote out of place, a stray carriage return, a row of the wrong
width, a header named twice or a relationship column (which the CRM resolves by itself) refuse
the upload, since a second reader could split it differently. Values are text, as the CRM
receives them, typed by the object's schema where it says number or boolean; an empty value
sets nothing and ``#N/A`` sets null, as Salesforce reads them.

A job's successful results (``GET .../successfulResults``: CSV, each row ``sf__Id``,
``sf__Created`` and the row as uploaded, in no set order) say what the CRM did with each row:
an upsert row judged as the create or update its lookup found may have been saved the other way
(the record appeared, or was gone, by the time the job ran), and is reported then
(guardrail.bulk, guardrail.answered).

Query jobs (``/jobs/query``) make the CRM run a SOQL query: they read, whatever their method,
and show records of objects the proxy does not parse out of the query.

The Bulk API 1.0 (``/services/async/...``) is refused whole, reads included: its batches are
XML, CSV or JSON in shapes the guardrail does not judge. The refusal is in that API's own error
format (JSON when the request is JSON, else XML), so its clients report the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from html import escape
from typing import Any

from guardrail.checks.compare import Kind
from guardrail.crm import salesforce_lookups
from guardrail.crm.base import JobSpec, JobStep, ParsedRequest, Reply, Shape, part_each
from guardrail.crm.salesforce_reads import refuse_writing_clause
from guardrail.errors import MalformedBody, UnsupportedEndpoint, UnsupportedMediaType
from guardrail.model import Decision, Operation, Saved, Violation, WriteIntent

#: The Bulk API 1.0's root, below which nothing is forwarded.
ASYNC_API = "/services/async/"
_ASYNC_NS = "http://www.force.com/2009/06/asyncapi/dataload"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}\Z")
_JOB_ID = re.compile(r"^750[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?\Z")
_OPERATIONS = {
    "insert": Operation.CREATE,
    "update": Operation.UPDATE,
    "upsert": Operation.UPSERT,
    "delete": Operation.DELETE,
}
_DELIMITERS = {"COMMA": ",", "TAB": "\t", "SEMICOLON": ";", "PIPE": "|", "CARET": "^",
               "BACKQUOTE": "`"}  # fmt: skip
_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
_JOB_KEYS = frozenset(
    {"object", "operation", "externalIdFieldName", "contentType", "lineEnding", "columnDelimiter"}
)
_QUERY_KEYS = frozenset({"operation", "query", "contentType", "columnDelimiter", "lineEnding"})
_STATES = frozenset({"UploadComplete", "Aborted"})
_NUMBER = re.compile(r"^-?[0-9]{1,18}(?:\.[0-9]{1,18})?\Z")
#: Rows one upload may hold: each is judged (and an upsert's looked up) before any is sent.
MAX_ROWS = 10_000
NULL = "#N/A"

Kinds = Callable[[str], Mapping[str, Kind]]
"""The kind of each field of an object (lower-cased name -> kind), from its schema."""


def is_job(segments: Sequence[str] | None) -> bool:
    """Whether the path is a Bulk API 2.0 job resource (``/jobs/ingest...``, ``/jobs/query...``)."""
    return (
        segments is not None
        and len(segments) >= 2
        and segments[0].lower() == "jobs"
        and segments[1].lower() in ("ingest", "query")
    )


def is_upload(method: str, segments: Sequence[str] | None) -> bool:
    """Whether the request uploads a job's CSV data (its body is CSV, not JSON)."""
    return (
        method == "PUT"
        and segments is not None
        and len(segments) == 4
        and [s.lower() for s in segments[:2]] == ["jobs", "ingest"]
        and segments[3].lower() == "batches"
    )


def route(method: str, segments: Sequence[str], payload: Any) -> ParsedRequest | None:
    """A request below ``/jobs``, or None when it is none the proxy knows."""
    if segments[1].lower() == "query":
        return _query(method, segments, payload)
    if method == "POST" and len(segments) == 2:
        spec = _spec(payload)
        return _bulk(JobStep("create", spec=spec), str(_OPERATIONS[spec.operation]))
    job_id = _job_id(segments[2]) if len(segments) > 2 else ""
    if method == "PUT" and is_upload(method, segments):
        return _bulk(JobStep("upload", job_id))
    if method == "PATCH" and len(segments) == 3:
        return _bulk(JobStep("state", job_id, state=_state(payload)))
    if method == "DELETE" and len(segments) == 3:
        return _bulk(JobStep("delete", job_id))
    return None


def read(segments: Sequence[str]) -> ParsedRequest:
    """A GET below ``/jobs``: a job's or the jobs' information shows no record; results and
    query results show records of the job's object. A job's successful results are the
    ``results`` step, which the proxy reads for what the CRM did with each row."""
    info = len(segments) <= 3 and segments[1].lower() == "ingest"
    results = (
        len(segments) == 4
        and segments[1].lower() == "ingest"
        and segments[3].lower() == "successfulresults"
        and _JOB_ID.match(segments[2]) is not None
    )
    step = JobStep("results", segments[2]) if results else None
    return ParsedRequest(Shape.READ, reads=frozenset() if info else None, job=step)


def saved(
    spec: JobSpec, status: int, body: bytes, kinds: Kinds
) -> tuple[tuple[str | None, Saved], ...]:
    """What the CRM answered it did with each row an upsert job saved, from its successful
    results: the row's external id, as its upload was judged by it, and the record it saved
    or made. Nothing for another job, or an answer that is not those results."""
    if status != 200 or spec.operation != "upsert" or not spec.external_id_field:
        return ()
    try:
        table = list(_csv(body.decode("utf-8"), _DELIMITERS[spec.column_delimiter],
                          _ENDINGS[spec.line_ending]))  # fmt: skip
    except (UnicodeDecodeError, MalformedBody):
        return ()
    if not table:
        return ()
    columns = {name.lower(): n for n, name in enumerate(table[0])}
    ext = spec.external_id_field.lower()
    if not {"sf__id", "sf__created", ext} <= set(columns):
        return ()
    kind = {k.lower(): v for k, v in kinds(spec.object).items()}.get(ext)
    found = []
    for row in table[1:]:
        if len(row) != len(table[0]):
            continue
        value = _typed(row[columns[ext]], kind)
        created = row[columns["sf__created"]].lower()
        found.append((
            None if value is None else str(value),
            Saved(row[columns["sf__id"]] or None, created == "true" if created in
                  ("true", "false") else None),
        ))  # fmt: skip
    return tuple(found)


def rows(
    crm: str,
    spec: JobSpec,
    job_id: str,
    data: bytes,
    kinds: Kinds,
    headers: Mapping[str, str],
) -> ParsedRequest:
    """The writes an upload of ``data`` to a job makes, one per CSV row (``ref``: "row N",
    counting data rows from 1). Raises MalformedBody for CSV that is not strictly the job's."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("The CSV data is not UTF-8 encoded.") from None
    if text.startswith("\ufeff"):
        raise MalformedBody("The CSV data starts with a byte order mark; send plain UTF-8.")
    table = list(_csv(text, _DELIMITERS[spec.column_delimiter], _ENDINGS[spec.line_ending]))
    if len(table) < 2:
        raise MalformedBody("The CSV data needs a header row and at least one row of data.")
    if len(table) - 1 > MAX_ROWS:
        raise MalformedBody(f"An upload holds at most {MAX_ROWS} rows; split it into jobs.")
    header = _header(table[0], spec)
    typed = {k.lower(): v for k, v in kinds(spec.object).items()}
    operation = _OPERATIONS[spec.operation]
    intents = []
    for n, row in enumerate(table[1:], start=1):
        if len(row) != len(header):
            raise MalformedBody(
                f"CSV row {n} has {len(row)} values; the header names {len(header)} columns."
            )
        values = {h: _typed(v, typed.get(h.lower())) for h, v in zip(header, row, strict=True)
                  if v != ""}  # fmt: skip
        intents.append(_intent(crm, spec, operation, values, f"row {n}", headers))
    parts = part_each(intents)
    return ParsedRequest(
        Shape.BULK,
        tuple(intents),
        parts,
        True,
        spec.object,
        str(operation),
        reads=frozenset(),
        job=JobStep("upload", job_id),
    )


def created_job(status: int, answer: Any) -> str | None:
    """The id of the job the CRM created, from its answer to the creation."""
    job_id = answer.get("id") if status < 300 and isinstance(answer, dict) else None
    return job_id if isinstance(job_id, str) and _JOB_ID.match(job_id) else None


def render_block(parsed: ParsedRequest, decision: Decision) -> Reply | None:
    """An upload refused whole: Salesforce's error list, first saying nothing was sent, then
    each blocking violation with the row it is about (None: not an upload)."""
    if parsed.job is None or parsed.job.kind != "upload":
        return None
    blocking = [v for v in decision.violations if v.blocks]
    numbers = sorted({v.intent + 1 for v in blocking if v.intent is not None})
    listed = ", ".join(map(str, numbers)) or "none"
    summary = (
        f"crm-guardrail refused this upload whole: rows {listed} (of {len(parsed.intents)}) are "
        "blocked for the reasons listed; nothing of it was sent to the CRM. Abort this job, fix "
        "or drop those rows, and upload them in a new job."
    )
    errors = [{"errorCode": "GUARDRAIL_BULK_UPLOAD_REFUSED", "message": summary}]
    errors += [_row_error(parsed, v) for v in blocking]
    body = json.dumps(errors).encode()
    return Reply(400, body, {"Content-Type": "application/json;charset=UTF-8"})


class AsyncApiRefused(UnsupportedEndpoint):
    """A Bulk API 1.0 request: refused, in that API's error format."""

    def __init__(self, message: str, as_json: bool) -> None:
        super().__init__(message)
        self.as_json = as_json

    def reply(self) -> Reply:
        if self.as_json:
            body = json.dumps({"exceptionCode": self.code, "exceptionMessage": self.message})
            return Reply(self.status, body.encode(), {"Content-Type": "application/json"})
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?><error xmlns="{_ASYNC_NS}">'
            f"<exceptionCode>{escape(self.code)}</exceptionCode>"
            f"<exceptionMessage>{escape(self.message)}</exceptionMessage></error>"
        )
        return Reply(self.status, xml.encode(), {"Content-Type": "application/xml"})


def async_api_refused(content_type: str) -> AsyncApiRefused:
    return AsyncApiRefused(
        "crm-guardrail does not judge Bulk API 1.0 jobs (/services/async), so it refuses them; "
        "nothing was sent. Write through Bulk API 2.0 ingest jobs (/services/data/vXX.X/jobs/"
        "ingest), whose rows it judges, or the REST sObject endpoints.",
        as_json="json" in content_type.lower(),
    )


# -- helpers ------------------------------------------------------------------------------


def _bulk(step: JobStep, operation: str = "bulk") -> ParsedRequest:
    """A bulk step; a job's creation names the object and operation its rows will write."""
    sobject = step.spec.object if step.spec else ""
    return ParsedRequest(Shape.BULK, sobject=sobject, operation=operation, reads=frozenset(),
                         job=step)  # fmt: skip


def _query(method: str, segments: Sequence[str], payload: Any) -> ParsedRequest | None:
    if method == "POST" and len(segments) == 2:
        body = payload if isinstance(payload, dict) else {}
        unknown = sorted(set(body) - _QUERY_KEYS)
        if body.get("operation") not in ("query", "queryAll") or unknown:
            raise MalformedBody(
                'A query job is {"operation": "query" or "queryAll", "query": ...}'
                + (f"; crm-guardrail does not know {unknown}." if unknown else ".")
            )
        refuse_writing_clause(str(body.get("query", "")))
        return ParsedRequest(Shape.READ, reads=None)
    if len(segments) == 3 and (
        method == "DELETE" or (method == "PATCH" and _state(payload) == "Aborted")
    ):
        _job_id(segments[2])
        return ParsedRequest(Shape.READ, reads=frozenset())  # abort or drop a query job
    return None


def _spec(payload: Any) -> JobSpec:
    if not isinstance(payload, dict):
        raise MalformedBody("A bulk job is created with a JSON object.")
    unknown = sorted(set(payload) - _JOB_KEYS)
    if unknown:
        raise UnsupportedEndpoint(
            f"crm-guardrail does not know how {unknown} change what a bulk job writes, so it "
            f"refuses the job. Create it with {sorted(_JOB_KEYS)} only."
        )
    operation = payload.get("operation")
    if operation == "hardDelete":
        raise UnsupportedEndpoint(
            "crm-guardrail refuses hardDelete jobs: their records skip the recycle bin and "
            "cannot be restored. Use a delete job."
        )
    if operation not in _OPERATIONS:
        raise MalformedBody(f"A bulk ingest job's operation is one of {sorted(_OPERATIONS)}.")
    sobject = payload.get("object")
    if not isinstance(sobject, str) or not _NAME.match(sobject):
        raise MalformedBody('A bulk ingest job names its object: {"object": "Case"}.')
    if payload.get("contentType", "CSV") != "CSV":
        raise UnsupportedMediaType('Bulk ingest jobs take CSV data: "contentType": "CSV".')
    ext = payload.get("externalIdFieldName")
    if operation == "upsert" and (not isinstance(ext, str) or not _NAME.match(ext)):
        raise MalformedBody("An upsert job names its externalIdFieldName.")
    ending = payload.get("lineEnding", "LF")
    delimiter = payload.get("columnDelimiter", "COMMA")
    if ending not in _ENDINGS or delimiter not in _DELIMITERS:
        raise MalformedBody(
            f"lineEnding is one of {sorted(_ENDINGS)}, columnDelimiter one of "
            f"{sorted(_DELIMITERS)}."
        )
    return JobSpec(sobject, operation, ext if operation == "upsert" else None, ending, delimiter)


def _state(payload: Any) -> str:
    state = payload.get("state") if isinstance(payload, dict) else None
    if set(payload if isinstance(payload, dict) else {}) != {"state"} or state not in _STATES:
        raise MalformedBody(
            'A bulk job\'s state is changed with {"state": "UploadComplete"} or '
            '{"state": "Aborted"}.'
        )
    return str(state)


def _job_id(segment: str) -> str:
    if not _JOB_ID.match(segment):
        raise MalformedBody(f"{segment!r} is not a bulk job id.")
    return segment


def _csv(text: str, delimiter: str, ending: str) -> Iterator[list[str]]:
    """Rows of strict RFC 4180 CSV with the job's delimiter and line ending."""
    row: list[str] = []
    value: list[str] = []
    n, size, line = 0, len(text), 1
    quoted = started = False
    while n < size:
        char = text[n]
        if quoted:
            if char == '"':
                if text.startswith('"', n + 1):
                    value.append('"')
                    n += 2
                    continue
                quoted = False
                n += 1
                if n < size and text[n] != delimiter and not text.startswith(ending, n):
                    raise MalformedBody(f"CSV line {line}: a closing quote is followed by data.")
                continue
            value.append(char)
            n += 1
            continue
        if text.startswith(ending, n):
            row.append("".join(value))
            if row == [""]:
                raise MalformedBody(f"CSV line {line} is empty.")
            yield row
            row, value, started = [], [], False
            n += len(ending)
            line += 1
            continue
        if char == delimiter:
            row.append("".join(value))
            value, started = [], False
            n += 1
            continue
        if char == '"':
            if value or started:
                raise MalformedBody(f"CSV line {line}: a quote inside an unquoted value.")
            quoted = started = True
            n += 1
            continue
        if char in "\r\n":
            raise MalformedBody(
                f"CSV line {line}: a line break that is not the job's line ending "
                f"({'CRLF' if ending == chr(13) + chr(10) else 'LF'})."
            )
        value.append(char)
        n += 1
    if quoted:
        raise MalformedBody(f"CSV line {line}: a quoted value is not closed.")
    if value or row or started:
        row.append("".join(value))
        yield row


def _header(names: list[str], spec: JobSpec) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if "." in name:
            raise UnsupportedEndpoint(
                f"The CSV column {name!r} names a related record the CRM looks up itself, so "
                "crm-guardrail cannot judge which record is written. Use the record's id."
            )
        if not _NAME.match(name):
            raise MalformedBody(f"{name!r} in the CSV header is not a field name.")
        if name.lower() in seen:
            raise MalformedBody(f"The CSV header names {name!r} twice.")
        seen.add(name.lower())
    if spec.operation == "delete" and [n.lower() for n in names] != ["id"]:
        raise MalformedBody("A delete job's CSV has one column: Id.")
    if spec.operation == "update" and "id" not in seen:
        raise MalformedBody("An update job's CSV has an Id column.")
    if spec.operation == "upsert" and (spec.external_id_field or "").lower() not in seen:
        raise MalformedBody(f"An upsert job's CSV has its {spec.external_id_field} column.")
    return names


def _typed(text: str, kind: Kind | None) -> Any:
    if text == NULL:
        return None
    if kind is Kind.NUMBER and _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if kind is Kind.BOOLEAN and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _intent(
    crm: str,
    spec: JobSpec,
    operation: Operation,
    values: dict[str, Any],
    ref: str,
    headers: Mapping[str, str],
) -> WriteIntent:
    record_id = next((v for k, v in values.items() if k.lower() == "id"), None)
    ext = spec.external_id_field
    if operation is Operation.UPSERT and ext and ext.lower() != "id":
        external = next((v for k, v in values.items() if k.lower() == ext.lower()), None)
        fields = {k: v for k, v in values.items() if k.lower() != "id"}
        return WriteIntent(crm, spec.object, operation, fields,
                           record_id=record_id if isinstance(record_id, str) else None,
                           external_id_field=ext,
                           external_id=None if external is None else str(external),
                           ref=ref, headers=dict(headers))  # fmt: skip
    fields = {k: v for k, v in values.items() if k.lower() != "id"}
    if operation is Operation.CREATE:
        fields = dict(values)
    elif operation in (Operation.UPDATE, Operation.DELETE) and not isinstance(record_id, str):
        raise MalformedBody(
            f"CSV {ref} of an {spec.operation} job gives no Id; name each record it changes."
        )
    intent = WriteIntent(
        crm,
        spec.object,
        operation,
        {} if operation is Operation.DELETE else fields,
        record_id=record_id if isinstance(record_id, str) else None,
        external_id_field="Id" if operation is Operation.UPSERT else None,
        ref=ref,
        headers=dict(headers),
    )
    return salesforce_lookups.unnamed_create(intent)


def _row_error(parsed: ParsedRequest, violation: Violation) -> dict[str, Any]:
    where = parsed.intents[violation.intent].ref.capitalize() if violation.intent is not None \
        else "The upload"  # fmt: skip
    return {
        "errorCode": violation.code,
        "message": f"{where}: blocked by crm-guardrail ({violation.policy}/{violation.rule}): "
        f"{violation.message}",
        "fields": list(violation.fields),
    }
