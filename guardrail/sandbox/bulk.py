"""Bulk API 2.0 ingest jobs (``/jobs/ingest``), as Salesforce runs them.

Create a job (object, operation, ``externalIdFieldName``, ``lineEnding``, ``columnDelimiter``),
upload its CSV once (``PUT .../batches``, 201), then ``PATCH`` its state to ``UploadComplete``:
the sandbox then processes every row at once (Salesforce does it in the background; a client
polls until ``JobComplete``), each row saved or failed on its own, and
``successfulResults``/``failedResults``/``unprocessedrecords`` give the rows back as CSV (in
the job's delimiter and line ending) with ``sf__Id``, ``sf__Created`` (whether the row made its
record: an upsert row that found none) or ``sf__Error``. ``Aborted`` ends a job without
processing it.
CSV values are text: empty means no value, ``#N/A`` sets null.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from guardrail.crm import sfid
from guardrail.sandbox.api import ApiRequest, ApiResponse, Context
from guardrail.sandbox.errors import ApiError, not_found
from guardrail.sandbox.values import decode_record, parse_body

_OPERATIONS = frozenset({"insert", "update", "upsert", "delete", "hardDelete"})
_DELIMITERS = {"COMMA": ",", "TAB": "\t", "SEMICOLON": ";", "PIPE": "|", "CARET": "^",
               "BACKQUOTE": "`"}  # fmt: skip
_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
_serial = itertools.count(1)

Params = Mapping[str, str]


@dataclass
class Job:
    id: str
    object: str
    operation: str
    external_id_field: str | None
    line_ending: str
    column_delimiter: str
    version: str
    state: str = "Open"
    data: str | None = None
    successes: list[tuple[str, bool, dict[str, str]]] = field(default_factory=list)
    failures: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def info(self, ctx: Context) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": "005000000000001AAA",
            "state": self.state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.version),
            "contentUrl": f"{ctx.base.lstrip('/')}/jobs/ingest/{self.id}/batches",
            "lineEnding": self.line_ending,
            "columnDelimiter": self.column_delimiter,
            "numberRecordsProcessed": len(self.successes) + len(self.failures),
            "numberRecordsFailed": len(self.failures),
        }
        if self.external_id_field:
            body["externalIdFieldName"] = self.external_id_field
        return body


def _jobs(ctx: Context) -> dict[str, Job]:
    return cast(dict[str, Job], ctx.store.bulk_jobs)


def _job(ctx: Context, params: Params) -> Job:
    job = _jobs(ctx).get(params["job_id"])
    if job is None:
        raise not_found()
    return job


def create(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    body = parse_body(request.body)
    if not isinstance(body, dict):
        raise ApiError(400, "INVALIDJOB", "The job must be a JSON object")
    operation = body.get("operation")
    if operation not in _OPERATIONS:
        raise ApiError(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    stype = ctx.store.sobject(str(body.get("object", "")))
    ext = body.get("externalIdFieldName")
    if operation == "upsert":
        if not isinstance(ext, str):
            raise ApiError(400, "INVALIDJOB", "InvalidJob : External ID was blank for upsert")
        ext = ctx.store.id_lookup_field(stype, ext).name
    ending, delimiter = body.get("lineEnding", "LF"), body.get("columnDelimiter", "COMMA")
    if ending not in _ENDINGS or delimiter not in _DELIMITERS:
        raise ApiError(400, "INVALIDJOB", "InvalidJob : unknown lineEnding or columnDelimiter")
    job_id = sfid.to18(f"750SB0{next(_serial):09d}")
    job = Job(job_id, stype.name, operation, ext if operation == "upsert" else None, ending,
              delimiter, ctx.version)  # fmt: skip
    _jobs(ctx)[job_id] = job
    return ApiResponse(200, job.info(ctx))


def upload(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    job = _job(ctx, params)
    if job.state != "Open" or job.data is not None:
        raise ApiError(400, "INVALIDJOBSTATE", "Found multiple contents for job")
    try:
        job.data = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "INVALIDBATCH", "InvalidBatch : the data is not UTF-8") from None
    return ApiResponse(201)


def info(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    return ApiResponse(200, _job(ctx, params).info(ctx))


def change(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    job = _job(ctx, params)
    body = parse_body(request.body)
    state = body.get("state") if isinstance(body, dict) else None
    if state == "Aborted" and job.state in ("Open", "UploadComplete"):
        job.state = "Aborted"
    elif state == "UploadComplete" and job.state == "Open":
        _process(ctx, job)
    else:
        raise ApiError(400, "INVALIDJOBSTATE", f"Invalid state change to {state}")
    return ApiResponse(200, job.info(ctx))


def delete(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    job = _job(ctx, params)
    del _jobs(ctx)[job.id]
    return ApiResponse(204)


def results(ctx: Context, request: ApiRequest, params: Params) -> ApiResponse:
    job = _job(ctx, params)
    kind = params["kind"]
    rows = _rows(job) if job.data else ([], [])
    columns = rows[0]
    out = io.StringIO()
    # in the job's own delimiter and line ending, as its data was uploaded
    writer = csv.writer(out, delimiter=_DELIMITERS[job.column_delimiter],
                        lineterminator=_ENDINGS[job.line_ending])  # fmt: skip
    if kind == "successfulResults":
        writer.writerow(["sf__Id", "sf__Created", *columns])
        for record_id, created, row in job.successes:
            writer.writerow([record_id, str(created).lower(), *row.values()])
    elif kind == "failedResults":
        writer.writerow(["sf__Id", "sf__Error", *columns])
        for record_id, error, row in job.failures:
            writer.writerow([record_id, error, *row.values()])
    elif kind == "unprocessedrecords":
        writer.writerow(columns)
        if job.state != "JobComplete":
            writer.writerows(r.values() for r in rows[1])
    else:
        raise not_found()
    return ApiResponse(200, out.getvalue().encode(), {"Content-Type": "text/csv"})


def _rows(job: Job) -> tuple[list[str], list[dict[str, str]]]:
    assert job.data is not None
    reader = csv.reader(
        io.StringIO(job.data, newline=""),
        delimiter=_DELIMITERS[job.column_delimiter],
        lineterminator=_ENDINGS[job.line_ending],
        strict=True,
    )
    try:
        lines = [line for line in reader if line]
    except csv.Error as exc:
        raise ApiError(400, "INVALIDBATCH", f"InvalidBatch : {exc}") from None
    if not lines:
        return [], []
    header = lines[0]
    return header, [dict(zip(header, line, strict=False)) for line in lines[1:]]


def _process(ctx: Context, job: Job) -> None:
    """Every row saved or failed on its own; the job is then complete."""
    if job.data is None:
        job.state = "Failed"
        return
    stype = ctx.store.sobject(job.object)
    for row in _rows(job)[1]:
        values = {k: (None if v == "#N/A" else v) for k, v in row.items() if v != ""}
        record_id = str(values.get("Id") or next(
            (v for k, v in values.items() if k.lower() == "id" and v), ""))  # fmt: skip
        try:
            with ctx.store.transaction():
                if job.operation == "insert":
                    saved, created = (
                        ctx.store.create(stype.name, decode_record(stype, values)),
                        True,
                    )
                elif job.operation == "update":
                    rest = {k: v for k, v in values.items() if k.lower() != "id"}
                    ctx.store.update(stype.name, record_id, decode_record(stype, rest))
                    saved, created = sfid.to18(record_id), False
                elif job.operation == "upsert":
                    assert job.external_id_field is not None
                    decoded = decode_record(stype, values)
                    key = decoded.get(job.external_id_field)
                    saved, created = ctx.store.upsert(
                        stype.name, job.external_id_field, key, decoded
                    )
                else:
                    ctx.store.delete(stype.name, record_id)
                    saved, created = sfid.to18(record_id), False
            job.successes.append((saved, created, row))
        except ApiError as exc:
            job.failures.append((record_id, f"{exc.code}:{exc.message}", row))
    job.state = "JobComplete"
