"""Zendesk closes each ticket a merge folds into its target and tags it ``closed_by_merge``.
A tag may be a drop-down's option (Zendesk reads a ticket's fields from its tags), so the
merge is judged with that tag, and with the field it sets where an option is that tag."""

from __future__ import annotations

import json

from guardrail.crm.base import dialect_for
from tests.crm.helpers import read_json

ZD = dialect_for("zendesk")
FIELDS = "/api/v2/ticket_fields.json"
MERGE = "/api/v2/tickets/1/merge.json"


def test_each_ticket_a_merge_closes_is_judged_with_the_tag_zendesk_adds() -> None:
    target, source = read_json(ZD, "POST", MERGE, {"ids": [2]}).intents
    assert source.fields["additional_tags"] == ["closed_by_merge"]
    assert "additional_tags" not in target.fields


def test_a_merge_is_judged_as_setting_the_field_whose_option_its_tag_is() -> None:
    _, source = read_json(ZD, "POST", MERGE, {"ids": [2]}).intents
    fields = json.dumps({"ticket_fields": [
        {"id": 21, "type": "tagger", "removable": True, "active": True,
         "custom_field_options": [{"value": "open_case"}, {"value": "closed_by_merge"}]},
    ], "next_page": None}).encode()  # fmt: skip
    assert ZD.lookups(source, MERGE, ()) == (FIELDS,)
    judged = ZD.resolved(source, FIELDS, 200, fields)
    assert judged.fields["custom_fields.21"] == "closed_by_merge"
