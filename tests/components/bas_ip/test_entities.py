"""Entities and the device, snapshotted in a form that holds on every supported HA."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_SUPPORTED_FEATURES, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.bas_ip.const import DOMAIN
from simulator import DeviceSimulator, Profile

from .conftest import POLL, advance, state_of

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]


def _plain(value: Any) -> Any:
    """JSON-like form of registry and state values (enums as their values)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in sorted(value.items())}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(item) for item in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=repr)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value.value if hasattr(value, "value") else value)


def neutral_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """State attributes without what differs between runs and Home Assistant versions.

    Camera and image entities carry a random access token (also in their
    picture URL); only Home Assistant 2025.4 has ``frontend_stream_type``; an
    IntFlag's repr differs between Python versions.
    """
    result = dict(attributes)
    result.pop("frontend_stream_type", None)
    if ATTR_SUPPORTED_FEATURES in result:
        result[ATTR_SUPPORTED_FEATURES] = int(result[ATTR_SUPPORTED_FEATURES])
    if "access_token" in result:
        result["access_token"] = "<token>"
    if "entity_picture" in result:
        result["entity_picture"] = str(result["entity_picture"]).split("?")[0]
    return result


def normalized_entities(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, entry: MockConfigEntry
) -> dict[str, Any]:
    """Registry fields that exist on every supported version, and the state."""
    result: dict[str, Any] = {}
    for entity in sorted(
        er.async_entries_for_config_entry(entity_registry, entry.entry_id),
        key=lambda item: item.entity_id,
    ):
        state = hass.states.get(entity.entity_id)
        result[entity.entity_id] = _plain(
            {
                "unique_id": entity.unique_id,
                "translation_key": entity.translation_key,
                "has_entity_name": entity.has_entity_name,
                "original_device_class": entity.original_device_class,
                "entity_category": entity.entity_category,
                "disabled_by": entity.disabled_by,
                "unit_of_measurement": entity.unit_of_measurement,
                "capabilities": entity.capabilities,
                "state": None if state is None else state.state,
                "attributes": None if state is None else neutral_attributes(state.attributes),
            }
        )
    return result


def normalized_device(
    device_registry: dr.DeviceRegistry, entry: MockConfigEntry, device: DeviceSimulator
) -> dict[str, Any]:
    """The device entry, with the simulator's random port replaced."""
    entries = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert len(entries) == 1
    item = entries[0]
    normalized: dict[str, Any] = _plain(
        {
            "identifiers": item.identifiers,
            "connections": item.connections,
            "manufacturer": item.manufacturer,
            "model": item.model,
            "model_id": item.model_id,
            "name": item.name,
            "serial_number": item.serial_number,
            "sw_version": item.sw_version,
            "hw_version": item.hw_version,
            "entry_type": item.entry_type,
            "configuration_url": (item.configuration_url or "").replace(
                device.address, "<address>"
            ),
        }
    )
    return normalized


@pytest.mark.parametrize("simulator_profile", PROFILES)
async def test_entities(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every entity of each device family, with its state and registry fields."""
    assert normalized_device(device_registry, init_integration, simulator) == snapshot(
        name="device"
    )
    assert normalized_entities(hass, entity_registry, init_integration) == snapshot(name="entities")


@pytest.mark.usefixtures("enable_all_entities", "init_integration")
async def test_disabled_by_default_entities_values(hass: HomeAssistant) -> None:
    """STUN server and H.264 payload type, once enabled, show the device's values."""
    assert state_of(hass, "sensor.bas_ip_aq_07l_stun_server").state == "stun.l.google.com:19302"
    assert state_of(hass, "sensor.bas_ip_aq_07l_h_264_payload_type").state == "102"


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("enable_all_entities", "init_integration")
async def test_optional_entities_absent(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A device that reports no H.264 payload type gets no entity for it."""
    unique_ids = {entity.unique_id for entity in entity_registry.entities.values()}
    assert not any(unique_id.endswith("_h264_payload_type") for unique_id in unique_ids)
    assert any(unique_id.endswith("_sip_user") for unique_id in unique_ids)


@pytest.mark.usefixtures("init_integration")
async def test_registration_states(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Registered, failing and disabled map onto the sensors."""
    status = "sensor.bas_ip_aq_07l_sip_registration_status"
    registered = "binary_sensor.bas_ip_aq_07l_sip_registered"
    assert (state_of(hass, status).state, state_of(hass, registered).state) == (
        "registered",
        "on",
    )

    simulator.set_registration_ok(False)
    await advance(hass, freezer, POLL)
    assert (state_of(hass, status).state, state_of(hass, registered).state) == (
        "failing",
        "off",
    )

    simulator.sip_enabled = False
    await advance(hass, freezer, POLL)
    assert (state_of(hass, status).state, state_of(hass, registered).state) == (
        "disabled",
        "off",
    )
    assert state_of(hass, status).state != STATE_UNAVAILABLE


@pytest.mark.usefixtures("init_integration")
async def test_last_attempt_follows_device(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The last registration attempt is the device's time, as a timestamp."""
    entity_id = "sensor.bas_ip_aq_07l_last_registration_attempt"
    assert state_of(hass, entity_id).state == "2026-03-01T12:00:00+00:00"
    assert state_of(hass, entity_id).attributes["device_class"] == "timestamp"


async def test_unique_ids_use_serial(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """Every unique id is the serial number and the entity key."""
    entries = er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
    assert entries
    for entity in entries:
        assert entity.unique_id.startswith(f"{simulator.serial}_")
        assert entity.platform == DOMAIN
