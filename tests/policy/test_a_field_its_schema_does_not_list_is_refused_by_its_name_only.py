"""A field an object's closed schema does not list (a Salesforce Case's CommentBody, a
ServiceNow interaction's close_notes, a Zendesk user's problem_id) is refused by its name,
whatever its value: the schema's finding names it (each of several), and no rule reads it. It reached the
pack's other rules, which read such a field where another object has it (as text, an id)
and could not evaluate a value of another type: the agent was told to fetch the guardrail's
administrator and an alert fired, for a write that was only malformed. A field is hidden
from the rules only where a schema enforcing its object, failing closed, refuses it: one a
shadow-mode schema flags is forwarded (test_shadow_mode_forwards_and_reports_shadow_block), and
one a failing-open schema's check erred on would be, so the rules judge it."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.checks.rules import ERROR_CODE
from guardrail.checks.schema import RULE, ParameterValidation
from guardrail.context.facts import Facts
from guardrail.context.model import Conversation, Turn
from guardrail.model import Caller, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set

PACKS = Path(__file__).resolve().parents[2] / "policies"
CRMS = ("salesforce", "servicenow", "zendesk")
POLICIES = {crm: load_policy_set(PACKS / f"{crm}-contact-center") for crm in CRMS}
SCHEMAS = {
    (crm, obj): check
    for crm, policies in POLICIES.items()
    for policy in policies.policies
    for check in policy.checks
    if isinstance(check, ParameterValidation) and check.schema.get("additionalProperties") is False
    for obj in policy.objects
}
#: Every field some object of the pack has: the names the pack's rules read
NAMES = {
    crm: sorted(
        {
            name
            for (of, _), check in SCHEMAS.items()
            if of == crm
            for name in check.spelling.values()
        }
    )
    for crm in CRMS
}
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                   st.text(max_size=6), st.just("4111 1111 1111 1111"))  # fmt: skip
ANY_JSON = st.one_of(
    SCALAR, st.lists(SCALAR, max_size=3), st.dictionaries(st.text(max_size=6), SCALAR, max_size=2)
)
NOW = datetime.now(UTC)
SAID = "My charger arrived broken, I'd like a refund of $20. Order 1234."
FACTS = Facts(Conversation(id="c-unlisted", turns=[Turn(role="customer", text=SAID)],
                           created_at=NOW, updated_at=NOW))  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(closed=st.sampled_from(sorted(SCHEMAS, key=str)), value=ANY_JSON,
       operation=st.sampled_from([Operation.CREATE, Operation.UPDATE]), data=st.data())  # fmt: skip
def test_a_field_its_schema_does_not_list_is_named_by_the_schema_and_read_by_no_rule(
    closed: tuple[str, str], value: Any, operation: Operation, data: st.DataObject
) -> None:
    crm, obj = closed
    schema = SCHEMAS[closed]
    names = data.draw(
        st.lists(
            st.one_of(st.sampled_from(NAMES[crm]), st.from_regex(r"[A-Za-z_]{1,12}", fullmatch=True))
            .filter(lambda n: n.lower() not in schema.spelling),
            min_size=1, max_size=3, unique_by=str.lower,
        )
    )  # fmt: skip
    intent = WriteIntent(crm, obj, operation, dict.fromkeys(names, value),
                         record_id=None if operation is Operation.CREATE else "1")  # fmt: skip
    decision = Pipeline(lambda: POLICIES[crm]).evaluate(
        crm, [intent], Caller(conversation="c-unlisted"), FACTS
    )
    assert not [v for v in decision.violations if v.code == ERROR_CODE], decision.violations
    named = {f for v in decision.violations if v.rule.startswith(RULE) for f in v.fields}
    assert named >= set(names), decision.violations
    assert decision.verdict == "block"


@pytest.mark.parametrize(("said", "saying"), [
    ("mode: enforce", "mode: shadow"),  # reported only: forwarded
    ("failurePolicy: closed", "failurePolicy: open"),  # its check erring would forward it
], ids=["shadow-mode", "failing-open"])  # fmt: skip
def test_a_field_only_a_schema_that_may_let_it_through_refuses_is_still_read_by_the_rules(
    tmp_path: Path, said: str, saying: str
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACKS / "salesforce-contact-center", pack)
    parameters = pack / "parameters.yaml"
    parameters.write_text(parameters.read_text().replace(said, saying))
    loosened = load_policy_set(pack)
    intent = WriteIntent("salesforce", "Case", Operation.CREATE,
                         {"Subject": "Broken charger", "CommentBody": 12345})  # fmt: skip
    decision = Pipeline(lambda: loosened).evaluate(
        "salesforce", [intent], Caller(conversation="c-unlisted"), FACTS
    )
    flagged = [v for v in decision.violations if v.rule.startswith(RULE)]
    assert [v.fields for v in flagged] == [("CommentBody",)]
    # judged as sent: the notes rule reads the number it cannot evaluate
    assert [v.policy for v in decision.violations if v.code == ERROR_CODE] == ["notes-grounded"]
