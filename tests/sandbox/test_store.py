"""The store as tests and the demo use it directly: reads, reset, ids, transactions."""

from __future__ import annotations

import pytest

from guardrail.crm import sfid
from guardrail.sandbox import SandboxStore
from guardrail.sandbox.errors import ApiError
from guardrail.sandbox.seed import (
    ACME_ACCOUNT_ID,
    ACME_CASE_ID,
    AGENT_USER_ID,
    CUSTOMERS,
    DIRECTORY,
    INTEGRATION_USER_ID,
    QUEUE_IDS,
)


@pytest.fixture
def store() -> SandboxStore:
    return SandboxStore()


def test_seed_ids_have_the_right_key_prefixes(store: SandboxStore) -> None:
    for record in (*DIRECTORY, *CUSTOMERS):
        assert sfid.is_id(record.id)
        assert store.schema.for_id(record.id) is store.schema.get(record.sobject)
        assert store.get(record.sobject, record.id) is not None
    assert set(QUEUE_IDS.values()) <= {r.id for r in DIRECTORY}
    assert {INTEGRATION_USER_ID, AGENT_USER_ID} <= {r.id for r in DIRECTORY}


def test_reads_return_copies(store: SandboxStore) -> None:
    account = store.get("Account", ACME_ACCOUNT_ID[:15])
    assert account is not None
    account["Name"] = "Changed"

    assert store.records("Account")[0]["Name"] == "Acme Corp"
    assert store.get("account", ACME_ACCOUNT_ID) == store.records("Account")[0]
    assert store.get("Nope", ACME_ACCOUNT_ID) is None
    assert store.get("Account", "garbage") is None


def test_reset_restores_the_seed_and_never_reuses_ids(store: SandboxStore) -> None:
    first = store.create("Case", {"Subject": "one"})
    store.delete("Case", ACME_CASE_ID)

    store.reset()

    assert store.get("Case", first) is None
    assert store.get("Case", ACME_CASE_ID) is not None
    assert store.count("Case") == 1
    second = store.create("Case", {"Subject": "two"})
    assert second != first
    assert store.get("Case", second)["CaseNumber"] == "00001002"  # type: ignore[index]


def test_a_transaction_rolls_back_nested_savepoints(store: SandboxStore) -> None:
    with store.transaction() as outer:
        kept = store.create("Task", {"Subject": "kept"})
        with store.transaction() as inner:
            store.update("Account", ACME_ACCOUNT_ID, {"Name": "Renamed"})
            store.delete("Case", ACME_CASE_ID)
            inner.rollback()
        assert store.get("Task", kept) is not None
        assert store.get("Case", ACME_CASE_ID) is not None
        outer.rollback()

    assert store.get("Task", kept) is None
    assert store.records("Account")[0]["Name"] == "Acme Corp"


def test_an_exception_inside_a_transaction_rolls_it_back(store: SandboxStore) -> None:
    before = store.count("Contact")

    def save_a_valid_then_an_invalid_contact() -> None:
        with store.transaction():
            store.create("Contact", {"LastName": "Temp"})
            store.create("Contact", {})

    with pytest.raises(ApiError, match="REQUIRED_FIELD_MISSING"):
        save_a_valid_then_an_invalid_contact()

    assert store.count("Contact") == before


def test_new_ids_are_valid_18_character_ids(store: SandboxStore) -> None:
    ids = {store.create("Task", {}) for _ in range(70)}

    assert len(ids) == 70
    for record_id in ids:
        assert record_id.startswith("00T")
        assert sfid.to18(record_id[:15]) == record_id


@pytest.mark.parametrize("given", [{}, {"AccountId": None}], ids=["absent", "null"])
def test_a_case_written_with_a_contact_and_no_account_takes_the_contacts_account(
    store: SandboxStore, given: dict[str, None]
) -> None:
    """As Salesforce does, on create and on an update setting the contact; an account the
    write names stays, and a contact of no account gives none."""
    account = store.create("Account", {"Name": "Filled"})
    contact = store.create("Contact", {"LastName": "Filled", "AccountId": account})
    private = store.create("Contact", {"LastName": "Private"})

    made = store.create("Case", {"Subject": "x", "ContactId": contact, **given})
    assert store.fetch("Case", made)["AccountId"] == account
    store.update("Case", made, {"ContactId": private, **given})
    kept = None if given else account  # a contact of no account gives none
    assert store.fetch("Case", made)["AccountId"] == kept
    moved = store.create("Case", {"Subject": "y"})
    store.update("Case", moved, {"ContactId": contact, **given})
    assert store.fetch("Case", moved)["AccountId"] == account
    named = store.create(
        "Case", {"Subject": "z", "ContactId": contact, "AccountId": ACME_ACCOUNT_ID}
    )
    assert store.fetch("Case", named)["AccountId"] == ACME_ACCOUNT_ID
