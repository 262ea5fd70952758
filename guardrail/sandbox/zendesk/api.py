"""The Zendesk Support API the sandbox serves, below ``/api/v2`` (``.json`` optional):

    GET    /tickets[.json], /tickets/{id}, /tickets/{id}/comments, /tickets/{id}/incidents,
           /tickets/show_many?ids=[&include=last_audits] (each ticket's last write and comment)
    POST   /tickets                        201 {"ticket", "audit"}
    PUT    /tickets/{id}                   200 {"ticket", "audit"} (``comment`` adds one)
    DELETE /tickets/{id}                   204
    DELETE /tickets/destroy_many?ids=1,2   200 {"job_status"} (each ticket deleted)
    POST   /tickets/create_many            200 {"job_status"} (queued)
    PUT    /tickets/update_many?ids=1,2    one ``ticket`` for all, or ``tickets`` [{id, ...}]
    POST   /tickets/{id}/merge             {"ids", "target_comment", "source_comment", ...}
    GET    /job_statuses/{id}              the job: completed, with ``results``
    GET    /users, /users/{id}, /users/show_many?ids=, /users/search?query=|external_id=;
           POST /users; PUT /users/{id}; DELETE /users/{id} (200, the user, active false);
           POST /users/create_or_update; DELETE /users/destroy_many?ids=|external_ids=;
           GET /users/{id}/tickets/assigned
    GET    /organizations[/{id}], show_many; POST; PUT /organizations/{id};
           DELETE /organizations/{id} (204); POST .../create_or_update;
           DELETE .../destroy_many?ids=|external_ids=
    GET    /groups[/{id}], /ticket_fields[/{id}], /search?query=

Unknown path or method: 404 ``InvalidEndpoint``. Write bodies wrap the record in its name
(``{"ticket": {...}}``); a body that is not JSON is a 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from guardrail.sandbox.zendesk import search
from guardrail.sandbox.zendesk.errors import (
    ZendeskError,
    bad_request,
    invalid_endpoint,
    not_found,
)
from guardrail.sandbox.zendesk.store import Row, ZendeskStore, is_digits, same_text

API = "/api/v2"
MAX_BULK = 100  # records per create_many / update_many, as Zendesk limits them


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str  # below /api/v2, without .json
    query: Mapping[str, str]
    body: bytes
    base_url: str


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any = None


Handler = Callable[[ZendeskStore, Call, re.Match[str]], Answer]
_ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = []


def route(pattern: str, **handlers: Handler) -> None:
    _ROUTES.append((re.compile(f"^{pattern}$"), handlers))


def template(path: str) -> str | None:
    """The route a path matches (``/tickets/{id}``), for the request counter."""
    for pattern, _ in _ROUTES:
        if pattern.match(path):
            return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern.pattern[1:-1])
    return None


def dispatch(store: ZendeskStore, call: Call) -> Answer:
    for pattern, handlers in _ROUTES:
        match = pattern.match(call.path)
        if match:
            handler = handlers.get(call.method)
            if handler is None:
                raise invalid_endpoint()
            return handler(store, call, match)
    raise invalid_endpoint()


# -- rendering -------------------------------------------------------------------------------


def _ticket(row: Row, call: Call) -> Row:
    return {"url": f"{call.base_url}{API}/tickets/{row['id']}.json", **row}


def _user(row: Row, call: Call) -> Row:
    return {"url": f"{call.base_url}{API}/users/{row['id']}.json", **row}


def _organization(row: Row, call: Call) -> Row:
    return {"url": f"{call.base_url}{API}/organizations/{row['id']}.json", **row}


def _group(row: Row, call: Call) -> Row:
    return {"url": f"{call.base_url}{API}/groups/{row['id']}.json", **row}


def _page(name: str, rows: list[Row]) -> Row:
    return {name: rows, "next_page": None, "previous_page": None, "count": len(rows)}


def _with_audits(found: Row, store: ZendeskStore, ids: list[int], call: Call) -> Row:
    """``found`` with the tickets' last audits when ``include=last_audits`` asks for them."""
    if "last_audits" in call.query.get("include", "").split(","):
        found["audits"] = [store.audits[i] for i in ids if i in store.audits]
    return found


def _job(status: Row, call: Call) -> Row:
    return {"url": f"{call.base_url}{API}/job_statuses/{status['id']}.json", **status}


# -- reading bodies and ids --------------------------------------------------------------------


def _body(call: Call, key: str) -> Any:
    document = _document(call)
    if key not in document:
        raise bad_request(f"The request body needs a {key!r} object.")
    return document[key]


def _document(call: Call) -> dict[str, Any]:
    """The request's parameters as Zendesk (a Rails app) reads them: the JSON body's, with the
    query string's over them, key by key at the top (``request_parameters.merge(
    query_parameters)``): ``?ticket[priority]=urgent`` is ``{"ticket": {"priority":
    "urgent"}}`` and replaces the body's ``ticket`` whole."""
    try:
        document = json.loads(call.body) if call.body else {}
    except ValueError:
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise bad_request("The request body must be a JSON object.")
    return {**document, **_nested(call.query)}


def _nested(query: Mapping[str, str]) -> dict[str, Any]:
    """Query parameters as Rack nests them: ``a[b][c]=v`` is ``{"a": {"b": {"c": "v"}}}``."""
    found: dict[str, Any] = {}
    for name, value in query.items():
        head, _, tail = name.partition("[")
        keys = [head, *(k for k in tail.rstrip("]").split("][") if tail)]
        node = found
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[keys[-1]] = value
    return found


def _ids(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(is_digits(p) for p in parts):
        raise bad_request("ids must be comma-separated record ids.")
    return [int(p) for p in parts]


def _id(match: re.Match[str]) -> int:
    return int(match["id"])


# -- tickets -----------------------------------------------------------------------------------


def list_tickets(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    return Answer(200, _page("tickets", [_ticket(r, call) for r in store.records("ticket")]))


def create_ticket(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    row = store.create_ticket(_body(call, "ticket"))
    return Answer(201, {"ticket": _ticket(row, call), "audit": store.audits[row["id"]]})


def show_ticket(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    return Answer(200, {"ticket": _ticket(store.fetch("ticket", _id(match)), call)})


def update_ticket(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    row = store.update_ticket(_id(match), _body(call, "ticket"))
    return Answer(200, {"ticket": _ticket(row, call), "audit": store.audits[row["id"]]})


def delete_ticket(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    store.delete("ticket", _id(match))
    return Answer(204)


def _destroy_many(name: str) -> Handler:
    """``DELETE /{plural}/destroy_many?ids=`` (users and organizations: or ``external_ids=``):
    a job deleting each record."""

    def destroy(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        if "external_ids" in call.query and name != "ticket":
            wanted = [e.strip() for e in call.query["external_ids"].split(",") if e.strip()]
            ids = [r["id"] for r in store.records(name)
                   if any(same_text(r.get("external_id") or "", e) for e in wanted)]  # fmt: skip
        else:
            ids = _ids(call.query.get("ids", ""))
        if not 0 < len(ids) <= MAX_BULK:
            raise bad_request(f"destroy_many takes 1 to {MAX_BULK} records.")

        pairs = [(i, None) for i in ids]
        deleted = _each(
            pairs, "delete", "Deleted", "DeleteFailed", lambda i, _: store.delete(name, i)
        )
        return Answer(200, {"job_status": _job(store.run_job(len(ids), deleted), call)})

    return destroy


def show_many(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    ids = _ids(call.query.get("ids", ""))
    rows = [store.get("ticket", i) for i in ids]
    found = _page("tickets", [_ticket(r, call) for r in rows if r is not None])
    return Answer(200, _with_audits(found, store, ids, call))


def incidents(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    """A problem ticket's incidents (the tickets linked to it by ``problem_id``)."""
    rows = [_ticket(r, call) for r in store.incidents(_id(match))]
    return Answer(200, _page("tickets", rows))


def assigned(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    """The tickets assigned to a user (``GET /users/{id}/tickets/assigned``)."""
    return Answer(200, _page("tickets", [_ticket(r, call) for r in store.assigned(_id(match))]))


def comments(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    rows = [{k: v for k, v in c.items() if k != "ticket_id"} for c in store.comments(_id(match))]
    return Answer(200, _page("comments", rows))


def create_many(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    tickets = _body(call, "tickets")
    if not isinstance(tickets, list) or not 0 < len(tickets) <= MAX_BULK:
        raise bad_request(f"tickets must be a list of 1 to {MAX_BULK} tickets.")

    def work() -> list[Row]:
        results: list[Row] = []
        for index, data in enumerate(tickets):
            try:
                results.append({"index": index, "id": store.create_ticket(data)["id"]})
            except ZendeskError as exc:
                results.append({"index": index, "error": "TicketCreateFailed",
                                "details": _details_text(exc)})  # fmt: skip
        return results

    return Answer(200, {"job_status": _job(store.run_job(len(tickets), work), call)})


def update_many(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    document = _document(call)
    if "ids" in call.query:
        ids = _ids(call.query["ids"])
        change = document.get("ticket")
        if not isinstance(change, dict):
            raise bad_request("An update by ids needs one 'ticket' object.")
        pairs = [(i, change) for i in ids]
    else:
        tickets = document.get("tickets")
        if not isinstance(tickets, list) or not all(
            isinstance(t, dict) and is_digits(str(t.get("id"))) for t in tickets
        ):
            raise bad_request("tickets must be a list of tickets, each with its id.")
        pairs = [(int(t["id"]), {k: v for k, v in t.items() if k != "id"}) for t in tickets]
    if not 0 < len(pairs) <= MAX_BULK:
        raise bad_request(f"update_many takes 1 to {MAX_BULK} tickets.")

    updated = _each(pairs, "update", "Updated", "TicketUpdateFailed", store.update_ticket)
    return Answer(200, {"job_status": _job(store.run_job(len(pairs), updated), call)})


def _each(
    pairs: list[tuple[int, Any]], action: str, status: str, error: str,
    apply: Callable[[int, Any], object],
) -> Callable[[], list[Row]]:  # fmt: skip
    """A job's work: ``apply`` to each (record id, data), each record's result as Zendesk
    reports it."""

    def work() -> list[Row]:
        results: list[Row] = []
        for index, (record_id, data) in enumerate(pairs):
            result: Row = {"id": record_id, "index": index, "action": action}
            try:
                apply(record_id, data)
                results.append({**result, "success": True, "status": status})
            except ZendeskError as exc:
                results.append({**result, "success": False, "error": error,
                                "details": _details_text(exc)})  # fmt: skip
        return results

    return work


def merge(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    document = _document(call)
    given = document.get("ids")
    if not isinstance(given, list) or not all(is_digits(str(i)) for i in given):
        raise bad_request("ids must be a list of ticket ids to merge into this one.")
    ids = [int(i) for i in given]
    target = _id(match)
    store.fetch("ticket", target)
    for source in ids:
        store.fetch("ticket", source)

    def work() -> list[Row]:
        store.merge(target, ids, document)
        return [{"id": target, "action": "merge", "success": True, "status": "Merged"}]

    return Answer(200, {"job_status": _job(store.run_job(len(ids), work), call)})


def job_status(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    status = store.jobs.get(match["job"])
    if status is None:
        raise not_found()
    return Answer(200, {"job_status": _job(status, call)})


def _details_text(exc: ZendeskError) -> str:
    details = exc.body.get("details") or {}
    texts = [item["description"] for items in details.values() for item in items]
    return " ".join(texts) or str(exc.body.get("description") or exc.body.get("error"))


# -- users, organizations, groups, fields, search -----------------------------------------------


def _record_routes(
    name: str, plural: str, render: Callable[[Row, Call], Row], create: str, update: str,
    create_or_update: str,
) -> None:  # fmt: skip
    def listing(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        return Answer(200, _page(plural, [render(r, call) for r in store.records(name)]))

    def make(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        row = getattr(store, create)(_body(call, name))
        return Answer(201, {name: render(row, call)})

    def show(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        return Answer(200, {name: render(store.fetch(name, _id(match)), call)})

    def change(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        row = getattr(store, update)(_id(match), _body(call, name))
        return Answer(200, {name: render(row, call)})

    def remove(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        row = store.delete(name, _id(match))
        return Answer(200, {name: render(row, call)}) if name == "user" else Answer(204)

    def upsert(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        row, created = getattr(store, create_or_update)(_body(call, name))
        return Answer(201 if created else 200, {name: render(row, call)})

    def many(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        rows = [store.get(name, i) for i in _ids(call.query.get("ids", ""))]
        return Answer(200, _page(plural, [render(r, call) for r in rows if r is not None]))

    def find(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
        """``search?external_id=`` (exact but for case), or ``search?query=`` (Zendesk's
        search syntax)."""
        if "external_id" in call.query:
            wanted = call.query["external_id"]
            rows = [
                r for r in store.records(name)
                if r.get("external_id") is not None and same_text(r["external_id"], wanted)
            ]  # fmt: skip
        else:
            query = f"type:{name} {call.query.get('query', '')}"
            rows = [row for _, row in search.run(store, query)]
        return Answer(200, _page(plural, [render(r, call) for r in rows]))

    route(f"/{plural}", GET=listing, POST=make)
    route(f"/{plural}/show_many", GET=many)
    route(f"/{plural}/search", GET=find)
    route(f"/{plural}/create_or_update", POST=upsert)
    route(f"/{plural}/destroy_many", DELETE=_destroy_many(name))
    route(rf"/{plural}/(?P<id>[0-9]+)", GET=show, PUT=change, DELETE=remove)


def groups(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    return Answer(200, _page("groups", [_group(r, call) for r in store.records("group")]))


def group(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    return Answer(200, {"group": _group(store.fetch("group", _id(match)), call)})


def ticket_fields(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    return Answer(
        200, _page("ticket_fields", [f.describe(call.base_url) for f in store.ticket_fields])
    )


def ticket_field(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    for field in store.ticket_fields:
        if field.id == _id(match):
            return Answer(200, {"ticket_field": field.describe(call.base_url)})
    raise not_found()


def search_records(store: ZendeskStore, call: Call, match: re.Match[str]) -> Answer:
    renders = {"ticket": _ticket, "user": _user, "organization": _organization, "group": _group}
    found = [
        {**renders[kind](row, call), "result_type": kind}
        for kind, row in search.run(store, call.query.get("query", ""))
    ]
    return Answer(200, {"results": found, "facets": None, "next_page": None,
                        "previous_page": None, "count": len(found)})  # fmt: skip


route("/tickets", GET=list_tickets, POST=create_ticket)
route("/tickets/create_many", POST=create_many)
route("/tickets/update_many", PUT=update_many)
route("/tickets/destroy_many", DELETE=_destroy_many("ticket"))
route("/tickets/show_many", GET=show_many)
route(r"/tickets/(?P<id>[0-9]+)", GET=show_ticket, PUT=update_ticket, DELETE=delete_ticket)
route(r"/tickets/(?P<id>[0-9]+)/comments", GET=comments)
route(r"/tickets/(?P<id>[0-9]+)/incidents", GET=incidents)
route(r"/tickets/(?P<id>[0-9]+)/merge", POST=merge)
route(r"/job_statuses/(?P<job>[0-9a-f]{32})", GET=job_status)
_record_routes("user", "users", _user, "create_user", "update_user", "create_or_update_user")
_record_routes(
    "organization", "organizations", _organization, "create_organization",
    "update_organization", "create_or_update_organization",
)  # fmt: skip
route(r"/users/(?P<id>[0-9]+)/tickets/assigned", GET=assigned)
route("/groups", GET=groups)
route(r"/groups/(?P<id>[0-9]+)", GET=group)
route("/ticket_fields", GET=ticket_fields)
route(r"/ticket_fields/(?P<id>[0-9]+)", GET=ticket_field)
route("/search", GET=search_records)
