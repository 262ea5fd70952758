"""What a conversation's reads and saved writes say of a record, indexed once: the newest
sighting of a field wins, a write's field in any spelling, and only writes that reached the
CRM count."""

from datetime import UTC, datetime, timedelta

from guardrail.context.model import Conversation, ReadRecord, WriteRecord
from guardrail.context.records import Records
from guardrail.crm import sfid

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CASE = "500000000000001AAA"
CASE_15 = CASE[:15]
OTHER = "500000000000002AAA"


def read(at: int, record: str, **fields: object) -> ReadRecord:
    return ReadRecord(object="Case", id=record, fields=fields, at=T0 + timedelta(seconds=at))  # type: ignore[arg-type]


def write(at: int, record: str | None, decision: str = "allow", op: str = "update",
          **fields: object) -> WriteRecord:  # fmt: skip
    return WriteRecord(decision_id=f"d-{at}", object="Case", operation=op, id=record,
                       fields=fields, decision=decision, at=T0 + timedelta(seconds=at))  # fmt: skip


def records(reads: list[ReadRecord], writes: list[WriteRecord]) -> Records:
    conversation = Conversation(id="c", reads=reads, writes=writes, created_at=T0, updated_at=T0)
    return Records(conversation, sfid.key)


def test_a_fields_known_value_is_its_newest_sighting_read_or_written_in_any_spelling() -> None:
    found = records(
        [read(1, CASE, AccountId="001A"), read(5, CASE_15, AccountId="001B")],
        [write(3, CASE, accountid="001C"), write(7, CASE, Status="Closed")],
    )
    assert found.known_field(CASE, "AccountId") == "001B"  # read at 5, after the write at 3
    assert found.read_field(CASE, "AccountId") == "001B"
    later = records([read(1, CASE, AccountId="001A")], [write(3, CASE_15, ACCOUNTID="001C")])
    assert later.known_field(CASE, "AccountId") == "001C"
    assert later.read_field(CASE, "AccountId") == "001A"  # reads only, as spelled
    assert later.read_field(CASE, "accountid") is None
    assert later.known_field(OTHER, "AccountId") is None


def test_only_writes_that_reached_the_crm_say_what_a_record_is() -> None:
    found = records(
        [read(1, OTHER)],
        [
            write(2, CASE, decision="block", op="create", AccountId="001X"),
            write(3, None, op="create"),
        ],
    )
    assert not found.saved(CASE)
    assert not found.created(CASE)
    assert found.known_field(CASE, "AccountId") is None
    assert found.read(OTHER)
    assert not found.read(CASE)
    made = records([], [write(4, CASE_15, decision="shadow-block", op="create", Subject="x")])
    assert made.saved(CASE)
    assert made.created(CASE)
    assert made.shown(CASE, ["subject"]) is not None
    assert made.shown(CASE, ["AccountId"]) is None
