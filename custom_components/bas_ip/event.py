"""Event entity: fires when the SIP settings on the device change."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import SipSettings, StunServer
from .const import ATTR_CHANGED, ATTR_NEW, ATTR_OLD, EVENT_SETTINGS_CHANGED
from .coordinator import BasIpConfigEntry, BasIpCoordinator
from .entity import BasIpEntity

# The coordinator does all device I/O; entities only read its data.
PARALLEL_UPDATES = 0

SIP_SETTINGS_EVENT = EventEntityDescription(
    key="sip_settings",
    translation_key="sip_settings",
    entity_category=EntityCategory.DIAGNOSTIC,
    event_types=[EVENT_SETTINGS_CHANGED],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the settings-change event entity."""
    async_add_entities([BasIpSettingsEvent(entry.runtime_data, SIP_SETTINGS_EVENT)])


def _plain(value: object) -> str | int | None:
    """A settings value as it appears in event data (JSON-friendly)."""
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


class BasIpSettingsEvent(BasIpEntity, EventEntity):
    """Reports SIP settings that differ from the last successful refresh.

    The comparison is always against the last settings the device actually
    returned, so neither start-up nor the device returning after an outage
    counts as a change; a change made during an outage is reported once the
    device answers again.
    """

    def __init__(self, coordinator: BasIpCoordinator, description: EventEntityDescription) -> None:
        """Start without a reference; it is taken when the entity is added."""
        super().__init__(coordinator, description)
        self._known: SipSettings | None = None

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
