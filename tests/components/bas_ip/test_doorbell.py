"""The entities of the event channel: doorbell, access, device events, door, last event.

Against the simulator over HTTP, under frozen time. What each family logs is
in the simulator's profiles (the issue "Doorbell rings, access events and the
door contact", section "Entities").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
import importlib.util
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
from syrupy.assertion import SnapshotAssertion

from simulator import DeviceSimulator, Fault, Profile

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

DOOR_STATUS_PATH = "/api/v1/access/door/status"


@pytest.fixture
def fired() -> Iterator[FiredEvents]:
    """Every event the log event entities fire."""
    with record_fired() as recorded:
        yield recorded


def plain(fired: list[Any]) -> list[dict[str, Any]]:
    """Fired events without the device timestamps (they follow the frozen clock)."""
    return [
        {
            "entity_id": event.entity_id,
            "event_type": event.event_type,
            "data": {key: value for key, value in event.data.items() if key != "device_timestamp"},
        }
        for event in fired
    ]


# --- doorbell ----------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("simulator_profile", "event_types"),
    [
        (Profile.CAMDROID_MONITOR, ["ring", "missed"]),
        (Profile.CAMDROID_PANEL, ["ring"]),
        (Profile.ANDROID_PANEL, ["ring", "missed"]),
    ],
)
async def test_doorbell_rings(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    event_types: list[str],
) -> None:
    """Device class doorbell; a ring fires ``ring`` with the called number.

    A panel logs ``outgoing_call`` when a visitor presses its call button, a
    monitor ``incoming_call``: both are rings.
    """
    doorbell = entity_id(simulator, "event", "doorbell")
    state = state_of(hass, doorbell)
    assert state.state == STATE_UNKNOWN
    assert state.attributes["device_class"] == "doorbell"
    assert state.attributes["event_types"] == event_types

    item = simulator.ring("105")
    expected_key = (
        "incoming_call" if simulator.profile is Profile.CAMDROID_MONITOR else "outgoing_call"
    )
    assert item["name"]["key"] == expected_key
    await advance(hass, freezer, EVENT_POLL)
    assert [(f.event_type, f.data["number"]) for f in fired.of(doorbell)] == [("ring", "105")]
    state = state_of(hass, doorbell)
    assert state.attributes["event_type"] == "ring"
    assert state.attributes["number"] == "105"
    assert state.attributes["device_timestamp"] == item["timestamp"]

    simulator.missed_call("106")
    await advance(hass, freezer, EVENT_POLL)
    if "missed" in event_types:
        assert fired.types(doorbell)[-1] == "missed"
        assert fired.of(doorbell)[-1].data["number"] == "106"
    else:
        assert fired.types(doorbell) == ["ring"]


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("simulator_profile", "not_a_ring"),
    [(Profile.CAMDROID_MONITOR, "outgoing_call"), (Profile.CAMDROID_PANEL, "incoming_call")],
)
async def test_call_in_the_other_direction_is_no_ring(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    not_a_ring: str,
) -> None:
    """A monitor calling out, or a panel being called, does not ring the doorbell."""
    simulator.log_event(not_a_ring, info={"number": "101"})
    await advance(hass, freezer, EVENT_POLL)
    assert fired.of(entity_id(simulator, "event", "doorbell")) == []
    assert [(f.event_type, f.data["key"]) for f in fired] == [("other", not_a_ring)]


# --- access ------------------------------------------------------------------------


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_access_events(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    snapshot: SnapshotAssertion,
) -> None:
    """Granted and denied, with the method, the lock and (masked) the identifier."""
    access = entity_id(simulator, "event", "access")
    state = state_of(hass, access)
    assert state.attributes["event_types"] == ["granted", "denied"]
    assert "device_class" not in state.attributes

    simulator.card_granted(card="04C0FFEE00B1A5", lock=2)
    simulator.card_denied(card="04BADC0DE0F00D")
    simulator.code_granted(code="4821#", lock=1)
    simulator.code_denied(code="0000#")
    simulator.exit_button(lock=1)
    await advance(hass, freezer, EVENT_POLL)
    await init_integration.runtime_data.client.open_lock(2)
    await advance(hass, freezer, EVENT_POLL)

    assert [(f.event_type, f.data["method"], f.data["lock"]) for f in fired] == [
        ("granted", "card", 2),
        ("denied", "card", None),
        ("granted", "code", 1),
        ("denied", "code", None),
        ("granted", "exit_button", 1),
        ("granted", "app", 2),
    ]
    assert plain(fired) == snapshot
    # The identifier is in the event for automations (personal data: the
    # session's secret guard proves it never reaches a log line of ours).
    assert [f.data["identifier"] for f in fired] == [
        "04C0FFEE00B1A5",
        "04BADC0DE0F00D",
        "4821#",
        "0000#",
        None,
        None,
    ]
    state = state_of(hass, access)
    assert state.attributes["method"] == "app"
    assert state.attributes["lock"] == 2


# --- device events -----------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_device_events(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
) -> None:
    """Tamper, SIP registration lost and booted, each once."""
    device_event = entity_id(simulator, "event", "device_event")
    types = state_of(hass, device_event).attributes["event_types"]
    assert {"tamper", "sip_registration_lost", "booted", "other"} <= set(types)
    simulator.log_event("tamper_event", category="warning")
    await advance(hass, freezer, EVENT_POLL)
    simulator.log_event("sip_registration_lost", category="warning")
    simulator.log_event("device_booted")
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, EVENT_POLL)
    assert fired.types(device_event) == ["tamper", "sip_registration_lost", "booted"]
    assert state_of(hass, device_event).attributes["event_type"] == "booted"


# --- door --------------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_door_follows_events_at_once_and_refresh_corrects(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An opened door shows with the next event poll; the door-status read corrects it."""
    door = entity_id(simulator, "binary_sensor", "door")
    too_long = entity_id(simulator, "binary_sensor", "door_open_too_long")
    assert state_of(hass, door).attributes["device_class"] == "door"
    assert state_of(hass, too_long).attributes["device_class"] == "problem"
    assert state_of(hass, door).state == STATE_OFF

    reads = simulator.requests[DOOR_STATUS_PATH]
    simulator.set_door(True)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, door).state == STATE_ON
    assert state_of(hass, too_long).state == STATE_OFF
    # It came from the event poll, not from a door-status read.
    assert simulator.requests[DOOR_STATUS_PATH] == reads

    # The device's contact says closed without a log item: the SIP refresh corrects.
    simulator.door_open = False
    await advance(hass, freezer, POLL)
    assert simulator.requests[DOOR_STATUS_PATH] == reads + 1
    assert state_of(hass, door).state == STATE_OFF

    simulator.set_door(True)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, door).state == STATE_ON
    simulator.set_door(False)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, door).state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_token_renewal_is_paid_back_by_door_reads_left_out(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A renewal (401, identity check, login) costs three requests: three door reads give them back.

    Meanwhile the door follows its log events, and a refresh without a door
    read does not take an event's state back.
    """
    door = entity_id(simulator, "binary_sensor", "door")
    simulator.expire_tokens()
    simulator.reset_counters()
    await advance(hass, freezer, EVENT_POLL)
    assert simulator.logins == 1
    assert simulator.requests["/api/info"] == 1
    assert simulator.requests[LOG_PATH] == 2  # the 401 and the retry

    simulator.set_door(True)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, door).state == STATE_ON
    # The contact itself says closed, unread: the next three refreshes leave it out.
    simulator.door_open = False
    for _ in range(3):
        await advance(hass, freezer, POLL)
        assert state_of(hass, door).state == STATE_ON
    assert simulator.requests[DOOR_STATUS_PATH] == 0
    await advance(hass, freezer, POLL)
    assert simulator.requests[DOOR_STATUS_PATH] == 1
    assert state_of(hass, door).state == STATE_OFF
    await advance(hass, freezer, POLL)
    assert simulator.requests[DOOR_STATUS_PATH] == 2


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_door_open_too_long(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """``is_timeout_exceed`` and the too-long log item turn the problem sensor on."""
    door = entity_id(simulator, "binary_sensor", "door")
    too_long = entity_id(simulator, "binary_sensor", "door_open_too_long")
    simulator.set_door(True, open_too_long=True)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, door).state == STATE_ON
    assert state_of(hass, too_long).state == STATE_ON
    # The door-status read agrees.
    await advance(hass, freezer, POLL)
    assert state_of(hass, too_long).state == STATE_ON
    simulator.set_door(False)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, door).state == STATE_OFF
    assert state_of(hass, too_long).state == STATE_OFF


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL, Profile.CAMDROID_MONITOR])
async def test_no_door_sensor_no_door_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "Not activated" (Android) or no endpoint (monitor): no door entities, nothing logged."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(entity_id(simulator, "binary_sensor", "door")) is None
    assert hass.states.get(entity_id(simulator, "binary_sensor", "door_open_too_long")) is None
    assert state_of(hass, entity_id(simulator, "event", "doorbell")).state == STATE_UNKNOWN
    assert records(caplog, level=logging.ERROR) == []
    assert records(caplog, level=logging.WARNING) == []
    assert tracebacks(caplog) == []


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_door_sensor_switched_off_at_runtime(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The input reconfigured on the device: door entities unavailable, no traceback, back."""
    door = entity_id(simulator, "binary_sensor", "door")
    too_long = entity_id(simulator, "binary_sensor", "door_open_too_long")
    caplog.clear()
    simulator.door_sensor = False
    await advance(hass, freezer, POLL)
    assert state_of(hass, door).state == STATE_UNAVAILABLE
    assert state_of(hass, too_long).state == STATE_UNAVAILABLE
    assert state_of(hass, entity_id(simulator, "sensor", "sip_user")).state == "1001"
    # A door event meanwhile does not bring it back.
    simulator.set_door(True)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, door).state == STATE_UNAVAILABLE
    await advance(hass, freezer, POLL)
    assert len(records(caplog, level=logging.INFO, contains="door sensor no longer answers")) == 1
    assert records(caplog, level=logging.ERROR) == []
    assert tracebacks(caplog) == []

    simulator.door_sensor = True
    await advance(hass, freezer, POLL)
    assert state_of(hass, door).state == STATE_ON
    assert len(records(caplog, level=logging.INFO, contains="door sensor answers again")) == 1


# --- last event --------------------------------------------------------------------


@pytest.mark.parametrize("skew", [0, -3 * 3600])
async def test_last_log_event_shows_device_time(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    skew: int,
) -> None:
    """The newest item's time as the device stamped it (a skewed clock shows as it is)."""
    simulator.skew_clock(skew)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    sensor = entity_id(simulator, "sensor", "last_log_event")
    assert state_of(hass, sensor).attributes["device_class"] == "timestamp"
    newest = simulator.log_items[-1]["timestamp"]
    expected = datetime.fromtimestamp(newest // 1000, tz=UTC).isoformat()
    assert state_of(hass, sensor).state == expected

    await advance(hass, freezer, 60)
    item = simulator.ring()
    await advance(hass, freezer, EVENT_POLL)
    expected = datetime.fromtimestamp(item["timestamp"] // 1000, tz=UTC).isoformat()
    assert state_of(hass, sensor).state == expected


# --- the doorbell.rang trigger of Home Assistant 2026.x -------------------------------


def _has_rang_trigger() -> bool:
    try:
        return importlib.util.find_spec("homeassistant.components.doorbell.trigger") is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.usefixtures("init_integration")
@pytest.mark.skipif(
    not _has_rang_trigger(),
    reason="this Home Assistant has no doorbell.rang trigger (added in the 2026.x releases)",
)
async def test_doorbell_rang_trigger(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An automation on ``doorbell.rang`` with our doorbell runs once per ring.

    Not for a missed call, and not for the entity coming back after an outage;
    a ring logged during the outage runs it once when the device is back.
    The doorbell has rung once before the automation is armed, as in any
    running installation (early 2026.x releases did not fire the trigger on a
    change from ``unknown``).
    """
    doorbell = entity_id(simulator, "event", "doorbell")
    simulator.ring("100")
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, doorbell).attributes["event_type"] == "ring"
    calls = async_mock_service(hass, "test", "automation")
    # The new triggers were a Labs preview at first; enable it where it is one.
    gate: AbstractContextManager[Any] = nullcontext()
    if importlib.util.find_spec("homeassistant.components.labs") is not None:
        labs = importlib.import_module("homeassistant.components.labs")
        if hasattr(labs, "async_is_preview_feature_enabled"):
            gate = patch.object(labs, "async_is_preview_feature_enabled", return_value=True)
    with gate:
        assert await async_setup_component(hass, "doorbell", {})
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "triggers": [{"trigger": "doorbell.rang", "target": {"entity_id": doorbell}}],
                    "actions": [
                        {
                            "action": "test.automation",
                            "data": {"entity_id": "{{ trigger.entity_id }}"},
                        }
                    ],
                }
            },
        )
        await hass.async_block_till_done()

        simulator.ring("101")
        await advance(hass, freezer, EVENT_POLL)
        assert [call.data["entity_id"] for call in calls] == [doorbell]
        simulator.ring("102")
        await advance(hass, freezer, EVENT_POLL)
        await advance(hass, freezer, EVENT_POLL)
        assert len(calls) == 2
        simulator.missed_call("103")
        await advance(hass, freezer, EVENT_POLL)
        assert len(calls) == 2

        simulator.set_fault(Fault.DROP_CONNECTION, paths=[LOG_PATH])
        await advance(hass, freezer, EVENT_POLL)
        assert state_of(hass, doorbell).state == STATE_UNAVAILABLE
        simulator.ring("104")
        simulator.clear_faults()
        await advance(hass, freezer, EVENT_POLL)
        await advance(hass, freezer, EVENT_POLL)
        assert len(calls) == 3
