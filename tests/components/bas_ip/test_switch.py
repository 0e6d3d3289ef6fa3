"""Switch: SIP on or off."""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.bas_ip.const import DOMAIN
from simulator import DeviceSimulator, Fault, Profile

from .conftest import POLL, advance, state_of
from .test_button import assert_no_traceback, platform_entities

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

SWITCH_DOMAIN = "switch"
SWITCH = "switch.bas_ip_aq_07l_sip_enabled"
SIP_ENABLE = "/api/v1/device/sip/enable"
SIP_STATUS = "/api/v1/sip/status"


@pytest.fixture
def switch_only() -> Generator[None]:
    """Set up the switch platform alone."""
    with patch("custom_components.bas_ip.PLATFORMS", [Platform.SWITCH]):
        yield


async def turn(hass: HomeAssistant, service: str) -> None:
    """Switch the SIP switch as the UI does."""
    await hass.services.async_call(SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: SWITCH}, blocking=True)


@pytest.mark.parametrize(
    "simulator_profile",
    [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL],
)
@pytest.mark.usefixtures("switch_only", "init_integration")
async def test_switch(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One SIP switch per device, in the config category."""
    assert platform_entities(hass, entity_registry, init_integration) == snapshot


@pytest.mark.usefixtures("init_integration")
async def test_turn_off_and_on(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Each change posts to the device and reads the status again."""
    assert state_of(hass, SWITCH).state == STATE_ON
    status_reads = simulator.requests[SIP_STATUS]

    await turn(hass, SERVICE_TURN_OFF)
    assert (simulator.sip_enabled, simulator.requests[SIP_ENABLE]) == (False, 1)
    assert simulator.requests[SIP_STATUS] == status_reads + 1
    assert state_of(hass, SWITCH).state == STATE_OFF

    # A second change within the refresh cooldown is refreshed right after it.
    await turn(hass, SERVICE_TURN_ON)
    assert (simulator.sip_enabled, simulator.requests[SIP_ENABLE]) == (True, 2)
    await advance(hass, freezer, 11)
    assert state_of(hass, SWITCH).state == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_state_follows_device(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """SIP switched off elsewhere shows as off at the next poll, at no extra request."""
    simulator.sip_enabled = False
    await advance(hass, freezer, POLL)
    assert state_of(hass, SWITCH).state == STATE_OFF
    assert simulator.requests[SIP_ENABLE] == 0


@pytest.mark.usefixtures("init_integration")
async def test_unavailable_without_status(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """No status (the endpoint stops answering): unavailable, not off."""
    simulator.status_endpoint_missing = True
    await advance(hass, freezer, POLL)
    assert state_of(hass, SWITCH).state == STATE_UNAVAILABLE
    simulator.status_endpoint_missing = False
    await advance(hass, freezer, POLL)
    assert state_of(hass, SWITCH).state == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_failure_is_translated(
    hass: HomeAssistant, simulator: DeviceSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A change the device does not take is a translated error; the state stays."""
    simulator.set_fault(Fault.DROP_CONNECTION, paths=[SIP_ENABLE])
    with pytest.raises(HomeAssistantError) as raised:
        await turn(hass, SERVICE_TURN_OFF)
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "cannot_connect"
    assert simulator.sip_enabled is True
    assert state_of(hass, SWITCH).state == STATE_ON
    assert_no_traceback(caplog)
