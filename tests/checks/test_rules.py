from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from guardrail.checks.base import CheckContext
from guardrail.checks.rules import RuleCompileError, compile_expression
from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation, Customer, ReadRecord, Turn, WriteRecord
from guardrail.crm.base import dialect_for
from guardrail.errors import PolicyError
from guardrail.model import Action, Caller, Operation, WriteIntent
from guardrail.policy.loader import load_policy_set

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SALESFORCE = dialect_for("salesforce")  # whose 15- and 18-character ids name one record

POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: refunds}
spec:
  match: {objects: [Refund__c]}
  context: {required: true}
  params: {cap: 100}
  matchConditions:
    - {name: has-amount, expression: has(intent.fields.Amount__c)}
  rules:
    - name: RefundAsked
      expression: customer_said_any(["refund", "money back"])
      message: The customer never asked for a refund; do not create one.
    - name: WithinEntitlement
      expression: intent.fields.Amount__c <= double(entitlements.refund_limit)
      message: Over the refund limit.
      messageExpression: '"Refund " + string(intent.fields.Amount__c) + " is over the limit " + string(entitlements.refund_limit)'
    - name: WithinCap
      expression: intent.fields.Amount__c <= double(params.cap)
      message: Over the global cap.
      action: warn
    - name: Grounded
      expression: "!has(intent.fields.Case__c) || grounded(intent.fields.Case__c)"
      message: Case__c was never read in this conversation.
"""


def conversation(*turns: str, **extra: Any) -> Conversation:
    return Conversation(
        id="c1",
        turns=[
            Turn(role="customer" if i % 2 == 0 else "agent", text=t) for i, t in enumerate(turns)
        ],
        created_at=NOW,
        updated_at=NOW,
        **extra,
    )


def judge(
    tmp_path: Path, conv: Conversation | None, **fields: Any
) -> list[tuple[str, str, Action]]:
    (tmp_path / "p.yaml").write_text(POLICY)
    [policy] = load_policy_set(tmp_path).policies
    [check] = policy.checks
    transcript = Transcript.of(conv) if conv else Transcript.of(conversation())
    facts = Facts(conv, transcript, {}, NOW, record_key=SALESFORCE.record_key)
    context = CheckContext(Caller(conversation="c1" if conv else None), facts)
    intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, fields)
    return [(v.rule, v.message, v.action) for v in check(intent, context)]


def test_rules_pass_when_every_expression_is_true(tmp_path: Path) -> None:
    conv = conversation("I want a refund of $40 please", "Sure", entitlements={"refund_limit": 50})
    assert judge(tmp_path, conv, Amount__c=40.0) == []


def test_each_failing_rule_is_a_violation_with_its_message(tmp_path: Path) -> None:
    conv = conversation("My router is broken", entitlements={"refund_limit": 50})
    found = judge(tmp_path, conv, Amount__c=120.0, Case__c="500000000000009AAA")
    assert [(rule, action) for rule, _, action in found] == [
        ("RefundAsked", Action.BLOCK),
        ("WithinEntitlement", Action.BLOCK),
        ("WithinCap", Action.WARN),
        ("Grounded", Action.BLOCK),
    ]
    assert found[1][1] == "Refund 120 is over the limit 50"


def test_grounded_by_read_or_verified_customer(tmp_path: Path) -> None:
    read = ReadRecord(object="Case", id="500000000000009AAA", at=NOW)
    conv = conversation("refund please", entitlements={"refund_limit": 50}, reads=[read])
    assert judge(tmp_path, conv, Amount__c=1.0, Case__c="500000000000009") == []


def test_match_conditions_skip_the_rules(tmp_path: Path) -> None:
    assert judge(tmp_path, conversation("hello"), Reason__c="Goodwill") == []


def test_context_required_blocks_without_a_conversation(tmp_path: Path) -> None:
    [(rule, message, _)] = judge(tmp_path, None, Amount__c=1.0)
    assert rule == "ContextRequired"
    assert "X-Guardrail-Conversation" in message


def test_a_rule_that_errors_blocks_with_its_name(tmp_path: Path) -> None:
    conv = conversation("refund please")  # no refund_limit entitlement: the lookup fails
    found = judge(tmp_path, conv, Amount__c=1.0)
    assert found[0][0] == "WithinEntitlement"
    assert "could not be evaluated" in found[0][1]


def test_bad_cel_is_refused_at_load_naming_the_place(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        POLICY.replace('customer_said_any(["refund", "money back"])', "customer_sed(1)")
    )
    with pytest.raises(
        PolicyError, match=r"spec.rules\[0\].expression \(line 12\): invalid CEL: unknown function"
    ):
        load_policy_set(tmp_path)
    (tmp_path / "p.yaml").write_text(POLICY.replace("<= double(params.cap)", "<= ("))
    with pytest.raises(PolicyError, match=r"spec.rules\[2\].expression \(line \d+\): invalid CEL"):
        load_policy_set(tmp_path)


def test_a_rule_naming_a_param_the_policy_lacks_errors_as_before(tmp_path: Path) -> None:
    conv = conversation("I want a refund of $40 please", entitlements={"refund_limit": 50})
    (tmp_path / "p.yaml").write_text(POLICY.replace("params.cap)", "params.capp)"))
    [policy] = load_policy_set(tmp_path).policies
    [check] = policy.checks
    facts = Facts(conv, Transcript.of(conv), {}, NOW, record_key=SALESFORCE.record_key)
    intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": 40.0})
    [found] = check(intent, CheckContext(Caller(conversation="c1"), facts))
    assert (found.rule, found.code) == ("WithinCap", "GUARDRAIL_RULE_ERROR")
    assert "capp" in found.message


def test_writes_of_one_revision_share_its_context_each_judged_on_its_own(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(POLICY)
    [policy] = load_policy_set(tmp_path).policies
    [check] = policy.checks
    conv = conversation("I want a refund of $40 please", entitlements={"refund_limit": 50})
    revision: dict[str, Any] = {}  # as the ContextLoader keeps one per (id, rev)
    for amount, caller, expected in (
        (120.0, Caller(conversation="c1"), ["WithinEntitlement", "WithinCap"]),
        (40.0, Caller(conversation="c1", tool="refund"), []),
        (60.0, Caller(conversation="c1"), ["WithinEntitlement"]),
    ):
        facts = Facts(conv, Transcript.of(conv), {}, NOW, revision=revision)
        context = CheckContext(caller, facts)
        intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": amount})
        assert [v.rule for v in check(intent, context)] == expected
        assert revision  # what the revision's writes share is kept for the next


ONCE_POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: closures}
spec:
  match: {objects: [Account]}
  variables:
    - {name: asked, expression: 'customer_said_any(["close my account"])'}
    - {name: verified, expression: customer.verified && variables.asked}
    - {name: named, expression: lower(intent.fields.Name)}
  rules:
    - {name: Asked, expression: variables.verified, message: Never asked.}
    - {name: KnownKind, expression: 'asked("no such kind")', message: Unknown.}
    - {name: Named, expression: 'variables.named != "" && customer_said(variables.named)', message: Unnamed.}
"""


def test_what_one_revision_decides_is_run_once_per_revision_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardrail.policy.functions import RuleFunctions

    (tmp_path / "p.yaml").write_text(ONCE_POLICY)
    [policy] = load_policy_set(tmp_path).policies
    [check] = policy.checks
    asked = []
    said_any = RuleFunctions.customer_said_any
    monkeypatch.setattr(
        RuleFunctions, "customer_said_any", lambda f, p: asked.append(p) or said_any(f, p)
    )
    conv = conversation("please close my account, acme", customer=Customer(verified=True))
    first: dict[str, Any] = {}  # as the ContextLoader keeps one per (id, rev)
    for revision, name in ((first, "Acme"), (first, "Other"), (first, "x"), ({}, "Acme")):
        facts = Facts(conv, Transcript.of(conv), {}, NOW, revision=revision)
        intent = WriteIntent("salesforce", "Account", Operation.UPDATE, {"Name": name})
        found = check(intent, CheckContext(Caller(conversation="c1"), facts))
        # the write's own rule judged per write; an error kept is an error every write
        expected = ["KnownKind"] if name == "Acme" else ["KnownKind", "Named"]
        assert [v.rule for v in found] == expected
        assert "could not be evaluated" in found[0].message
    assert len(asked) == 2  # once in each revision


CLOSURE_POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: closures}
spec:
  match: {objects: [Account]}
  rules:
    - {name: Kept, expression: '!kept_account(intent.fields.Name)', message: Kept.}
    - name: Reason
      expression: '!written_reason("account closure", intent.fields.Closure_Reason__c).contradicts'
      message: Contradicts.
"""


def test_what_the_turns_alone_decide_is_read_once_per_revision_whatever_each_write_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import guardrail.policy.functions as library

    (tmp_path / "p.yaml").write_text(CLOSURE_POLICY)
    [policy] = load_policy_set(tmp_path).policies
    [check] = policy.checks
    read: list[str] = []
    for name in ("withheld", "denied_topics", "kept_words"):
        real = getattr(library, name)
        monkeypatch.setattr(
            library, name, lambda turns, real=real, name=name: read.append(name) or real(turns)
        )
    conv = conversation(
        "Please close my checking account, but keep the savings.",
        "Is it the move?",
        "No, I'm not moving. I'd rather not say why.",
    )
    writes = (("Everyday Savings", "moving abroad"), ("Checking", "fees"), ("Checking", "moving"))

    def judged(revision: dict[str, Any] | None) -> list[list[str]]:
        found = []
        for name, reason in writes:
            facts = Facts(conv, Transcript.of(conv), {}, NOW, revision=revision)
            fields = {"Name": name, "Closure_Reason__c": reason}
            intent = WriteIntent("salesforce", "Account", Operation.UPDATE, fields)
            found.append([v.rule for v in check(intent, CheckContext(Caller("c1"), facts))])
        return found

    each_alone = judged(None)  # facts made for one judging: derived per write
    assert each_alone[0][0] == "Kept"
    read.clear()
    assert judged({}) == each_alone  # as the ContextLoader keeps one per (id, rev)
    assert sorted(read) == ["denied_topics", "kept_words", "withheld"]


def test_only_what_reads_nothing_but_the_revision_is_kept_for_it(tmp_path: Path) -> None:
    from guardrail.checks.rules import of_revision

    (tmp_path / "p.yaml").write_text(ONCE_POLICY)
    [policy] = load_policy_set(tmp_path).policies
    [check] = policy.checks
    once = {p.source for p in of_revision(check.rules.rules, check.conditions, check.variables)}
    # a variable of the revision's made of another, and rules of them; never a look-up alone
    # (customer.verified && variables.asked calls nothing), nor what reads the write
    assert once == {'customer_said_any(["close my account"])', 'asked("no such kind")'}


def test_compile_checks_functions_against_the_library() -> None:
    assert compile_expression("size(intent.fields) > 0 && lower(tool).startsWith('update')")
    with pytest.raises(RuleCompileError, match="unknown function"):
        compile_expression("nope(1)")


def test_recent_and_account_writes_are_windowed(tmp_path: Path) -> None:
    from guardrail.policy.functions import RuleFunctions

    old = WriteRecord(
        decision_id="d0",
        object="Case",
        operation="create",
        decision="allow",
        at=NOW - timedelta(hours=3),
    )
    new = WriteRecord(
        decision_id="d1",
        object="Case",
        operation="create",
        decision="allow",
        at=NOW - timedelta(minutes=5),
    )
    conv = conversation("hi", writes=[old, new])
    writes = {"001000000000001": [old, new]}
    fns = RuleFunctions(
        Facts(conv, Transcript.of(conv), writes, NOW, record_key=SALESFORCE.record_key)
    )
    assert [w["age_seconds"] for w in fns.recent_writes(3600)] == [300.0]
    assert len(fns.account_writes("001000000000001AAA", 4 * 3600)) == 2
    assert fns.account_writes(None, 10) == []


def test_account_writes_narrowed_to_a_kind_and_values_keep_every_write_that_may_match() -> None:
    from guardrail.policy.functions import RuleFunctions

    def write(n: int, operation: str = "create", **fields: Any) -> WriteRecord:
        return WriteRecord(decision_id=f"d{n}", object="Case", operation=operation,
                           fields=fields, decision="allow", at=NOW)  # fmt: skip

    history = [
        write(0, Subject="Router DOWN"),
        write(1, Subject="Billing"),
        write(2, Subject=None),
        write(3, Subject=42),  # no string: only CEL can tell, so it always counts
        write(4, "update", Subject="router down"),
        write(5, Reason="Billing"),
    ]
    account = "001000000000001AAA"
    fns = RuleFunctions(
        Facts(None, account_writes={"001000000000001": history}, now=NOW,
              record_key=SALESFORCE.record_key)
    )  # fmt: skip
    fns.pending = (write(6, Subject="router down", AccountId=account),)

    def found(*args: Any) -> list[str]:
        return [w["fields"] for w in fns.account_writes(account, 60, "Case", *args)]

    assert found("create") == [w.fields for w in (*history[:4], history[5], *fns.pending)]
    assert found("create", {"Subject": "router down"}) == [
        {"Subject": "Router DOWN"}, {"Subject": 42}, fns.pending[0].fields
    ]  # fmt: skip
    assert found("create", {"Subject": None, "Reason": "billing"}) == [
        {"Subject": None}, {"Subject": 42}, {"Reason": "Billing"}
    ]  # fmt: skip
    assert len(found("create", {"Subject": 42})) == 6  # no string asked: no narrowing
    assert found("update", {"Subject": "ROUTER down"}) == [{"Subject": "router down"}]


def test_a_window_reaching_past_a_trimmed_history_is_a_rule_error_not_a_smaller_total(
    tmp_path: Path,
) -> None:
    """A runaway call past MAX_RECORDED writes: the refunds it dropped must not vanish from
    a total, so a rule looking back that far cannot be judged and its policy fails closed."""
    (tmp_path / "p.yaml").write_text(
        POLICY.replace(
            "  rules:\n",
            "  rules:\n"
            "    - name: AtMostOneRefundAnHour\n"
            "      expression: recent_writes(3600).filter(w, w.object == 'Refund__c').size() == 0\n"
            "      message: One refund an hour.\n",
        )
    )
    [policy] = load_policy_set(tmp_path).policies
    [check] = policy.checks
    intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": 10.0})
    turns = ("I want a refund of $10", "Sure")

    def violations(forgotten: datetime) -> list[Any]:
        conv = conversation(*turns, entitlements={"refund_limit": 50}, forgotten=forgotten)
        facts = Facts(conv, Transcript.of(conv), {}, NOW, record_key=SALESFORCE.record_key)
        return check(intent, CheckContext(Caller(conversation="c1"), facts))

    assert violations(NOW - timedelta(hours=2)) == []  # dropped before the window: judged
    [error] = violations(NOW - timedelta(minutes=30))
    assert (error.rule, error.action, error.code) == (
        "AtMostOneRefundAnHour",
        Action.BLOCK,
        "GUARDRAIL_RULE_ERROR",
    )
    assert "HistoryForgotten" in error.message
    assert "newest 100" in error.message


PARENT = "500000000000001AAA"  # a follow-up linked to its first case


@pytest.mark.parametrize(
    ("operation", "fields", "judged"),
    [
        (Operation.CREATE, {"Subject": "Router down", "Origin": "Web"}, False),  # no account
        (Operation.CREATE, {"AccountId": "001000000000001AAA", "ParentId": PARENT}, False),
        (Operation.CREATE, {"Subject": "Router down", "AccountId": "001000000000001AAA"}, True),
    ],
)
def test_a_busy_call_fails_closed_on_duplicate_cases_only_for_a_case_that_could_be_one(
    tmp_path: Path, operation: Operation, fields: dict[str, Any], judged: bool
) -> None:
    """Past its kept writes, a conversation cannot tell a second case for an account, so such
    a case fails closed; a case with no account or a parent is none, and lands."""
    pack = Path(__file__).parents[2] / "policies" / "salesforce-contact-center"
    (tmp_path / "duplicates.yaml").write_text((pack / "duplicates.yaml").read_text())
    [policy] = load_policy_set(tmp_path).policies
    intent = WriteIntent("salesforce", "Case", operation, fields)
    conv = conversation("my router is down", forgotten=NOW - timedelta(minutes=5))
    facts = Facts(conv, Transcript.of(conv), {}, NOW, record_key=SALESFORCE.record_key)
    found = [v for c in policy.checks for v in c(intent, CheckContext(Caller("c1"), facts))]
    assert [v.code for v in found] == (["GUARDRAIL_RULE_ERROR"] if judged else [])


def test_a_case_costs_the_maps_of_its_own_problem_not_of_the_accounts_other_cases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The duplicate-cases rule of a busy account: the writes it makes CEL maps of (and runs
    its filter over) are the ones that may be the same problem, however many other cases the
    account has had in the window."""
    from guardrail.policy import functions

    built: list[str] = []
    as_map = functions._as_map
    monkeypatch.setattr(
        functions, "_as_map", lambda w, age: built.append(w.decision_id) or as_map(w, age)
    )
    pack = Path(__file__).parents[2] / "policies" / "salesforce-contact-center"
    (tmp_path / "duplicates.yaml").write_text((pack / "duplicates.yaml").read_text())
    [policy] = load_policy_set(tmp_path).policies
    account = "001000000000001AAA"
    intent = WriteIntent(
        "salesforce", "Case", Operation.CREATE, {"Subject": "Router down", "AccountId": account}
    )

    def found(others: int) -> list[str]:
        def case(n: int, subject: str) -> WriteRecord:
            return WriteRecord(decision_id=f"d{n}", object="Case", operation="create",
                               fields={"Subject": subject, "AccountId": account},
                               decision="allow", at=NOW - timedelta(minutes=5))  # fmt: skip

        history = [case(n, f"Other problem {n}") for n in range(others)]
        history.insert(others // 2, case(others, "router DOWN"))
        key = SALESFORCE.record_key("Account", account)
        conv = conversation("my router is down")
        facts = Facts(
            conv, Transcript.of(conv), {key: history}, NOW, record_key=SALESFORCE.record_key
        )
        built.clear()
        context = CheckContext(Caller("c1"), facts)
        return [v.rule for c in policy.checks for v in c(intent, context)]

    assert found(10) == ["NoDuplicateCase"]
    few = len(built)
    assert found(500) == ["NoDuplicateCase"]
    assert len(built) == few


def test_verified_customer_ids_are_grounded_only_when_verified() -> None:
    from guardrail.policy.functions import RuleFunctions

    customer = Customer(account_ids=["001000000000001AAA"], verified=False)
    conv = conversation("hi", customer=customer)
    assert not RuleFunctions(
        Facts(conv, Transcript.of(conv), {}, NOW, record_key=SALESFORCE.record_key)
    ).grounded("001000000000001AAA")
    conv = conversation("hi", customer=customer.model_copy(update={"verified": True}))
    assert RuleFunctions(
        Facts(conv, Transcript.of(conv), {}, NOW, record_key=SALESFORCE.record_key)
    ).grounded("001000000000001")
