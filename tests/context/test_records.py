"""What a conversation's reads and saved writes say of a record, indexed once: the newest
sighting of a field wins, a write's field in any spelling, and only writes that reached the
CRM count."""

from collections import deque
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.context.model import Conversation, ReadRecord, WriteRecord
from guardrail.context.records import RecordIndexes, Records
from guardrail.crm import sfid

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CASE = "500000000000001AAA"
CASE_15 = CASE[:15]
OTHER = "500000000000002AAA"


def read(at: int, record: str, **fields: object) -> ReadRecord:
    return ReadRecord(object="Case", id=record, fields=fields, at=T0 + timedelta(seconds=at))  # type: ignore[arg-type]


def write(at: int, record: str | None, decision: str = "allow", op: str = "update",
          status: int | None = None, **fields: object) -> WriteRecord:  # fmt: skip
    return WriteRecord(decision_id=f"d-{at}", object="Case", operation=op, id=record,
                       fields=fields, decision=decision, at=T0 + timedelta(seconds=at),
                       status=status)  # fmt: skip


def records(reads: list[ReadRecord], writes: list[WriteRecord]) -> Records:
    conversation = Conversation(id="c", reads=reads, writes=writes, created_at=T0, updated_at=T0)
    return Records.of(conversation, sfid.key)


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


IDS = [CASE, CASE_15, OTHER]
FIELDS = ["AccountId", "accountid", "Status", "ContactId"]
VALUES = st.sampled_from(["001A", "001B", None, 7, ["x"]])
RECORDS = st.lists(
    st.tuples(
        st.booleans(),  # a read, else a write
        st.sampled_from([*IDS, None]),
        st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=3),
        st.sampled_from(["allow", "block", "shadow-block"]),
        st.sampled_from(["create", "update"]),
        st.sampled_from([None, 200, 400]),
        st.integers(0, 1),  # 1: another record arrives before the next load
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(RECORDS, st.integers(2, 6))
def test_an_index_kept_up_as_records_come_and_go_answers_as_one_made_anew(
    arriving: list[tuple[bool, str | None, dict[str, object], str, str, int | None, int]],
    kept: int,
) -> None:
    indexes = RecordIndexes(sfid.key)
    reads: deque[ReadRecord] = deque(maxlen=kept)  # a store keeps its newest, as MAX_RECORDED
    writes: deque[WriteRecord] = deque(maxlen=kept)
    version = 0
    for at, (is_read, record, fields, decision, op, status, pause) in enumerate(arriving):
        if is_read:
            reads.append(read(at, record or OTHER, **fields))
        else:
            writes.append(write(at, record, decision=decision, op=op, status=status, **fields))
        version += 1
        if pause:
            continue
        conversation = Conversation(
            id="c", reads=list(reads), writes=list(writes), created_at=T0, updated_at=T0,
            version=version,
        )  # fmt: skip
        kept_up, anew = indexes.of(conversation), Records.of(conversation, sfid.key)
        for record_id in IDS:
            assert kept_up.read(record_id) == anew.read(record_id)
            assert kept_up.saved(record_id) == anew.saved(record_id)
            assert kept_up.created(record_id) == anew.created(record_id)
            for name in FIELDS:
                assert kept_up.read_field(record_id, name) == anew.read_field(record_id, name)
                assert kept_up.known_field(record_id, name) == anew.known_field(record_id, name)
                assert _each(kept_up.shown(record_id, [name])) == _each(
                    anew.shown(record_id, [name])
                )


def _each(values: list[object] | None) -> list[str] | None:
    return None if values is None else sorted(map(repr, values))


def test_a_write_adds_only_itself_to_the_index_whatever_the_history() -> None:
    asked: list[str] = []

    def key(record_id: str) -> str:
        asked.append(record_id)
        return sfid.key(record_id)

    indexes = RecordIndexes(key)
    reads = [read(n, CASE, AccountId="001A", Status="New") for n in range(100)]
    writes = [write(100 + n, CASE, Status="Working") for n in range(100)]
    before = Conversation(id="c", reads=reads, writes=writes, created_at=T0, updated_at=T0)
    indexes.of(before)
    asked.clear()
    after = before.model_copy(
        update={"writes": [*writes[1:], write(300, CASE, Status="Closed")], "version": 2}
    )
    index = indexes.of(after)
    assert len(asked) == 1  # the new write's record, not the hundred before it
    assert index.known_field(CASE, "Status") == "Closed"
    assert index.shown(CASE, ["accountid"]) == ["001A"]
