"""The push/poll merger: one exactly-once stream from two sources."""

from __future__ import annotations

import json
from unittest.mock import patch

from custom_components.bas_ip.client import IntercomEvent, LogItem, classify
from custom_components.bas_ip.client.pushmerge import MEMORY, PushPollMerger

RING_KEYS = frozenset({"outgoing_call"})


def _item(timestamp: int, key: str = "outgoing_call", **info: str) -> LogItem:
    return LogItem(timestamp=timestamp, category="call", key=key, info=info)


def _event(item: LogItem) -> IntercomEvent:
    return classify(item, device_type="panel")


def test_push_first_then_poll_fires_once() -> None:
    """The poll skips what a delivery fired."""
    merger = PushPollMerger()
    ring = _item(1000, number="101")
    assert merger.take_pushed(1, ring) is True
    assert merger.take_polled([_event(ring)], pushed_keys=RING_KEYS) == ()


def test_poll_first_then_push_fires_once() -> None:
    """A late delivery of a polled item fires nothing."""
    merger = PushPollMerger()
    ring = _item(1000, number="101")
    assert len(merger.take_polled([_event(ring)], pushed_keys=RING_KEYS)) == 1
    assert merger.take_pushed(1, ring) is False


def test_a_retry_fires_nothing_but_a_reused_event_id_with_new_content_fires() -> None:
    """The same event_id and content is a retry; after a device reset ids repeat with new items."""
    merger = PushPollMerger()
    assert merger.take_pushed(5, _item(1000)) is True
    assert merger.take_pushed(5, _item(1000)) is False
    assert merger.take_pushed(5, _item(2000)) is True


def test_equal_items_count_twice() -> None:
    """Two rings with equal content (same millisecond) are two events: multisets, not sets."""
    merger = PushPollMerger()
    ring = _item(1000)
    assert merger.take_pushed(1, ring) is True
    assert merger.take_pushed(2, ring) is True
    # The poll reads both: both were pushed.
    assert merger.take_polled([_event(ring), _event(ring)], pushed_keys=RING_KEYS) == ()
    # A third equal one, polled only, fires.
    assert len(merger.take_polled([_event(ring)], pushed_keys=RING_KEYS)) == 1


def test_keys_not_pushed_are_not_remembered() -> None:
    """Only items of pushed keys wait for a delivery (and count as overdue)."""
    merger = PushPollMerger()
    other = _item(1000, key="device_booted")
    assert len(merger.take_polled([_event(other)], pushed_keys=RING_KEYS)) == 1
    assert merger.overdue(0) == 0
    assert merger.take_pushed(1, other) is True


def test_state_survives_a_restart() -> None:
    """Stored and loaded (as JSON), the memory still matches both ways."""
    merger = PushPollMerger()
    pushed, polled = _item(1000), _item(2000)
    merger.take_pushed(1, pushed)
    merger.take_polled([_event(polled)], pushed_keys=RING_KEYS)
    again = PushPollMerger(json.loads(json.dumps(merger.state)))
    assert again.take_polled([_event(pushed)], pushed_keys=RING_KEYS) == ()
    assert again.take_pushed(2, polled) is False
    assert again.take_pushed(1, pushed) is False


def test_unknown_state_starts_empty() -> None:
    """A state of another version or shape is ignored, not trusted."""
    for state in (None, {}, {"version": 99, "pushed": ["x"]}, {"version": 1, "pushed": "x"}):
        merger = PushPollMerger(state)
        assert merger.state["pushed"] == []


def test_overdue_counts_polled_items_without_delivery() -> None:
    """Polled items of pushed keys are suspects until their delivery comes or grace ends."""
    with patch("custom_components.bas_ip.client.pushmerge.time.monotonic", return_value=100.0):
        merger = PushPollMerger()
        late, missing = _item(1000), _item(2000)
        merger.take_polled([_event(late), _event(missing)], pushed_keys=RING_KEYS)
        assert merger.overdue(30) == 0
        merger.take_pushed(1, late)
    with patch("custom_components.bas_ip.client.pushmerge.time.monotonic", return_value=131.0):
        assert merger.overdue(30) == 1
        merger.forgive()
        assert merger.overdue(30) == 0


def test_memory_is_bounded() -> None:
    """However long it runs, each side keeps at most MEMORY fingerprints."""
    merger = PushPollMerger()
    for index in range(3 * MEMORY):
        merger.take_pushed(index, _item(index))
        merger.take_polled([_event(_item(10**6 + index))], pushed_keys=RING_KEYS)
    state = merger.state
    assert len(state["pushed"]) == MEMORY
    assert len(state["polled"]) == MEMORY
    assert len(state["deliveries"]) == MEMORY
    assert merger.overdue(-1) <= MEMORY
