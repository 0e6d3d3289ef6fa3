"""Visitor history edge cases: damaged index, repeated rings, failures while storing."""

from __future__ import annotations

from datetime import UTC, datetime
import logging
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.bas_ip.client import EventKind, IntercomEvent, LogItem
from custom_components.bas_ip.visitors import Outcome, Visit
from custom_components.bas_ip.visitors.model import settle_missed, settle_opened
from custom_components.bas_ip.visitors.texts import describe, text
from devtools.waits import wait_until
from simulator import DeviceSimulator, Profile

from .conftest import advance
from .event_helpers import EVENT_POLL
from .visitor_helpers import history_of, last_visit, picture_files, visit_ids

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

RUNG = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def simulator_profile() -> Profile:
    """A door panel with a camera."""
    return Profile.CAMDROID_PANEL


def doorbell(event_type: str, timestamp: int, number: str | None = "101") -> IntercomEvent:
    """A doorbell event logged at ``timestamp`` (device milliseconds)."""
    item = LogItem(timestamp=timestamp, category="info", key="outgoing_call")
    return IntercomEvent(
        kind=EventKind.DOORBELL,
        type=event_type,
        item=item,
        data=MappingProxyType({"number": number}),
    )


def opened(timestamp: int) -> IntercomEvent:
    """A door opened by the exit button at ``timestamp``."""
    item = LogItem(timestamp=timestamp, category="info", key="lock_was_opened_by_exit_btn")
    data = {"method": "exit_button", "owner": None, "lock": 1, "identifier": None}
    return IntercomEvent(
        kind=EventKind.ACCESS, type="granted", item=item, data=MappingProxyType(data)
    )


@pytest.mark.parametrize(
    "stored",
    [
        {},
        {"id": "a" * 24, "rung_at": "2026-03-01T12:00:00", "device_ms": 1},
        {"id": "../../etc", "rung_at": "2026-03-01T12:00:00+00:00", "device_ms": 1},
        {"id": "a" * 24, "rung_at": "yesterday", "device_ms": 1},
        {"id": "a" * 24, "rung_at": "2026-03-01T12:00:00+00:00", "device_ms": "x"},
        {"id": "a" * 24, "rung_at": "2026-03-01T12:00:00+00:00", "device_ms": 1, "outcome": "?"},
    ],
)
def test_damaged_visits_are_dropped(stored: dict[str, Any]) -> None:
    """A visit the index cannot vouch for (no time zone, a path for a name...) is not read."""
    assert Visit.from_dict(stored) is None


def test_visit_round_trip() -> None:
    """What is stored reads back the same."""
    visit = Visit(id="b" * 24, rung_at=RUNG, device_ms=5, number="7", picture=True)
    visit.outcome, visit.method, visit.owner, visit.lock = Outcome.OPENED, "card", "Anna", 2
    assert Visit.from_dict(visit.as_dict()) == visit


def test_settling_rules() -> None:
    """A missed call settles a ring of its number once; an opening keeps the first."""
    visits = [
        Visit(id="1" * 24, rung_at=RUNG, device_ms=1000, number="101"),
        Visit(id="2" * 24, rung_at=RUNG, device_ms=2000, number="102"),
    ]
    assert settle_missed(visits, doorbell("missed", 3000, "103")) is None
    assert settle_missed(visits, doorbell("missed", 3000, "102")) is visits[1]
    assert settle_missed(visits, doorbell("missed", 4000, "102")) is None
    assert settle_opened(visits, opened(5000)) is visits[1]
    assert settle_opened(visits, opened(6000)) is None
    assert visits[1].outcome is Outcome.OPENED
    # Before the ring, or more than three minutes after it: not its outcome.
    assert settle_opened(visits[:1], opened(500)) is None
    assert settle_opened(visits[:1], opened(1000 + 180_001)) is None


async def test_texts_without_translation(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A template nobody translated reads as its key; a ring without number has none."""
    assert text(hass, "logbook", "no_such_text") == "no_such_text"
    assert describe(hass, {"kind": "doorbell", "type": "ring", "number": None}) == "Doorbell: ring"
    assert describe(hass, {"kind": "access", "type": "denied"}) == "Access denied"


async def test_the_same_ring_twice_is_one_visit(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The same log item handed over twice: one visit, one request."""
    history = history_of(init_integration)
    ring = doorbell("ring", 1_000)
    history._handle_event(ring)
    [first] = history.visits
    history._handle_event(ring)
    await advance(hass, freezer, 1)
    assert history.visits == [first]
    assert history.visits[0] is first
    assert simulator.snapshots == 1
    # Asked for a ring it never saw, it takes (or reuses) a fresh snapshot.
    assert await history.async_ring_jpeg(doorbell("ring", 2_000)) == simulator.snapshot_jpeg
    assert simulator.snapshots == 1


async def test_disk_error_keeps_the_ring(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A full disk: the ring is kept without a picture, one warning without a traceback."""
    with patch(
        "custom_components.bas_ip.visitors.history.write_picture",
        side_effect=OSError("No space left on device"),
    ):
        simulator.ring("101")
        await advance(hass, freezer, EVENT_POLL)
    assert last_visit(init_integration).picture is False
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.exc_info for r in warnings if "cannot store" in r.getMessage()] == [None]


async def test_removed_while_its_picture_is_taken(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Retention removes a ring whose picture is still coming: the picture is not kept."""
    history = history_of(init_integration)
    simulator.snapshot_delay = 2.0
    simulator.ring("101")
    freezer.tick(EVENT_POLL)
    async_fire_time_changed(hass)
    await wait_until(lambda: simulator.snapshots == 1, "the snapshot requested")
    visit = history.visits[0]
    history.days = 0
    assert await history.async_clean_up() == 1
    freezer.tick(2.5)
    await wait_until(lambda: visit.picture is not None, "the picture taken")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert visit_ids(init_integration) == []
    assert picture_files(hass, init_integration) == {}


async def test_unreadable_directory_keeps_the_entry(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The pictures' directory cannot be read: the entry loads, its rings without pictures."""
    mock_config_entry.add_to_hass(hass)
    with patch(
        "custom_components.bas_ip.visitors.history.sweep",
        side_effect=PermissionError("Permission denied"),
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    assert history_of(mock_config_entry).visits == []
    assert "cannot read" in caplog.text
