"""Base entities of the BAS-IP integration."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .client import IntercomEvent
from .const import DOMAIN, MANUFACTURER
from .coordinator import BasIpDeviceCoordinator
from .event_coordinator import BasIpEventCoordinator
from .helpers import device_name
from .runtime import BasIpRuntimeData


def device_registry_info(runtime: BasIpRuntimeData) -> DeviceInfo:
    """Describe the device every entity of an entry belongs to."""
    info = runtime.device_info
    return DeviceInfo(
        identifiers={(DOMAIN, info.serial_number)},
        connections=({(CONNECTION_NETWORK_MAC, info.mac_address)} if info.mac_address else set()),
        manufacturer=MANUFACTURER,
        model=info.device_name,
        model_id=info.device_model,
        name=device_name(info),
        serial_number=info.serial_number,
        sw_version=info.firmware_version,
        configuration_url=runtime.client.base_url,
    )


class BasIpEntity[CoordinatorT: DataUpdateCoordinator[Any]](CoordinatorEntity[CoordinatorT]):
    """An entity of one BAS-IP device, fed by one of its coordinators."""

    _attr_has_entity_name = True

    def __init__(
        self,
        *,
        runtime: BasIpRuntimeData,
        coordinator: CoordinatorT,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to the device that the config entry stands for."""
        super().__init__(coordinator)
        self.entity_description = description
        self.runtime = runtime
        self._attr_unique_id = f"{runtime.device_info.serial_number}_{description.key}"
        self._attr_device_info = device_registry_info(runtime)

    @property
    def action_config_entry(self) -> ConfigEntry:
        """The entry named in an action's error."""
        return self.runtime.coordinator.config_entry


class BasIpDeviceEntity(BasIpEntity[BasIpDeviceCoordinator]):
    """An entity fed by the device coordinator (SIP settings and status, the door contact)."""

    def __init__(self, *, runtime: BasIpRuntimeData, description: EntityDescription) -> None:
        """Read from the entry's SIP coordinator."""
        super().__init__(runtime=runtime, coordinator=runtime.coordinator, description=description)


class BasIpStatusEntity(BasIpDeviceEntity):
    """An entity fed by the SIP registration status endpoint."""

    @property
    def available(self) -> bool:
        """Unavailable while the device does not answer its status endpoint."""
        return super().available and self.coordinator.data.status is not None


class BasIpEventChannelEntity(BasIpEntity[BasIpEventCoordinator]):
    """An entity fed by the event channel (the device's event log, polled or pushed).

    Each event reaches :meth:`_handle_event` exactly once, from the entry's
    event stream; the coordinator's updates only carry state.
    """

    def __init__(self, *, runtime: BasIpRuntimeData, description: EntityDescription) -> None:
        """Read from the entry's event coordinator."""
        super().__init__(runtime=runtime, coordinator=runtime.events, description=description)

    async def async_added_to_hass(self) -> None:
        """Subscribe to the entry's event stream."""
        await super().async_added_to_hass()
        self.async_on_remove(self.runtime.stream.async_subscribe(self._handle_event))

    @callback
    def _handle_event(self, event: IntercomEvent) -> None:
        """Handle one new event (entities that react override it)."""

    @property
    def available(self) -> bool:
        """Unavailable while events are off or the log cannot be read."""
        return (
            self.coordinator.enabled
            and self.coordinator.supported is not False
            and super().available
            and self.coordinator.data is not None
        )
