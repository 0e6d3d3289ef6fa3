"""Logbook: rings and accesses in words, in Home Assistant's language.

The doorbell and access entities fire ``bas_ip_event`` with each ring,
missed call and access (``visitors.texts.logbook_data``: the method, the
owner's name, the lock, the called number; never an identifier). The
logbook shows it on the entity: "Doorbell: ring (flat 101)", "Access
granted: Card, Anna, door 1".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN, EVENT_LOGBOOK, MANUFACTURER
from .visitors.texts import describe


def device_name(hass: HomeAssistant, entity_id: str | None) -> str:
    """Name the intercom an entity belongs to, as the user named it."""
    entity = er.async_get(hass).async_get(entity_id) if entity_id else None
    device_id = None if entity is None else entity.device_id
    device = dr.async_get(hass).async_get(device_id) if device_id else None
    if device is None:
        return MANUFACTURER
    return device.name_by_user or device.name or MANUFACTURER


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the integration's ring and access events."""

    @callback
    def async_describe(event: Event) -> dict[str, Any]:
        entity_id = event.data.get(ATTR_ENTITY_ID)
        return {
            LOGBOOK_ENTRY_NAME: device_name(hass, entity_id),
            LOGBOOK_ENTRY_MESSAGE: describe(hass, event.data),
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
        }

    async_describe_event(DOMAIN, EVENT_LOGBOOK, async_describe)
