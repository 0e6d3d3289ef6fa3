"""Diagnostics: what the integration knows, without secrets or the device address."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .coordinator import BasIpConfigEntry

ENTRY_TO_REDACT = {CONF_HOST, CONF_PASSWORD}
# The models carry no token and no SIP password; the names are listed anyway so
# that such a field, should one ever be added, cannot reach a download.
DATA_TO_REDACT = {"password", "sip_password", "token"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BasIpConfigEntry
) -> dict[str, Any]:
    """Entry data, options, device info and the latest data."""
    coordinator = entry.runtime_data
    data = coordinator.data
    status = data.status
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), ENTRY_TO_REDACT),
            "options": dict(entry.options),
        },
        "device_info": async_redact_data(asdict(coordinator.device_info), DATA_TO_REDACT),
        "status_supported": coordinator.status_supported,
        "last_update_success": coordinator.last_update_success,
        "data": async_redact_data(
            {
                "settings": asdict(data.settings),
                "status": None
                if status is None
                else {
                    "status": status.status.value,
                    "registered": status.registered,
                    "last_attempt": status.last_attempt.isoformat()
                    if status.last_attempt
                    else None,
                },
            },
            DATA_TO_REDACT,
        ),
    }
