"""The event channel: the device's event log read exactly once, on the device's clock.

Every rule of the issue "Doorbell rings, access events and the door contact"
under "Event channel" is a test here, against the simulator over HTTP and
under frozen time.

How the device's "now" is found: the integration never compares a device
timestamp with Home Assistant's clock. After anything that interrupted
reading (a failed poll, a reload, a restart, events switched back on) the
reader first makes sure a login happened since its last good poll, logging
in itself if needed. Every login leaves a ``successful_login_api_call`` item
in the log, stamped by the device's own clock: the newest timestamp among the
new items is the device's "now", and a ring more than 60 s older than it is
not reported. The own-login items themselves are never fired.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.bas_ip.const import (
    CONF_EVENT_INTERVAL,
    CONF_EVENTS_ENABLED,
    CONF_SCAN_INTERVAL,
    DOMAIN,
)
from custom_components.bas_ip.event_coordinator import BasIpEventCoordinator
from devtools.waits import real_sleep
from simulator import DeviceSimulator, Fault, Profile
from tests.const import NEW_PASSWORD

from .conftest import POLL, advance, state_of
from .event_helpers import (
    EVENT_POLL,
    LOG_PATH,
    FiredEvents,
    entity_id,
    record_fired,
    records,
    tracebacks,
)

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

HOUR = 3600
RING_MAX_AGE_MS = 60_000
CURSOR_KEY = f"{DOMAIN}.01JBASIPTESTENTRY000000000.events"


@pytest.fixture
def fired() -> Iterator[FiredEvents]:
    """Every event the log event entities fire."""
    with record_fired() as recorded:
        yield recorded


def doorbell(device: DeviceSimulator) -> str:
    """The doorbell event entity of ``device``."""
    return entity_id(device, "event", "doorbell")


def access(device: DeviceSimulator) -> str:
    """The access event entity of ``device``."""
    return entity_id(device, "event", "access")


def device_event(device: DeviceSimulator) -> str:
    """The device-event entity of ``device``."""
    return entity_id(device, "event", "device_event")


def log_entities(device: DeviceSimulator) -> list[str]:
    """The entities fed by the event log."""
    return [
        doorbell(device),
        access(device),
        device_event(device),
        entity_id(device, "sensor", "last_log_event"),
    ]


def events_of(entry: MockConfigEntry) -> BasIpEventCoordinator:
    """The event coordinator of a loaded entry."""
    coordinator: BasIpEventCoordinator = entry.runtime_data.events
    return coordinator


def ring_key(device: DeviceSimulator) -> str:
    """The log key of a ring on this device family."""
    return str(device.profile_data.ring_key)


async def set_options(hass: HomeAssistant, entry: MockConfigEntry, **options: Any) -> None:
    """Change the options through the options flow, as a user does."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    user_input = {
        CONF_SCAN_INTERVAL: 30,
        CONF_EVENTS_ENABLED: True,
        CONF_EVENT_INTERVAL: 2,
        **options,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)


async def log_requests_over(
    hass: HomeAssistant, device: DeviceSimulator, freezer: FrozenDateTimeFactory, seconds: int
) -> int:
    """Log requests made during ``seconds`` of frozen time, moved 1 s at a time."""
    before = device.requests[LOG_PATH]
    for _ in range(seconds):
        await advance(hass, freezer, 1)
    return device.requests[LOG_PATH] - before


# --- no replay ---------------------------------------------------------------------


async def test_history_at_setup_never_fires(
    hass: HomeAssistant,
    *,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    hass_storage: dict[str, Any],
) -> None:
    """The first read only takes a cursor: yesterday's rings and card uses stay quiet."""
    assert len(simulator.log_items) > 5
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(5):
        await advance(hass, freezer, EVENT_POLL)
    assert fired == []
    for entity in log_entities(simulator):
        assert state_of(hass, entity).state != STATE_UNAVAILABLE

    # The cursor is in Home Assistant's storage, without any log content.
    await advance(hass, freezer, 5)
    stored = hass_storage[CURSOR_KEY]["data"]
    assert stored["version"] == 2
    assert len(stored["window"]) == 10
    assert "card" not in repr(stored)

    simulator.ring("104")
    await advance(hass, freezer, EVENT_POLL)
    assert [(f.event_type, f.data["number"]) for f in fired] == [("ring", "104")]


async def test_slow_device_rings_once_and_in_time(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """A device that takes 2 s per answer (within the timeout): each ring fires once, young.

    The clock moves a second at a time, as real time would, with a real-time
    pause for the answers; ``hass.async_block_till_done`` would wait for the
    held answers forever on a frozen clock.
    """
    simulator.delay = 2.0
    events = init_integration.runtime_data.events

    async def step(seconds: int, until: int | None = None) -> int:
        """Seconds moved: ``seconds``, or fewer once ``until`` rings have fired.

        No poll fails meanwhile: every answer comes before its timeout.
        """
        for moved in range(1, seconds + 1):
            freezer.tick(timedelta(seconds=1))
            async_fire_time_changed(hass)
            await real_sleep(0.25)
            assert events.last_update_success
            if until is not None and len(fired.of(doorbell(simulator))) >= until:
                return moved
        return seconds

    simulator.ring("101")
    # The next poll within 2 s, its answer 2 s later: well before 60 s old.
    assert await step(15, until=1) < 15
    simulator.ring("102")
    assert await step(15, until=2) < 15
    await step(35)  # a SIP refresh too
    assert [f.data["number"] for f in fired.of(doorbell(simulator))] == ["101", "102"]
    assert state_of(hass, doorbell(simulator)).state != STATE_UNAVAILABLE
    simulator.delay = 0.0
    await step(4)  # whatever is still held ends
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(fired) == 2


async def test_reload_resumes_from_the_cursor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """A reload delivers what the device logged meanwhile, once, and nothing older."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == ["ring"]

    # Logged after the last poll, before the reload.
    simulator.ring("102")
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await advance(hass, freezer, EVENT_POLL)
    assert [f.data["number"] for f in fired.of(doorbell(simulator))] == ["101", "102"]

    # Another reload with nothing new fires nothing.
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, EVENT_POLL)
    assert len(fired) == 2


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_restart_delivers_what_happened_while_down(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant stops (the cursor is saved), the device goes on, HA starts again.

    A ring younger than 60 s by the device's clock is delivered, an older one
    is not ("someone is at the door" would be a lie); a card use is delivered
    whatever its age; history from before the stop is not replayed.
    """
    simulator.card_granted(card="04A7A7A7A7A7A7")
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(access(simulator)) == ["granted"]

    # Home Assistant stops: the unload writes the cursor at once.
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[CURSOR_KEY]["data"]
    assert "04A7A7A7A7A7A7" not in repr(stored)

    simulator.ring("201")  # will be 5 minutes old at the start
    freezer.tick(300)
    simulator.card_granted(card="04B8B8B8B8B8B8", lock=2)
    freezer.tick(20)
    simulator.ring("202")  # 10 s old at the start
    freezer.tick(10)

    # A new run of the same entry, from the stored cursor only.
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await advance(hass, freezer, EVENT_POLL)
    assert [f.data["number"] for f in fired.of(doorbell(simulator))] == ["202"]
    granted = fired.of(access(simulator))
    assert [(f.data["identifier"], f.data["lock"]) for f in granted] == [
        ("04A7A7A7A7A7A7", 1),
        ("04B8B8B8B8B8B8", 2),
    ]


async def test_restart_with_a_broken_stored_cursor_takes_a_new_one(
    hass: HomeAssistant,
    *,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    hass_storage: dict[str, Any],
) -> None:
    """A stored cursor the reader cannot use is not a reason to replay the history."""
    hass_storage[CURSOR_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": CURSOR_KEY,
        "data": {"version": 99, "window": "garbage"},
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, EVENT_POLL)
    assert fired == []
    simulator.ring()
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == ["ring"]


# --- exactly once ------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_items_with_the_same_timestamp_fire_each(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """Two identical items in one millisecond are two events, in one poll or in two."""
    stamp = simulator.device_now_ms()
    for _ in range(2):
        simulator.log_event(ring_key(simulator), info={"number": "101"}, timestamp_ms=stamp)
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == ["ring", "ring"]

    # A third identical one, seen by a later poll.
    simulator.log_event(ring_key(simulator), info={"number": "101"}, timestamp_ms=stamp)
    await advance(hass, freezer, EVENT_POLL)
    for _ in range(3):
        await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == ["ring", "ring", "ring"]


async def test_overlapping_polls_fire_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """Polls that run at the same time deliver each new item once."""
    coordinator = events_of(init_integration)
    simulator.ring("101")
    simulator.log_event("tamper_event", category="warning")
    await asyncio.gather(*(coordinator.async_refresh() for _ in range(4)))
    await hass.async_block_till_done()
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == ["ring"]
    assert fired.types(device_event(simulator)) == ["tamper"]


# --- device time only --------------------------------------------------------------


@pytest.mark.parametrize("skew", [3 * HOUR, -3 * HOUR])
async def test_skewed_device_clock_changes_nothing(
    hass: HomeAssistant,
    *,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    skew: int,
) -> None:
    """A device clock three hours off: rings arrive, also after an outage."""
    simulator.skew_clock(skew)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)

    simulator.set_fault(Fault.DROP_CONNECTION, paths=[LOG_PATH])
    await advance(hass, freezer, EVENT_POLL)
    simulator.ring("102")
    await advance(hass, freezer, 20)
    simulator.clear_faults()
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, EVENT_POLL)
    assert [f.data["number"] for f in fired.of(doorbell(simulator))] == ["101", "102"]
    assert len(fired) == 2


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("jump", [-60, -HOUR, -30 * 24 * HOUR])
async def test_clock_jumping_back_rebases(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    jump: int,
) -> None:
    """The device clock stepped back: no replay, and new rings still arrive."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    simulator.jump_clock(jump)
    await advance(hass, freezer, EVENT_POLL)
    simulator.ring("102")
    await advance(hass, freezer, EVENT_POLL)
    # And after an outage, the device's now is its (stepped) clock.
    simulator.set_fault(Fault.DROP_CONNECTION, paths=[LOG_PATH])
    await advance(hass, freezer, EVENT_POLL)
    simulator.ring("103")
    simulator.clear_faults()
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, EVENT_POLL)
    assert [f.data["number"] for f in fired] == ["101", "102", "103"]


@pytest.mark.usefixtures("init_integration")
async def test_cleared_log_rebases(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """The log cleared on the device: nothing replayed, nothing stops."""
    simulator.clear_log()
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, EVENT_POLL)
    assert fired == []
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    # Cleared again right after the ring was read, then more events.
    simulator.clear_log()
    simulator.ring("102")
    simulator.log_event("sip_registration_lost", category="warning")
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, EVENT_POLL)
    assert [f.event_type for f in fired] == ["ring", "ring", "sip_registration_lost"]
    assert [f.data.get("number") for f in fired.of(doorbell(simulator))] == ["101", "102"]


# --- bursts ------------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_burst_of_200_delivers_all(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """200 card uses in one millisecond, more than a page holds: all 200, once."""
    simulator.log_burst(200)
    await advance(hass, freezer, EVENT_POLL)
    for _ in range(3):
        await advance(hass, freezer, EVENT_POLL)
    assert fired.types(access(simulator)) == ["granted"] * 200
    assert records(caplog, level=logging.WARNING) == []
    simulator.ring()
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == ["ring"]


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_burst_past_the_bound_warns_once_and_moves_on(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """More than max_pages x burst_limit new items: one warning, and reading goes on."""
    bound = events_of(init_integration)._reader.max_pages * 50  # type: ignore[union-attr]
    caplog.clear()
    simulator.log_burst(bound + 60)
    await advance(hass, freezer, EVENT_POLL)
    warnings = records(caplog, level=logging.WARNING)
    assert len(warnings) == 1
    assert "more arrived at once than 5 pages hold" in warnings[0].getMessage()
    assert len(fired.of(access(simulator))) == bound

    simulator.ring("101")
    for _ in range(3):
        await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == ["ring"]
    assert len(fired.of(access(simulator))) == bound
    assert len(records(caplog, level=logging.WARNING)) == 1


# --- outages -----------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("global_fault", [False, True], ids=["log_path", "whole_device"])
async def test_ring_during_outage_is_delivered_if_young(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    global_fault: bool,
) -> None:
    """Logged while the device was unreachable, 30 s before it came back: delivered.

    The device's now is the own-login item the reader provokes after the
    outage (see the module docstring), not Home Assistant's clock.
    """
    simulator.set_fault(Fault.DROP_CONNECTION, paths=None if global_fault else [LOG_PATH])
    for _ in range(10):
        await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, doorbell(simulator)).state == STATE_UNAVAILABLE
    simulator.ring("101")
    simulator.log_event("tamper_event", category="warning")
    await advance(hass, freezer, 30)
    logins = simulator.logins
    simulator.clear_faults()
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, doorbell(simulator)).state != STATE_UNAVAILABLE
    assert [(f.event_type, f.data.get("number")) for f in fired] == [
        ("ring", "101"),
        ("tamper", None),
    ]
    # The device's now came from a fresh login of ours.
    assert simulator.logins > logins


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["old_timestamp", "long_outage", "long_outage_ring_last"])
@pytest.mark.parametrize("fault", [Fault.DROP_CONNECTION, Fault.HTML_500])
async def test_ring_ten_minutes_old_is_not_delivered(
    hass: HomeAssistant,
    *,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    how: str,
    fault: Fault,
) -> None:
    """A ring from ten minutes ago by the device's clock tells nobody "someone is at the door".

    Other events of the outage are still delivered. With the ring as the last
    item of a long outage, only the own-login marker made after the outage
    shows its age: logins that happened during the outage (the token renewed
    while only the log failed) are as old as the outage and do not count.
    """
    simulator.set_fault(fault, paths=[LOG_PATH])
    await advance(hass, freezer, EVENT_POLL)
    if how == "old_timestamp":
        await advance(hass, freezer, 20)
        simulator.log_event(
            ring_key(simulator),
            info={"number": "101"},
            timestamp_ms=simulator.device_now_ms() - 600_000,
        )
    else:
        if how == "long_outage":
            simulator.ring("101")
        # A login during the outage leaves a marker as old as the outage.
        simulator.expire_tokens()
        for _ in range(600 // POLL):
            await advance(hass, freezer, POLL)
        if how == "long_outage_ring_last":
            simulator.log_event(
                ring_key(simulator),
                info={"number": "101"},
                timestamp_ms=simulator.device_now_ms() - 300_000,
            )
    if how != "long_outage_ring_last":
        simulator.log_event("sip_registration_lost", category="warning")
    simulator.clear_faults()
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(doorbell(simulator)) == []
    expected = [] if how == "long_outage_ring_last" else ["sip_registration_lost"]
    assert fired.types(device_event(simulator)) == expected
    # Fresh rings go on as before.
    simulator.ring("102")
    await advance(hass, freezer, EVENT_POLL)
    assert [f.data["number"] for f in fired.of(doorbell(simulator))] == ["102"]


# --- own traffic -------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_own_logins_never_fire(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """Every login of ours leaves an item in the log; none of them is an event."""
    logins = simulator.logins
    for _ in range(3):
        simulator.expire_tokens()
        await advance(hass, freezer, POLL)
    assert simulator.logins >= logins + 3
    assert fired == []


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL])
async def test_door_release_we_sent_is_access_by_app(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """A release through the client fires access ``granted`` with method ``app``."""
    await init_integration.runtime_data.client.open_lock(1)
    await advance(hass, freezer, EVENT_POLL)
    assert simulator.lock_opens[1] == 1
    assert [(f.event_type, f.data["method"], f.data["lock"]) for f in fired] == [
        ("granted", "app", 1)
    ]
    assert fired[0].entity_id == access(simulator)


# --- unknown keys ------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_unknown_key_fires_as_other(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A key new firmware logs is passed on as a device event ``other`` with its key."""
    caplog.clear()
    simulator.log_event("elevator_was_called", info={"floor": 3}, category="info")
    await advance(hass, freezer, EVENT_POLL)
    assert len(fired) == 1
    assert fired[0].entity_id == device_event(simulator)
    assert fired[0].event_type == "other"
    assert fired[0].data["key"] == "elevator_was_called"
    state = state_of(hass, device_event(simulator))
    assert state.attributes["event_type"] == "other"
    assert state.attributes["key"] == "elevator_was_called"
    assert records(caplog, level=logging.WARNING) == []
    assert records(caplog, level=logging.ERROR) == []


# --- log unreadable ----------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("fault", "body"),
    [
        (Fault.HTML_500, None),
        (Fault.INVALID_JSON, None),
        (Fault.WRONG_SHAPE, {"list_items": "not a list"}),
        (Fault.EMPTY_BODY, None),
        (Fault.DROP_CONNECTION, None),
    ],
)
async def test_unreadable_log_unavailable_and_back(
    hass: HomeAssistant,
    *,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    body: Any,
) -> None:
    """The log unreadable: event entities unavailable, one line each way, back by themselves."""
    sip_user = entity_id(simulator, "sensor", "sip_user")
    caplog.clear()
    simulator.set_fault(fault, paths=[LOG_PATH], body=body)
    for _ in range(5):
        await advance(hass, freezer, EVENT_POLL)
        for entity in log_entities(simulator):
            assert state_of(hass, entity).state == STATE_UNAVAILABLE
    await advance(hass, freezer, POLL)
    assert state_of(hass, sip_user).state != STATE_UNAVAILABLE
    errors = records(caplog, level=logging.ERROR)
    assert len(errors) == 1
    assert "events data" in errors[0].getMessage()

    simulator.clear_faults()
    simulator.ring("101")
    for _ in range(3):
        await advance(hass, freezer, EVENT_POLL)
    for entity in log_entities(simulator):
        assert state_of(hass, entity).state != STATE_UNAVAILABLE
    assert fired.types(doorbell(simulator)) == ["ring"]
    recovered = records(caplog, level=logging.INFO, contains="recovered")
    assert len(recovered) == 1
    assert "events" in recovered[0].getMessage()
    assert len(records(caplog, level=logging.ERROR)) == 1
    assert records(caplog, level=logging.WARNING) == []
    assert tracebacks(caplog) == []


async def test_rejected_password_starts_reauth(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device password changed: the event channel's poll goes to the reauth flow."""
    simulator.set_password(NEW_PASSWORD)
    simulator.expire_tokens()
    # Only event polls run in these few seconds, not the SIP refresh.
    requests_before = simulator.requests["/api/v1/device/sip/settings"]
    await advance(hass, freezer, EVENT_POLL)
    assert simulator.requests["/api/v1/device/sip/settings"] == requests_before
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert state_of(hass, doorbell(simulator)).state == STATE_UNAVAILABLE
    failures = simulator.login_failures
    for _ in range(5):
        await advance(hass, freezer, EVENT_POLL)
    assert simulator.login_failures == failures


# --- options -----------------------------------------------------------------------


@pytest.mark.parametrize("entry_options", [{CONF_EVENTS_ENABLED: False}])
async def test_events_off_no_log_request(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """Events off: not one log request, from set-up on; the log entities are unavailable."""
    simulator.ring()
    for _ in range(600 // POLL):
        await advance(hass, freezer, POLL)
    assert simulator.requests[LOG_PATH] == 0
    assert fired == []
    for entity in log_entities(simulator):
        assert state_of(hass, entity).state == STATE_UNAVAILABLE
    assert state_of(hass, entity_id(simulator, "sensor", "sip_user")).state == "101"

    # Turned on in place: reading starts, the ring of ten minutes ago stays quiet.
    await set_options(hass, init_integration, **{CONF_EVENTS_ENABLED: True})
    await advance(hass, freezer, EVENT_POLL)
    assert simulator.requests[LOG_PATH] >= 1
    simulator.ring("102")
    await advance(hass, freezer, EVENT_POLL)
    assert [f.data["number"] for f in fired] == ["102"]
    for entity in log_entities(simulator):
        assert state_of(hass, entity).state != STATE_UNAVAILABLE


async def test_interval_and_switch_applied_in_place(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """1..30 s applied without a reload; off stops the requests; on resumes the events."""
    coordinator = events_of(init_integration)
    assert 28 <= await log_requests_over(hass, simulator, freezer, 60) <= 31

    await set_options(hass, init_integration, **{CONF_EVENT_INTERVAL: 10})
    assert 5 <= await log_requests_over(hass, simulator, freezer, 60) <= 7
    await set_options(hass, init_integration, **{CONF_EVENT_INTERVAL: 1})
    assert 58 <= await log_requests_over(hass, simulator, freezer, 60) <= 61
    await set_options(hass, init_integration, **{CONF_EVENT_INTERVAL: 30})
    assert 2 <= await log_requests_over(hass, simulator, freezer, 60) <= 3

    # Off: no request at all; on again: the ring logged meanwhile (20 s ago) arrives.
    await set_options(hass, init_integration, **{CONF_EVENTS_ENABLED: False})
    assert state_of(hass, doorbell(simulator)).state == STATE_UNAVAILABLE
    assert await log_requests_over(hass, simulator, freezer, 100) == 0
    simulator.ring("101")
    await advance(hass, freezer, 20)
    await set_options(hass, init_integration, **{CONF_EVENT_INTERVAL: 2})
    await advance(hass, freezer, EVENT_POLL)
    assert [f.data["number"] for f in fired] == ["101"]
    assert state_of(hass, doorbell(simulator)).state != STATE_UNAVAILABLE

    # Never reloaded: the same coordinator.
    assert init_integration.state is ConfigEntryState.LOADED
    assert events_of(init_integration) is coordinator


# --- a device without a log --------------------------------------------------------


async def test_log_endpoint_missing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """404 on the log at set-up: no log entities, SIP entities unaffected, no more asking."""
    simulator.set_fault(Fault.NOT_FOUND, paths=[LOG_PATH])
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    for entity in log_entities(simulator):
        assert hass.states.get(entity) is None
    assert state_of(hass, entity_id(simulator, "sensor", "sip_user")).state == "101"
    assert state_of(hass, entity_id(simulator, "binary_sensor", "sip_registered")).state == "on"
    asked = simulator.requests[LOG_PATH]
    for _ in range(5):
        await advance(hass, freezer, POLL)
    assert simulator.requests[LOG_PATH] == asked
    # Saving the options (events off, then on with another interval) does
    # not start asking for a log the device does not have.
    events = mock_config_entry.runtime_data.events
    events.async_set_options(enabled=False, interval_seconds=2)
    events.async_set_options(enabled=True, interval_seconds=5)
    await hass.async_block_till_done(wait_background_tasks=True)
    for _ in range(5):
        await advance(hass, freezer, POLL)
    assert simulator.requests[LOG_PATH] == asked
    assert records(caplog, level=logging.ERROR) == []
    assert tracebacks(caplog) == []


# --- request budget ----------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_request_budget_at_default_options(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """SIP, door, events and token renewals together: at most 36 device requests a minute.

    A count over ten minutes of frozen time, not a timing: 30 log reads and
    two SIP refreshes of three reads (settings, status, door) a minute. The
    tokens here live four minutes (a real device's two hours), so the window
    holds two renewals; each one's extra requests are given back by door
    reads left out.
    """
    simulator.token_lifetime = 240
    simulator.expire_tokens()
    # The renewal that brings a four-minute token, and its door reads left out.
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, 3 * POLL)
    simulator.reset_counters()
    for _ in range(600):
        await advance(hass, freezer, 1)
    total = sum(simulator.requests.values())
    assert simulator.logins == 2
    assert total <= 360
    assert simulator.requests[LOG_PATH] <= 300 + simulator.logins
    assert simulator.requests["/api/v1/access/door/status"] <= 20 - 3 * simulator.logins
