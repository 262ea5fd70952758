"""The ``llm`` backend: a conversation read by a model behind any OpenAI-compatible chat endpoint
(vLLM, Ollama, a hosted model), through the official ``openai`` client.

The model is asked, with a versioned prompt (``llm_prompt.yaml``), for JSON under a strict JSON
schema derived from the Understanding's vocabulary (``answer_schema``); the answer is validated
again here, since not every server enforces the schema. The model never sees a card number or an
SSN: turns are masked first (guardrail.understanding.masked), and the sensitive data comes from
that masking, not from the model. Every quote the model gives as evidence is looked up in the
turn it names: one not found there is dropped and the item's confidence lowered.

Readings are cached per (turns, rev, prompt version, model), so a conversation is sent once per
revision. Requests run on one event loop the backend owns (its own thread), at most
``concurrency`` at a time, each within ``timeout_seconds``. An endpoint that times out, fails or
answers what does not validate leaves no reading: the failure policy says whether the other
backends' reading stands (``fallback``: ``UnderstandingUnavailable`` is raised for the combiner
to leave this backend out) or the reading is marked unsure (``unsure``). The backend's name
records the prompt version and the model (``llm:understand-llm-1:qwen2.5``), so a stored reading
made with another prompt or model is made again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from typing import Any, TypeVar

import jsonschema
import openai
import yaml

from guardrail.config import FailurePolicy, LLMSettings
from guardrail.context.model import Turn
from guardrail.errors import UnderstandingUnavailable
from guardrail.sinks.redact import MASKS
from guardrail.understanding.masked import MaskedTurn, mask_turn
from guardrail.understanding.model import (
    ALL_UNREAD,
    Ask,
    AskKind,
    AskStatus,
    Evidence,
    Fact,
    FactKind,
    Issue,
    Outcome,
    OutcomeReading,
    Reason,
    Sensitive,
    Understanding,
)

log = logging.getLogger(__name__)

_CAP = 0.95  # a model's own confidence is not calibrated: never fully sure
_UNQUOTED = 0.7  # confidence kept per quote that is not in the turn it names
_UNSUPPORTED = 0.5  # confidence kept by an item none of whose quotes is in the transcript
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Prompt:
    version: str
    system: str

    @classmethod
    @functools.cache  # bounded: the one shipped prompt
    def shipped(cls) -> Prompt:
        data = yaml.safe_load(
            (resources.files("guardrail.understanding") / "llm_prompt.yaml").read_text("utf-8")
        )
        return cls(version=str(data["version"]), system=str(data["system"]))


def answer_schema() -> dict[str, Any]:
    """The JSON schema of the model's answer (strict: every property required, no others)."""

    def obj(**properties: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    def one_of(values: type[StrEnum], nullable: bool = False) -> dict[str, Any]:
        schema = {"type": "string", "enum": [str(v) for v in values]}
        return {"anyOf": [schema, {"type": "null"}]} if nullable else schema

    confidence = {"type": "number"}
    evidence = {
        "type": "array",
        "items": obj(turn={"type": "integer"}, quote={"type": "string"}),
    }
    currency = {"type": ["string", "null"]}
    return obj(
        asks={
            "type": "array",
            "items": obj(
                kind=one_of(AskKind),
                status=one_of(AskStatus),
                amount={"type": ["number", "null"]},
                currency=currency,
                reason=one_of(Reason, nullable=True),
                confidence=confidence,
                evidence=evidence,
            ),
        },
        issues={
            "type": "array",
            "items": obj(reason=one_of(Reason), confidence=confidence, evidence=evidence),
        },
        facts={
            "type": "array",
            "items": obj(
                kind=one_of(FactKind),
                value={"type": "string"},
                currency=currency,
                confidence=confidence,
                evidence=evidence,
            ),
        },
        outcome={
            "anyOf": [
                obj(value=one_of(Outcome), confidence=confidence, evidence=evidence),
                {"type": "null"},
            ]
        },
        unsure={"type": "array", "items": {"type": "string"}},
    )


class _Malformed(Exception):
    """The endpoint answered, but not an answer of the schema."""


class _Loop:
    """An event loop on a thread of its own: the one the client, its connection pool and the
    concurrency limit live on, whichever thread asks for a reading."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, coro: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=loop.run_forever, name=self._name, daemon=True
                )
                self._thread.start()
                self._loop = loop
            return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def stop(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()


class LLMBackend:
    """``Backend`` over an OpenAI-compatible chat endpoint."""

    def __init__(self, settings: LLMSettings, prompt: Prompt | None = None) -> None:
        if settings.base_url is None or settings.model is None:
            raise ValueError("the llm backend needs a base_url and a model")
        self.settings = settings
        self.model = settings.model
        self.prompt = prompt or Prompt.shipped()
        self.name = f"llm:{self.prompt.version}:{self.model}"
        self._schema = answer_schema()
        self._validator = jsonschema.Draft202012Validator(self._schema)
        self._loop = _Loop(f"understanding-{self.name}")
        self._client: openai.AsyncOpenAI | None = None
        self._slots = asyncio.Semaphore(settings.concurrency)
        # bound: settings.cache_size readings, least recently used dropped first
        # Bounded by settings.cache_size readings (least recently used out).
        self._cache: OrderedDict[tuple[str, int, str, str], Understanding] = OrderedDict()

    def understand(self, turns: Sequence[Turn], rev: int = 0) -> Understanding:
        """Blocks this thread until the reading is made. On a thread running an event loop (the
        write path) it never waits for the endpoint: the failure policy applies at once."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._loop.submit(self._read(turns, rev)).result()
        return self._failed(turns, rev, "not read on an event loop")

    async def aunderstand(self, turns: Sequence[Turn], rev: int = 0) -> Understanding:
        """``understand`` for a coroutine: awaits the reading without blocking its loop."""
        return await asyncio.wrap_future(self._loop.submit(self._read(turns, rev)))

    def close(self) -> None:
        """Close the endpoint's connections and stop the backend's loop."""
        if self._client is not None:
            self._loop.submit(self._client.close()).result()
            self._client = None
        self._loop.stop()

    # on the backend's loop --------------------------------------------------------------

    async def _read(self, turns: Sequence[Turn], rev: int) -> Understanding:
        key = (_digest(turns), rev, self.prompt.version, self.model)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        masked = [mask_turn(t.text) for t in turns]
        try:
            async with self._slots:
                async with asyncio.timeout(self.settings.timeout_seconds):
                    content = await self._ask(turns, masked)
            reading = self._reading(content, turns, masked, rev)
        except TimeoutError:
            return self._failed(turns, rev, f"no answer within {self.settings.timeout_seconds}s")
        except openai.OpenAIError as exc:
            return self._failed(turns, rev, f"endpoint error ({type(exc).__name__})")
        except _Malformed as exc:
            return self._failed(turns, rev, f"answer not of the schema ({exc})")
        self._cache[key] = reading
        if len(self._cache) > self.settings.cache_size:
            self._cache.popitem(last=False)
        return reading

    async def _ask(self, turns: Sequence[Turn], masked: Sequence[MaskedTurn]) -> str:
        if self._client is None:
            self._client = openai.AsyncOpenAI(
                base_url=self.settings.base_url,
                api_key=self.settings.api_key.get_secret_value(),
                timeout=self.settings.timeout_seconds,
                max_retries=0,
            )
        transcript = {
            "turns": [
                {"turn": i, "role": t.role, "text": m.text}
                for i, (t, m) in enumerate(zip(turns, masked, strict=True))
            ]
        }
        response = await self._client.chat.completions.create(
            model=self.model,
            temperature=0,
            messages=[
                {"role": "system", "content": self.prompt.system},
                {"role": "user", "content": json.dumps(transcript, ensure_ascii=False)},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "understanding", "strict": True, "schema": self._schema},
            },
        )
        message = response.choices[0].message if response.choices else None
        if message is None or not message.content:
            raise _Malformed("no content")
        return message.content

    def _reading(
        self, content: str, turns: Sequence[Turn], masked: Sequence[MaskedTurn], rev: int
    ) -> Understanding:
        try:
            data = json.loads(content)
        except ValueError:
            raise _Malformed("not JSON") from None
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(data))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "answer"
            raise _Malformed(f"{where}: {error.message[:120]}")
        quotes = _Quotes(turns, masked)
        asks = []
        for a in data["asks"]:
            evidence, confidence = quotes.check(a)
            amount = _amount(a["amount"])
            asks.append(
                Ask(
                    kind=AskKind(a["kind"]),
                    status=AskStatus(a["status"]),
                    confidence=confidence,
                    amount=amount,
                    currency=_currency(a["currency"]),
                    reason=None if a["reason"] is None else Reason(a["reason"]),
                    evidence=evidence,
                    amounts=() if amount is None else (amount,),
                    amount_confidence=0.0 if amount is None else confidence,
                )
            )
        issues = []
        for i in data["issues"]:
            evidence, confidence = quotes.check(i)
            issues.append(Issue(Reason(i["reason"]), confidence, evidence))
        facts = []
        for f in data["facts"]:
            evidence, confidence = quotes.check(f)
            speaker = turns[evidence[0].turn].role if evidence else "customer"
            facts.append(
                Fact(
                    FactKind(f["kind"]),
                    str(f["value"]),
                    confidence,
                    _currency(f["currency"]),
                    speaker,
                    evidence,
                )
            )
        outcome = None
        if data["outcome"] is not None:
            evidence, confidence = quotes.check(data["outcome"])
            outcome = OutcomeReading(Outcome(data["outcome"]["value"]), confidence, evidence)
        unsure = [str(u)[:80] for u in data["unsure"][:5]]
        if quotes.unsupported:
            unsure.append("llm quoted what the transcript does not say")
        return Understanding(
            backend=self.name,
            rev=rev,
            asks=tuple(asks),
            issues=tuple(issues),
            facts=tuple(facts),
            sensitive=_sensitive(masked),
            outcome=outcome,
            unsure=tuple(dict.fromkeys(unsure)),
        )

    def _failed(self, turns: Sequence[Turn], rev: int, why: str) -> Understanding:
        log.warning("llm understanding (%s) failed: %s", self.name, why)
        if self.settings.failure is FailurePolicy.FALLBACK:
            raise UnderstandingUnavailable(f"{self.name}: {why}")
        return Understanding(
            backend=self.name,
            rev=rev,
            sensitive=_sensitive([mask_turn(t.text) for t in turns]),
            unsure=(f"llm unavailable: {why}", *ALL_UNREAD),
        )


class _Quotes:
    """Checks the quotes a model gives against the turns it was shown."""

    def __init__(self, turns: Sequence[Turn], masked: Sequence[MaskedTurn]) -> None:
        self.turns = turns
        self.masked = masked
        self.unsupported = False

    def check(self, item: Mapping[str, Any]) -> tuple[tuple[Evidence, ...], float]:
        """The item's evidence found in the transcript, and its confidence lowered for each
        quote that is not there (halved again when none is)."""
        confidence = min(max(float(item["confidence"]), 0.0), _CAP)
        found = []
        for ref in item["evidence"]:
            evidence = self._find(int(ref["turn"]), str(ref["quote"]).strip())
            if evidence is None:
                confidence *= _UNQUOTED
            else:
                found.append(evidence)
        if not found:
            confidence *= _UNSUPPORTED
            self.unsupported = True
        return tuple(found), round(confidence, 3)

    def _find(self, turn: int, quote: str) -> Evidence | None:
        if not quote or not 0 <= turn < len(self.masked):
            return None
        shown = self.masked[turn].text
        at = shown.find(quote)
        if at < 0:
            at = shown.lower().find(quote.lower())
        if at < 0:
            return None
        start, end = self.masked[turn].original_span(at, at + len(quote))
        hides = any(mask in shown[at : at + len(quote)] for mask in MASKS.values())
        return Evidence(turn, start, end, shown[at : at + len(quote)] if hides else
                        self.turns[turn].text[start:end])  # fmt: skip


def _sensitive(masked: Sequence[MaskedTurn]) -> tuple[Sensitive, ...]:
    return tuple(
        Sensitive(h.kind, h.confidence, (Evidence(i, h.start, h.end, MASKS[h.kind.value]),))
        for i, m in enumerate(masked)
        for h in m.hidden
    )


def _digest(turns: Sequence[Turn]) -> str:
    """Which conversation text a reading is of (the Backend is given turns, not an id)."""
    h = hashlib.sha256()
    for t in turns:
        h.update(f"{t.role}\0{t.text}\0".encode())
    return h.hexdigest()


def _amount(value: float | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def _currency(value: str | None) -> str | None:
    code = (value or "").strip().upper()
    return code if len(code) == 3 and code.isalpha() else None
