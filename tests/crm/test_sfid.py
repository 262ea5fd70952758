"""Salesforce ids spelled so that two readers name two records. An 18-character id's last three
characters say the case of its first fifteen (Salesforce documents the 18-character form as safe
to compare case-insensitively): an id whose suffix says other case than its letters have is one
record to a reader that takes the fifteen as written, and another to one that restores their
case from the suffix. The proxy neither guesses nor lets it match a record it grounds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrail.crm import sfid
from guardrail.crm.salesforce import SalesforceDialect
from guardrail.errors import AmbiguousRequest
from tests.crm.helpers import read

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE = "/services/data/v59.0"
dialect = SalesforceDialect()


@st.composite
def case_twins(draw: st.DrawFn) -> tuple[str, str]:
    """A case's id (15 characters, some letters past its key prefix), and the id of the
    record whose fifteen differ from it only in the case of one of those letters."""
    body = draw(
        st.text(ALNUM, min_size=12, max_size=12).filter(lambda t: any(c.isalpha() for c in t))
    )
    letters = [n for n, c in enumerate(body) if c.isalpha()]
    flip = draw(st.sampled_from(letters))
    twin = body[:flip] + body[flip].swapcase() + body[flip + 1 :]
    return f"500{body}", f"500{twin}"


@given(case_twins())
def test_an_id_whose_suffix_says_another_case_matches_neither_record(
    twins: tuple[str, str],
) -> None:
    ours, theirs = twins
    crafted = ours + sfid.checksum(theirs)  # ours as written, theirs with its case restored
    assert not sfid.case_fits(crafted)
    assert sfid.key(crafted) not in (sfid.key(sfid.to18(ours)), sfid.key(sfid.to18(theirs)))


@given(case_twins(), st.sampled_from(["18", "15", "suffix-lower"]))
def test_every_spelling_salesforce_gives_out_is_one_record(
    twins: tuple[str, str], spelling: str
) -> None:
    ours = twins[0]
    spelled = {
        "18": sfid.to18(ours),
        "15": ours,
        "suffix-lower": ours + sfid.checksum(ours).lower(),
    }
    assert sfid.case_fits(spelled[spelling])
    assert sfid.key(spelled[spelling]) == ours


def test_the_key_prefix_is_left_to_the_object_check() -> None:
    """The sandbox's fixed queue ids carry no checksum of their prefix's capital G; the case
    of a key prefix names the object (00T Task, 00t OpportunityShare), checked on its own."""
    assert sfid.case_fits("00G000000000001AAA")
    assert sfid.key("00G000000000001AAA") == sfid.key("00G000000000001")


@given(case_twins(), st.sampled_from(["path", "collection-update", "collection-delete"]))
def test_a_write_naming_its_record_by_such_an_id_is_refused(
    twins: tuple[str, str], where: str
) -> None:
    ours, theirs = twins
    crafted = ours + sfid.checksum(theirs)
    if where == "path":
        request = ("PATCH", f"{BASE}/sobjects/Case/{crafted}", b'{"Subject": "x"}')
    elif where == "collection-update":
        body = b'{"records": [{"attributes": {"type": "Case"}, "id": "%s", "Subject": "x"}]}'
        request = ("PATCH", f"{BASE}/composite/sobjects", body % crafted.encode())
    else:
        request = ("DELETE", f"{BASE}/composite/sobjects?ids={crafted}", b"")
    with pytest.raises(AmbiguousRequest, match="exactly as the CRM"):
        read(dialect, *request)
