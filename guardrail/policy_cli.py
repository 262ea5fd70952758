"""``guardrail test`` and ``guardrail replay``: what a policy change does, before it ships.

``test`` runs labeled scenarios offline (guardrail.scenarios) and scores every rule; ``replay``
re-judges audited decisions with a candidate policy set (guardrail.replay). Neither reaches a
CRM. Both exit 0 when the change is safe, 1 when it is not (a regression, a flip), and 2 for bad
arguments (guardrail.cli).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrail import audit_cli
from guardrail.config import DEFAULT_BACKENDS
from guardrail.errors import ConfigError

if TYPE_CHECKING:
    from guardrail.replay import Replay
    from guardrail.sinks.audit.store import Storage


def add_commands(commands: Any) -> None:
    """Add ``test`` and ``replay`` to the ``guardrail`` command's subparsers."""
    test = commands.add_parser(
        "test",
        help="run labeled scenarios through the policies offline and score every rule",
        description="Runs every labeled write of the scenario files in DIR through the same "
        "dialect, conversation context and pipeline as the proxy, with a simulated CRM (no "
        "network). Prints per-rule recall and false blocks and a confusion table. Exits 1 when "
        "a write is not decided as labeled, or, given --baseline, only on regressions against "
        "it.",
    )
    test.add_argument(
        "directory",
        type=Path,
        metavar="DIR",
        help="scenario directory, or a policy pack holding one in scenarios/",
    )
    test.add_argument(
        "--policies",
        type=Path,
        help="policy directory (default: the pack DIR belongs to, else the shipped pack)",
    )
    test.add_argument(
        "--scenarios",
        type=Path,
        metavar="SCENARIOS",
        help="judge the scenarios of this directory (e.g. a held-out set) with DIR's policies",
    )
    test.add_argument(
        "--backends",
        action="append",
        metavar="NAMES",
        help="understanding backends to read conversations with, comma-separated and combined "
        f"(default: {','.join(DEFAULT_BACKENDS)}); repeat to run each and print them side by "
        "side",
    )
    test.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML here")
    test.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="per-write outcomes of an earlier run: fail only on regressions against them",
    )
    test.add_argument(
        "--record-baseline",
        action="store_true",
        help="write this run's outcomes to --baseline (its failures become accepted)",
    )
    test.set_defaults(run=_test)

    replay = commands.add_parser(
        "replay",
        help="judge audited decisions again with a candidate policy set; list what would flip",
        description="Re-evaluates every decision the audit log recorded in [--since, --until) "
        "with the policies in --policies, from what each record keeps (the intents and the "
        "conversation context as judged, masked), without calling the CRM. Lists every "
        "decision that would flip (allow->block, block->allow, or blocked by other rules) "
        "with counts per rule. Exits 1 when any would flip.",
    )
    replay.add_argument(
        "--since", type=audit_cli._time, required=True, help="ISO 8601 time (UTC unless a zone)"
    )
    replay.add_argument("--until", type=audit_cli._time, help="ISO 8601 time, exclusive")
    replay.add_argument(
        "--policies", type=Path, required=True, help="the candidate policy directory"
    )
    replay.add_argument("--dsn", help="sqlite:///PATH or postgresql://... (GUARDRAIL_AUDIT_DSN)")
    replay.add_argument("--config", type=Path, help="YAML or TOML settings file")
    replay.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for the store (default 60)"
    )
    replay.add_argument("--json", action="store_true", help="one JSON object per flip, then totals")
    replay.set_defaults(run=_replay)


def scenario_paths(directory: Path, policies: Path | None) -> tuple[Path, Path]:
    """(scenario directory, policy directory) for ``guardrail test DIR``: a pack's own
    scenarios are judged by that pack unless ``--policies`` says otherwise."""
    from guardrail.app import default_policies
    from guardrail.policy.loader import SCENARIOS_DIR

    if (directory / SCENARIOS_DIR).is_dir():
        return directory / SCENARIOS_DIR, policies or directory
    if policies is None and directory.name == SCENARIOS_DIR:
        return directory, directory.parent
    return directory, policies or default_policies()


def _test(args: argparse.Namespace) -> int:
    from guardrail.policy.loader import load_policy_set
    from guardrail.scenarios import report
    from guardrail.scenarios.format import load_scenarios
    from guardrail.scenarios.offline import run_all
    from guardrail.scenarios.scoring import (
        Summary,
        confusion,
        policy_rules,
        score,
        table,
        theme_counts,
    )
    from guardrail.understanding import service as understanding

    if args.record_baseline and args.baseline is None:
        raise ConfigError("--record-baseline needs --baseline FILE to write")
    scenario_dir, policy_dir = scenario_paths(args.directory, args.policies)
    if args.scenarios is not None:
        scenario_dir = args.scenarios
    policies = load_policy_set(policy_dir)
    scenarios = load_scenarios(scenario_dir)
    recorded = (
        report.read_baseline(args.baseline) if args.baseline and not args.record_baseline else None
    )
    runs = []
    for names in args.backends or [",".join(DEFAULT_BACKENDS)]:
        try:
            understanding.configure([n.strip() for n in names.split(",") if n.strip()])
        except ValueError as exc:
            raise ConfigError(f"--backends: {exc}") from None
        runs.append((understanding.current().name, asyncio.run(run_all(policies, scenarios))))
    results = runs[0][1]

    print(f"scenarios: {scenario_dir}; policies: {policy_dir} (version {policies.version})")
    print(theme_counts(scenarios))
    print()
    print(table(score(results, policy_rules(policies)), results))
    print()
    print(confusion(results))
    print()
    for name, found in runs:
        print(Summary.of(found).line(name))
    problems = [r.problem for r in results if r.problem]
    comparison = report.compare(results, recorded) if recorded is not None else None
    accepted = comparison.accepted if comparison else frozenset()
    if problems:
        print(f"\n{len(problems)} writes not decided as labeled:")
        for result in results:
            if result.problem:
                known = " (known: in the baseline)" if result.key in accepted else ""
                print(f"  {result.problem}{known}")
    if args.junit:
        name = f"guardrail test {scenario_dir}"
        xml = report.junit(results, name=name, policy_version=policies.version, accepted=accepted)
        args.junit.write_bytes(xml)
        print(f"\nJUnit XML: {args.junit}")
    if args.record_baseline:
        report.write_baseline(args.baseline, report.baseline(results, policies.version))
        print(f"baseline recorded: {args.baseline} ({len(results)} writes)")
        return 0
    if comparison is None:
        return 1 if problems else 0
    for line in comparison.fixed:
        print(f"fixed since the baseline: {line}")
    if comparison.gone:
        print(
            f"{len(comparison.gone)} writes of the baseline were not run: {list(comparison.gone)}"
        )
    if comparison.regressions:
        print(f"\n{len(comparison.regressions)} regressions against {args.baseline}:")
        for line in comparison.regressions:
            print(f"  {line}")
        return 1
    print(f"\nno regressions against {args.baseline}")
    return 0


def _replay(args: argparse.Namespace) -> int:
    from guardrail.policy.loader import load_policy_set
    from guardrail.replay import replay
    from guardrail.understanding import service as understanding

    candidate = load_policy_set(args.policies)
    understanding.configure(DEFAULT_BACKENDS)  # a record stored with no reading: as the proxy

    async def work(storage: Storage) -> int:
        found = await replay(storage, candidate, args.since, args.until)
        (_print_json if args.json else _print_replay)(found, args)
        return 1 if found.flips else 0

    # The audit commands' store handling: --dsn, else the audit_dsn setting; never creates a log.
    return audit_cli._with_storage(args, work)


def _print_replay(found: Replay, args: argparse.Namespace) -> None:
    span = f"{args.since.isoformat()} .. {args.until.isoformat() if args.until else 'now'}"
    versions = ", ".join(f"{v} ({n})" for v, n in found.recorded_versions.most_common())
    print(
        f"replayed {found.replayed} decisions recorded {span} (policy versions: "
        f"{versions or '-'}) against candidate {args.policies} (version "
        f"{found.candidate_version})"
    )
    for reason, count in sorted(found.skipped.items()):
        print(f"skipped {count}: {reason}")
    flips = found.ordered()
    if not flips:
        print("no decision would flip")
        return
    print(f"\n{len(flips)} decisions would flip:")
    print(f"{'AT':<27} {'DECISION ID':<36} {'OBJECTS':<16} {'CONVERSATION':<24} RECORDED -> NOW")
    for f in flips:
        print(
            f"{f.at:<27} {f.decision_id:<36} {','.join(f.objects):<16} "
            f"{f.conversation or '-':<24} {f.before} -> {f.after}"
        )
    print("\nby kind: " + ", ".join(f"{k} {n}" for k, n in sorted(found.by_kind().items())))
    rules = found.by_rule()
    width = max(len(r) for r in rules)
    print(f"\n{'RULE':<{width}}  {'NOW DECIDES':>11}  {'NO LONGER':>9}")
    for rule, (gained, lost) in rules.items():
        print(f"{rule:<{width}}  {gained:>11}  {lost:>9}")


def _print_json(found: Replay, args: argparse.Namespace) -> None:
    import json

    for flip in found.ordered():
        print(json.dumps(flip.document()))
    print(
        json.dumps(
            {
                "replayed": found.replayed,
                "flips": len(found.flips),
                "by_kind": dict(found.by_kind()),
                "by_rule": {
                    r: {"now_decides": g, "no_longer": n} for r, (g, n) in found.by_rule().items()
                },
                "skipped": dict(found.skipped),
                "candidate_version": found.candidate_version,
            }
        )
    )
