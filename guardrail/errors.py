"""The exception tree. Every error the proxy raises on purpose is one of these.

    GuardrailError
    ├── ConfigError                  settings that cannot work (bad URL, missing TLS key)
    ├── PolicyError                  a policy set that cannot load; names the file and the place
    ├── ScenarioError                a scenario step the simulated CRM cannot run (also ValueError)
    ├── UnderstandingUnavailable     a backend could not read a conversation (the others' stands)
    ├── HistoryForgotten             a rule looked back past a conversation's kept writes
    ├── RequestRejected              a write the proxy refuses before judging it (agent's fault)
    │   ├── MalformedBody            400: not JSON, or not the shape the endpoint takes
    │   ├── MalformedRequest         400: HTTP framing the server's parser could not read
    │   ├── UnsupportedMediaType     415: a write body that is not JSON
    │   ├── BodyTooLarge             413: over the configured body limit
    │   ├── ClientTimeout            408: the agent did not send its body in time
    │   ├── UnsupportedEndpoint      400: a write the dialect cannot read (blocked: fail closed)
    │   ├── LookupUnresolved         400: a write by lookup field names no one record to judge
    │   ├── BulkJobRefused           400: a bulk job step the proxy cannot judge (unknown job...)
    │   ├── AmbiguousRequest         400: a request the CRM could read otherwise than the proxy
    │   ├── InvalidSession           401: an agent token unknown, expired or revoked (the CRM's own)
    │   ├── SessionCannotReach       403: a held write's own session cannot reach what it writes
    │   ├── NotFound                 404: answered as the CRM answers a record it does not have
    │   │   ├── RecordNotFound       404: the record a write changes does not exist
    │   │   └── HoldNotShown         404: an agent polled a hold not of its conversation, or none
    │   └── TokenRefused             403: an agent token used outside its scopes or conversation
    └── DependencyFailure            503/504: something the proxy needs failed (fail closed)
        ├── UpstreamUnavailable      503: the CRM could not be reached
        ├── UpstreamTimeout          504: the CRM did not answer in time
        ├── CheckFailed              503: a check raised, and its policy fails closed
        ├── ContextUnavailable       503: the conversation store did not answer
        ├── CredentialFailed         503: the proxy could not get, or the CRM refused, its own token
        ├── LookupFailed             503: the CRM did not answer the lookup of a write's record
        │   └── LookupUnavailable    503: a write needs a lookup and this door has no CRM to ask
        └── AuditUnavailable         503: the audit log cannot record (down, or slow past its bound)

A ``RequestRejected`` or ``DependencyFailure`` carries the HTTP status and the errorCode the
dialect renders for the agent, in the CRM's own error format.
"""

from __future__ import annotations


class GuardrailError(Exception):
    """Base of every deliberate crm-guardrail error."""


class ConfigError(GuardrailError):
    """The settings cannot work."""


class UnderstandingUnavailable(GuardrailError):
    """An understanding backend could not read a conversation (an LLM endpoint timed out,
    failed, or answered what does not parse); whoever combines readings leaves it out."""


class PolicyError(GuardrailError):
    """A policy set failed to load. The message names the file and the place in it."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")


class HistoryForgotten(GuardrailError, ValueError):
    """A rule asked for a conversation's writes further back than its history keeps: a rule
    error (the policy's failurePolicy decides), never a total that silently misses some."""


class ScenarioError(GuardrailError, ValueError):
    """A scenario step ``guardrail test``'s simulated CRM cannot run (an unknown record, a
    query it does not read)."""


class _Rendered(GuardrailError):
    """An error the agent sees, in its CRM's format."""

    status: int = 400
    code: str = "GUARDRAIL_ERROR"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class RequestRejected(_Rendered):
    """The request cannot be judged, so it is refused."""


class MalformedBody(RequestRejected):
    code = "JSON_PARSER_ERROR"


class MalformedRequest(RequestRejected):
    """The request's HTTP framing could not be parsed (request line, headers, chunks): what it
    asks cannot be known, so it is refused before anything of it is read (guardrail.framing)."""

    code = "GUARDRAIL_MALFORMED_REQUEST"


class UnsupportedMediaType(RequestRejected):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class BodyTooLarge(RequestRejected):
    status = 413
    code = "GUARDRAIL_BODY_TOO_LARGE"


class ClientTimeout(RequestRejected):
    status = 408
    code = "GUARDRAIL_REQUEST_TIMEOUT"


class UnsupportedEndpoint(RequestRejected):
    code = "GUARDRAIL_UNSUPPORTED_ENDPOINT"


class LookupUnresolved(RequestRejected):
    """A write names its record by a lookup field (an external id, ``Id``, another idLookup
    field) and the CRM's lookup does not give the one record it would change: several match,
    none does (for a delete), or the field cannot be looked up by."""

    code = "GUARDRAIL_LOOKUP_UNRESOLVED"


class AmbiguousRequest(RequestRejected):
    """A request two readers could read two ways: a method override the CRM does not document,
    a path that changes under normalisation, a parameter or header given twice, a body on a
    read. Refused, because only one reading can be judged and it must be the CRM's."""

    code = "GUARDRAIL_AMBIGUOUS_REQUEST"


class BulkJobRefused(RequestRejected):
    """A bulk job step that cannot be judged: a job not created through the proxy in this
    conversation, a second upload, completion without a judged upload."""

    code = "GUARDRAIL_BULK_JOB_REFUSED"


class InvalidSession(RequestRejected):
    """The bearer is not a live agent token. Salesforce's own answer to an expired session, so
    the agent's client does what it does then (simple-salesforce: SalesforceExpiredSession).

    ``reason`` (missing, unknown, expired, revoked) is for metrics and the audit log only: the
    agent is told no more than the CRM would tell it.
    """

    status = 401
    code = "INVALID_SESSION_ID"

    def __init__(self, reason: str) -> None:
        super().__init__("Session expired or invalid")
        self.reason = reason


class SessionCannotReach(RequestRejected):
    """In pass-through mode, the CRM does not let the agent's own session read what a write it
    would hold changes; the write is not held, since approved it would be made with the
    proxy's credential (guardrail.holds.session)."""

    status = 403
    code = "GUARDRAIL_HOLD_SESSION"


class NotFound(RequestRejected):
    """Answered as the CRM answers a request about a record it does not have: its own
    not-found, in its own format, so the agent's client raises what it raises then (each
    dialect's ``render_error``)."""

    status = 404
    code = "NOT_FOUND"


class RecordNotFound(NotFound):
    """The record a write changes does not exist: a look-up about it (its class, its
    incidents, its current values) was answered 404 (guardrail.crm.lookup_answers). The
    agent's error, not an outage: refused as the CRM would refuse the write, since retrying
    cannot help and nothing of it may reach the CRM unjudged."""


class HoldNotShown(NotFound):
    """An agent polled a held write it may not see (another conversation's, or none): the
    CRM's own not-found, the same whether or not it exists (guardrail.holds.poll)."""


class TokenRefused(RequestRejected):
    """A live agent token used beyond what it was issued for: an object or operation outside
    its scopes, or X-Guardrail-* headers naming another conversation or agent."""

    status = 403
    code = "GUARDRAIL_TOKEN_SCOPE"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class DependencyFailure(_Rendered):
    """Something the proxy needs failed; the write was not (or may not have been) made."""

    status = 503


class UpstreamUnavailable(DependencyFailure):
    code = "GUARDRAIL_UPSTREAM_UNAVAILABLE"


class UpstreamTimeout(DependencyFailure):
    status = 504
    code = "GUARDRAIL_UPSTREAM_TIMEOUT"


class CheckFailed(DependencyFailure):
    code = "GUARDRAIL_CHECK_FAILED"


class ShuttingDown(DependencyFailure):
    code = "GUARDRAIL_SHUTTING_DOWN"


class ContextUnavailable(DependencyFailure):
    """The conversation store (Redis) failed: rules that need the conversation cannot run."""

    code = "GUARDRAIL_CONTEXT_UNAVAILABLE"


class CredentialFailed(DependencyFailure):
    """The proxy could not get a CRM token (the token endpoint failed or refused its client),
    or the CRM refused a freshly fetched one. The agent's own token is fine: retry later."""

    code = "GUARDRAIL_CRM_CREDENTIAL"


class LookupFailed(DependencyFailure):
    """The CRM did not answer the lookup of the record a write names by a lookup field, so the
    write cannot be judged against that record."""

    code = "GUARDRAIL_LOOKUP_FAILED"


class LookupUnavailable(LookupFailed):
    """A write is judged only once the CRM has answered a lookup (which record, class or
    custom fields it names: guardrail.lookups), and the door it came through has no CRM to ask
    (``guardrail check``, a dry run): it is refused, never judged as written, as the proxy
    refuses it when the CRM does not answer."""

    code = "GUARDRAIL_LOOKUP_UNAVAILABLE"


class AuditUnavailable(DependencyFailure):
    """The audit log cannot record decisions (down, or slower than its bound).

    Writes are refused while it is (unless configured to fail open), because a write that
    leaves no audit record is one compliance cannot account for.
    """

    code = "GUARDRAIL_AUDIT_UNAVAILABLE"
