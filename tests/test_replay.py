"""``guardrail replay``: a recorded run of mixed decisions (the shipped pack's scenarios through a
real proxy in front of the sandbox, audited to SQLite) judged again with candidate packs.

Unchanged, the pack flips nothing: what the record keeps (intents, masked conversation context,
the account's recent writes, the time) is enough to judge every write the same way, card-number
blocks included. With a changed disposition map exactly the decisions the change concerns flip,
found here by an oracle that reads the map, not the pipeline.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from guardrail.app import default_policies
from guardrail.cli import main
from guardrail.context import snapshot
from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import ConversationIn
from guardrail.crm.base import ParsedRequest, Part, Shape
from guardrail.dryrun import inline
from guardrail.model import Caller, Decision, Operation, Verdict, WriteIntent
from guardrail.partial import split
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set
from guardrail.replay import NOT_JUDGED, NOT_KEPT, Outcome, Replayer
from guardrail.scenarios.format import load_scenarios
from guardrail.sinks.audit import open_storage
from guardrail.sinks.audit.contexts import Contexts
from guardrail.sinks.audit.record import Kind, decision_entry
from guardrail.testing import Stack
from tests.scenarios.suite import HOLDS_CREDENTIAL, ScenarioRunner

PACK = default_policies()
DISPOSITIONS = "call-disposition"
#: The candidate map: a resolved call may also be dispositioned "Escalated" and a scheduled
#: callback "Resolved" (allows more); an escalated one no longer "Transferred" (allows less).
CHANGED_MAP = {
    "resolved": ["Resolved", "Escalated"],
    "escalated": ["Escalated"],
    "refund_issued": ["Refund Issued", "Resolved"],
    "callback_scheduled": ["Callback Scheduled", "Resolved"],
    "no_resolution": ["Unresolved", "Customer Hung Up"],
}


@dataclass(frozen=True)
class Recorded:
    dsn: str
    since: datetime
    bodies: list[dict[str, Any]]
    #: guardrail_dispositions_total by result, as the proxy counted them
    dispositions: dict[str, float]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    directory = tmp_path_factory.mktemp("replay")
    since = datetime.now(UTC)
    with Stack(directory, auth_mode="passthrough", credential=HOLDS_CREDENTIAL) as stack:
        runner = ScenarioRunner(stack)
        results = [r for s in load_scenarios(PACK / "scenarios") for r in runner.run(s)]
        dispositions: dict[str, float] = {}
        for family in stack.guardrail.metrics.registry.collect():
            for sample in family.samples:
                if sample.name == "guardrail_dispositions_total":
                    result = sample.labels["result"]
                    dispositions[result] = dispositions.get(result, 0) + sample.value
    assert not [r.problem for r in results if r.problem]
    dsn = f"sqlite:///{directory.resolve() / 'audit.db'}"
    return Recorded(dsn, since, asyncio.run(_bodies(dsn)), dispositions)


async def _bodies(dsn: str) -> list[dict[str, Any]]:
    storage = open_storage(dsn, timeout=10)
    await storage.open(migrate=False)
    try:
        bodies = [row.body async for row in storage.scan(kind=Kind.DECISION)]
        return await Contexts(storage).expand(bodies)
    finally:
        await storage.close()


def pack_with_map(directory: Path, dispositions: dict[str, list[str]] | None) -> Path:
    shutil.copytree(PACK, directory)
    if dispositions is not None:
        path = directory / "dispositions.yaml"
        policy = yaml.safe_load(path.read_text())
        policy["spec"]["params"]["dispositions"] = dispositions
        path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return directory


def replay(
    capsys: pytest.CaptureFixture[str], recorded: Recorded, policies: Path
) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    code = main(
        [
            "replay",
            "--since",
            recorded.since.isoformat(),
            "--policies",
            str(policies),
            "--dsn",
            recorded.dsn,
            "--json",
        ]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return code, lines[:-1], lines[-1]


def disposition_flips(bodies: list[dict[str, Any]], before: dict[str, list[str]]) -> set[str]:
    """The oracle: decisions with a Task write setting a CallDisposition, in a conversation,
    whose outcome's map allows that disposition before and not after (or the reverse)."""
    flips = set()
    for body in bodies:
        conversation = (body.get("context") or {}).get("conversation")
        if conversation is None:
            continue
        outcome = conversation.get("outcome") or ""
        for intent in body["intents"]:
            disposition = intent["fields"].get("CallDisposition")
            if intent["object"] != "Task" or intent["operation"] == "delete" or not disposition:
                continue
            if (disposition in before.get(outcome, [])) != (
                disposition in CHANGED_MAP.get(outcome, [])
            ):
                flips.add(body["decision_id"])
    return flips


def test_the_record_keeps_what_replay_needs(recorded: Recorded) -> None:
    judged = [b for b in recorded.bodies if b["intents"]]
    assert len(judged) > 200
    assert {b["decision"] for b in judged} == {"allow", "block", "hold"}
    assert all(b["context"] is not None for b in judged)
    # Masked like the rest of the record: a card number a customer read out is not kept.
    texts = json.dumps([b["context"] for b in judged])
    assert "4111 1111 1111 1111" not in texts
    assert "[CARD]" in texts


def test_replaying_the_unchanged_pack_flips_nothing(
    recorded: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, flips, totals = replay(capsys, recorded, pack_with_map(tmp_path / "same", None))
    assert flips == []
    assert code == 0
    judged = [b for b in recorded.bodies if b["intents"]]
    assert totals["replayed"] == len(judged)
    refused = len(recorded.bodies) - len(judged)
    assert totals["skipped"] == ({NOT_JUDGED: refused} if refused else {})


def test_a_changed_disposition_map_flips_exactly_the_decisions_it_concerns(
    recorded: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = yaml.safe_load((PACK / "dispositions.yaml").read_text())
    expected = disposition_flips(recorded.bodies, shipped["spec"]["params"]["dispositions"])
    code, flips, totals = replay(capsys, recorded, pack_with_map(tmp_path / "c", CHANGED_MAP))

    assert code == 1
    assert {f["decision_id"] for f in flips} == expected
    kinds = {f["kind"] for f in flips}
    assert kinds == {"allow->block", "block->allow", "block: other rules"}, kinds
    rule = f"{DISPOSITIONS}/DispositionMatchesOutcome"
    for flip in flips:
        assert rule in {*flip["before"]["rules"], *flip["after"]["rules"]}
    gained = sum(1 for f in flips if rule in f["after"]["rules"])
    lost = sum(1 for f in flips if rule in f["before"]["rules"])
    assert totals["by_rule"] == {rule: {"now_decides": gained, "no_longer": lost}}
    assert totals["flips"] == len(expected)


def test_the_text_report_lists_flips_and_counts_per_rule(
    recorded: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policies = pack_with_map(tmp_path / "c", CHANGED_MAP)
    since = recorded.since.isoformat()
    code = main(["replay", "--since", since, "--policies", str(policies), "--dsn", recorded.dsn])
    out = capsys.readouterr().out
    assert code == 1
    assert "decisions would flip" in out
    assert "call-disposition/DispositionMatchesOutcome" in out
    assert "NOW DECIDES" in out


async def test_records_replay_cannot_judge_are_counted_not_guessed() -> None:
    policies = load_policy_set(PACK)
    replayer = Replayer(policies)
    intent = WriteIntent("salesforce", "Lead", Operation.CREATE, {"LastName": "x"})
    decision = Decision(
        "d1", Verdict.ALLOW, "salesforce", (intent,), (), policies.version, Caller()
    )
    body = json.loads(decision_entry(decision).body)
    assert body["context"] is None
    assert await replayer.judge(body) == NOT_KEPT
    refused = Decision("d2", Verdict.BLOCK, "salesforce", (), (), policies.version, Caller())
    assert await replayer.judge(json.loads(decision_entry(refused).body)) == NOT_JUDGED
    with_context = Decision(
        "d3",
        Verdict.ALLOW,
        "salesforce",
        (intent,),
        (),
        policies.version,
        Caller(),
        facts=Facts(None),
    )
    judged = await replayer.judge(json.loads(decision_entry(with_context).body))
    assert not isinstance(judged, str)
    before, after = judged
    assert before.verdict == "allow"
    assert after.verdict == "block"  # no policy covers Lead
    assert after.rules == ("guardrail/NoPolicy",)


def test_the_proxy_counts_disposition_mismatches_in_their_cohort(recorded: Recorded) -> None:
    """guardrail_dispositions_total, live: every Task write that set a disposition, mismatched
    where the disposition rule objected (the recorded violations say where)."""
    set_one = mismatched = 0
    for body in recorded.bodies:
        for n, intent in enumerate(body["intents"]):
            if intent["object"] == "Task" and intent["fields"].get("CallDisposition"):
                set_one += 1
                mismatched += any(
                    v["intent"] == n and v["rule"] == "DispositionMatchesOutcome"
                    for v in body["violations"]
                )
    assert mismatched > 0
    assert recorded.dispositions == {"match": set_one - mismatched, "mismatch": mismatched}


@pytest.mark.parametrize(
    ("pack", "intent"),
    [
        pytest.param(  # judged valid; the mask [EMAIL] does not match the email pattern
            default_policies("zendesk"),
            WriteIntent("zendesk", "user", Operation.CREATE,
                        {"name": "Ada", "email": "ada@acme.example"}),
            id="valid-email-masked",
        ),
        pytest.param(  # judged too long; the mask is short
            PACK,
            WriteIntent("salesforce", "Contact", Operation.CREATE,
                        {"LastName": "Lovelace", "Email": "a" * 80 + "@acme.example"}),
            id="too-long-email-masked",
        ),
    ],
)  # fmt: skip
async def test_a_value_the_record_masked_is_judged_as_the_original_was(
    pack: Path, intent: WriteIntent
) -> None:
    """The record keeps an email as ``[EMAIL]``, which has lost its shape: what the schema
    found of the original stays as found, and the mask is not judged against the schema."""
    policies = load_policy_set(pack)
    judged = Pipeline(lambda: policies).evaluate(intent.crm, (intent,), Caller(), Facts(None))
    body = json.loads(decision_entry(judged).body)
    assert "[EMAIL]" in json.dumps(body["intents"])
    replayed = await Replayer(policies).judge(body)
    assert not isinstance(replayed, str)
    before, after = replayed
    assert before == after
    assert before == Outcome.of(judged.violations)


async def test_both_decisions_of_a_collection_saved_in_part_replay_as_the_proxy_made_them() -> None:
    """The second of two like cases is a duplicate of the first, which was saved: judged
    alone it duplicates nothing, so each side is judged again within its request."""
    policies = load_policy_set(PACK)
    now = datetime.now(UTC)
    customer = {"account_ids": ["001000000000001AAA"], "verified": True}
    turns = [{"role": "customer", "text": "My router is broken."}]
    conversation = inline(
        ConversationIn.model_validate({"channel": "chat", "customer": customer, "turns": turns}),
        now,
    )
    fields = {"Subject": "Broken router", "Reason": "Technical", "AccountId": "001000000000001AAA"}
    intents = tuple(
        WriteIntent("salesforce", "Case", Operation.CREATE, fields, ref=f"records[{n}]")
        for n in range(2)
    )
    decision = Pipeline(lambda: policies).evaluate(
        "salesforce", intents, Caller(conversation="inline"),
        Facts(conversation, Transcript.of(conversation), {}, now),
    )  # fmt: skip
    parts = tuple(Part(i.ref, range(n, n + 1)) for n, i in enumerate(intents))
    partial = split(ParsedRequest(Shape.COLLECTION, intents, parts, False, "Case", "create"),
                    decision)  # fmt: skip
    assert partial is not None
    replayer = Replayer(policies)
    for side, verdict in ((partial.allowed, "allow"), (partial.blocked, "block")):
        entry = decision_entry(side)
        body = json.loads(entry.body)
        kept = {part.hash: json.loads(part.body) for part in entry.parts}
        body["context"] = snapshot.expand(body["context"], kept)
        replayed = await replayer.judge(body)
        assert not isinstance(replayed, str)
        before, after = replayed
        assert before == after == Outcome.of(side.violations)
        assert before.verdict == verdict
    assert Outcome.of(partial.blocked.violations).rules == ("duplicate-cases/NoDuplicateCase",)
