"""What a conversation's reads and saved writes say of a record, indexed once: the newest
sighting of a field wins, a write's field in any spelling, and only writes that reached the
CRM count."""

import tracemalloc
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
    return Records.of(conversation, sfid.object_key)


def test_a_fields_known_value_is_its_newest_sighting_read_or_written_in_any_spelling() -> None:
    found = records(
        [read(1, CASE, AccountId="001A"), read(5, CASE_15, AccountId="001B")],
        [write(3, CASE, accountid="001C"), write(7, CASE, Status="Closed")],
    )
    assert found.known_field("Case", CASE, "AccountId") == "001B"  # read at 5, after the write at 3
    assert found.read_field("Case", CASE, "AccountId") == "001B"
    later = records([read(1, CASE, AccountId="001A")], [write(3, CASE_15, ACCOUNTID="001C")])
    assert later.known_field("Case", CASE, "AccountId") == "001C"
    assert later.read_field("Case", CASE, "AccountId") == "001A"  # reads only, as spelled
    assert later.read_field("Case", CASE, "accountid") is None
    assert later.known_field("Case", OTHER, "AccountId") is None


def test_only_writes_that_reached_the_crm_say_what_a_record_is() -> None:
    found = records(
        [read(1, OTHER)],
        [
            write(2, CASE, decision="block", op="create", AccountId="001X"),
            write(3, None, op="create"),
        ],
    )
    assert not found.saved("Case", CASE)
    assert not found.created("Case", CASE)
    assert found.known_field("Case", CASE, "AccountId") is None
    assert found.read("Case", OTHER)
    assert not found.read("Case", CASE)
    made = records([], [write(4, CASE_15, decision="shadow-block", op="create", Subject="x")])
    assert made.saved("Case", CASE)
    assert made.created("Case", CASE)
    assert made.shown("Case", CASE, ["subject"]) is not None
    assert made.shown("Case", CASE, ["AccountId"]) is None


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
@given(RECORDS, st.integers(2, 6), st.lists(st.integers(0, 39), max_size=4))
def test_an_index_kept_up_as_records_come_and_go_answers_as_one_made_anew(
    arriving: list[tuple[bool, str | None, dict[str, object], str, str, int | None, int]],
    kept: int,
    again: list[int],
) -> None:
    indexes = RecordIndexes(sfid.object_key)
    reads: deque[ReadRecord] = deque(maxlen=kept)  # a store keeps its newest, as MAX_RECORDED
    writes: deque[WriteRecord] = deque(maxlen=kept)
    version = 0
    made: list[tuple[Records, Conversation]] = []
    for at, (is_read, record, fields, decision, op, status, pause) in enumerate(arriving):
        if is_read:
            reads.append(read(at, record or OTHER, **fields))
        else:
            writes.append(write(at, record, decision=decision, op=op, status=status, **fields))
        if at in again:  # the very record once more: a store may hand the same one back
            (reads if is_read else writes).append((reads if is_read else writes)[-1])  # type: ignore[arg-type]
        version += 1
        if pause:
            continue
        conversation = Conversation(
            id="c", reads=list(reads), writes=list(writes), created_at=T0, updated_at=T0,
            version=version,
        )  # fmt: skip
        kept_up = indexes.of(conversation)
        assert _answers(kept_up) == _answers(Records.of(conversation, sfid.object_key))
        made.append((kept_up, conversation))
    # an index a request still judges with answers as it did, whatever later versions made
    for kept_up, conversation in made:
        assert _answers(kept_up) == _answers(Records.of(conversation, sfid.object_key))


def _answers(index: Records) -> list[object]:
    """Every question the rules ask of the records the test writes, answered."""
    found: list[object] = []
    for record_id in IDS:
        found += [
            index.read("Case", record_id),
            index.saved("Case", record_id),
            index.created("Case", record_id),
        ]
        for name in FIELDS:
            found += [
                index.read_field("Case", record_id, name),
                index.known_field("Case", record_id, name),
            ]
            found.append(_each(index.shown("Case", record_id, [name])))
    return found


def _each(values: list[object] | None) -> list[str] | None:
    return None if values is None else sorted(map(repr, values))


def test_a_write_adds_only_itself_to_the_index_whatever_the_history() -> None:
    asked: list[str] = []

    def key(sobject: str, record_id: str) -> str:
        asked.append(record_id)
        return sfid.object_key(sobject, record_id)

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
    assert index.known_field("Case", CASE, "Status") == "Closed"
    assert index.shown("Case", CASE, ["accountid"]) == ["001A"]


def test_a_read_the_store_holds_twice_is_known_until_its_last_sighting_leaves_the_window() -> None:
    indexes = RecordIndexes(sfid.object_key)
    twice, other = read(1, CASE, Status="New"), read(2, OTHER, Status="Closed")

    def seen(version: int, *reads: ReadRecord) -> Records:
        return indexes.of(
            Conversation(id="c", reads=list(reads), created_at=T0, updated_at=T0, version=version)
        )

    seen(1, twice, twice)
    index = seen(2, twice, other)  # the first sighting gone, the second kept
    assert index.read_field("Case", CASE, "Status") == "New"
    assert index.known_field("Case", CASE, "Status") == "New"


def test_a_new_version_of_the_index_keeps_what_it_changed_not_a_copy_of_every_record() -> None:
    def kept_by_versions(records: int) -> int:
        """Memory 40 later versions hold (each kept, as requests in flight keep theirs), of a
        conversation that read ``records`` records, each version one write more."""
        indexes = RecordIndexes(sfid.object_key)
        reads = [read(n, f"record-{n}", Status="New") for n in range(records)]
        writes = [write(records + n, CASE, Status=str(n)) for n in range(41)]
        versions = [
            Conversation(id="c", reads=reads, writes=writes[: n + 1], created_at=T0,
                         updated_at=T0, version=n + 1)
            for n in range(41)
        ]  # fmt: skip
        indexes.of(versions[0])
        tracemalloc.start()
        try:
            kept = [indexes.of(conversation) for conversation in versions[1:]]
            held = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert kept[-1].known_field("Case", CASE, "Status") == "40"
        return held

    assert kept_by_versions(200) < 2 * kept_by_versions(2)
