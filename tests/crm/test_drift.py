from typing import Any

from guardrail.crm.drift import Drift, DriftKind, diff

PACK: dict[str, Any] = {
    "required": ["LastName"],
    "properties": {
        "LastName": {"type": "string", "maxLength": 80},
        "Status": {"enum": ["New", "Working", "Closed", None]},
        "Fax": {"type": ["string", "null"], "maxLength": 40},
        "Score": {"type": ["number", "null"]},
    },
}


def live(**changes: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "required": list(PACK["required"]),
        "properties": dict(PACK["properties"]),
    }
    for name, prop in changes.items():
        if prop is None:
            del schema["properties"][name]
        else:
            schema["properties"][name] = prop
    return schema


def test_identical_schemas_have_no_drift() -> None:
    assert diff("Contact", PACK, live()) == []


def test_each_kind_of_drift_is_named() -> None:
    now = live(
        Status={"enum": ["New", "Closed", "Escalated", None]},
        Fax=None,
        LastName={"type": "string", "maxLength": 40},
        Score={"type": ["string", "null"]},
        Region__c={"type": "string"},
        Tier__c={"type": "string"},
    )
    now["required"].append("Region__c")
    assert diff("Contact", PACK, now) == [
        Drift("Contact", "Region__c", DriftKind.REQUIRED_ADDED, "new in the CRM"),
        Drift("Contact", "Tier__c", DriftKind.FIELD_ADDED, "new in the CRM"),
        Drift("Contact", "LastName", DriftKind.LENGTH_CHANGED, "80 -> 40"),
        Drift("Contact", "Status", DriftKind.PICKLIST_VALUE_ADDED, "'Escalated'"),
        Drift("Contact", "Status", DriftKind.PICKLIST_VALUE_REMOVED, "'Working'"),
        Drift("Contact", "Fax", DriftKind.FIELD_REMOVED, "gone from the CRM"),
        Drift("Contact", "Score", DriftKind.TYPE_CHANGED, "null/number -> null/string"),
    ]


def test_an_existing_field_becoming_required_is_drift() -> None:
    now = live()
    now["required"].append("Fax")
    assert diff("Contact", PACK, now) == [
        Drift("Contact", "Fax", DriftKind.REQUIRED_ADDED, "now required on create")
    ]
