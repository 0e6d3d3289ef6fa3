"""Diagnostics: what the integration knows, without secrets, identifiers or the address."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .client import EventLogReader
from .const import CONF_RTSP_PASSWORD, CONF_WEBHOOK_ID, CONF_WEBHOOK_SECRET
from .runtime import BasIpConfigEntry

# The webhook id is part of the URL deliveries are accepted at: as secret as
# the webhook secret itself.
ENTRY_TO_REDACT = {
    CONF_HOST,
    CONF_PASSWORD,
    CONF_RTSP_PASSWORD,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
}
# The MAC address and the serial number identify the device, as core's
# integrations treat them. The models carry no token, no SIP password and no
# RTSP password in these dicts; the names are listed anyway so that such a
# field, should one ever be added, cannot reach a download.
DATA_TO_REDACT = {
    "password",
    "sip_password",
    "rtsp_password",
    "token",
    "mac_address",
    "serial_number",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BasIpConfigEntry
) -> dict[str, Any]:
    """Entry data, options, device info, capabilities and the latest data.

    Of the event log only its shape is included (a field report: the
    dialect found, whether the order verified, whether login markers
    appear, the field names and log keys seen with their counts), never an
    item: items carry card numbers, codes, owners and timestamps.
    """
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    capabilities = runtime.capabilities
    data = coordinator.data
    status = data.status
    events = runtime.events
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), ENTRY_TO_REDACT),
            "options": async_redact_data(dict(entry.options), ENTRY_TO_REDACT),
        },
        "push": None if runtime.push is None else runtime.push.health.as_dict(),
        "device_info": async_redact_data(asdict(runtime.device_info), DATA_TO_REDACT),
        "capabilities": {
            "locks": capabilities.locks,
            "door_sensor": capabilities.door_sensor,
            "emergency_hold": capabilities.emergency_hold,
            "camera": capabilities.camera,
            "webhooks": capabilities.webhooks,
            "sip_status": capabilities.sip_status,
            "event_log": capabilities.event_log,
            "rtsp_credentials_known": capabilities.rtsp is not None
            and not capabilities.rtsp.password_masked,
        },
        "status_supported": coordinator.status_supported,
        "last_update_success": coordinator.last_update_success,
        "events": {
            "enabled": events.enabled,
            "supported": events.supported,
            "last_update_success": events.last_update_success,
            "interval_seconds": events.update_interval.total_seconds()
            if events.update_interval
            else None,
            "log": _log_report(events.reader),
        },
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
                "door": None if data.door is None else asdict(data.door),
            },
            DATA_TO_REDACT,
        ),
    }


def _log_report(reader: EventLogReader | None) -> dict[str, Any] | None:
    """Describe what this device's log looks like: names and counts only, no values."""
    if reader is None:
        return None
    layout = reader.layout
    return {
        "dialect": None if layout is None else layout.dialect.value,
        "newest_first": None if layout is None else layout.newest_first,
        "order_verified": None if layout is None else layout.verified,
        "probe": [str(step) for step in reader.probe_steps],
        "login_markers": reader.markers,
        "fields_seen": sorted(reader.report.fields_seen),
        "keys_seen": dict(sorted(reader.report.keys_seen.items())),
    }
