"""The llm backend against a local endpoint that speaks the OpenAI chat protocol (conftest)."""

import asyncio
import json
import logging
from decimal import Decimal

import pytest

from guardrail.config import FailurePolicy, UnderstandingSettings
from guardrail.context.model import Turn
from guardrail.errors import UnderstandingUnavailable
from guardrail.understanding.backends import install
from guardrail.understanding.lexical import LexicalBackend
from guardrail.understanding.llm import Prompt, answer_schema
from guardrail.understanding.model import (
    AskKind,
    AskStatus,
    Outcome,
    Reason,
    SensitiveKind,
    Understanding,
)
from guardrail.understanding.service import Understander

TURNS = [
    Turn(role="agent", text="Thanks for calling, how can I help?"),
    Turn(
        role="customer",
        text="The kettle arrived broken. I want a refund of $35 to my card 4111 1111 1111 1111.",
    ),
    Turn(role="agent", text="Done, the refund is on its way."),
]
SPOKEN_SSN = Turn(role="customer", text="my social is one two three four five six seven eight nine")


def _answer(quote: str = "I want a refund of $35", confidence: float = 0.9) -> dict:
    return {
        "asks": [
            {
                "kind": "refund",
                "status": "asked",
                "amount": 35,
                "currency": "usd",
                "reason": "damaged",
                "confidence": confidence,
                "evidence": [{"turn": 1, "quote": quote}],
            }
        ],
        "issues": [
            {
                "reason": "damaged",
                "confidence": 0.8,
                "evidence": [{"turn": 1, "quote": "arrived broken"}],
            }
        ],
        "facts": [
            {
                "kind": "money",
                "value": "35",
                "currency": "USD",
                "confidence": 0.9,
                "evidence": [{"turn": 1, "quote": "$35"}],
            }
        ],
        "outcome": {
            "value": "refund_issued",
            "confidence": 0.85,
            "evidence": [{"turn": 2, "quote": "the refund is on its way"}],
        },
        "unsure": [],
    }


async def test_the_endpoints_structured_answer_becomes_an_understanding(fake_llm, llm_backend):
    fake_llm.answer = _answer()
    reading = await llm_backend().aunderstand(TURNS, rev=4)

    assert isinstance(reading, Understanding)
    assert reading.rev == 4
    assert reading.backend == f"llm:{Prompt.shipped().version}:fake-model"
    (ask,) = reading.asks
    assert (ask.kind, ask.status, ask.amount, ask.currency, ask.reason) == (
        AskKind.REFUND,
        AskStatus.ASKED,
        Decimal(35),
        "USD",
        Reason.DAMAGED,
    )
    assert ask.confidence == 0.9
    assert ask.amounts == (Decimal(35),)
    assert ask.amount_confidence == 0.9
    (where,) = ask.evidence
    assert TURNS[1].text[where.start : where.end] == where.text == "I want a refund of $35"
    assert [i.reason for i in reading.issues] == [Reason.DAMAGED]
    assert reading.outcome is not None
    assert reading.outcome.value is Outcome.REFUND_ISSUED
    assert Understanding.from_json(json.loads(json.dumps(reading.to_json()))) == reading


async def test_the_request_carries_the_schema_and_the_versioned_prompt_and_no_card_number(
    fake_llm, llm_backend
):
    fake_llm.answer = _answer()
    reading = await llm_backend().aunderstand([*TURNS, SPOKEN_SSN], rev=1)

    (request,) = fake_llm.requests
    assert request["model"] == "fake-model"
    assert request["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "understanding", "strict": True, "schema": answer_schema()},
    }
    system, user = request["messages"]
    assert system == {"role": "system", "content": Prompt.shipped().system}
    sent = json.dumps(request)
    assert "4111" not in sent
    assert "five six seven" not in sent
    shown = json.loads(user["content"])["turns"]
    assert shown[1]["text"].endswith("to my card [CARD].")
    assert shown[3]["text"] == "my social is [SSN]"
    assert fake_llm.headers[0]["Authorization"] == "Bearer sk-test-secret"
    # the sensitive data is read from the masking, not from the model, and stays masked
    assert [(s.kind, s.evidence[0].turn, s.evidence[0].text) for s in reading.sensitive] == [
        (SensitiveKind.CARD, 1, "[CARD]"),
        (SensitiveKind.SSN, 3, "[SSN]"),
    ]


def test_the_answer_schema_is_strict_and_speaks_the_understandings_vocabulary():
    schema = answer_schema()

    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    for node in objects(schema):
        assert node["additionalProperties"] is False
        assert sorted(node["required"]) == sorted(node["properties"])
    ask = schema["properties"]["asks"]["items"]["properties"]
    assert ask["kind"]["enum"] == [str(k) for k in AskKind]
    assert ask["status"]["enum"] == [str(s) for s in AskStatus]


async def test_a_quote_not_in_the_turn_is_dropped_and_lowers_confidence(fake_llm, llm_backend):
    fake_llm.answer = _answer(quote="please give me my money back")
    reading = await llm_backend().aunderstand(TURNS, rev=1)

    (ask,) = reading.asks
    assert ask.evidence == ()
    assert ask.confidence < 0.9 / 2
    assert "llm quoted what the transcript does not say" in reading.unsure


@pytest.mark.parametrize(
    "answer",
    ["not json at all", json.dumps({"asks": [{"kind": "refund"}]}), json.dumps({"asks": []})],
    ids=["not-json", "wrong-shape", "missing-fields"],
)
async def test_a_malformed_answer_falls_back_to_the_other_backends(fake_llm, llm_backend, answer):
    fake_llm.answer = answer
    with pytest.raises(UnderstandingUnavailable, match="answer not of the schema"):
        await llm_backend().aunderstand(TURNS, rev=1)


async def test_a_slow_endpoint_times_out_and_falls_back(fake_llm, llm_backend):
    fake_llm.answer, fake_llm.delay = _answer(), 5
    backend = llm_backend(timeout_seconds=0.3, failure=FailurePolicy.FALLBACK)

    with pytest.raises(UnderstandingUnavailable, match=r"no answer within 0\.3s|APITimeoutError"):
        await asyncio.wait_for(backend.aunderstand(TURNS, rev=1), 3)


async def test_a_slow_endpoint_times_out_and_the_reading_is_marked_unsure(fake_llm, llm_backend):
    fake_llm.answer, fake_llm.delay = _answer(), 5
    backend = llm_backend(timeout_seconds=0.3, failure=FailurePolicy.UNSURE)

    reading = await asyncio.wait_for(backend.aunderstand(TURNS, rev=2), 3)

    assert reading.asks == ()
    assert reading.rev == 2
    assert reading.unsure[0].startswith("llm unavailable:")
    assert {f"cues of {k} not read" for k in AskKind} == set(reading.unsure[1:])
    assert [s.kind for s in reading.sensitive] == [SensitiveKind.CARD]


async def test_an_endpoint_error_applies_the_failure_policy(fake_llm, llm_backend):
    fake_llm.status = 503
    reading = await llm_backend(failure=FailurePolicy.UNSURE).aunderstand(TURNS, rev=1)
    assert reading.unsure[0] == "llm unavailable: endpoint error (InternalServerError)"


async def test_the_cache_answers_the_same_rev_and_a_new_rev_asks_again(fake_llm, llm_backend):
    fake_llm.answer = _answer()
    backend = llm_backend()

    first = await backend.aunderstand(TURNS, rev=1)
    again = await asyncio.to_thread(backend.understand, TURNS, 1)  # the admin API's way
    assert again == first
    assert len(fake_llm.requests) == 1

    await backend.aunderstand([*TURNS, Turn(role="customer", text="thanks")], rev=2)
    assert len(fake_llm.requests) == 2


async def test_a_failed_reading_is_not_cached(fake_llm, llm_backend):
    fake_llm.answer = "garbage"
    backend = llm_backend(failure=FailurePolicy.UNSURE)
    await backend.aunderstand(TURNS, rev=1)
    fake_llm.answer = _answer()

    reading = await backend.aunderstand(TURNS, rev=1)

    assert len(fake_llm.requests) == 2
    assert [a.kind for a in reading.asks] == [AskKind.REFUND]


async def test_no_more_requests_than_the_concurrency_limit_are_in_flight(fake_llm, llm_backend):
    fake_llm.answer, fake_llm.delay = _answer(), 0.2
    backend = llm_backend(concurrency=2)

    conversations = [[Turn(role="customer", text=f"refund order {n} please")] for n in range(6)]
    readings = await asyncio.gather(*(backend.aunderstand(c, rev=1) for c in conversations))

    assert len(readings) == len(fake_llm.requests) == 6
    assert fake_llm.most_in_flight == 2


async def test_on_an_event_loop_the_endpoint_is_never_waited_for(fake_llm, llm_backend):
    fake_llm.answer = _answer()
    backend = llm_backend(failure=FailurePolicy.UNSURE)

    reading = backend.understand(TURNS, rev=1)  # this test runs on an event loop

    assert reading.unsure[0] == "llm unavailable: not read on an event loop"
    assert fake_llm.requests == []


async def test_with_fallback_the_lexical_reading_stands_when_the_endpoint_is_down(
    fake_llm, llm_backend
):
    fake_llm.status = 500
    llm = llm_backend(failure=FailurePolicy.FALLBACK)
    lexical = LexicalBackend()
    reader = Understander([lexical, llm])

    reading = await asyncio.to_thread(reader.understand, TURNS, 1)

    alone = lexical.understand(TURNS, 1)
    assert reading.asks == alone.asks
    assert f"{llm.name} failed" in reading.unsure


async def test_with_unsure_the_combined_asks_lose_confidence_when_the_endpoint_is_down(
    fake_llm, llm_backend
):
    fake_llm.status = 500
    reader = Understander([LexicalBackend(), llm_backend(failure=FailurePolicy.UNSURE)])

    reading = await asyncio.to_thread(reader.understand, TURNS, 1)

    alone = LexicalBackend().understand(TURNS, 1)
    (refund,) = reading.asks_of(AskKind.REFUND)
    assert refund.confidence < alone.asks_of(AskKind.REFUND)[0].confidence
    assert any(u.startswith("llm unavailable") for u in reading.unsure)


async def test_the_endpoints_reading_combines_with_the_lexical_one(fake_llm, llm_backend):
    fake_llm.answer = _answer()
    llm = llm_backend()
    reader = Understander([LexicalBackend(), llm])

    reading = await asyncio.to_thread(reader.understand, TURNS, 1)

    assert reading.backend == f"lexical+{llm.name}"
    (refund,) = reading.asks_of(AskKind.REFUND)
    assert (refund.status, refund.amount) == (AskStatus.ASKED, Decimal(35))


def test_the_configured_endpoint_makes_the_llm_backend_available_by_name(fake_llm):
    settings = UnderstandingSettings(
        backends=["lexical", "llm"], llm={"base_url": fake_llm.url, "model": "fake-model"}
    )
    install(settings)
    reader = Understander.of(settings.backends)
    try:
        assert reader.name == f"lexical+llm:{Prompt.shipped().version}:fake-model"
    finally:
        reader.backends[1].close()


async def test_the_api_key_and_the_card_number_are_never_logged(fake_llm, llm_backend, caplog):
    fake_llm.answer = _answer()
    caplog.set_level(logging.DEBUG)
    await llm_backend().aunderstand(TURNS, rev=1)
    fake_llm.status = 500
    with pytest.raises(UnderstandingUnavailable):
        await llm_backend().aunderstand(TURNS, rev=2)

    assert "openai" in {r.name.split(".")[0] for r in caplog.records}  # it did log, at debug
    assert "sk-test-secret" not in caplog.text
    assert "4111" not in caplog.text
