"""The SIP settings event entity."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.client import SipSettings, SipTransport, StunServer
from custom_components.bas_ip.event import settings_changes
from simulator import DeviceSimulator, Fault
from tests.conftest import register_secret
from tests.const import SIP_PASSWORDS

from .conftest import POLL, advance, load_json, state_of

EVENT_ENTITY = "event.bas_ip_aq_07l_sip_settings"


@pytest.fixture
def fired(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Attributes of every settings_changed event the entity reports."""
    events: list[dict[str, Any]] = []

    def _record(event: Event) -> None:
        new_state = event.data["new_state"]
        if (
            event.data["entity_id"] == EVENT_ENTITY
            and new_state is not None
            and new_state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)
            and (old := event.data["old_state"]) is not None
            and old.state != new_state.state
        ):
            events.append(dict(new_state.attributes))

    hass.bus.async_listen("state_changed", _record)
    return events


@pytest.mark.usefixtures("init_integration")
async def test_change_fires_one_event_with_old_and_new(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: list[dict[str, Any]],
) -> None:
    """One change on the device: one event naming each field, old and new values."""
    assert state_of(hass, EVENT_ENTITY).state == STATE_UNKNOWN
    simulator.update_sip_settings(**load_json("settings_change.json"))
    for _ in range(4):
        await advance(hass, freezer, POLL)

    assert len(fired) == 1
    expected = load_json("settings_changed_event.json")
    attributes = fired[0]
    assert attributes["event_type"] == "settings_changed"
    assert {key: attributes[key] for key in ("changed", "old", "new")} == expected
    text = repr(attributes)
    for secret in SIP_PASSWORDS:
        assert secret not in text
    assert "password" not in text


@pytest.mark.usefixtures("init_integration")
async def test_password_only_change_fires_nothing(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: list[dict[str, Any]],
) -> None:
    """The SIP password is not known to the integration, so changing it alone is silent."""
    register_secret("an0ther-sip-secret")
    simulator.update_sip_settings(password="an0ther-sip-secret")
    await advance(hass, freezer, POLL)
    assert fired == []


@pytest.mark.usefixtures("init_integration")
async def test_no_event_on_startup_or_after_outage(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: list[dict[str, Any]],
) -> None:
    """Neither start-up nor the device coming back with the same settings is a change."""
    assert state_of(hass, EVENT_ENTITY).state == STATE_UNKNOWN
    simulator.set_fault(Fault.DROP_CONNECTION)
    await advance(hass, freezer, POLL)
    assert state_of(hass, EVENT_ENTITY).state == STATE_UNAVAILABLE
    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert state_of(hass, EVENT_ENTITY).state == STATE_UNKNOWN
    assert fired == []


@pytest.mark.usefixtures("init_integration")
async def test_change_during_outage_is_reported_once(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: list[dict[str, Any]],
) -> None:
    """A change made while the device was unreachable is compared with the last good read."""
    simulator.set_fault(Fault.DROP_CONNECTION)
    await advance(hass, freezer, POLL)
    simulator.update_sip_settings(user="202")
    await advance(hass, freezer, POLL)
    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert len(fired) == 1
    assert fired[0]["changed"] == ["user"]
    assert fired[0]["old"] == {"user": "101"}
    assert fired[0]["new"] == {"user": "202"}


async def test_no_event_after_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    fired: list[dict[str, Any]],
) -> None:
    """Reloading takes the settings found then as the new reference."""
    simulator.update_sip_settings(user="303")
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert fired == []
    assert state_of(hass, "sensor.bas_ip_aq_07l_sip_user").state == "303"


def test_settings_changes_formats_values() -> None:
    """Nested and enum values become plain JSON values; unchanged fields are left out."""
    old = SipSettings(
        user="1",
        realm="r",
        transport=SipTransport.UDP,
        registration_interval=60,
        stun=StunServer(host="stun.example", port=3478),
    )
    new = SipSettings(
        user="1",
        realm="r",
        transport=SipTransport.TCP,
        registration_interval=60,
        stun=None,
        h264_payload_type=110,
    )
    assert settings_changes(old, new) == {
        "changed": ["transport", "stun", "h264_payload_type"],
        "old": {"transport": "udp", "stun": "stun.example:3478", "h264_payload_type": None},
        "new": {"transport": "tcp", "stun": None, "h264_payload_type": 110},
    }
