"""How a blocked request splits into the records forwarded and the records refused."""

from __future__ import annotations

from guardrail.crm.base import ParsedRequest, Part, Shape
from guardrail.model import Action, Decision, Operation, Verdict, Violation, WriteIntent
from guardrail.partial import split

INTENTS = tuple(
    WriteIntent("salesforce", "Case", Operation.CREATE, {"Subject": s}, ref=f"records[{n}]")
    for n, s in enumerate(("a", "b", "c"))
)


def collection(all_or_none: bool = False, shape: Shape = Shape.COLLECTION) -> ParsedRequest:
    parts = tuple(Part(i.ref, range(n, n + 1)) for n, i in enumerate(INTENTS))
    return ParsedRequest(shape, INTENTS, parts, all_or_none, "Case", "create")


def blocked(*violations: Violation) -> Decision:
    return Decision("d1", Verdict.BLOCK, "salesforce", INTENTS, violations, "v1")


def test_the_blocked_records_are_refused_and_the_others_forwarded_with_their_warnings() -> None:
    stop = Violation("p", "Stop", "no", intent=1)
    warn = Violation("p", "Careful", "hm", action=Action.WARN, intent=2)
    partial = split(collection(), blocked(stop, warn))
    assert partial is not None
    assert [p.ref for p in partial.forwarded] == ["records[0]", "records[2]"]
    assert partial.blocked.intents == (INTENTS[1],)
    assert partial.blocked.violations == (Violation("p", "Stop", "no", intent=0),)
    assert partial.blocked.verdict is Verdict.BLOCK
    assert partial.blocked.id != "d1"
    assert partial.allowed.intents == (INTENTS[0], INTENTS[2])
    assert partial.allowed.violations == (
        Violation("p", "Careful", "hm", action=Action.WARN, intent=1),
    )
    assert (partial.allowed.verdict, partial.allowed.id) == (Verdict.ALLOW, "d1")


def test_a_request_is_refused_whole_when_it_is_all_or_none_or_not_a_collection() -> None:
    stop = Violation("p", "Stop", "no", intent=1)
    assert split(collection(all_or_none=True), blocked(stop)) is None
    assert split(collection(shape=Shape.COMPOSITE), blocked(stop)) is None


def test_a_violation_about_the_whole_request_refuses_it_whole() -> None:
    assert split(collection(), blocked(Violation("p", "NoContext", "who?"))) is None


def test_every_record_blocked_is_refused_whole() -> None:
    every = [Violation("p", "Stop", "no", intent=n) for n in range(3)]
    assert split(collection(), blocked(*every)) is None


def test_a_record_held_for_approval_is_never_forwarded_with_the_others() -> None:
    stop = Violation("p", "Stop", "no", intent=1)
    wait = Violation("p", "AskAPerson", "unsure", action=Action.HOLD, intent=2)
    assert split(collection(), blocked(stop, wait)) is None
