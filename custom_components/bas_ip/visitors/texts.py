"""Words of the logbook and the media browser, in Home Assistant's language.

The texts live in the translations: the templates under ``selector.logbook``
and ``selector.visit``, the access methods under the access entity's
``method`` attribute. They are loaded once per entry set-up and read from
the cache afterwards (the logbook describes events synchronously), English
standing in for a language not loaded.

No identifier (card number, code, QR) is ever part of a text: only the
method, the owner's name as the device knows it, the door and the flat.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import (
    async_get_cached_translations,
    async_get_translations,
)

from custom_components.bas_ip.client import EventKind, IntercomEvent
from custom_components.bas_ip.const import DOMAIN

_CATEGORIES: Final = ("selector", "entity")
_FALLBACK_LANGUAGE: Final = "en"
_PREFIX: Final = f"component.{DOMAIN}"
_METHOD_KEY: Final = f"{_PREFIX}.entity.event.access.state_attributes.method.state."


async def async_load_texts(hass: HomeAssistant) -> None:
    """Load the texts of Home Assistant's language (and English) into the cache."""
    for language in {hass.config.language, _FALLBACK_LANGUAGE}:
        for category in _CATEGORIES:
            await async_get_translations(hass, language, category, [DOMAIN])


def _lookup(hass: HomeAssistant, category: str, key: str) -> str | None:
    for language in (hass.config.language, _FALLBACK_LANGUAGE):
        texts = async_get_cached_translations(hass, language, category, DOMAIN)
        if (text := texts.get(key)) is not None:
            return text
    return None


def text(hass: HomeAssistant, group: str, key: str, **placeholders: Any) -> str:
    """Format the template ``selector.<group>.options.<key>`` (its key when missing)."""
    template = _lookup(hass, "selector", f"{_PREFIX}.selector.{group}.options.{key}")
    if template is None:
        return key
    return template.format(**placeholders)


def access_details(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Say how, by whom and where an access happened: "Card, Anna, door 1".

    Only the method, the owner and the lock are read: never the identifier.
    """
    parts: list[str] = []
    if method := data.get("method"):
        parts.append(_lookup(hass, "entity", f"{_METHOD_KEY}{method}") or str(method))
    if owner := data.get("owner"):
        parts.append(str(owner))
    lock = data.get("lock")
    if lock == 0:
        parts.append(text(hass, "logbook", "all_doors"))
    elif isinstance(lock, int):
        parts.append(text(hass, "logbook", "door", lock=lock))
    return ", ".join(parts)


def describe(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Describe a doorbell or access event for the logbook.

    "Doorbell: ring (flat 101)", "Access granted: Card, Anna, door 1".
    """
    event_type = str(data.get("type"))
    if data.get("kind") == "doorbell":
        if number := data.get("number"):
            return text(hass, "logbook", f"{event_type}_number", number=number)
        return text(hass, "logbook", event_type)
    if details := access_details(hass, data):
        return text(hass, "logbook", f"{event_type}_details", details=details)
    return text(hass, "logbook", event_type)


def logbook_data(entity_id: str, event: IntercomEvent) -> dict[str, Any] | None:
    """Build the logbook's copy of a ring or an access: no identifier, no apartment.

    ``None`` for the other events (the logbook shows their state changes).
    """
    data: dict[str, Any] = {"entity_id": entity_id, "kind": str(event.kind), "type": event.type}
    if event.kind is EventKind.DOORBELL:
        return {**data, "number": event.data.get("number")}
    if event.kind is EventKind.ACCESS:
        return {**data, **{key: event.data.get(key) for key in ("method", "owner", "lock")}}
    return None
