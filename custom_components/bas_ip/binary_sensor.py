"""Binary sensors: SIP registration, the door contact and a door left open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import DoorStatus, EventKind, IntercomEvent, SipStatus
from .entity import BasIpDeviceEntity, BasIpStatusEntity
from .runtime import BasIpConfigEntry, BasIpRuntimeData

# The coordinators do all device I/O; entities only read their data.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BasIpBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor read from the SIP registration status."""

    value_fn: Callable[[SipStatus], bool]


@dataclass(frozen=True, kw_only=True)
class BasIpDoorSensorDescription(BinarySensorEntityDescription):
    """A binary sensor of the door contact.

    ``value_fn`` reads the door-status call (each SIP refresh); ``event_fn``
    maps a door event from the log to the new state, or ``None`` when the
    event says nothing about this sensor.
    """

    value_fn: Callable[[DoorStatus], bool]
    event_fn: Callable[[str], bool | None]


BINARY_SENSORS: tuple[BasIpBinarySensorDescription, ...] = (
    BasIpBinarySensorDescription(
        key="sip_registered",
        translation_key="sip_registered",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda status: status.registered,
    ),
)

DOOR_SENSORS: tuple[BasIpDoorSensorDescription, ...] = (
    BasIpDoorSensorDescription(
        key="door",
        translation_key="door",
        device_class=BinarySensorDeviceClass.DOOR,
        value_fn=lambda door: door.is_open,
        event_fn={"opened": True, "closed": False}.get,
    ),
    BasIpDoorSensorDescription(
        key="door_open_too_long",
        translation_key="door_open_too_long",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=lambda door: door.open_too_long,
        # A closed door is no longer open too long.
        event_fn={"open_too_long": True, "closed": False}.get,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the registration sensor and, where the device has one, the door sensors."""
    runtime = entry.runtime_data
    entities: list[BinarySensorEntity] = []
    if runtime.capabilities.sip_status:
        entities.extend(
            BasIpBinarySensor(runtime=runtime, description=description)
            for description in BINARY_SENSORS
        )
    if runtime.capabilities.door_sensor:
        entities.extend(
            BasIpDoorSensor(runtime=runtime, description=description)
            for description in DOOR_SENSORS
        )
    async_add_entities(entities)


class BasIpBinarySensor(BasIpStatusEntity, BinarySensorEntity):
    """A state of the SIP registration."""

    entity_description: BasIpBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        """State according to the last successful refresh."""
        status = self.coordinator.data.status
        return None if status is None else self.entity_description.value_fn(status)


class BasIpDoorSensor(BasIpDeviceEntity, BinarySensorEntity):
    """The door contact: log events at once, corrected by each door-status read."""

    entity_description: BasIpDoorSensorDescription
    # The state a door event set since the last door-status read, if any.
    _from_event: bool | None = None

    def __init__(
        self, *, runtime: BasIpRuntimeData, description: BasIpDoorSensorDescription
    ) -> None:
        """Read the SIP coordinator's door status and follow the event channel."""
        super().__init__(runtime=runtime, description=description)

    async def async_added_to_hass(self) -> None:
        """Also follow the door events of the event stream (polled or pushed)."""
        await super().async_added_to_hass()
        self.async_on_remove(self.runtime.stream.async_subscribe(self._handle_event, backlog=False))

    @property
    def available(self) -> bool:
        """Unavailable while the door-status call does not answer."""
        return super().available and self.coordinator.data.door is not None

    @property
    def is_on(self) -> bool | None:
        """The newest of the door event and the door-status read."""
        if self._from_event is not None:
            return self._from_event
        door = self.coordinator.data.door
        return None if door is None else self.entity_description.value_fn(door)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Let a door-status read replace what the events said (a refresh without one does not)."""
        if self.coordinator.data.door_read:
            self._from_event = None
        super()._handle_coordinator_update()

    @callback
    def _handle_event(self, event: IntercomEvent) -> None:
        if event.kind is not EventKind.DOOR:
            return
        state = self.entity_description.event_fn(event.type)
        if state is not None:
            self._from_event = state
            self.async_write_ha_state()
