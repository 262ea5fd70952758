"""``holds.reviewers`` and ``holds.agents_of`` limit who may approve by the reviewer's name. With
no reviewer who signs in (neither ``api_reviewers`` nor ``review_users``) the admin listener
asks for no credentials and takes the name the approval carries, so anyone could type a name
those limits let through: such settings are refused at load, saying what to add."""

from __future__ import annotations

from typing import Any

import pytest

from guardrail.config import load_settings
from guardrail.errors import ConfigError


@pytest.mark.parametrize(
    "holds", [{"reviewers": ["rita"]}, {"agents_of": {"oscar": ["support-bot"]}}]
)
def test_a_limit_on_reviewers_none_of_whom_signs_in_is_refused(holds: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="api_reviewers or review_users"):
        load_settings(None, upstream="http://crm", holds=holds)
    with pytest.raises(ConfigError, match="api_reviewers or review_users"):
        load_settings(None, upstream="http://crm", holds=holds, api_tokens=["anonymous"])


def test_a_limit_on_reviewers_who_sign_in_loads() -> None:
    holds = {"reviewers": ["rita"], "agents_of": {"oscar": ["support-bot"]}}
    assert load_settings(None, upstream="http://crm", holds=holds, api_reviewers={"rita": "t"})
    assert load_settings(None, upstream="http://crm", holds=holds, review_users={"rita": "pw"})
