"""Reading an HTTP request once, strictly: the pieces a dialect builds its canonical request from.

A guardrail can be walked around wherever it reads a request differently from the CRM: a path
the CRM resolves to another resource, a parameter given twice, a JSON key given twice, a body in
an encoding the proxy did not undo. So nothing here guesses: what two readers could read two
ways is refused (``RequestRejected``, rendered in the CRM's format), and what is accepted has
one reading, the one judged, audited and forwarded.

- Paths are percent-decoded once, strictly (UTF-8, no control characters). Dot segments (in any
  encoding), ``;`` parameters, encoded slashes or backslashes, empty segments, a ``%`` left
  after decoding, and percent-encoded unreserved characters (which RFC 3986 normalisation
  would decode, so the path would change under it) are refused.
- Query parameters are decoded once; a name given twice (in any case spelling) is refused,
  and so is a raw ``;`` where the CRM may split parameters there (``refuse_semicolons``).
- Headers are read as the CRM gets them: without those a Connection header names (but a
  hop's own), which the proxy removes on the way.
- Bodies are decoded from their content encoding (gzip, deflate) within the size limit, then
  parsed as JSON strictly: UTF-8 without a BOM, no duplicate keys at any depth, no NaN or
  Infinity, bounded nesting, number length and string length, nothing after the value.
"""

from __future__ import annotations

import functools
import json
import re
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from multidict import CIMultiDict, CIMultiDictProxy, MultiMapping

from guardrail.errors import AmbiguousRequest, BodyTooLarge, MalformedBody, UnsupportedMediaType
from guardrail.upstream import HOP_BY_HOP


class _NoBody:
    """The payload of a request without a body (distinct from a JSON ``null``)."""

    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NoBody()


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """Bounds on what a body may hold. Salesforce's own: a long text area holds 131,072
    characters and a number at most 18 digits; nesting past a few levels has no meaning in
    any write it takes."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 32
    max_number_chars: int = 40
    max_string_chars: int = 131_072


_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT = re.compile(r"%(?P<hex>[0-9A-Fa-f]{2})")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ODD_PATH = re.compile(r"[\\;?#]")


def _refuse_path(target: str, why: str) -> AmbiguousRequest:
    return AmbiguousRequest(
        f"crm-guardrail refuses the path {target[:200]!r}: {why}. Nothing was sent; send the "
        "plain path the CRM documents."
    )


#: Method override headers some servers honour; no CRM the proxy speaks documents one.
OVERRIDE_HEADERS = ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")
_METHOD = re.compile(r"[A-Z]{1,16}")


def is_method(method: str) -> bool:
    """Whether ``method`` is spelled as an HTTP method (upper-case letters only)."""
    return _METHOD.fullmatch(method) is not None


def check_method(method: str, crm: str, documented: str) -> None:
    """Refuse a method not spelled as one (``documented``: the ones ``crm`` takes, in words),
    and one never forwarded (``refuse_unforwarded_method``)."""
    if not is_method(method):
        raise AmbiguousRequest(
            f"{method[:20]!r} is not an HTTP method {crm} documents; use {documented}."
        )
    refuse_unforwarded_method(method)


#: Methods forwarded in no dialect, even where requests the dialect cannot read are
#: (unknown_writes: forward): what each would do, by method.
_UNFORWARDED = {
    # RFC 9110 9.3.8: a client must not send credentials in a TRACE; in token mode the
    # proxy's own would be echoed to the agent.
    "TRACE": "asks the CRM to echo the request back, its session with it",
    "CONNECT": "asks for a tunnel to another host, and crm-guardrail forwards only to its CRM",
}


def refuse_unforwarded_method(method: str) -> None:
    """Refuse TRACE and CONNECT, whether a request's own method or a nested request's."""
    does = _UNFORWARDED.get(method.upper())
    if does is not None:
        raise AmbiguousRequest(
            f"{method} {does}, so crm-guardrail never forwards it. Nothing was sent; read "
            "with GET and write with the methods the CRM documents."
        )


#: Query parameters some servers read as a method override (Rails' ``_method``, Salesforce's
#: ``_HttpMethod``, the override headers' names), by their lower-case name.
OVERRIDE_PARAMETERS = frozenset({"_method", "_httpmethod", *(h.lower() for h in OVERRIDE_HEADERS)})


def refuse_override_parameters(query: Iterable[str], crm: str) -> None:
    """Refuse a query parameter that asks for another method (``query``: the names sent), on
    any method: a dialect that honours none must not forward one it could be read by."""
    for name in query:
        if name.lower() in OVERRIDE_PARAMETERS:
            raise AmbiguousRequest(
                f"The query parameter {name!r} asks for another method than the request's; "
                f"{crm} does not document it, so crm-guardrail refuses it. Send the method "
                "itself, without the parameter."
            )


def refuse_undocumented_parameters(
    query: Iterable[str], documented: Collection[str], crm: str, endpoint: str
) -> None:
    """Refuse a query parameter a write's endpoint does not document (``documented``: spelled
    as the CRM documents them; another spelling is refused too). A server may read any
    parameter into the write (Rails merges ``ticket[...]`` from the query over the body's), so
    a write carries only the ones the proxy reads."""
    for name in query:
        if name not in documented:
            allowed = ", ".join(sorted(documented)) or "none"
            raise AmbiguousRequest(
                f"The query parameter {name[:80]!r} is not one {crm}'s {endpoint} takes, and "
                "crm-guardrail does not forward a write with a parameter it has not judged. "
                f"Send the write without it (parameters it takes: {allowed})."
            )


#: Headers some servers and load balancers route by instead of the request's own target and
#: Host (the path, or the host, the request is then taken for), by lower-case name.
ROUTING_HEADERS = frozenset({"x-original-url", "x-rewrite-url", "x-override-url",
                             "x-http-destinationurl", "x-forwarded-host", "x-forwarded-server",
                             "x-host", "x-forwarded-prefix", "x-forwarded-path",
                             "x-forwarded-uri", "forwarded"})  # fmt: skip


def routing_headers(names: Iterable[str]) -> frozenset[str]:
    """The headers (lower-case, as sent) of ``names`` that could route the request to another
    path or host than the one judged (``X-Original-URL``, ``X-Forwarded-Host``, ``Forwarded``;
    ``_`` for ``-`` too). The proxy forwards to its one upstream at the target it read, so
    they are not forwarded (a load balancer before the proxy may well add them)."""
    found = [read.lower for read in map(header_name, names) if read.routing]
    return frozenset(found) if found else _NONE


_NONE: frozenset[str] = frozenset()
_DECODED = frozenset({"content-encoding"})


def dropped_headers(names: Iterable[str], encodings: Collection[str]) -> frozenset[str]:
    """The request headers not forwarded with the canonical request: Content-Encoding when
    the body was decoded (``encodings`` given), and the routing headers."""
    routing = routing_headers(names)
    return (_DECODED | routing) if encodings else routing


def refuse_routing_headers(names: Iterable[str], crm: str) -> None:
    """Refuse a routing header where the proxy cannot drop it (a batch item's, a composite
    subrequest's headers)."""
    for name in sorted(routing_headers(names)):
        raise AmbiguousRequest(
            f"The {name} header could make {crm} route this request to another path or host "
            "than the one crm-guardrail judged; send it without it."
        )


@dataclass(frozen=True, slots=True)
class HeaderName:
    """What the checks here read in a header's name. Worked out once per name: clients send
    the same few names on every request, and each check reads every one of them."""

    lower: str
    #: Lower-case with ``_`` read as ``-``, as a Rack or CGI server reads it.
    dashed: str
    override: bool  # a method override header (OVERRIDE_HEADERS)
    routing: bool  # a routing header (ROUTING_HEADERS)
    no_answer: bool  # asks for no response body (_NO_ANSWER)
    accept: bool


# Bounded: names are the sender's to choose, so a flood of made-up ones cannot grow it.
@functools.lru_cache(maxsize=4096)
def header_name(name: str) -> HeaderName:
    """``name`` as the checks here read it."""
    lower = name.lower()
    dashed = lower.replace("_", "-")
    return HeaderName(
        lower,
        dashed,
        override=dashed in _OVERRIDES,
        routing=dashed in ROUTING_HEADERS,
        no_answer=dashed in _NO_ANSWER,
        accept=dashed == "accept",
    )


_OVERRIDES = frozenset(h.lower() for h in OVERRIDE_HEADERS)


#: An HTTP header name (RFC 9110's token): nothing a server could trim or fold into another.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def refuse_odd_header_names(names: Iterable[str], crm: str) -> None:
    """Refuse a header name that is no HTTP token, given where no HTTP parser reads it first (a
    batch item's or composite subrequest's headers, in JSON): `` Sforce-Auto-Assign`` is no
    behaviour header to the proxy, and a CRM trimming it would apply it unjudged."""
    for name in names:
        if not _HEADER_NAME.fullmatch(name):
            raise AmbiguousRequest(
                f"The header name {name[:80]!r} is not one HTTP allows (letters, digits and "
                f"!#$%&'*+.^_`|~- only, no spaces); {crm} could read it as another header than "
                "crm-guardrail judged. Spell the header as HTTP does."
            )


def refuse_method_overrides(headers: Iterable[str], crm: str) -> None:
    """Refuse a method override header (``headers``: the names sent, in any case, ``_`` for
    ``-`` too: a Rack or CGI server reads ``X_HTTP_Method_Override`` as the same header)."""
    sent = {read.dashed for read in map(header_name, headers) if read.override}
    for name in OVERRIDE_HEADERS:
        if name.lower() in sent:
            raise AmbiguousRequest(
                f"The {name} header asks for another method than the request's; {crm} does "
                "not document it, so crm-guardrail refuses it. Send the method itself."
            )


#: The headers of the connection to the next hop alone (RFC 9110 7.6.1), and the
#: HTTP2-Settings of an h2c upgrade (RFC 7540 3.2.1): a Connection header names them as such.
_HOP_HEADERS = HOP_BY_HOP | {"http2-settings"}


def end_to_end_headers(
    headers: CIMultiDict[str] | CIMultiDictProxy[str],
) -> CIMultiDict[str] | CIMultiDictProxy[str]:
    """``headers`` as the CRM gets them: without those the Connection header names (but a
    hop's own), which a proxy removes (RFC 9110 7.6.1), crm-guardrail too. A dialect reads
    these, so a header it would judge the request by (Content-Type, a behaviour header) and
    the CRM would never get is not read either."""
    named = {
        token.strip().lower()
        for value in headers.getall("Connection", ())
        for token in value.split(",")
    } - _HOP_HEADERS
    if not named or not named.intersection(name.lower() for name in headers):
        return headers
    return CIMultiDict(
        (name, value) for name, value in headers.items() if name.lower() not in named
    )


def refuse_fragment(target: str) -> None:
    """Refuse a target holding a ``#``: a fragment is never sent to a server, so the CRM (or
    a server before it) could cut the target there and read it otherwise than the proxy."""
    if "#" in target:
        raise AmbiguousRequest(
            f"The request target {target[:200]!r} holds a #: a fragment is never sent to a "
            "server, so the CRM could read the target otherwise than crm-guardrail. Send it "
            "without one."
        )


def decode_path(raw: str) -> str:
    """The path as the CRM reads it: percent-decoded once. Raises AmbiguousRequest for a
    path that could be read two ways."""
    if not raw.startswith("/") or raw.startswith("//"):
        raise _refuse_path(raw, "it must start with a single /")
    # Without a % (and all ASCII), percent-decoding leaves the path as it is.
    path = _percent_decoded(raw) if "%" in raw or not raw.isascii() else raw
    if _CONTROL.search(path):
        raise _refuse_path(raw, "it holds control characters")
    if "%" in path:
        raise _refuse_path(raw, "it is encoded twice")
    if _ODD_PATH.search(path):
        raise _refuse_path(raw, "it holds a backslash, a ; parameter, or an encoded ? or #")
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments.pop()  # one trailing slash: clients send it (simple-salesforce's create)
    if "" in segments or "." in segments or ".." in segments:
        raise _refuse_path(raw, "it holds an empty or dot segment")
    return path


def _percent_decoded(raw: str) -> str:
    if _BAD_PERCENT.search(raw):
        raise _refuse_path(raw, "it holds a % that starts no escape")
    for match in _PERCENT.finditer(raw):
        byte = int(match["hex"], 16)
        if byte in b"/\\":
            raise _refuse_path(raw, "it holds an encoded slash or backslash")
        if byte in _UNRESERVED:
            raise _refuse_path(raw, "it percent-encodes a character that needs no encoding")
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse_path(raw, "it is not UTF-8 once decoded") from None


def decode_query(raw: str) -> dict[str, str]:
    """``a=1&b=2`` decoded (``+`` is a space), one value per name. Raises AmbiguousRequest
    for a name given twice (in any case spelling: which one the CRM reads is not ours to guess)
    or text that does not decode."""
    found: dict[str, str] = {}
    seen: set[str] = set()
    for pair in raw.split("&") if raw else ():
        if not pair:
            continue
        name, _, value = pair.partition("=")
        key, text = _query_text(name, raw), _query_text(value, raw)
        if key.lower() in seen:
            raise AmbiguousRequest(
                f"The query parameter {key!r} is given more than once; crm-guardrail cannot "
                "tell which one the CRM reads. Send it once."
            )
        seen.add(key.lower())
        found[key] = text
    return found


def refuse_semicolons(raw_query: str, crm: str) -> None:
    """Refuse a raw ``;`` in a query string, for a CRM that may split parameters there as at
    ``&`` (Rails on Rack 2 does: ``?x=1;include=users`` is two parameters to it, one here), so
    it would read other parameters than were judged. An encoded one (``%3B``) is plain text."""
    if ";" in raw_query:
        raise AmbiguousRequest(
            f"The query string {raw_query[:200]!r} holds a ;, which {crm} may read as a "
            "separator between parameters, as &; crm-guardrail cannot tell which parameters "
            "it reads. Send a ; inside a value as %3B, and separate parameters with &."
        )


def _query_text(text: str, raw: str) -> str:
    if _BAD_PERCENT.search(text):
        raise AmbiguousRequest(f"The query string {raw[:200]!r} holds a % that starts no escape.")
    try:
        decoded = unquote_to_bytes(text.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        raise AmbiguousRequest(f"The query string {raw[:200]!r} is not UTF-8.") from None
    if _CONTROL.search(decoded):
        raise AmbiguousRequest(f"The query string {raw[:200]!r} holds control characters.")
    return decoded


def without_parameter(raw_query: str, name: str) -> str:
    """The raw query string without the parameter ``name`` (as decoded), otherwise as sent."""
    kept = [p for p in raw_query.split("&") if p and _query_text(p.partition("=")[0], p) != name]
    return "&".join(kept)


# -- bodies -----------------------------------------------------------------------------------


def media_type(content_type: str, example: str) -> str:
    """The media type of a Content-Type, lower-cased. Raises UnsupportedMediaType for a
    charset other than UTF-8 (``example`` says what to send): the body is read as UTF-8, and
    a CRM told another charset would read other text."""
    mime, _, params = content_type.partition(";")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise UnsupportedMediaType(
                f"crm-guardrail reads UTF-8 only (got charset {value.strip()!r}); send it as "
                f"{example}."
            )
    return mime.strip().lower()


def json_payload(content_type: str, body: bytes, limits: BodyLimits, example: str) -> Any:
    """A JSON body (``content_type`` a JSON media type in UTF-8), parsed strictly. Raises
    UnsupportedMediaType or MalformedBody."""
    if not is_json(content_type, example):
        raise not_json(media_type(content_type, example))
    return parse_json(body, limits)


def is_json(content_type: str, example: str) -> bool:
    """Whether ``content_type`` is a JSON media type (in UTF-8: else UnsupportedMediaType)."""
    mime = media_type(content_type, example)
    return mime == "application/json" or mime.endswith("+json")


def not_json(mime: str) -> UnsupportedMediaType:
    """The refusal of a write whose body is not JSON (``mime``: its media type, as sent)."""
    return UnsupportedMediaType(
        f"crm-guardrail checks JSON writes only; send the body as application/json "
        f"(got {mime or 'no Content-Type'})."
    )


def another_record(field: str, given: Any) -> MalformedBody:
    """The refusal of a write to the record its URL names whose body names, in ``field`` (the
    CRM's id field), another record (``given``): the CRM could write either one, or both."""
    return MalformedBody(
        f"The body names the record {json.dumps(given)[:80]} in {field!r}, which the URL does "
        f"not name. Drop {field} from the body (the URL names the record), or send "
        "the write to the URL of the record it names."
    )


def refuse_body(method: str, body: bytes, bodiless: Collection[str], crm: str) -> None:
    """Refuse a body on a method that carries none in ``crm``'s API (``bodiless``): the CRM
    does not read it, and a server before it may, so it would be bytes forwarded unjudged."""
    if body and method in bodiless:
        raise AmbiguousRequest(
            f"A {method} carries no body in {crm}'s API, and crm-guardrail does not forward "
            "bytes it has not judged. Send it without one."
        )


def json_object(payload: Any, what: str) -> dict[str, Any]:
    """A parsed body (``payload``) that must be a JSON object, ``what`` in words. Raises
    MalformedBody for no body or another JSON value."""
    if payload is NO_BODY:
        raise MalformedBody(f"A {what} needs a JSON body.")
    if not isinstance(payload, dict):
        raise MalformedBody(f"A {what} body must be a JSON object.")
    return payload


def refuse_nested(where: str, name: str, value: Any, instead: str) -> None:
    """Refuse a field (``where``.``name``) set to a JSON object or list: a write judged by
    field values names a related record by its id (``instead`` says how, in the CRM's words),
    not by a record of its own fields the proxy would not judge."""
    if isinstance(value, dict | list):
        raise MalformedBody(
            f"{where}.{name} is set to a JSON {'object' if isinstance(value, dict) else 'list'}"
            f"; crm-guardrail takes field values only ({instead})."
        )


def decode_content(encodings: Iterable[str], body: bytes, limits: BodyLimits) -> bytes:
    """The body with its content encoding undone (at most one of gzip, deflate, identity), no
    larger than the limit. Raises UnsupportedMediaType, MalformedBody or BodyTooLarge."""
    named = [e.strip().lower() for value in encodings for e in value.split(",") if e.strip()]
    named = [e for e in named if e != "identity"]
    if not named:
        return body
    if len(named) > 1 or named[0] not in ("gzip", "x-gzip", "deflate"):
        raise UnsupportedMediaType(
            f"crm-guardrail reads bodies sent plain, gzip or deflate (got Content-Encoding "
            f"{', '.join(named)!r}); send it with one of those."
        )
    wbits = 16 + zlib.MAX_WBITS if named[0] != "deflate" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(body, limits.max_bytes + 1)
    except zlib.error:
        raise MalformedBody(f"The request body is not valid {named[0]} data.") from None
    if len(out) > limits.max_bytes or inflater.unconsumed_tail:
        raise BodyTooLarge(
            f"The request body decompresses to more than crm-guardrail's limit of "
            f"{limits.max_bytes} bytes; nothing was sent. Split the write into smaller requests."
        )
    if not inflater.eof or inflater.unused_data:
        raise MalformedBody(
            f"The request body is not one complete {named[0]} stream (truncated, or followed "
            "by other data)."
        )
    return out


#: A \\u escape of a control character or a surrogate (JSON takes neither raw), and such a
#: character once decoded: tab, line feed and carriage return aside.
_ODD_ESCAPE = re.compile(r"\\u(?:00[01]|007[fF]|[dD][89a-fA-F])")
_ODD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_JSON_TEXT = re.compile(r'"(?:[^"\\]|\\.)*+"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class _Refused(ValueError):
    pass


def parse_json(body: bytes, limits: BodyLimits) -> Any:
    """The one JSON value in ``body``, read strictly. Raises MalformedBody saying what is wrong."""
    if body.startswith(b"\xef\xbb\xbf"):
        raise MalformedBody("The request body starts with a byte order mark; send plain UTF-8.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("The request body is not UTF-8 encoded JSON.") from None
    _check_depth(text, limits.max_depth)
    try:
        value = _decoder(limits).decode(text)
    except _Refused as exc:
        raise MalformedBody(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise MalformedBody(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}."
        ) from None
    long = len(text) > limits.max_string_chars  # else no string in it can be longer
    # else no string holds an odd character (JSON takes DEL raw, the others only escaped)
    escaped = _ODD_ESCAPE.search(text) is not None or "\x7f" in text
    if long or escaped:
        for string in _strings(value):
            if long and len(string) > limits.max_string_chars:
                raise MalformedBody(
                    f"The request body holds a text of {len(string)} characters; the CRM takes "
                    f"at most {limits.max_string_chars}. Shorten it."
                )
            if escaped and _ODD_CHARACTER.search(string):
                raise MalformedBody(
                    "The request body holds a control character (such as \\u0000) or half a "
                    "UTF-16 surrogate pair, which readers keep, strip or refuse each their own "
                    "way. Send plain text (tabs and line breaks are fine)."
                )
    return value


def json_or_none(body: bytes) -> Any:
    """A CRM's answer read as JSON, leniently (it is the CRM's, not the agent's), or None when
    it holds none. An empty body (a 204, every update's answer) is None without the decoder
    raising and its error being caught."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


# Bounded: one decoder per BodyLimits in use (a dialect's, set at start).
@functools.cache
def _decoder(limits: BodyLimits) -> json.JSONDecoder:
    return json.JSONDecoder(
        object_pairs_hook=_object,
        parse_int=_number(limits, int),
        parse_float=_number(limits, float),
        parse_constant=_constant,
    )


def _check_depth(text: str, most: int) -> None:
    """Refuse nesting past ``most`` before the parser recurses into it."""
    if text.count("[") + text.count("{") <= most:
        return  # cannot nest deeper than it opens
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_TEXT.sub('""', text)):
        if bracket[0] in "[{":
            depth += 1
            if depth > most:
                raise MalformedBody(
                    f"The request body nests deeper than {most} levels; no write needs that."
                )
        else:
            depth -= 1


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(
                f"The request body gives the key {key!r} twice in one object; crm-guardrail "
                "cannot tell which one the CRM reads. Send it once."
            )
        found[key] = value
    return found


def _number(limits: BodyLimits, kind: type[int] | type[float]) -> Any:
    def read(text: str) -> int | float:
        if len(text) > limits.max_number_chars:
            raise _Refused(
                f"The request body holds a number of {len(text)} characters; crm-guardrail "
                f"takes at most {limits.max_number_chars}."
            )
        value = kind(text)
        if value in (float("inf"), float("-inf")):
            raise _Refused(f"The request body holds a number out of range: {text}.")
        return value

    return read


def _constant(text: str) -> Any:
    raise _Refused(f"The request body holds {text}, which is not JSON; send a number or null.")


def _strings(value: Any) -> Iterator[str]:
    """Every text in a parsed body: its object keys and its string values."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


#: Request headers that keep the CRM from answering a write with its saved record (ServiceNow's
#: ``X-no-response-body: true``), by lower-case name.
_NO_ANSWER = frozenset({"x-no-response-body"})


def refuse_unreadable_answers(headers: Iterable[tuple[str, str]], crm: str) -> None:
    """Refuse a write whose answer the proxy could not read: one that asks for no response
    body, or accepts no JSON (``Accept: application/xml``). The answer says which record a
    create made (so it is audited and read back); without it, a record would change that no
    audited intent names."""
    for name, value in headers:
        read = header_name(name)
        if read.no_answer and value.strip().lower() != "false":
            raise AmbiguousRequest(
                f"{name}: {value[:20]} asks {crm} not to answer the write with the record it "
                "saved, which crm-guardrail reads to account for it. Send the write without it."
            )
        if read.accept and not _accepts_json(value):
            raise AmbiguousRequest(
                f"Accept: {value[:80]} asks {crm} to answer the write in a format crm-guardrail "
                "does not read, and it reads the answer to account for the write. Send Accept: "
                "application/json."
            )


#: Media ranges that take JSON, or XML (the two types a CRM answers a write in), by how
#: specifically (2: the type itself; 1: its top-level type; 0: any type).
_WILDCARDS = {"*/*": 0, "application/*": 1}
_XML_WILDCARDS = {**_WILDCARDS, "text/*": 1}
_QUALITY = re.compile(r"q=(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")


# Bounded, as header_name: clients send the same few Accept values.
@functools.lru_cache(maxsize=1024)
def _accepts_json(accept: str) -> bool:
    """Whether a CRM answering in the type ``accept`` prefers surely answers JSON. Of JSON
    and XML, a CRM answers in the one of higher quality (the most specific range taking it
    decides), so JSON must be taken, and XML less, or only by the very range that takes JSON
    (``*/*``: the CRM's own default, JSON). XML named with JSON's quality or more, or a
    quality not spelled as HTTP does, is an answer the proxy may not get to read."""
    if not accept.strip():
        return True
    # the most specific range taking each: (specificity, quality, range); -1 takes neither
    taking_json: tuple[int, float, str] = (-1, 0.0, "")
    taking_xml: tuple[int, float, str] = (-1, 0.0, "")
    for given in accept.split(","):
        media, *params = (part.strip().lower() for part in given.split(";"))
        qualities = [p.replace(" ", "") for p in params if p.replace(" ", "")[:2] == "q="]
        if len(qualities) > 1 or not all(_QUALITY.fullmatch(q) for q in qualities):
            return False
        quality = float(qualities[0][2:]) if qualities else 1.0
        json_at = 2 if media == "application/json" or media.endswith("+json") else -1
        xml_at = 2 if media in ("application/xml", "text/xml") or media.endswith("+xml") else -1
        taking_json = max(taking_json, (max(json_at, _WILDCARDS.get(media, -1)), quality, media))
        taking_xml = max(taking_xml, (max(xml_at, _XML_WILDCARDS.get(media, -1)), quality, media))
    (json_at, json_q, json_range), (xml_at, xml_q, xml_range) = taking_json, taking_xml
    shared = xml_range == json_range and xml_at < 2
    taken = json_at >= 0 and json_q > 0
    return taken and (xml_at < 0 or xml_q < json_q or (xml_q == json_q and shared))


#: The headers a request nested in another (a batch item) may carry: those that say what its
#: body is and which answer it takes, read by the dialect. A request's own other headers are
#: judged, or removed on the way (Cookie, Accept-Encoding, routing headers); a nested one's
#: cannot be removed without changing what was sent, so any other is refused.
READ_HEADERS = ("Content-Type", "Content-Length", "Accept")
_SEND_READ = f"{', '.join(READ_HEADERS)} (of JSON)"


def refuse_unread_headers(
    headers: Iterable[tuple[str, str]],
    body: bytes,
    crm: str,
    read: Collection[str] = READ_HEADERS,
    send: str = _SEND_READ,
) -> None:
    """Refuse a nested request's header (``headers``: as sent) other than ``read`` (which
    ``send`` tells the agent how to send), one sent twice in any case, or one whose value
    could change what ``crm`` does with ``body`` or how it answers: a Content-Type other than
    JSON, a Content-Length other than the body's (Accept is read as a request's own,
    ``refuse_unreadable_answers``)."""
    allowed = {h.lower() for h in read}
    found: dict[str, str] = {}
    for name, value in headers:
        if name.lower() not in allowed:
            raise AmbiguousRequest(
                f"The header {name[:80]} is one {crm} would apply to this request and "
                "crm-guardrail does not read, so it cannot judge what it does. Send the request "
                f"with only {send} among its headers."
            )
        if name.lower() in found:
            raise AmbiguousRequest(f"The header {name[:80]} is given twice; send it once.")
        found[name.lower()] = value
    content_type = found.get("content-type")
    if content_type is not None and not is_json(content_type, "application/json"):
        raise not_json(media_type(content_type, "application/json"))
    length = found.get("content-length")
    if length is not None and length.strip() != str(len(body)):
        raise AmbiguousRequest(
            f"Content-Length: {length[:20]} is not the length of this request's body "
            f"({len(body)} bytes), so {crm} could read another body than crm-guardrail judged. "
            "Send the body's own length, or no Content-Length."
        )


def single_header(headers: MultiMapping[str], name: str) -> str | None:
    """The one value of header ``name``; raises AmbiguousRequest when it is sent twice."""
    values = headers.getall(name, [])
    if len(values) > 1:
        raise AmbiguousRequest(
            f"The header {name} is sent more than once; crm-guardrail cannot tell which one the "
            "CRM reads. Send it once."
        )
    return values[0] if values else None
