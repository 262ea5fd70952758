"""The in-process seam of the REST API: request, response, context, and a small router.

Handlers are plain synchronous functions from an ``ApiRequest`` to an ``ApiResponse``, so the
HTTP server and the Composite resource (whose subrequests are dispatched in-process, as
Salesforce does) call exactly the same code, and no write can interleave with another
request's write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from multidict import CIMultiDict

from guardrail.sandbox.errors import ApiError, MultipleMatches, no_such_column, not_found
from guardrail.sandbox.schema import Field, SObjectType
from guardrail.sandbox.store import Row, SandboxStore

API_ROOT = "/services/data"
_VERSIONED = re.compile(rf"^{API_ROOT}/v(?P<version>\d+\.\d+)(?P<path>/.*)?$")


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One call below ``/services/data/vXX.X``; ``path`` is raw (percent-encoded).

    ``headers`` must look names up case-insensitively (aiohttp's headers, or a
    ``CIMultiDict`` for a composite subrequest's ``httpHeaders``).
    """

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=CIMultiDict)


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """What a handler answers; ``partial_failure`` marks a 200 in which some records failed."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    partial_failure: bool = False

    @property
    def failed(self) -> bool:
        return self.status >= 400 or self.partial_failure

    @staticmethod
    def error(exc: ApiError) -> ApiResponse:
        return ApiResponse(exc.status, exc.rest_body())


#: The last API version in which Salesforce reads a final ``.json`` or ``.xml`` on a URI as the
#: response format (``/sobjects/Account/001D000000INjVe.json``), not as part of the resource.
LAST_FORMAT_SUFFIX_VERSION = 57.0


def split_versioned(url_path: str) -> tuple[str, str] | None:
    """``/services/data/v59.0/sobjects`` as ``("59.0", "/sobjects")``; None if not versioned.
    Up to API 57.0 a final ``.json`` or ``.xml`` is taken off the path, as Salesforce does."""
    match = _VERSIONED.match(url_path)
    if match is None:
        return None
    version, path = match["version"], match["path"] or ""
    if float(version) <= LAST_FORMAT_SUFFIX_VERSION:
        for suffix in (".json", ".xml"):
            if path.endswith(suffix) and not path.endswith("/" + suffix):
                return version, path.removesuffix(suffix)
    return version, path


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler works with: the store, the API version called, the router (for the
    Composite resource) and whether an enclosing Composite request forces allOrNone."""

    store: SandboxStore
    version: str
    router: Router
    force_all_or_none: bool = False

    @property
    def base(self) -> str:
        return f"{API_ROOT}/v{self.version}"

    def record_url(self, sobject: str, record_id: str) -> str:
        return f"{self.base}/sobjects/{sobject}/{record_id}"

    def render(
        self, sobject: SObjectType, row: Row, fields: tuple[Field, ...] | None = None
    ) -> dict[str, Any]:
        """A record as the API returns it: ``attributes`` first, then the fields asked for."""
        chosen = fields if fields is not None else sobject.fields
        return {
            "attributes": {"type": sobject.name, "url": self.record_url(sobject.name, row["Id"])},
            **{f.name: row[f.name] for f in chosen},
        }

    def forcing_all_or_none(self) -> Context:
        return replace(self, force_all_or_none=True)


def field_list(sobject: SObjectType, names: str) -> tuple[Field, ...]:
    """A comma-separated ``fields=`` parameter as fields, or SOQL's ``INVALID_FIELD``."""
    fields = []
    for name in (n.strip() for n in names.split(",")):
        found = sobject.field(name)
        if found is None:
            raise no_such_column(sobject.name, name)
        fields.append(found)
    return tuple(fields)


Handler = Callable[[Context, ApiRequest, Mapping[str, str]], ApiResponse]

#: The method override Salesforce documents: ``POST ...?_HttpMethod=PATCH`` is a PATCH, for
#: clients that cannot send PATCH. No other value, method or spelling is documented, so none is
#: honoured: such a request is the POST it is.
OVERRIDE = "_HttpMethod"


def _overridden(request: ApiRequest) -> ApiRequest:
    if request.method == "POST" and request.query.get(OVERRIDE) == "PATCH":
        query = {k: v for k, v in request.query.items() if k != OVERRIDE}
        return replace(request, method="PATCH", query=query)
    return request


class Router:
    """Path templates (``/sobjects/{sobject}``) to per-method handlers.

    A path that matches no template is Salesforce's 404 ``NOT_FOUND``; a method a matching
    template lacks is 405 ``METHOD_NOT_ALLOWED``; an ``ApiError`` a handler raises becomes
    its error body, and ``MultipleMatches`` the 300 list of the records' URLs. A trailing
    slash is ignored (simple-salesforce posts to ``/sobjects/Case/``).
    """

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Mapping[str, Handler]]] = []

    def add(self, template: str, handlers: Mapping[str, Handler]) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((template or "/", re.compile(pattern), handlers))

    def template(self, path: str) -> str | None:
        """The template ``path`` matches (``/sobjects/{sobject}/{record_id}``), or None; it
        names the route in the request counter without the ids that vary per call."""
        path = path.removesuffix("/")
        return next((t for t, pattern, _ in self._routes if pattern.fullmatch(path)), None)

    def dispatch(self, ctx: Context, request: ApiRequest) -> ApiResponse:
        request = _overridden(request)
        path = request.path.removesuffix("/")
        for _, pattern, handlers in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            handler = handlers.get(request.method)
            if handler is None:
                allowed = ",".join(handlers)
                return ApiResponse(
                    405,
                    ApiError(
                        405,
                        "METHOD_NOT_ALLOWED",
                        f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}",
                    ).rest_body(),
                    {"Allow": allowed},
                )
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            try:
                return handler(ctx, request, params)
            except MultipleMatches as exc:
                return ApiResponse(300, [ctx.record_url(exc.sobject, i) for i in exc.ids])
            except ApiError as exc:
                return ApiResponse.error(exc)
        return ApiResponse.error(not_found())
