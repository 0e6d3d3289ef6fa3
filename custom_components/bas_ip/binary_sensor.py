"""Binary sensor: whether the device is registered on its SIP server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import SipStatus
from .coordinator import BasIpConfigEntry, BasIpCoordinator
from .entity import BasIpStatusEntity

# The coordinator does all device I/O; entities only read its data.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BasIpBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor read from the SIP registration status."""

    value_fn: Callable[[SipStatus], bool]


BINARY_SENSORS: tuple[BasIpBinarySensorDescription, ...] = (
    BasIpBinarySensorDescription(
        key="sip_registered",
        translation_key="sip_registered",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda status: status.registered,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the registration sensor where the device reports its status."""
    coordinator = entry.runtime_data
    if coordinator.status_supported:
        async_add_entities(
            BasIpBinarySensor(coordinator, description) for description in BINARY_SENSORS
        )


class BasIpBinarySensor(BasIpStatusEntity, BinarySensorEntity):
    """A state of the SIP registration."""

    entity_description: BasIpBinarySensorDescription

    def __init__(
        self, coordinator: BasIpCoordinator, description: BasIpBinarySensorDescription
    ) -> None:
        """Describe the binary sensor."""
        super().__init__(coordinator, description)

    @property
    def is_on(self) -> bool | None:
        """State according to the last successful refresh."""
        status = self.coordinator.data.status
        return None if status is None else self.entity_description.value_fn(status)
