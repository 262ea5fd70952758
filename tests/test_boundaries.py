"""The seam a new CRM plugs into: outside ``guardrail/crm/`` and the sandbox, code reaches a
CRM only through the Dialect protocol, so a new dialect needs no change anywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import guardrail

PACKAGE = Path(guardrail.__file__).parent
#: What may be imported from guardrail.crm outside it: the protocol and CRM-neutral helpers.
PROTOCOL = frozenset(
    {"guardrail.crm", "guardrail.crm.base", "guardrail.crm.canonical", "guardrail.crm.drift",
     "guardrail.crm.markup", "guardrail.crm.schemas"}
)  # fmt: skip
#: Salesforce id helpers value comparison and ParameterValidation's reference check still use
#: directly; next to move behind Dialect.record_key / id_prefix (see the seam's report).
NOT_YET = {
    "checks/compare.py": {"guardrail.crm.sfid"},
    "checks/schema.py": {"guardrail.crm.sfid"},
}


def crm_imports(path: Path) -> set[str]:
    """Every guardrail.crm module ``path`` imports, at any depth (lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {n for n in names if n == "guardrail.crm" or n.startswith("guardrail.crm.")}
    # ``from guardrail.crm.base import Dialect`` names guardrail.crm.base.Dialect: keep modules.
    return {n for n in found if (PACKAGE.parent / (n.replace(".", "/") + ".py")).exists()
            or (PACKAGE.parent / n.replace(".", "/")).is_dir()}  # fmt: skip


def test_outside_crm_and_the_sandbox_only_the_dialect_protocol_is_imported() -> None:
    offending = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith(("crm/", "sandbox/")):
            continue
        beyond = crm_imports(path) - PROTOCOL - NOT_YET.get(where, set())
        if beyond:
            offending[where] = sorted(beyond)
    assert offending == {}


def test_the_paths_that_judge_read_back_and_describe_import_no_dialect_by_name() -> None:
    for where in ("post.py", "drift.py", "cli.py", "scenarios/offline.py", "replay.py",
                  "policy/loader.py", "judge.py", "proxy.py", "app.py", "dryrun.py"):  # fmt: skip
        assert crm_imports(PACKAGE / where) <= PROTOCOL, where


def test_a_dialect_is_found_by_its_name_and_an_unknown_one_is_a_config_error() -> None:
    import pytest

    from guardrail.crm.base import dialect_for
    from guardrail.errors import ConfigError

    assert dialect_for("salesforce").name == "salesforce"
    for name in ("no_such_crm", "base", "../x", "Salesforce"):
        with pytest.raises(ConfigError, match="no CRM dialect"):
            dialect_for(name)
