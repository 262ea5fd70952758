import io
import json
import logging
from datetime import UTC, datetime
from unittest.mock import patch

import structlog
import structlog.testing
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.model import Caller, Decision, Operation, Verdict, Violation, WriteIntent
from guardrail.sinks import logs
from guardrail.sinks.redact import mask_card_data, mask_text, mask_value
from guardrail.understanding.sensitive import sensitive_kinds
from tests.conftest import (
    card_digits_read,
    card_disguises,
    card_numbers,
    disguised_ssns,
    ordinary_notes,
)


def capture(level: str = "info") -> io.BytesIO:
    stream = io.BytesIO()
    logs.configure(level, stream)
    return stream


def lines(stream: io.BytesIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def decision(verdict: Verdict = Verdict.BLOCK) -> Decision:
    intent = WriteIntent(
        "salesforce",
        "Case",
        Operation.CREATE,
        {"Subject": "Call me at 415-555-0132", "Description": "card 4111 1111 1111 1111"},
    )
    violation = Violation("case-fields", "ParameterValidation.enum", "bad 'x@y.com'", ("Status",))
    return Decision(
        "d-1",
        verdict,
        "salesforce",
        (intent,),
        (violation,),
        "v1",
        Caller("c-1", "agent-7", token_id="tok-9"),
    )


async def test_one_json_line_per_decision_without_field_values_by_default() -> None:
    stream = capture()
    await logs.DecisionLog().emit(decision())
    [line] = lines(stream)
    assert line["event"] == "decision"
    assert line["level"] == "warning"
    assert line["decision_id"] == "d-1"
    assert line["decision"] == "block"
    assert (line["conversation"], line["agent"]) == ("c-1", "agent-7")
    assert line["token_id"] == "tok-9"  # an identifier, never redacted
    assert line["rules"] == ["case-fields/ParameterValidation.enum"]
    assert "fields" not in line
    assert b"x@y.com" not in stream.getvalue()  # violation messages are masked too


async def test_field_values_when_configured_are_pii_masked() -> None:
    stream = capture()
    await logs.DecisionLog(field_values=True).emit(decision(Verdict.ALLOW))
    [line] = lines(stream)
    assert line["level"] == "info"
    assert line["fields"] == [{"Subject": "Call me at [PHONE]", "Description": "card [CARD]"}]


@given(verdict=st.sampled_from(Verdict), level=st.sampled_from(["info", "warning", "error"]))
async def test_a_decision_line_is_the_line_structlog_writes_for_its_event(
    verdict: Verdict, level: str
) -> None:
    """The decision log runs configure()'s processors itself, without a bound logger: the
    same line (timestamp aside), at the same levels."""
    stream = capture(level)
    await logs.DecisionLog().emit(decision(verdict))
    written = lines(stream)
    stream.seek(0)
    stream.truncate()
    for line in written:
        fields = {k: v for k, v in line.items() if k not in ("event", "level", "timestamp")}
        getattr(structlog.get_logger("t"), str(line["level"]))("decision", **fields)
    assert [{**line, "timestamp": ""} for line in lines(stream)] == [
        {**line, "timestamp": ""} for line in written
    ]
    wanted = logging.INFO if verdict is Verdict.ALLOW else logging.WARNING
    assert len(written) == (wanted >= logging.getLevelNamesMapping()[level.upper()])


async def test_a_decision_reaches_the_structlog_configuration_in_force() -> None:
    capture()
    with structlog.testing.capture_logs() as captured:
        await logs.DecisionLog().emit(decision())
    assert [(e["event"], e["decision_id"]) for e in captured] == [("decision", "d-1")]


def test_secret_keys_are_redacted_and_stdlib_logging_is_json() -> None:
    stream = capture()
    structlog.get_logger("t").info(
        "login", authorization="Bearer abc", session_id="00D!x", token_id="tok-42"
    )
    try:
        raise RuntimeError("inner")
    except RuntimeError:
        logging.getLogger("aiohttp.server").exception("Error handling request")
    first, second = lines(stream)
    assert first["authorization"] == "[REDACTED]"
    assert first["session_id"] == "[REDACTED]"
    assert first["token_id"] == "tok-42"  # an identifier, to join logs to the API and audit log
    assert (second["event"], second["logger"], second["level"]) == (
        "Error handling request",
        "aiohttp.server",
        "error",
    )
    assert "RuntimeError: inner" in str(second["exception"])
    assert b"abc" not in stream.getvalue()


def test_masking_shapes() -> None:
    assert mask_text("mail bob@example.com now") == "mail [EMAIL] now"
    assert mask_text("ssn 123-45-6789") == "ssn [SSN]"
    assert mask_text("sid 00D5e000000abcd!AQ4AQ.xyz_1") == "sid [SECRET]"
    assert mask_text("jwt eyJhbGciOi.eyJzdWIiOiIx.sig-nature") == "jwt [SECRET]"
    assert mask_text("order 12345 for $20") == "order 12345 for $20"
    assert mask_value({"token": "abc", "n": [1, "a@b.co"]}) == {
        "token": "[REDACTED]",
        "n": [1, "[EMAIL]"],
    }


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_disguised_card_number_is_masked_and_the_rest_of_the_note_kept(
    data: st.DataObject,
) -> None:
    card = data.draw(card_numbers())
    shown = data.draw(card_disguises(card))
    masked = mask_text(f"Order 12345 shipped; customer confirmed: {shown} . Will follow up.")
    assert card not in card_digits_read(masked), (shown, masked)
    assert sensitive_kinds(masked) == set(), (shown, masked)
    assert masked.startswith("Order 12345 shipped; customer confirmed: ")
    assert masked.endswith(" . Will follow up.")
    assert "[CARD]" in masked


@settings(max_examples=200, deadline=None)
@given(number=disguised_ssns())
def test_a_disguised_ssn_is_masked(number: str) -> None:
    masked = mask_text(f"Verified identity, {number}, then closed the call.")
    assert sensitive_kinds(masked) == set(), (number, masked)
    assert masked.endswith(", then closed the call.")


@settings(max_examples=200, deadline=None)
@given(note=ordinary_notes())
def test_masking_changes_a_note_only_where_the_sensitive_data_rule_finds_card_data(
    note: str,
) -> None:
    # an ordinary note may hold a Luhn-valid run by chance ("4186450 / 220416"): the rule
    # refuses it, so it is masked too
    assert (mask_card_data(note) == note) == (not sensitive_kinds(note)), note


@settings(max_examples=50, deadline=None)
@given(data=st.data())
async def test_the_decision_log_keeps_no_digit_of_a_disguised_card_number(
    data: st.DataObject,
) -> None:
    card = data.draw(card_numbers())
    shown = data.draw(card_disguises(card))
    stream = capture()
    written = WriteIntent("zendesk", "Ticket", Operation.UPDATE, {"comment": f"Card {shown} ok"})
    quoted = Violation("notes-grounded", "NoteFactsInTranscript", f"The note states {shown}")
    refused = Decision("d-2", Verdict.BLOCK, "zendesk", (written,), (quoted,), "v1", Caller())
    await logs.DecisionLog(field_values=True).emit(refused)
    assert card not in card_digits_read(stream.getvalue().decode()), shown


@given(st.integers(min_value=0, max_value=4_102_444_800 * 10**6 - 1))
@settings(max_examples=300)
def test_a_line_is_stamped_as_structlogs_iso_utc_stamper_stamps_it(micros: int) -> None:
    at = datetime.fromtimestamp(micros // 10**6, UTC).replace(microsecond=micros % 10**6)
    structlogs = at.isoformat().replace("+00:00", "Z")  # TimeStamper(fmt="iso", utc=True)
    with patch("time.time_ns", return_value=micros * 1000):
        assert logs._Stamp()(None, "info", {})["timestamp"] == structlogs


def test_milliseconds_are_rounded_to_the_microsecond_as_round_to_three_places_rounds() -> None:
    for seconds in (0.0, 0.0012344, 0.0012346, 1.5, 0.000_000_4, 29.999_999_6):
        assert logs._ms(seconds) == round(seconds * 1000, 3)
