"""Conditional requests on sObject rows: If-Unmodified-Since, If-Modified-Since, and the
Account ETag with If-Match / If-None-Match. A failed precondition changes nothing."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Any

import pytest

from guardrail.sandbox import SandboxStore
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from tests.sandbox.helpers import Api

# The seed records were last modified at 2026-01-05T09:00:00.000+0000, a Monday.
AT_SEED = "Mon, 05 Jan 2026 09:00:00 GMT"
BEFORE_SEED = "Mon, 05 Jan 2026 08:59:59 GMT"
ACCOUNT = f"/sobjects/Account/{ACME_ACCOUNT_ID}"
CASE = f"/sobjects/Case/{ACME_CASE_ID}"


def precondition_failed(body: Any) -> str:
    """The message of a Salesforce-shaped 412 body (asserting the shape on the way)."""
    assert isinstance(body, list)
    assert len(body) == 1
    assert set(body[0]) == {"message", "errorCode"}
    assert body[0]["errorCode"] == "PRECONDITION_FAILED"
    return str(body[0]["message"])


def http_date(timestamp: str) -> str:
    """A Salesforce datetime (``LastModifiedDate``) as the HTTP date a client sends back."""
    return format_datetime(datetime.fromisoformat(timestamp), usegmt=True)


async def etag_of(sf: Api, path: str) -> str:
    status, _ = await sf.get(path)
    assert status == 200
    return sf.headers["ETag"]


# -- If-Unmodified-Since ------------------------------------------------------------------


async def test_update_modified_since_the_date_is_412_and_saves_nothing(
    sf: Api, store: SandboxStore
) -> None:
    before = store.get("Case", ACME_CASE_ID)

    status, body = await sf.patch(
        CASE, {"Subject": "Stale write"}, {"If-Unmodified-Since": BEFORE_SEED}
    )

    assert status == 412
    message = precondition_failed(body)
    assert "2026-01-05T09:00:00.000+0000" in message
    assert BEFORE_SEED in message
    assert store.get("Case", ACME_CASE_ID) == before


async def test_update_unmodified_since_the_date_goes_ahead(sf: Api, store: SandboxStore) -> None:
    status, body = await sf.patch(
        CASE, {"Subject": "Fresh write"}, {"If-Unmodified-Since": AT_SEED}
    )

    assert (status, body) == (204, None)
    saved = store.get("Case", ACME_CASE_ID)
    assert saved is not None
    assert saved["Subject"] == "Fresh write"


async def test_a_revert_that_lost_the_race_keeps_the_concurrent_change(
    sf: Api, store: SandboxStore
) -> None:
    """What a compensating write sees: it read the record at the seed time, someone else
    saved since, so its conditional write is refused and their change stays."""
    assert (await sf.patch(CASE, {"Subject": "Concurrent change"}))[0] == 204

    status, body = await sf.patch(CASE, {"Subject": "Revert"}, {"If-Unmodified-Since": AT_SEED})

    assert status == 412
    precondition_failed(body)
    saved = store.get("Case", ACME_CASE_ID)
    assert saved is not None
    assert saved["Subject"] == "Concurrent change"


async def test_the_last_modified_date_sent_back_is_not_refused_for_its_milliseconds(
    sf: Api, store: SandboxStore
) -> None:
    assert (await sf.patch(CASE, {"Subject": "Saved now"}))[0] == 204
    saved = store.get("Case", ACME_CASE_ID)
    assert saved is not None

    headers = {"If-Unmodified-Since": http_date(saved["LastModifiedDate"])}
    status, _ = await sf.patch(CASE, {"Subject": "Conditional follow-up"}, headers)

    assert status == 204


async def test_delete_modified_since_the_date_is_412_and_deletes_nothing(
    sf: Api, store: SandboxStore
) -> None:
    status, body = await sf.delete(CASE, {"If-Unmodified-Since": BEFORE_SEED})

    assert status == 412
    precondition_failed(body)
    assert store.get("Case", ACME_CASE_ID) is not None

    status, _ = await sf.delete(CASE, {"If-Unmodified-Since": AT_SEED})
    assert status == 204
    assert store.get("Case", ACME_CASE_ID) is None


async def test_read_modified_since_an_unmodified_since_date_is_412(sf: Api) -> None:
    status, body = await sf.get(CASE, {"If-Unmodified-Since": BEFORE_SEED})

    assert status == 412
    precondition_failed(body)


@pytest.mark.parametrize(
    "value", ["2026-01-05T09:00:00.000+0000", "yesterday", "", "Mon, 05 Jan 2026 25:00:00 GMT"]
)
async def test_a_write_with_an_unreadable_date_is_400(
    sf: Api, store: SandboxStore, value: str
) -> None:
    """Salesforce wants an HTTP date; an ISO 8601 LastModifiedDate pasted in is refused."""
    before = store.get("Case", ACME_CASE_ID)

    status, body = await sf.patch(CASE, {"Subject": "x"}, {"If-Unmodified-Since": value})

    assert status == 400
    assert body[0]["errorCode"] == "INVALID_HEADER_VALUE"
    assert "If-Unmodified-Since" in body[0]["message"]
    assert store.get("Case", ACME_CASE_ID) == before


async def test_a_date_in_another_zone_compares_as_the_same_instant(sf: Api) -> None:
    headers = {"If-Unmodified-Since": "Mon, 05 Jan 2026 01:59:59 PST"}  # 09:59:59 GMT

    status, _ = await sf.patch(CASE, {"Subject": "Zone"}, headers)

    assert status == 204


async def test_a_missing_or_deleted_record_is_404_whatever_the_preconditions(sf: Api) -> None:
    headers = {"If-Unmodified-Since": BEFORE_SEED}
    assert (await sf.delete(CASE))[0] == 204

    status, body = await sf.patch(CASE, {"Subject": "x"}, headers)
    assert (status, body[0]["errorCode"]) == (404, "ENTITY_IS_DELETED")

    status, body = await sf.get("/sobjects/Case/500000000000009AAA", headers)
    assert (status, body[0]["errorCode"]) == (404, "NOT_FOUND")


async def test_lookups_by_external_id_ignore_preconditions(sf: Api, store: SandboxStore) -> None:
    """Salesforce documents conditional headers on sObject Rows only, not by external id."""
    headers = {"If-Unmodified-Since": BEFORE_SEED}

    status, body = await sf.patch(
        "/sobjects/Account/External_Id__c/ACME-001", {"Phone": "555-0100"}, headers
    )

    assert (status, body["created"]) == (200, False)
    saved = store.get("Account", ACME_ACCOUNT_ID)
    assert saved is not None
    assert saved["Phone"] == "555-0100"


# -- If-Modified-Since --------------------------------------------------------------------


async def test_read_not_modified_since_the_date_is_304_without_a_body(sf: Api) -> None:
    status, body = await sf.get(CASE, {"If-Modified-Since": AT_SEED})

    assert (status, body) == (304, None)
    assert "ETag" not in sf.headers  # only Accounts have one


async def test_read_modified_since_the_date_is_the_record(sf: Api) -> None:
    status, body = await sf.get(CASE, {"If-Modified-Since": BEFORE_SEED})

    assert status == 200
    assert body["Id"] == ACME_CASE_ID


async def test_a_read_ignores_an_unreadable_date(sf: Api) -> None:
    for name in ("If-Modified-Since", "If-Unmodified-Since"):
        status, body = await sf.get(CASE, {name: "2026-01-05T09:00:00Z"})

        assert status == 200
        assert body["Id"] == ACME_CASE_ID


async def test_writes_ignore_if_modified_since(sf: Api) -> None:
    status, _ = await sf.patch(CASE, {"Subject": "x"}, {"If-Modified-Since": AT_SEED})

    assert status == 204


# -- ETag, If-Match, If-None-Match (Account) ----------------------------------------------


async def test_an_account_read_and_update_carry_its_etag(sf: Api) -> None:
    etag = await etag_of(sf, ACCOUNT)
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert await etag_of(sf, ACCOUNT + "?fields=Name") == etag  # the record's, not the body's

    status, _ = await sf.patch(ACCOUNT, {"Phone": "555-0101"})

    assert status == 204
    assert sf.headers["ETag"] not in (etag, None)
    assert await etag_of(sf, ACCOUNT) == sf.headers["ETag"]


async def test_other_objects_have_no_etag(sf: Api) -> None:
    for path in (CASE, f"/sobjects/Contact/{ACME_CONTACT_ID}"):
        status, _ = await sf.get(path)

        assert status == 200
        assert "ETag" not in sf.headers


@pytest.mark.parametrize("if_match", ["{etag}", '"other", {etag}', "*"])
async def test_an_update_matching_the_etag_goes_ahead(
    sf: Api, store: SandboxStore, if_match: str
) -> None:
    etag = await etag_of(sf, ACCOUNT)

    status, _ = await sf.patch(
        ACCOUNT, {"Phone": "555-0102"}, {"If-Match": if_match.format(etag=etag)}
    )

    assert status == 204
    saved = store.get("Account", ACME_ACCOUNT_ID)
    assert saved is not None
    assert saved["Phone"] == "555-0102"


@pytest.mark.parametrize("if_match", ['"other"', "W/{etag}", "{stale}"])
async def test_an_update_matching_no_etag_is_412_and_saves_nothing(
    sf: Api, store: SandboxStore, if_match: str
) -> None:
    """A stale ETag fails, and so does a weak one: If-Match compares strongly."""
    stale = await etag_of(sf, ACCOUNT)
    assert (await sf.patch(ACCOUNT, {"Phone": "555-0103"}))[0] == 204
    etag = sf.headers["ETag"]
    before = store.get("Account", ACME_ACCOUNT_ID)

    headers = {"If-Match": if_match.format(etag=etag, stale=stale)}
    status, body = await sf.patch(ACCOUNT, {"Phone": "555-0199"}, headers)

    assert status == 412
    assert "If-Match" in precondition_failed(body)
    assert store.get("Account", ACME_ACCOUNT_ID) == before


async def test_a_delete_with_a_stale_etag_is_412_and_deletes_nothing(
    sf: Api, store: SandboxStore
) -> None:
    stale = await etag_of(sf, ACCOUNT)
    assert (await sf.patch(ACCOUNT, {"Phone": "555-0104"}))[0] == 204

    status, body = await sf.delete(ACCOUNT, {"If-Match": stale})

    assert status == 412
    precondition_failed(body)
    assert store.get("Account", ACME_ACCOUNT_ID) is not None
    assert store.get("Contact", ACME_CONTACT_ID) is not None  # no cascade either


async def test_a_read_whose_etag_is_current_is_304_with_the_etag(sf: Api) -> None:
    etag = await etag_of(sf, ACCOUNT)

    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        status, body = await sf.get(ACCOUNT, {"If-None-Match": if_none_match})

        assert (status, body) == (304, None)
        assert sf.headers["ETag"] == etag

    status, body = await sf.get(ACCOUNT, {"If-None-Match": '"other"'})
    assert status == 200
    assert body["Id"] == ACME_ACCOUNT_ID


async def test_an_update_whose_etag_is_in_if_none_match_is_412(
    sf: Api, store: SandboxStore
) -> None:
    etag = await etag_of(sf, ACCOUNT)
    before = store.get("Account", ACME_ACCOUNT_ID)

    status, body = await sf.patch(ACCOUNT, {"Phone": "555-0105"}, {"If-None-Match": etag})

    assert status == 412
    assert "If-None-Match" in precondition_failed(body)
    assert store.get("Account", ACME_ACCOUNT_ID) == before


async def test_if_match_overrides_if_unmodified_since(sf: Api) -> None:
    """HTTP's order: with If-Match present, If-Unmodified-Since is not evaluated."""
    etag = await etag_of(sf, ACCOUNT)

    headers = {"If-Match": etag, "If-Unmodified-Since": BEFORE_SEED}
    status, _ = await sf.patch(ACCOUNT, {"Phone": "555-0106"}, headers)

    assert status == 204


async def test_if_none_match_overrides_if_modified_since(sf: Api) -> None:
    headers = {"If-None-Match": '"other"', "If-Modified-Since": AT_SEED}

    status, _ = await sf.get(ACCOUNT, headers)

    assert status == 200


async def test_etag_headers_have_no_effect_on_other_objects(sf: Api) -> None:
    status, _ = await sf.patch(CASE, {"Subject": "x"}, {"If-Match": '"no-such-etag"'})
    assert status == 204

    status, _ = await sf.patch(CASE, {"Subject": "y"}, {"If-Match": "not even a tag"})
    assert status == 204


async def test_an_unreadable_etag_list_on_a_write_is_400(sf: Api, store: SandboxStore) -> None:
    before = store.get("Account", ACME_ACCOUNT_ID)

    for name in ("If-Match", "If-None-Match"):
        status, body = await sf.patch(ACCOUNT, {"Phone": "x"}, {name: "unquoted-tag"})

        assert status == 400
        assert body[0]["errorCode"] == "INVALID_HEADER_VALUE"
    assert store.get("Account", ACME_ACCOUNT_ID) == before
