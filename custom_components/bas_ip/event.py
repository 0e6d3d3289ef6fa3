"""Event entities: the doorbell, access at the door, device events, SIP settings changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from homeassistant.components.event import (
    EventDeviceClass,
    EventEntity,
    EventEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import EventKind, IntercomEvent, SipSettings, StunServer
from .const import (
    ATTR_CHANGED,
    ATTR_NEW,
    ATTR_OLD,
    EVENT_LOGBOOK,
    EVENT_MISSED,
    EVENT_RING,
    EVENT_SETTINGS_CHANGED,
    LOGGER,
)
from .entity import BasIpDeviceEntity, BasIpEventChannelEntity
from .runtime import BasIpConfigEntry, BasIpRuntimeData
from .visitors import logbook_data, logs_missed_calls

# The coordinators do all device I/O; entities only read their data.
PARALLEL_UPDATES = 0

ATTR_DEVICE_TIMESTAMP = "device_timestamp"
ATTR_GUEST_PASS = "guest_pass"

SIP_SETTINGS_EVENT = EventEntityDescription(
    key="sip_settings",
    translation_key="sip_settings",
    entity_category=EntityCategory.DIAGNOSTIC,
    event_types=[EVENT_SETTINGS_CHANGED],
)


@dataclass(frozen=True, kw_only=True)
class BasIpLogEventDescription(EventEntityDescription):
    """An event entity fed by one kind of event-log item."""

    kind: EventKind
    types_fn: Callable[[BasIpRuntimeData], list[str]]


def _doorbell_types(runtime: BasIpRuntimeData) -> list[str]:
    if logs_missed_calls(runtime.capabilities):
        return [EVENT_RING, EVENT_MISSED]
    return [EVENT_RING]


LOG_EVENTS: tuple[BasIpLogEventDescription, ...] = (
    BasIpLogEventDescription(
        key="doorbell",
        translation_key="doorbell",
        device_class=EventDeviceClass.DOORBELL,
        kind=EventKind.DOORBELL,
        types_fn=_doorbell_types,
    ),
    BasIpLogEventDescription(
        key="access",
        translation_key="access",
        kind=EventKind.ACCESS,
        types_fn=lambda _: ["granted", "denied"],
    ),
    BasIpLogEventDescription(
        key="device_event",
        translation_key="device_event",
        kind=EventKind.DEVICE,
        types_fn=lambda _: [
            "tamper",
            "sip_registration_lost",
            "booted",
            "login_failed",
            "emergency_open",
            "other",
        ],
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the settings-change entity and, where the device has a log, the log's."""
    runtime = entry.runtime_data
    entities: list[EventEntity] = [
        BasIpSettingsEvent(runtime=runtime, description=SIP_SETTINGS_EVENT)
    ]
    if runtime.capabilities.event_log:
        entities.extend(
            BasIpLogEvent(runtime=runtime, description=description) for description in LOG_EVENTS
        )
    async_add_entities(entities)


def _plain(value: object) -> str | int | None:
    """Render a settings value as it appears in event data (JSON-friendly)."""
    if isinstance(value, StunServer):
        return f"{value.host}:{value.port}"
    if value is None or isinstance(value, int):
        return value
    return str(value)


def settings_changes(old: SipSettings, new: SipSettings) -> dict[str, Any]:
    """Event data naming each changed field with its old and new value.

    The models hold no SIP password, so it can never be part of the data.
    """
    changed = [
        field.name
        for field in fields(SipSettings)
        if getattr(old, field.name) != getattr(new, field.name)
    ]
    return {
        ATTR_CHANGED: changed,
        ATTR_OLD: {name: _plain(getattr(old, name)) for name in changed},
        ATTR_NEW: {name: _plain(getattr(new, name)) for name in changed},
    }


class BasIpSettingsEvent(BasIpDeviceEntity, EventEntity):
    """Reports SIP settings that differ from the last successful refresh.

    The comparison is always against the last settings the device actually
    returned, so neither start-up nor the device returning after an outage
    counts as a change; a change made during an outage is reported once the
    device answers again.
    """

    _known: SipSettings | None = None

    async def async_added_to_hass(self) -> None:
        """Take the current settings as the reference, without reporting them."""
        await super().async_added_to_hass()
        if self.coordinator.last_update_success:
            self._known = self.coordinator.data.settings

    @callback
    def _handle_coordinator_update(self) -> None:
        """Fire once per change seen in a successful refresh."""
        if self.coordinator.last_update_success:
            settings = self.coordinator.data.settings
            if self._known is not None and settings != self._known:
                self._trigger_event(EVENT_SETTINGS_CHANGED, settings_changes(self._known, settings))
            self._known = settings
        super()._handle_coordinator_update()


class BasIpLogEvent(BasIpEventChannelEntity, EventEntity):
    """Fires for each new event-log item of its kind, exactly once."""

    entity_description: BasIpLogEventDescription

    def __init__(self, *, runtime: BasIpRuntimeData, description: BasIpLogEventDescription) -> None:
        """Take the event types the device family logs."""
        super().__init__(runtime=runtime, description=description)
        self._attr_event_types = description.types_fn(runtime)

    @callback
    def _handle_event(self, event: IntercomEvent) -> None:
        """Fire one new event of this entity's kind."""
        if event.kind is not self.entity_description.kind:
            return
        event_type = event.type
        if event_type not in self._attr_event_types:
            # A type this family is not known to log: never dropped silently,
            # reported as "other" where the entity has it.
            if "other" not in self._attr_event_types:
                LOGGER.debug("%s: ignoring %s event", self.entity_id, event_type)
                return
            event_type = "other"
        # Back from unavailable: show the previous state first, so that an
        # automation sees each event as a change from a normal state.
        self.async_write_ha_state()
        data = {**event.data, ATTR_DEVICE_TIMESTAMP: event.item.timestamp}
        if event_type == EVENT_RING and (visitors := self.runtime.visitors) is not None:
            # The ring's own picture, by links that work before it is taken.
            data |= visitors.links(event)
        if event.kind is EventKind.ACCESS and (guests := self.runtime.guest_passes) is not None:
            # "The cleaner arrived": the identifier is one of our guest passes.
            data[ATTR_GUEST_PASS] = guests.is_ours(event.data.get("identifier"))
        self._trigger_event(event_type, data)
        # One state per event, so that an automation sees each of them.
        self.async_write_ha_state()
        if (logbook := logbook_data(self.entity_id, event)) is not None:
            self.hass.bus.async_fire(EVENT_LOGBOOK, logbook)
