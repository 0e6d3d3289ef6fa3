"""Base entity of the BAS-IP integration."""

from __future__ import annotations

from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import BasIpCoordinator


def device_name(coordinator: BasIpCoordinator) -> str:
    """Name of the device as shown in Home Assistant."""
    model = coordinator.device_info.device_name
    return f"{MANUFACTURER} {model}" if model else f"{MANUFACTURER} intercom"


class BasIpEntity(CoordinatorEntity[BasIpCoordinator]):
    """An entity of one BAS-IP device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: BasIpCoordinator, description: EntityDescription) -> None:
        """Attach the entity to the device that the config entry stands for."""
        super().__init__(coordinator)
        self.entity_description = description
        info = coordinator.device_info
        serial = info.serial_number
        self._attr_unique_id = f"{serial}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, serial)},
            connections=(
                {(CONNECTION_NETWORK_MAC, info.mac_address)} if info.mac_address else set()
            ),
            manufacturer=MANUFACTURER,
            model=info.device_name,
            model_id=info.device_model,
            name=device_name(coordinator),
            serial_number=serial,
            sw_version=info.firmware_version,
            configuration_url=coordinator.client.base_url,
        )


class BasIpStatusEntity(BasIpEntity):
    """An entity fed by the SIP registration status endpoint."""

    @property
    def available(self) -> bool:
        """Unavailable while the device does not answer its status endpoint."""
        return super().available and self.coordinator.data.status is not None
