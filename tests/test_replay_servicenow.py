"""Replay of ServiceNow decisions, by the code that replays Salesforce's: what pysnc wrote
through the proxy, judged again by a candidate pack, flips exactly where the pack changed."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pysnc.exceptions import RequestException

from guardrail.cli import main
from guardrail.config import AuthMode
from guardrail.sandbox.servicenow import create_app
from guardrail.sandbox.servicenow.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"


def _resolve(client: Any, code: str) -> None:
    case = client.GlideRecord("sn_customerservice_case")
    assert case.get(ACME_CASE_ID)
    case.state = "6"
    case.resolution_code = code
    case.update()


def _replay(capsys: pytest.CaptureFixture[str], since: datetime, dsn: str, pack: Path) -> Any:
    code = main(["replay", "--since", since.isoformat(), "--policies", str(pack), "--dsn", dsn,
                 "--json"])  # fmt: skip
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return code, lines[:-1]


def test_a_changed_resolution_map_flips_the_servicenow_decisions_it_concerns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    since = datetime.now(UTC)
    with Stack(
        tmp_path, auth_mode=AuthMode.PASSTHROUGH, crm=create_app, dialect="servicenow",
        policies=PACK,
    ) as stack:  # fmt: skip
        httpx.put(
            f"{stack.admin_url}/guardrail/v1/conversations/conv-replay",
            json={"channel": "chat", "outcome": "resolved",
                  "turns": [{"role": "customer", "text": "That fixed it, thanks."}],
                  "customer": {"account_ids": [ACME_ACCOUNT_ID],
                               "contact_ids": [ACME_CONTACT_ID], "verified": True}},
            timeout=10,
        ).raise_for_status()  # fmt: skip
        client = stack.servicenow(conversation="conv-replay")
        with pytest.raises(RequestException):
            _resolve(client, "refund_issued")
        _resolve(client, "solved")
    dsn = f"sqlite:///{tmp_path.resolve() / 'audit.db'}"
    capsys.readouterr()  # the stack's own logs

    code, flips = _replay(capsys, since, dsn, PACK)
    assert (code, flips) == (0, [])

    candidate = tmp_path / "candidate"
    shutil.copytree(PACK, candidate)
    path = candidate / "resolution.yaml"
    policies = list(yaml.safe_load_all(path.read_text()))
    policies[0]["spec"]["params"]["codes"]["resolved"] = ["refund_issued"]
    path.write_text(yaml.safe_dump_all(policies, sort_keys=False))
    code, flips = _replay(capsys, since, dsn, candidate)
    assert code == 1
    assert sorted(f["kind"] for f in flips) == ["allow->block", "block->allow"]
    rule = "case-resolution-code/ResolutionMatchesOutcome"
    assert all(rule in {*f["before"]["rules"], *f["after"]["rules"]} for f in flips)
