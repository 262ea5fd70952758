"""OpenTelemetry tracing, off by default: a span per request, the CRM call as its child.

On, each request gets a server span (continuing the agent's ``traceparent``) that carries the
decision, its rules and the policy version; the forwarded call is a client span whose context
is what the CRM receives as ``traceparent``. A call naming its tool (``X-Guardrail-Tool``) is
marked as an OpenInference TOOL span, so agent-tracing UIs show it in the agent's trace. The
exporter is OTLP over HTTP, configured by the standard ``OTEL_*`` environment variables.
Off, every hook is a no-op that costs one attribute check.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, MutableMapping

from multidict import CIMultiDict
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from guardrail import __version__
from guardrail.model import Decision, Verdict
from guardrail.upstream import Sender, UpstreamResponse

SERVICE = "crm-guardrail"


class Tracing:
    def __init__(self, provider: TracerProvider | None = None, enabled: bool = False) -> None:
        self.enabled = enabled or provider is not None
        self._provider = provider
        if self.enabled and provider is None:
            self._provider = TracerProvider(
                resource=Resource.create({"service.name": SERVICE, "service.version": __version__})
            )
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            self._provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        self._tracer = (
            self._provider.get_tracer("guardrail", __version__) if self._provider else None
        )

    @contextlib.contextmanager
    def request(self, method: str, path: str, headers: Mapping[str, str]) -> Iterator[Span | None]:
        """The server span of one request, as a child of the agent's trace when it sent one."""
        if self._tracer is None:
            yield None
            return
        parent = propagate.extract({k.lower(): v for k, v in headers.items()})
        with self._tracer.start_as_current_span(
            "guardrail.request",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": path},
        ) as span:
            tool = headers.get("X-Guardrail-Tool")
            if tool:
                span.set_attribute("openinference.span.kind", "TOOL")
                span.set_attribute("tool.name", tool)
            yield span

    def decided(self, decision: Decision) -> None:
        """Put the decision on the current request's span."""
        if self._tracer is None:
            return
        span = trace.get_current_span()
        span.set_attribute("guardrail.decision", str(decision.verdict))
        span.set_attribute("guardrail.decision_id", decision.id)
        span.set_attribute("guardrail.policy_version", decision.policy_version)
        span.set_attribute("guardrail.rules", list(decision.rules))
        span.set_attribute("crm.system", decision.crm)
        span.set_attribute("crm.objects", sorted({i.object for i in decision.intents}))
        span.set_attribute("crm.operations", sorted({str(i.operation) for i in decision.intents}))
        if decision.caller.conversation:
            span.set_attribute("guardrail.conversation", decision.caller.conversation)
        if decision.status is not None:
            span.set_attribute("http.response.status_code", decision.status)
        if decision.verdict in (Verdict.BLOCK, Verdict.POST_FAIL):
            span.set_status(Status(StatusCode.ERROR, str(decision.verdict)))

    @contextlib.contextmanager
    def upstream(self, method: str, path: str, headers: MutableMapping[str, str]) -> Iterator[None]:
        """A client span around a call to the CRM; its context goes out as ``traceparent``."""
        if self._tracer is None:
            yield
            return
        with self._tracer.start_as_current_span(
            "crm.request",
            kind=SpanKind.CLIENT,
            attributes={"http.request.method": method, "url.path": path.split("?", 1)[0]},
        ):
            for name in ("traceparent", "tracestate"):
                headers.pop(name, None)
            propagate.inject(headers)
            yield

    def sender(self, sender: Sender) -> Sender:
        """``sender`` with a client span around each call (``sender`` itself when off)."""
        return _Traced(self, sender) if self.enabled else sender

    def shutdown(self) -> None:
        if self._provider is not None:
            self._provider.shutdown()


class _Traced:
    def __init__(self, tracing: Tracing, sender: Sender) -> None:
        self._tracing = tracing
        self._sender = sender

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        with self._tracing.upstream(method, path, headers):
            return await self._sender.send(method, path, headers, body)


DISABLED = Tracing()
