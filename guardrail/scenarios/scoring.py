"""What a labeled write's result is, and how a run is scored and shown: per rule (recall on the
bad writes it must block, false blocks on the good ones) and as a confusion table of expected
against got. Shared by ``guardrail test`` and the end-to-end suite, so both score alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from guardrail.checks.rules import IsCompliant
from guardrail.pipeline import NO_POLICY_RULE
from guardrail.policy.loader import PolicySet
from guardrail.scenarios.format import Scenario, WriteStep

PARAMETER_VALIDATION = "ParameterValidation"
CONTEXT_REQUIRED = "ContextRequired"
PROXY_RULES = frozenset(
    {f"guardrail/{NO_POLICY_RULE}", "guardrail/MalformedBody", "guardrail/AmbiguousRequest"}
)
"""Rules of the proxy itself: a write to an object no policy covers is blocked, and so is one it
cannot read canonically (a field given twice in two spellings, say) or that the CRM could carry
out otherwise than it would be judged (a header renaming its fields, say)."""

ERROR = "error"
"""A write's ``decision`` when it failed outside the guardrail (a setup or CRM error)."""


@dataclass(frozen=True)
class StepResult:
    """One labeled write and what the guardrail did with it."""

    scenario: str
    step: str
    expect: str
    rules: frozenset[str]
    near_miss: frozenset[str]
    decision: str  # the verdict (X-Guardrail-Decision), or "error"
    blocked_by: frozenset[str] = frozenset()
    #: Rules that held the write for a person's approval (decision "hold"): not sent.
    held_by: frozenset[str] = frozenset()
    #: Rules that failed on an unsure reading of the conversation and only warned
    #: (``onUncertain: warn``): the write went through, flagged for review.
    warned_by: frozenset[str] = frozenset()
    detail: str = ""
    theme: str = ""
    seconds: float = field(default=0.0, compare=False)

    @classmethod
    def pending(cls, scenario: Scenario, step: WriteStep) -> StepResult:
        """The write's labels, before it is run."""
        return cls(
            scenario.name,
            step.name,
            step.expect,
            frozenset(step.rules),
            frozenset(step.near_miss),
            decision="-",
            theme=scenario.theme,
        )

    @property
    def key(self) -> str:
        """``scenario/step``: unique in a suite (names are unique), what baselines record."""
        return f"{self.scenario}/{self.step}"

    @property
    def stopped(self) -> bool:
        """Whether the write was kept from the CRM: blocked, or held for approval."""
        return self.decision in ("block", "hold")

    @property
    def stopped_by(self) -> frozenset[str]:
        return self.blocked_by | self.held_by

    @property
    def missed(self) -> frozenset[str]:
        """Expected rules that did not stop the write."""
        return self.rules - self.stopped_by

    @property
    def unexpected(self) -> frozenset[str]:
        """Rules that stopped the write although the label does not name them."""
        return self.stopped_by - self.rules

    @property
    def review_load(self) -> bool:
        """A good write held for approval: not a false block, but a person's time."""
        return self.expect == "allow" and self.decision == "hold"

    @property
    def problem(self) -> str | None:
        """Why the write was not decided as labeled, or None when it was."""
        where = f"{self.scenario} / {self.step}"
        if self.decision == ERROR:
            return f"{where}: failed outside the guardrail: {self.detail}"
        if self.review_load:
            return None
        if self.expect == "allow" and self.decision != "allow":
            return f"{where}: false block by {sorted(self.blocked_by)}: {self.detail}"
        if self.expect == "hold" and self.decision != "hold":
            return f"{where}: {self.decision}, although {sorted(self.rules)} should hold it"
        if self.expect == "block" and not self.stopped:
            return f"{where}: missed, allowed although {sorted(self.rules)} should block it"
        if self.missed or self.unexpected:
            return (
                f"{where}: stopped by {sorted(self.stopped_by)}, expected {sorted(self.rules)}: "
                f"{self.detail}"
            )
        return None


def failed_step(scenario: Scenario, step: object, exc: Exception) -> StepResult:
    """A step that could not run (a setup or CRM error): reported as an error of that step."""
    name = str(getattr(step, "name", "?"))
    labelled = step if isinstance(step, WriteStep) else None
    return StepResult(
        scenario.name,
        name,
        labelled.expect if labelled else "allow",
        frozenset(labelled.rules) if labelled else frozenset(),
        frozenset(),
        decision=ERROR,
        detail=f"{type(exc).__name__}: {exc}",
        theme=scenario.theme,
    )


# -- what a suite must cover -------------------------------------------------------------------


def policy_rules(policies: PolicySet) -> set[str]:
    """``policy/Rule`` for every CEL rule of the set, ``policy/ContextRequired`` for each policy
    that blocks writes without a conversation, and the proxy's own rules: every rule a labeled
    write may name."""
    rules: set[str] = set(PROXY_RULES)
    for policy in policies.policies:
        for check in policy.checks:
            if isinstance(check, IsCompliant):
                rules |= {f"{policy.name}/{rule.name}" for rule in check.rules.rules}
                if check.context_required and check.block_without_context:
                    rules.add(f"{policy.name}/{CONTEXT_REQUIRED}")
    return rules


def rule_kind(rule: str) -> str:
    """``case-fields/ParameterValidation.enum`` -> ``ParameterValidation.enum``; other rules as
    they are (their policy is part of their identity)."""
    name = rule.split("/", 1)[1]
    return name if name.startswith(f"{PARAMETER_VALIDATION}.") else rule


# -- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleScore:
    rule: str
    bad: int = 0
    caught: int = 0
    good: int = 0
    false_blocks: int = 0
    warns: int = 0  # writes it only warned on (an unsure reading), good or bad
    blocked_bad: int = 0  # bad writes labeled with it that were stopped (by any rule)
    held: int = 0  # bad writes labeled with it that it held (counted in caught too)
    load: int = 0  # good writes it held for approval: review load, not false blocks

    @property
    def recall(self) -> str:
        return f"{100 * self.caught / self.bad:.0f}%" if self.bad else "-"

    @property
    def accuracy(self) -> str:
        """Of its bad writes that were blocked, the share whose block named it."""
        return f"{100 * self.caught / self.blocked_bad:.0f}%" if self.blocked_bad else "-"


def score(results: Iterable[StepResult], rules: Iterable[str] = ()) -> list[RuleScore]:
    """Per rule: labeled bad writes and how many it blocked; near misses (good writes labeled
    with it) and how many writes it blocked that it should not have."""
    bad: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    good: Counter[str] = Counter()
    false: Counter[str] = Counter()
    warns: Counter[str] = Counter()
    blocked_bad: Counter[str] = Counter()
    held: Counter[str] = Counter()
    load: Counter[str] = Counter()
    for r in results:
        bad.update(r.rules)
        good.update(r.near_miss)
        warns.update(r.warned_by)
        if r.review_load:
            load.update(r.held_by)
        elif r.stopped:
            caught.update(r.rules & r.stopped_by)
            held.update(r.rules & r.held_by)
            false.update(r.unexpected)
            blocked_bad.update(r.rules)
    names = sorted(set(rules) | set(bad) | set(good) | set(false) | set(warns) | set(load))
    return [
        RuleScore(
            n, bad[n], caught[n], good[n], false[n], warns[n], blocked_bad[n], held[n], load[n]
        )
        for n in names
    ]


def table(scores: Sequence[RuleScore], results: Sequence[StepResult]) -> str:
    """The per-rule table, with totals."""
    width = max([len(s.rule) for s in scores] + [4])
    header = (
        f"{'rule':<{width}}  {'bad':>4} {'caught':>6} {'recall':>6}  {'good':>4} {'false':>5}"
        f"  {'warns':>5} {'held':>4} {'load':>4} {'rule acc':>8}"
    )
    lines = [header, "-" * len(header)]
    lines += [
        f"{s.rule:<{width}}  {s.bad:>4} {s.caught:>6} {s.recall:>6}  {s.good:>4} "
        f"{s.false_blocks:>5}  {s.warns:>5} {s.held:>4} {s.load:>4} {s.accuracy:>8}"
        for s in scores
    ]
    blocks = [r for r in results if r.expect != "allow"]
    allows = [r for r in results if r.expect == "allow"]
    caught = sum(1 for r in blocks if r.problem is None)
    false = sum(1 for r in allows if r.decision not in ("allow", "hold"))
    load = sum(1 for r in allows if r.review_load)
    lines += [
        "-" * len(header),
        f"writes: {len(results)}; bad {len(blocks)}, stopped as labeled {caught}; "
        f"good {len(allows)}, falsely blocked {false}, held for review {load}",
    ]
    return "\n".join(lines)


#: The confusion table's columns: what the guardrail did with a write.
GOT = ("allow", "block as labeled", "block other rules", "hold", "shadow-block", ERROR)


def got(result: StepResult) -> str:
    """The confusion table's column for a write."""
    if result.decision == "block":
        same = result.expect != "allow" and not (result.missed or result.unexpected)
        return "block as labeled" if same else "block other rules"
    return result.decision if result.decision in GOT else ERROR


def confusion(results: Sequence[StepResult]) -> str:
    """Expected (rows) against got (columns); the diagonal (allow/allow, block/block as
    labeled) is where every write of a passing suite falls."""
    counts = Counter((r.expect, got(r)) for r in results)
    corner = "expected \\ got"
    lines = [f"{corner:<16}" + "".join(f"{c:>{len(c) + 2}}" for c in GOT)]
    for expect in ("allow", "block", "hold"):
        cells = "".join(f"{counts[expect, c]:>{len(c) + 2}}" for c in GOT)
        lines.append(f"{expect:<16}{cells}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Summary:
    """A run in a few numbers: the share of bad writes stopped (blocked or held: recall), of
    good writes blocked (false blocks) and held (review load, apart), of writes only warned
    on, and of stopped bad writes whose stop named the labeled rules (rule accuracy)."""

    bad: int
    blocked: int  # bad writes stopped: blocked or held
    good: int
    false_blocks: int
    warned: int
    named: int
    held_bad: int = 0
    held_good: int = 0

    @classmethod
    def of(cls, results: Sequence[StepResult]) -> Summary:
        bad = [r for r in results if r.expect != "allow"]
        good = [r for r in results if r.expect == "allow"]
        stopped = [r for r in bad if r.stopped]
        return cls(
            bad=len(bad),
            blocked=len(stopped),
            good=len(good),
            false_blocks=sum(1 for r in good if r.decision == "block"),
            warned=sum(1 for r in results if r.warned_by and not r.stopped),
            named=sum(1 for r in stopped if not r.missed),
            held_bad=sum(1 for r in bad if r.decision == "hold"),
            held_good=sum(1 for r in good if r.decision == "hold"),
        )

    def line(self, name: str) -> str:
        def pct(n: int, of: int) -> str:
            return f"{100 * n / of:5.1f}%" if of else "    -"

        return (
            f"{name:<20} recall {pct(self.blocked, self.bad)} ({self.blocked}/{self.bad}, "
            f"held {self.held_bad})  "
            f"false blocks {pct(self.false_blocks, self.good)} ({self.false_blocks}/{self.good})"
            f"  held good {pct(self.held_good, self.good)} ({self.held_good}/{self.good})"
            f"  warns {self.warned}  rule accuracy {pct(self.named, self.blocked)}"
        )


def theme_counts(scenarios: Iterable[Scenario]) -> str:
    """``closure 12, dispositions 11, ...; 151 conversations``."""
    counts = Counter(s.theme for s in scenarios)
    themes = ", ".join(f"{theme} {n}" for theme, n in sorted(counts.items()))
    return f"{themes}; {sum(counts.values())} conversations"
