"""The event-log cursor: every item exactly once, device clock only, bursts.

Unit tests drive the reader with a small in-memory fake of the client; the
last tests run it against the simulator over real HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import math
from types import MappingProxyType
from typing import Any

import pytest

from custom_components.bas_ip.client import (
    BasIpConnectionError,
    BasIpValidationError,
    EventKind,
    EventLogReader,
    EventPoll,
    LogDialect,
    LogItem,
    LogPage,
    LogSlot,
)
from simulator import Profile
from tests.conftest import SimulatorFactory

from .conftest import ClientFactory

CARD = "04C0FFEE00B1A5"
MINUTE = 60_000


class FakeLog:
    """A device log in memory (oldest first) with the client calls the reader uses.

    It pages like a device: ``default_desc`` is its own order, ``honours`` the
    dialects whose "newest first" it follows (others are ignored, or refused
    with a 400 when ``refuses``). ``markers`` False: logins are not logged.
    ``capacity`` rotates the oldest item out once the log is full.
    """

    def __init__(
        self,
        now: int = 1_764_612_000_000,
        *,
        default_desc: bool = False,
        honours: frozenset[LogDialect] = frozenset({LogDialect.SORT_TYPE}),
        refuses: bool = False,
        markers: bool = True,
        capacity: int | None = None,
        date_offset: int | None = 0,
    ) -> None:
        """Start empty at device time ``now`` (ms)."""
        self.items: list[LogItem] = []
        self.now = now
        self.login_count = 0
        self.page_reads: list[tuple[int, int]] = []
        self.after_read: Callable[[int, int], None] | None = None
        self.fail_next = False
        self.seq = 0
        self.default_desc = default_desc
        self.honours = honours
        self.refuses = refuses
        self.markers = markers
        self.capacity = capacity
        self.date_offset = date_offset
        self.firmware_version: str | None = "1.0"

    def add(
        self, key: str, *, info: dict[str, Any] | None = None, ts: int | None = None, step: int = 1
    ) -> LogItem:
        """Append one item stamped ``ts`` (default: the clock, advanced by ``step`` ms)."""
        if ts is None:
            self.now += step
            ts = self.now
        item = LogItem(
            timestamp=ts,
            category="info",
            key=key,
            name=key,
            info=MappingProxyType(dict(info or {})),
        )
        self.items.append(item)
        if self.capacity is not None and len(self.items) > self.capacity:
            del self.items[0]
        return item

    def add_distinct(self, count: int, key: str = "access_granted_by_valid_identifier") -> None:
        """``count`` items that differ from each other."""
        for _ in range(count):
            self.seq += 1
            self.add(key, info={"card": f"{self.seq:08d}"})

    async def login(self) -> None:
        """A login: the device logs it, stamped with its now (where it logs logins)."""
        self.login_count += 1
        if self.markers:
            self.add("successful_login_api_call")
        else:
            self.now += 1

    def listed(self, dialect: LogDialect) -> list[LogItem]:
        """The whole log in the order this dialect gets."""
        if dialect is not LogDialect.NONE and dialect not in self.honours and self.refuses:
            raise BasIpValidationError("Device refused the value", field=dialect.value)
        desc = dialect in self.honours or self.default_desc
        return self.items[::-1] if desc else list(self.items)

    async def get_log_page(
        self, *, limit: int = 10, page: int = 1, dialect: LogDialect = LogDialect.NONE
    ) -> LogPage:
        """One page as the device lists it, with the totals it reports."""
        if self.fail_next:
            self.fail_next = False
            raise BasIpConnectionError("gone")
        listed = self.listed(dialect)
        self.page_reads.append((limit, page))
        chunk = listed[(page - 1) * limit : page * limit]
        total = len(self.items)
        result = LogPage.from_items(
            chunk,
            total_items=total,
            total_pages=math.ceil(total / limit),
            device_time_ms=None if self.date_offset is None else self.now + self.date_offset,
        )
        if self.after_read is not None:
            self.after_read(limit, page)
        return result


def keys(poll: EventPoll) -> list[str]:
    """The log keys of the delivered events, in order."""
    return [event.item.key for event in poll.events]


async def started(log: FakeLog, **kwargs: Any) -> EventLogReader:
    """A reader that has taken its first cursor."""
    reader = EventLogReader(log, device_type="panel", **kwargs)
    first = await reader.poll()
    assert first.events == ()
    assert reader.cursor["window"] is not None
    return reader


# --- first read and plain polls -----------------------------------------------


async def test_first_read_only_takes_a_cursor() -> None:
    """History already in the log is never fired."""
    log = FakeLog()
    log.add("outgoing_call", info={"number": "101"})
    log.add_distinct(15)
    reader = EventLogReader(log, device_type="panel")
    poll = await reader.poll()
    assert poll.events == ()
    assert poll.newest == log.items[-1]
    assert len(reader.cursor["window"]) == 10
    # The probe's read (which proves the order), then the newest page.
    assert log.page_reads == [(10, 1), (10, 1)]
    again = await reader.poll()
    assert again.events == ()


async def test_new_ring_delivered_once() -> None:
    """A ring appears once, then never again."""
    log = FakeLog()
    log.add_distinct(3)
    reader = await started(log)
    ring = log.add("outgoing_call", info={"number": "101"})
    poll = await reader.poll()
    assert [(e.kind, e.type) for e in poll.events] == [(EventKind.DOORBELL, "ring")]
    assert poll.events[0].item == ring
    assert poll.events[0].data == {"number": "101"}
    assert poll.newest == ring
    for _ in range(3):
        assert (await reader.poll()).events == ()


async def test_events_oldest_first_and_own_traffic_removed() -> None:
    """Several new items come oldest first; our own login is not an event."""
    log = FakeLog()
    reader = await started(log)
    log.add("outgoing_call")
    log.add("successful_login_api_call")
    log.add("access_granted_by_valid_identifier", info={"card": CARD, "lock": 1})
    log.add("door_sensor_was_opened")
    poll = await reader.poll()
    assert keys(poll) == [
        "outgoing_call",
        "access_granted_by_valid_identifier",
        "door_sensor_was_opened",
    ]
    assert poll.events[1].data == {
        "method": "card",
        "lock": 1,
        "identifier": CARD,
        "owner": None,
        "apartment": None,
    }


async def test_empty_log_then_items() -> None:
    """An empty log gives an empty cursor; what comes later is new."""
    log = FakeLog()
    reader = await started(log)
    assert reader.cursor["window"] == []
    assert reader.cursor["total"] == 0
    log.add("outgoing_call")
    assert keys(await reader.poll()) == ["outgoing_call"]


async def test_page_one_holds_newest_by_insertion_inferred() -> None:
    """(inferred) Page 1 holds the newest items by insertion order, not by timestamp.

    An item stamped earlier than the items before it (the clock was set back)
    is still new, and it is delivered.
    """
    log = FakeLog()
    log.add_distinct(12)
    reader = await started(log)
    back = log.add("outgoing_call", ts=log.now - 3 * 3_600_000)
    poll = await reader.poll()
    assert [event.item for event in poll.events] == [back]


# --- device clock only ----------------------------------------------------------------


async def test_polls_in_a_row_never_drop_a_ring() -> None:
    """Without an interruption nothing is stale, whatever the timestamps say.

    The old reader took the largest new timestamp as the device's now: a
    clock set back inside one poll made a fresh ring look a minute old.
    """
    log = FakeLog()
    reader = await started(log)
    log.add("outgoing_call", step=1)
    log.add("outgoing_call", step=61 * 1000)
    log.now -= 3_600_000  # set back an hour
    log.add("outgoing_call")
    log.add("access_granted_by_api_call", ts=log.now + 2 * 3_600_000)
    poll = await reader.poll()
    assert keys(poll) == ["outgoing_call"] * 3 + ["access_granted_by_api_call"]
    assert poll.stale_rings == 0


async def test_only_device_timestamps_are_compared() -> None:
    """A device clock hours away from the host clock changes nothing."""
    for offset in (-10 * 3_600_000, 3 * 3_600_000, 0):
        log = FakeLog(now=1_000_000_000_000 + offset)
        reader = await started(log)
        log.add("outgoing_call")
        poll = await reader.poll()
        assert keys(poll) == ["outgoing_call"]
        assert poll.stale_rings == 0


async def test_old_missed_call_is_not_stale() -> None:
    """Only rings go stale: a missed call or a card use is history worth having."""
    log = FakeLog()
    reader = await started(log)
    log.add("outgoing_call_missed")
    log.add("access_granted_by_valid_identifier", info={"card": CARD})
    log.add("door_sensor_was_closed", step=10 * MINUTE)
    poll = await reader.poll()
    assert keys(poll) == [
        "outgoing_call_missed",
        "access_granted_by_valid_identifier",
        "door_sensor_was_closed",
    ]
    assert poll.stale_rings == 0


async def test_clock_jump_back_no_replay_no_stop() -> None:
    """The device clock set back an hour: new items still come, old ones never again."""
    log = FakeLog()
    log.add_distinct(5)
    reader = await started(log)
    log.now -= 3_600_000
    log.add("outgoing_call")
    assert keys(await reader.poll()) == ["outgoing_call"]
    assert (await reader.poll()).events == ()
    log.add("lock_was_opened_by_exit_btn", info={"lock": 1})
    assert keys(await reader.poll()) == ["lock_was_opened_by_exit_btn"]


async def test_log_cleared_no_replay_no_stop() -> None:
    """The log cleared (timestamps go on): nothing replays, new items come."""
    log = FakeLog()
    log.add_distinct(20)
    reader = await started(log)
    log.items.clear()
    assert (await reader.poll()).events == ()
    log.add("outgoing_call")
    log.add("tamper_event")
    poll = await reader.poll()
    assert [(e.kind, e.type) for e in poll.events] == [
        (EventKind.DOORBELL, "ring"),
        (EventKind.DEVICE, "tamper"),
    ]
    assert (await reader.poll()).events == ()


async def test_log_cleared_and_clock_restarted() -> None:
    """Cleared with the clock back at an old value: still exactly once."""
    log = FakeLog()
    log.add_distinct(10)
    reader = await started(log)
    log.items.clear()
    log.now = 1_000
    log.add("outgoing_call")
    assert keys(await reader.poll()) == ["outgoing_call"]
    assert (await reader.poll()).events == ()


# --- bursts ---------------------------------------------------------------------------


async def test_burst_read_past_the_first_page() -> None:
    """37 new items: the reader goes to the burst size and delivers all, in order."""
    log = FakeLog()
    log.add_distinct(5)
    reader = await started(log)
    log.add("outgoing_call")
    log.add_distinct(36)
    poll = await reader.poll()
    assert len(poll.events) == 37
    assert not poll.overflowed
    assert poll.events[0].item.key == "outgoing_call"
    assert [event.item for event in poll.events] == log.items[-37:]
    assert log.page_reads[2:] == [(10, 1), (50, 1)]
    assert len(reader.cursor["window"]) == 42  # the whole burst page 1
    assert (await reader.poll()).events == ()


async def test_burst_of_identical_items_counts_every_one() -> None:
    """120 items with one fingerprint (one millisecond, same content) are 120 events."""
    log = FakeLog()
    log.add_distinct(5)
    reader = await started(log)
    log.now += 1
    for _ in range(120):
        log.add("access_granted_by_valid_identifier", info={"lock": 1}, ts=log.now)
    poll = await reader.poll()
    assert len(poll.events) == 120
    assert not poll.overflowed
    assert (await reader.poll()).events == ()
    log.add("outgoing_call")
    assert keys(await reader.poll()) == ["outgoing_call"]


async def test_overflow_delivers_what_it_read_and_moves_on() -> None:
    """More than max_pages x burst_limit new items: overflowed, the newest delivered."""
    log = FakeLog()
    log.add_distinct(5)
    reader = await started(log, max_pages=3, burst_limit=20)
    log.add_distinct(100)
    poll = await reader.poll()
    assert poll.overflowed
    assert [event.item for event in poll.events] == log.items[-60:]
    assert (await reader.poll()).events == ()


async def test_burst_ending_at_the_end_of_the_log() -> None:
    """A log that had nothing at the first read: everything after is new, no overflow."""
    log = FakeLog()
    reader = await started(log)
    log.add_distinct(75)
    poll = await reader.poll()
    assert len(poll.events) == 75
    assert not poll.overflowed


async def test_full_page_without_more_items_is_no_burst() -> None:
    """Exactly page_limit new items and nothing else in the log: no burst read."""
    log = FakeLog()
    reader = await started(log)
    log.add_distinct(10)
    poll = await reader.poll()
    assert len(poll.events) == 10
    assert log.page_reads == [(10, 1), (10, 1), (10, 1)]


@pytest.mark.parametrize("arrivals", [1, 3, 20])
async def test_arrivals_during_a_burst_are_stitched(arrivals: int) -> None:
    """Items arriving between burst pages shift the pages; none is lost or doubled."""
    log = FakeLog()
    log.add_distinct(5)
    reader = await started(log)
    log.add_distinct(120)
    expected = list(log.items[5:])

    def arrive(limit: int, page: int) -> None:
        if limit == 50 and page in (1, 2):
            log.add_distinct(arrivals)

    log.after_read = arrive
    poll = await reader.poll()
    log.after_read = None
    delivered = [event.item for event in poll.events]
    assert delivered == expected
    later = await reader.poll()
    assert [event.item for event in later.events] == log.items[5 + 120 :]


async def test_stitching_without_totals_uses_the_repeated_run() -> None:
    """A device that reports no totals: the repeated tail is found by content."""
    log = FakeLog()
    log.add_distinct(5)
    reader = await started(log)
    log.add_distinct(80)
    expected = list(log.items[5:])
    original = log.get_log_page

    async def no_totals(
        *, limit: int = 10, page: int = 1, dialect: LogDialect = LogDialect.NONE
    ) -> LogPage:
        result = await original(limit=limit, page=page, dialect=dialect)
        if limit == 50 and page == 1:
            log.add_distinct(4)
        return LogPage.from_items(result.items, total_items=None, total_pages=99)

    log.get_log_page = no_totals  # type: ignore[method-assign]
    poll = await reader.poll()
    assert [event.item for event in poll.events] == expected


# --- interruptions and the stored cursor -------------------------------------------------


async def test_interrupted_poll_logs_in_first() -> None:
    """After an interruption the own login marks device now: an old ring is stale."""
    log = FakeLog()
    reader = await started(log)
    log.add("outgoing_call")
    log.now += 30 * MINUTE  # polling stopped for half an hour
    reader.mark_interrupted()
    poll = await reader.poll()
    assert log.login_count == 1
    assert poll.events == ()
    assert poll.stale_rings == 1
    # Not interrupted any more: no further login.
    log.add("outgoing_call")
    assert keys(await reader.poll()) == ["outgoing_call"]
    assert log.login_count == 1


async def test_interrupted_but_already_logged_in() -> None:
    """A login since the last good poll already left its marker: no extra login."""
    log = FakeLog()
    reader = await started(log)
    reader.mark_interrupted()
    await log.login()
    log.add("outgoing_call")
    poll = await reader.poll()
    assert log.login_count == 1
    assert keys(poll) == ["outgoing_call"]


async def test_failed_poll_marks_interrupted() -> None:
    """A poll that fails makes the next one look for the device's now first."""
    log = FakeLog()
    reader = await started(log)
    log.fail_next = True
    with pytest.raises(BasIpConnectionError):
        await reader.poll()
    log.add("outgoing_call", step=5 * MINUTE)
    log.now += 5 * MINUTE
    poll = await reader.poll()
    assert log.login_count == 1
    assert poll.stale_rings == 1


async def test_stored_cursor_resumes_without_replay() -> None:
    """A restart: the stored cursor goes on where it was, after a fresh login."""
    log = FakeLog()
    log.add_distinct(8)
    reader = await started(log)
    stored = json.loads(json.dumps(reader.cursor))
    log.add("access_granted_by_valid_identifier", info={"card": CARD, "lock": 2})
    log.add("outgoing_call", step=10 * MINUTE)  # rang while Home Assistant was down
    log.now += 10 * MINUTE
    resumed = EventLogReader(log, device_type="panel", cursor=stored)
    reads = len(log.page_reads)
    poll = await resumed.poll()
    # The stored layout: no probe after a restart.
    assert len(log.page_reads) - reads == 2  # before and after the login
    assert log.login_count == 1
    assert keys(poll) == ["access_granted_by_valid_identifier"]
    assert poll.stale_rings == 1
    assert (await resumed.poll()).events == ()


@pytest.mark.parametrize(
    "cursor",
    [
        None,
        {},
        {"version": 3, "window": []},
        {"version": 1},
        {"version": 1, "window": None},
        {"version": 1, "window": "abc"},
        {"version": 1, "window": ["not-a-fingerprint"]},
        {"version": 1, "window": [1, 2]},
        {"version": 1, "window": ["0" * 24] * 501},
        {"version": True, "window": []},
    ],
)
async def test_unusable_cursor_is_no_cursor(cursor: Any) -> None:
    """An unknown or broken stored cursor: take a new one, deliver nothing, no login."""
    log = FakeLog()
    log.add("outgoing_call")
    reader = EventLogReader(log, device_type="panel", cursor=cursor)
    poll = await reader.poll()
    assert poll.events == ()
    assert reader.cursor["window"] is not None
    assert log.login_count == 0


async def test_cursor_is_json_and_holds_no_card_number() -> None:
    """The cursor is plain JSON of fingerprints; card numbers and codes are not in it."""
    log = FakeLog()
    log.add("access_granted_by_valid_identifier", info={"card": CARD})
    log.add("access_granted_by_master_code", info={"code": "4821#"})
    reader = await started(log)
    text = json.dumps(reader.cursor)
    assert CARD not in text
    assert "4821" not in text
    assert json.loads(text) == reader.cursor
    assert CARD not in repr(log.items[0])


async def test_overlapping_polls_deliver_each_item_once() -> None:
    """Polls started together are serialised: no item comes twice."""
    log = FakeLog()
    reader = await started(log)
    log.add("outgoing_call")
    log.add_distinct(3)
    polls = await asyncio.gather(*(reader.poll() for _ in range(5)))
    assert sum(len(poll.events) for poll in polls) == 4


# --- against the simulator ---------------------------------------------------------------


PANELS = [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]


@pytest.mark.parametrize("profile", [*PANELS, Profile.CAMDROID_MONITOR])
async def test_simulator_ring_and_card(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Against the simulator: history is skipped; a ring and a card come once."""
    device = await simulator_factory(profile)
    client = make_client(device)
    info = await client.get_device_info()
    reader = EventLogReader(client, device_type=info.device_type, cursor=None)
    assert (await reader.poll()).events == ()
    device.ring("102")
    device.card_granted(card=CARD, lock=1, owner="Anna", apartment="1-1-101")
    poll = await reader.poll()
    assert [(e.kind, e.type) for e in poll.events] == [
        (EventKind.DOORBELL, "ring"),
        (EventKind.ACCESS, "granted"),
    ]
    assert poll.events[0].data["number"] == "102"
    assert poll.events[1].data == {
        "method": "card",
        "lock": 1,
        "identifier": CARD,
        "owner": "Anna",
        "apartment": "1-1-101",
    }
    assert (await reader.poll()).events == ()


async def test_simulator_skewed_clock_jump_clear_and_burst(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Skewed three hours ahead, jumped back, cleared, a burst: exactly once throughout."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.skew_clock(3 * 3600)
    client = make_client(device)
    reader = EventLogReader(client, device_type="panel")
    await reader.poll()
    device.ring()
    assert [e.type for e in (await reader.poll()).events] == ["ring"]
    device.jump_clock(-7200)
    device.ring()
    assert [e.type for e in (await reader.poll()).events] == ["ring"]
    device.clear_log()
    assert (await reader.poll()).events == ()
    device.log_burst(73)
    poll = await reader.poll()
    assert len(poll.events) == 73
    assert not poll.overflowed
    assert (await reader.poll()).events == ()


async def test_simulator_resume_after_restart_skips_old_ring(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """A ring long before the restart's login marker is stale; later events come."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    client = make_client(device)
    reader = EventLogReader(client, device_type="panel")
    await reader.poll()
    stored = reader.cursor
    device.ring()
    device.jump_clock(600)  # ten minutes later, on the device's clock
    fresh = make_client(device)
    resumed = EventLogReader(fresh, device_type="panel", cursor=stored)
    poll = await resumed.poll()
    assert poll.stale_rings == 1
    assert all(event.type != "ring" for event in poll.events)
    assert fresh.login_count == 1


async def test_oldest_first_burst_goes_back_from_the_known_end() -> None:
    """A burst on a device read from its last page starts there: page 1 is never asked for."""
    log = FakeLog(honours=frozenset())  # ignores every sort parameter, oldest first
    log.add_distinct(200)
    reader = await started(log)
    log.add("outgoing_call")
    log.add_distinct(69)
    reads = len(log.page_reads)
    poll = await reader.poll()
    assert [event.item for event in poll.events] == log.items[-70:]
    burst = log.page_reads[reads:]
    assert (50, 1) not in burst
    assert burst[-3:] == [(50, 6), (50, 5), (50, 4)]


async def test_newest_item_after_an_interruption_is_the_login_marker() -> None:
    """The re-read after the reader's own login names the newest item of the log."""
    log = FakeLog()
    log.add_distinct(3)
    reader = await started(log)
    reader.mark_interrupted()
    log.add("outgoing_call")
    poll = await reader.poll()
    assert log.login_count == 1
    assert poll.newest is not None
    assert poll.newest.key == "successful_login_api_call"


# --- the adversarial cases of issue 16, each a named example -----------------------------


async def test_full_log_item_arriving_between_burst_pages_is_not_doubled() -> None:
    """A log at its size cap keeps its total: a shift of 0 by the totals is overruled by content."""
    log = FakeLog(capacity=300)
    log.add_distinct(300)
    reader = await started(log)
    log.add_distinct(70)  # the log is full: 70 rotate out, the total stays 300
    expected = list(log.items[-70:])

    def arrive(limit: int, page: int) -> None:
        if limit == 50 and page == 1:
            log.add_distinct(1)

    log.after_read = arrive
    poll = await reader.poll()
    log.after_read = None
    delivered = [event.item for event in poll.events]
    assert delivered == expected
    assert len(set(map(id, delivered))) == len(delivered)


async def test_items_rotated_out_unread_are_reported() -> None:
    """More new items than the log holds: what rotated out is reported as lost."""
    log = FakeLog(capacity=40)
    log.add_distinct(40)
    reader = await started(log)
    log.add_distinct(45)  # every item of the window rotated out
    poll = await reader.poll()
    assert poll.overflowed
    assert [event.item for event in poll.events] == log.items


async def test_unparseable_item_does_not_end_a_burst() -> None:
    """One bad item on a full page: the page is still full, the burst goes on, nothing is lost."""
    log = FakeLog()
    log.add_distinct(5)
    reader = await started(log)
    log.add_distinct(60)
    bad = log.items[-3]
    original = log.get_log_page

    async def with_bad_item(
        *, limit: int = 10, page: int = 1, dialect: LogDialect = LogDialect.NONE
    ) -> LogPage:
        result = await original(limit=limit, page=page, dialect=dialect)
        slots = tuple(
            LogSlot("f" * 24, None) if slot.item is bad else slot for slot in result.slots
        )
        # No totals either: "more pages" must come from the raw count of a full page.
        return LogPage(total_items=None, total_pages=None, slots=slots)

    log.get_log_page = with_bad_item  # type: ignore[method-assign]
    poll = await reader.poll()
    assert [event.item for event in poll.events] == [i for i in log.items[5:] if i is not bad]
    assert not poll.overflowed


async def test_old_item_reproduced_after_a_clear_does_not_stop_the_read() -> None:
    """After a clear, the restarted clock reproduces the window's newest item mid-burst.

    One matching fingerprint is not the window: the read goes on past it and
    the 30 items logged before it are delivered, not lost.
    """
    log = FakeLog()
    log.add_distinct(9, key="door_sensor_was_opened")
    reproduced = log.add("tamper_event", ts=1_000)  # the window's newest item
    reader = await started(log)
    log.items.clear()
    log.now = 0
    log.add_distinct(30)
    log.items.append(reproduced)  # the same key, content and millisecond
    log.add_distinct(30)
    poll = await reader.poll()
    delivered = [event.item for event in poll.events]
    # Everything logged since the clear is new, the reproduced item too.
    assert delivered == log.items


async def test_clock_reset_to_2000_drops_a_two_minute_old_ring_after_an_outage() -> None:
    """The clock reset with the log kept: a ring stamped after the device's now is not fresh."""
    log = FakeLog()
    log.add_distinct(3)
    reader = await started(log)
    log.add("outgoing_call")  # rings...
    log.fail_next = True
    with pytest.raises(BasIpConnectionError):
        await reader.poll()  # ...during an outage
    log.now = 946_684_800_000 + 2 * MINUTE  # the clock restarted at 2000-01-01
    poll = await reader.poll()
    assert keys(poll) == []
    assert poll.stale_rings == 1
    log.add("outgoing_call")  # a fresh ring on the new clock
    assert keys(await reader.poll()) == ["outgoing_call"]


async def test_glitched_empty_answer_keeps_the_window() -> None:
    """200 with no items while the totals say the log is not empty: no replay afterwards."""
    log = FakeLog()
    log.add("outgoing_call", step=-60 * MINUTE)
    log.add_distinct(15)
    reader = await started(log)
    original = log.get_log_page

    async def empty_once(
        *, limit: int = 10, page: int = 1, dialect: LogDialect = LogDialect.NONE
    ) -> LogPage:
        await original(limit=limit, page=page, dialect=dialect)
        log.get_log_page = original  # type: ignore[method-assign]
        # Nothing in it and no totals to confirm an empty log.
        return LogPage(total_items=None, total_pages=None, slots=())

    log.get_log_page = empty_once  # type: ignore[method-assign]
    assert (await reader.poll()).events == ()
    assert (await reader.poll()).events == ()  # the history is not replayed
    log.add("outgoing_call")
    assert keys(await reader.poll()) == ["outgoing_call"]


async def test_markerless_firmware_uses_the_date_header() -> None:
    """No login marker: the Date header is the device's now; stale and fresh rings told apart."""
    log = FakeLog(markers=False)
    log.add_distinct(3)
    reader = await started(log)
    log.add("outgoing_call")
    log.fail_next = True
    with pytest.raises(BasIpConnectionError):
        await reader.poll()
    log.now += 10 * MINUTE
    # The 10-minute-old ring is the newest item: only the device's clock tells its age.
    poll = await reader.poll()
    assert poll.events == ()
    assert poll.stale_rings == 1
    assert reader.markers is False
    log.add("outgoing_call", info={"number": "fresh"})
    poll = await reader.poll()
    assert [event.data["number"] for event in poll.events] == ["fresh"]


async def test_new_firmware_finds_the_order_again() -> None:
    """A firmware update (seen at the identity check after its reboot) probes the log again."""
    log = FakeLog()
    log.add_distinct(12)
    reader = await started(log)
    assert reader.layout is not None
    assert reader.layout.firmware == "1.0"
    stored = json.loads(json.dumps(reader.cursor))
    reads = len(log.page_reads)
    assert (await reader.poll()).events == ()
    assert len(log.page_reads) - reads == 1  # same firmware: no probe
    # The update: the device now takes order_by and ignores sort_type.
    log.firmware_version = "2.0"
    log.honours = frozenset({LogDialect.ORDER_BY})
    log.add("outgoing_call")
    assert keys(await reader.poll()) == ["outgoing_call"]
    assert reader.layout.dialect is LogDialect.ORDER_BY
    assert reader.layout.firmware == "2.0"
    # A restart stores no extra request: the stored layout is used as it is...
    resumed = EventLogReader(log, device_type="panel", cursor=reader.cursor)
    reads = len(log.page_reads)
    await resumed.poll()
    assert len(log.page_reads) - reads == 1
    # ...unless it was found on another firmware.
    again = EventLogReader(log, device_type="panel", cursor=stored)
    reads = len(log.page_reads)
    await again.poll()
    assert len(log.page_reads) - reads > 1
