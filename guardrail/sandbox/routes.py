"""The Salesforce REST surface the sandbox serves, below ``/services/data/vXX.X``."""

from __future__ import annotations

from guardrail.sandbox import bulk, composite, rest, sobject_collections
from guardrail.sandbox.api import Router


def build_router() -> Router:
    router = Router()
    router.add("", {"GET": rest.resources})
    router.add("/sobjects", {"GET": rest.global_describe})
    router.add("/sobjects/{sobject}", {"GET": rest.basic_info, "POST": rest.create})
    router.add("/sobjects/{sobject}/describe", {"GET": rest.full_describe})
    router.add(
        "/sobjects/{sobject}/{record_id}",
        {"GET": rest.read, "PATCH": rest.update, "DELETE": rest.delete},
    )
    router.add(
        "/sobjects/{sobject}/{field}/{value}",
        {"GET": rest.read_by_field, "PATCH": rest.upsert, "DELETE": rest.delete_by_field},
    )
    router.add("/query", {"GET": rest.query})
    router.add("/composite", {"POST": composite.composite})
    router.add(
        "/composite/sobjects",
        {
            "POST": sobject_collections.create,
            "PATCH": sobject_collections.update,
            "DELETE": sobject_collections.delete,
        },
    )
    router.add(
        "/composite/sobjects/{sobject}",
        {"GET": sobject_collections.retrieve, "POST": sobject_collections.retrieve_many},
    )
    router.add("/composite/sobjects/{sobject}/{field}", {"PATCH": sobject_collections.upsert})
    router.add("/jobs/ingest", {"POST": bulk.create})
    router.add(
        "/jobs/ingest/{job_id}", {"GET": bulk.info, "PATCH": bulk.change, "DELETE": bulk.delete}
    )
    router.add("/jobs/ingest/{job_id}/batches", {"PUT": bulk.upload})
    router.add("/jobs/ingest/{job_id}/{kind}", {"GET": bulk.results})
    return router
