"""Buttons: one door release per lock, and the restart."""

from __future__ import annotations

from collections.abc import Generator
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.bas_ip.const import DOMAIN
from devtools.waits import wait_until
from simulator import DeviceSimulator, Fault, Profile

from .conftest import POLL, advance, state_of
from .event_helpers import tracebacks
from .test_entities import _plain

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

BUTTON_DOMAIN = "button"
SERVICE_PRESS = "press"

LOCK_OPEN = "/api/v1/access/general/lock/open/remote/accepted/{lock}"
# Device name (entity id prefix) per profile.
PREFIX = {
    Profile.CAMDROID_PANEL: "bas_ip_av_03bd",
    Profile.ANDROID_PANEL: "bas_ip_aa_07fb",
    Profile.CAMDROID_MONITOR: "bas_ip_aq_07l",
}


def platform_entities(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, entry: MockConfigEntry
) -> dict[str, Any]:
    """Registry fields that exist on every supported HA version, and the state.

    ``snapshot_platform`` snapshots whole registry entries, whose fields differ
    between the Home Assistant versions this integration supports.
    """
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert entities
    assert len({entity.domain for entity in entities}) == 1, "one platform only"
    result: dict[str, Any] = {}
    for entity in sorted(entities, key=lambda item: item.entity_id):
        assert entity.disabled_by is None
        state = state_of(hass, entity.entity_id)
        result[entity.entity_id] = _plain(
            {
                "unique_id": entity.unique_id,
                "translation_key": entity.translation_key,
                "original_device_class": entity.original_device_class,
                "entity_category": entity.entity_category,
                "supported_features": int(entity.supported_features),
                "state": state.state,
                "attributes": dict(state.attributes),
            }
        )
    return result


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """No record a user sees carries a traceback."""
    assert tracebacks(caplog) == []


@pytest.fixture
def button_only() -> Generator[None]:
    """Set up the button platform alone."""
    with patch("custom_components.bas_ip.PLATFORMS", [Platform.BUTTON]):
        yield


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button the way the UI does."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.parametrize("simulator_profile", list(PREFIX))
@pytest.mark.usefixtures("button_only")
async def test_buttons(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Two releases on a Camdroid panel, one on an Android panel, none on a monitor."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert platform_entities(hass, entity_registry, mock_config_entry) == snapshot


@pytest.mark.parametrize(
    ("simulator_profile", "locks"),
    [(Profile.CAMDROID_PANEL, 2), (Profile.ANDROID_PANEL, 1), (Profile.CAMDROID_MONITOR, 0)],
)
@pytest.mark.usefixtures("init_integration")
async def test_lock_buttons_per_lock(
    entity_registry: er.EntityRegistry, simulator: DeviceSimulator, locks: int
) -> None:
    """The unique ids are ``<serial>_open_door_<n>``, one per lock."""
    unique_ids = {
        entity.unique_id
        for entity in entity_registry.entities.values()
        if entity.domain == BUTTON_DOMAIN and "_open_door_" in entity.unique_id
    }
    assert unique_ids == {f"{simulator.serial}_open_door_{n}" for n in range(1, locks + 1)}


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_press_opens_once(hass: HomeAssistant, simulator: DeviceSimulator) -> None:
    """One press sends exactly one open request, for that lock."""
    await press(hass, "button.bas_ip_av_03bd_open_door")
    assert simulator.lock_opens == {1: 1}
    await press(hass, "button.bas_ip_av_03bd_open_door_2")
    await press(hass, "button.bas_ip_av_03bd_open_door_2")
    assert simulator.lock_opens == {1: 1, 2: 2}
    assert simulator.requests[LOCK_OPEN.format(lock=2)] == 2
    assert state_of(hass, "button.bas_ip_av_03bd_open_door_2").state == "2026-03-01T12:00:00+00:00"


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
@pytest.mark.parametrize(
    ("fault", "key"),
    [
        (Fault.DROP_CONNECTION, "cannot_connect"),
        (Fault.PERMISSION_DENIED, "action_permission_denied"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_press_failure_is_translated(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    key: str,
) -> None:
    """A refused or failed release is a translated error, never a traceback."""
    simulator.set_fault(fault, paths=[LOCK_OPEN.format(lock=1)])
    with caplog.at_level(logging.DEBUG), pytest.raises(HomeAssistantError) as raised:
        await press(hass, "button.bas_ip_aa_07fb_open_door")
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == key
    assert simulator.lock_opens == {}
    assert_no_traceback(caplog)
    # The button stays: the next press works.
    simulator.clear_faults()
    await press(hass, "button.bas_ip_aa_07fb_open_door")
    assert simulator.lock_opens == {1: 1}


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_restart(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The device goes away, entities go unavailable, then recover with one login."""
    restart = "button.bas_ip_av_03bd_restart"
    release = "button.bas_ip_av_03bd_open_door"
    sensor = "sensor.bas_ip_av_03bd_sip_user"
    simulator.reboot_duration = 5.0
    logins = simulator.logins

    await press(hass, restart)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.reboots == 1
    assert simulator.rebooting
    # The refresh asked for after the press finds the device gone.
    for entity_id in (restart, release, sensor):
        assert state_of(hass, entity_id).state == STATE_UNAVAILABLE
    assert_no_traceback(caplog)

    # While it reboots, the event channel keeps trying: no login gets through.
    await advance(hass, freezer, 2)
    assert simulator.logins == logins
    await advance(hass, freezer, 4)
    await wait_until(lambda: not simulator.rebooting, "device booted")
    for _ in range(2):
        await advance(hass, freezer, POLL)
    for entity_id in (restart, release, sensor):
        assert state_of(hass, entity_id).state != STATE_UNAVAILABLE
    assert simulator.logins == logins + 1

    await press(hass, release)
    assert simulator.lock_opens == {1: 1}
    assert simulator.logins == logins + 1


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_restart_failure(hass: HomeAssistant, simulator: DeviceSimulator) -> None:
    """A restart the device does not take is a translated error; nothing reboots."""
    simulator.set_fault(Fault.DROP_CONNECTION, paths=["/api/v1/system/reboot/run"])
    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, "button.bas_ip_av_03bd_restart")
    assert raised.value.translation_key == "cannot_connect"
    assert simulator.reboots == 0
