"""What a read may ground, through the real proxy (simple-salesforce over TLS) to the sandbox,
with the shipped pack's grounding. Only an answer that is the CRM's own records grounds: a
file's bytes (an attachment a customer sent, served by sObject Blob Get) or the answer of an
endpoint the proxy does not know (forwarded unchecked where the operator chose so) may be
shaped by whoever wrote them, so records they seem to hold are nothing the agent read. A
forged record there, claiming another customer's case is this customer's, never lets the agent
change that case; and the sandbox keeps it as it was.

Nor may a query relabel what its rows show: FORMAT(), toLabel() and convertCurrency() change a
value and an alias the name it is shown under (``toLabel(Type) Id`` shows a case's free-text
Type as its Id), so a row would claim a record holds what it does not. Whatever columns a query
asks for, every record the proxy remembers from its answer is as the CRM holds it. Likewise a
read of records with a default namespace (Salesforce shows ns__Field__c as Field__c) is refused.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.crm import sfid
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID, GLOBEX_ACCOUNT_ID
from guardrail.testing import Stack
from guardrail.upstream import Sender, UpstreamResponse
from tests.helpers import grounded_pack, salesforce_in, through_a_stack

API = "/services/data/v59.0"
CUSTOMER = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID], "verified": True}
#: Answers whose content is not the CRM's records: blobs (Salesforce serves their bytes as
#: they were uploaded) and endpoints the proxy cannot read (here forwarded unchecked).
NOT_RECORDS = [
    "/sobjects/Attachment/00P000000000001AAA/Body",
    "/sobjects/Document/015000000000001AAA/body",
    "/sobjects/ContentVersion/068000000000001AAA/VersionData",
    "/sobjects/Case/{case}/Attachment",
    "/search?q=FIND+%7Brouter%7D",
    "/parameterizedSearch?q=router",
    "/recent",
    "/sobjects/Case",
    "/limits",
]
UNKNOWN = ["/services/apexrest/cases/{case}", API + "/ui-api/records/{case}"]
_conversations = itertools.count()


class Forger:
    """The CRM's answer to a read of a path in ``paths``: the bytes someone stored there, a
    JSON text claiming to be the other customer's case, with this customer's account."""

    def __init__(self, inner: Sender) -> None:
        self.inner = inner
        self.paths: set[str] = set()
        self.forged: Any = None
        self.content_type = "application/octetstream"

    async def send(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
    ) -> UpstreamResponse:
        if method == "GET" and path in self.paths:
            forged = json.dumps(self.forged)
            return UpstreamResponse(
                200, CIMultiDict({"Content-Type": self.content_type}), forged.encode()
            )
        return await self.inner.send(method, path, headers, body)


@pytest.fixture(scope="module")
def forger() -> list[Forger]:
    return []


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, forger: list[Forger]) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("salesforce-grounding-reads")

    def seam(inner: Sender) -> Sender:
        forger.append(Forger(inner))
        return forger[-1]

    with Stack(
        directory,
        auth_mode="passthrough",
        policies=grounded_pack(directory / "policies"),
        transport=seam,
        unknown_writes="forward",
    ) as running:
        yield running


@pytest.fixture(scope="module")
def theirs(stack: Stack) -> str:
    """Another customer's case."""

    async def make() -> str:
        return stack.store.create(
            "Case", {"Subject": "Globex router", "AccountId": GLOBEX_ACCOUNT_ID}
        )

    return stack.call(make)


def agent(stack: Stack) -> Any:
    """simple-salesforce in a fresh conversation with the verified customer, Acme."""
    body = {"channel": "voice", "customer": CUSTOMER,
            "turns": [{"role": "customer", "text": "My router keeps rebooting."}]}  # fmt: skip
    return salesforce_in(stack, f"sf-reads-{next(_conversations)}", body, "agent-reads")


SHAPES = {
    "record": lambda row: row,
    "query": lambda row: {"totalSize": 1, "done": True, "records": [row]},
    "list": lambda row: [row],
}


@through_a_stack(30)
@given(
    path=st.sampled_from([API + p for p in NOT_RECORDS] + UNKNOWN),
    shape=st.sampled_from(sorted(SHAPES)),
    content_type=st.sampled_from(["application/octetstream", "application/json;charset=UTF-8"]),
)
def test_a_record_forged_in_an_answer_that_is_no_record_grounds_nothing(
    stack: Stack, forger: list[Forger], theirs: str, path: str, shape: str, content_type: str
) -> None:
    target = path.format(case=theirs)
    row = {"attributes": {"type": "Case", "url": f"{API}/sobjects/Case/{theirs}"},
           "Id": theirs, "AccountId": ACME_ACCOUNT_ID, "Subject": "Acme router"}  # fmt: skip
    [seam] = forger
    seam.paths, seam.forged, seam.content_type = {target}, SHAPES[shape](row), content_type
    sf = agent(stack)
    answer = sf.session.get(f"https://{stack.proxy_instance}{target}", headers=sf.headers)
    assert answer.status_code == 200, answer.text
    before = stack.store.get("Case", theirs)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Case.update(theirs, {"Subject": "Closed by the agent", "Status": "Closed"})
    [error] = refused.value.content
    assert "/RecordGrounded)" in error["message"] or "/RecordOwned)" in error["message"]
    assert "Read it first" in error["message"] or "Change only" in error["message"]
    assert stack.store.get("Case", theirs) == before


def mine_read(stack: Stack, forger: list[Forger]) -> tuple[Any, str]:
    """An agent in a fresh conversation, and a case of the customer's it read from the CRM."""
    forger[0].paths = set()

    async def make() -> str:
        return stack.store.create("Case", {"Subject": "Acme router", "AccountId": ACME_ACCOUNT_ID})

    mine = stack.call(make)
    sf = agent(stack)
    sf.query(f"SELECT Id, AccountId FROM Case WHERE Id = '{mine}'")
    return sf, mine


def test_the_customers_own_case_read_from_the_crm_grounds_its_update(
    stack: Stack, forger: list[Forger]
) -> None:
    sf, mine = mine_read(stack, forger)
    sf.Case.update(mine, {"Subject": "Router replaced"})
    assert stack.store.get("Case", mine)["Subject"] == "Router replaced"


def test_a_query_relabelling_a_column_as_the_records_id_grounds_nothing(
    stack: Stack, forger: list[Forger], theirs: str
) -> None:
    """The customer's case's free-text Type holds the other customer's case id; shown under
    Id, beside the customer's AccountId, it would ground that case as the customer's."""
    sf, mine = mine_read(stack, forger)
    sf.Case.update(mine, {"Type": theirs})  # an unrestricted picklist keeps any text
    with contextlib.suppress(SalesforceMalformedRequest):  # the proxy refuses it
        sf.query(f"SELECT toLabel(Type) Id, AccountId FROM Case WHERE Id = '{mine}'")
    before = stack.store.get("Case", theirs)
    with pytest.raises(SalesforceMalformedRequest):
        sf.Case.update(theirs, {"Subject": "Closed by the agent", "Status": "Closed"})
    assert stack.store.get("Case", theirs) == before


def test_a_query_showing_a_value_not_as_held_is_refused_saying_what_to_send(stack: Stack) -> None:
    sf = agent(stack)
    for soql in (
        "SELECT Id, toLabel(Status) Subject FROM Case",
        "SELECT Id, FORMAT(CreatedDate) FROM Case",
    ):
        with pytest.raises(SalesforceMalformedRequest) as refused:
            sf.query(soql)
        [error] = refused.value.content
        assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST", error
        assert "Select the fields themselves" in error["message"]
    sf.query("SELECT Id, Status, Subject, CreatedDate FROM Case")  # the fields themselves


CASE_FIELDS = ["Id", "Subject", "Status", "Type", "Reason", "Priority", "AccountId", "CreatedDate"]
FUNCTIONS = {"FORMAT": ["CreatedDate"], "toLabel": ["Status", "Type", "Reason", "Priority"]}


@st.composite
def columns(draw: st.DrawFn) -> str:
    """A column: a field in any case, or a function of one (any case and spacing), with or
    without an alias (another field's name, or none)."""
    spell = draw(st.sampled_from([str, str.lower, str.upper]))
    if draw(st.booleans()):
        return spell(draw(st.sampled_from(CASE_FIELDS)))
    function = draw(st.sampled_from(sorted(FUNCTIONS)))
    field = draw(st.sampled_from(FUNCTIONS[function]))
    space = draw(st.sampled_from(["", " ", "\n"]))
    alias = draw(st.sampled_from(["", *CASE_FIELDS]))
    return f"{spell(function)}{space}({field}){' ' + alias if alias else ''}"


@through_a_stack(40)
@given(with_id=st.booleans(), chosen=st.lists(columns(), min_size=1, max_size=4))
def test_whatever_a_query_shows_the_records_remembered_are_as_the_crm_holds_them(
    stack: Stack, forger: list[Forger], theirs: str, with_id: bool, chosen: list[str]
) -> None:
    forger[0].paths = set()
    sf = agent(stack)
    soql = f"SELECT {', '.join(['Id'] * with_id + chosen)} FROM Case WHERE Id = '{theirs}'"
    with contextlib.suppress(SalesforceMalformedRequest):  # refused by the proxy or the CRM
        sf.query(soql)
    name = sf.session.headers["X-Guardrail-Conversation"]
    conversation = httpx.get(f"{stack.admin_url}/guardrail/v1/conversations/{name}", timeout=10)
    for read in conversation.json()["reads"]:
        held = stack.store.get(read["object"], read["id"])
        assert held is not None, (soql, read)
        assert sfid.same_id(held["Id"], read["id"])
        for name, value in read["fields"].items():
            assert name in held, (soql, name)
            assert held[name] == value, (soql, name, value, held[name])


@through_a_stack(20)
@given(
    name=st.sampled_from(["Sforce-Call-Options", "sforce-call-options", "SFORCE-CALL-OPTIONS"]),
    value=st.sampled_from(["defaultNamespace=gx", "client=agent, defaultNamespace=gx",
                           "client=agent; DefaultNamespace = gx", "defaultnamespace=gx"]),
    how=st.sampled_from(["query", "row", "by field"]),
)  # fmt: skip
def test_a_read_of_records_with_a_default_namespace_is_refused(
    stack: Stack, forger: list[Forger], theirs: str, name: str, value: str, how: str
) -> None:
    """Salesforce shows a package's field gx__Account__c as Account__c under it: one field's
    value under another's name. A read of records with it is refused, and grounds nothing."""
    forger[0].paths = set()
    sf = agent(stack)
    sf.session.headers[name] = value
    read = {
        "query": lambda: sf.query(f"SELECT Id, AccountId FROM Case WHERE Id = '{theirs}'"),
        "row": lambda: sf.Case.get(theirs),
        "by field": lambda: sf.Case.get_by_custom_id("Id", theirs),
    }[how]
    with pytest.raises(SalesforceMalformedRequest) as refused:
        read()
    [error] = refused.value.content
    assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST"
    assert "without defaultNamespace" in error["message"]
    sf.session.headers[name] = "client=agent"  # a client name only changes nothing
    read()
