"""Actions of the integration: hold a door open, end the hold, write SIP settings.

They are registered once in ``async_setup`` (they exist while no entry is
loaded) and each targets one BAS-IP config entry or device. The SIP password
given to ``set_sip_settings`` goes to the device only: it is never logged,
echoed in an error or kept.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import voluptuous as vol

from .client import (
    BasIpError,
    BasIpIncompleteError,
    BasIpValidationError,
    SipSettingsUpdate,
    SipTransport,
)
from .client.models import LOCK_MAX
from .const import DOMAIN
from .errors import action_error
from .runtime import BasIpConfigEntry

SERVICE_HOLD_DOOR_OPEN: Final = "hold_door_open"
SERVICE_END_HOLD_OPEN: Final = "end_hold_open"
SERVICE_SET_SIP_SETTINGS: Final = "set_sip_settings"

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_LOCK: Final = "lock"
ATTR_DURATION: Final = "duration"
ATTR_PASSWORD: Final = "password"
ATTR_USER: Final = "user"
ATTR_REALM: Final = "realm"
ATTR_PROXY: Final = "proxy"
ATTR_TRANSPORT: Final = "transport"
ATTR_REGISTRATION_INTERVAL: Final = "registration_interval"
ATTR_STUN_HOST: Final = "stun_host"
ATTR_STUN_PORT: Final = "stun_port"

# The client names the device's fields; errors name the action's fields.
_ACTION_FIELDS: Final = {
    "seconds": ATTR_DURATION,
    "stun": ATTR_STUN_HOST,
    "stun.ip": ATTR_STUN_HOST,
    "stun.port": ATTR_STUN_PORT,
}


def _one_id(value: Any) -> str:
    """Accept an id, also as the one-item list an action's ``target`` produces."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return cv.string(value)


# Ranges are checked when the action runs, so that a refused value is a
# translated error naming the field (the selectors keep the UI in range).
TARGET_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): _one_id,
    vol.Optional(ATTR_DEVICE_ID): _one_id,
}
HOLD_DOOR_OPEN_SCHEMA: Final = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Optional(ATTR_LOCK, default=1): vol.Coerce(int),
        vol.Required(ATTR_DURATION): vol.Coerce(int),
    }
)
END_HOLD_OPEN_SCHEMA: Final = vol.Schema(
    {**TARGET_FIELDS, vol.Optional(ATTR_LOCK, default=1): vol.Coerce(int)}
)
SET_SIP_SETTINGS_SCHEMA: Final = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Required(ATTR_PASSWORD): cv.string,
        vol.Optional(ATTR_USER): cv.string,
        vol.Optional(ATTR_REALM): cv.string,
        vol.Optional(ATTR_PROXY): cv.string,
        vol.Optional(ATTR_TRANSPORT): vol.All(cv.string, vol.Lower),
        vol.Optional(ATTR_REGISTRATION_INTERVAL): vol.Coerce(int),
        vol.Optional(ATTR_STUN_HOST): cv.string,
        vol.Optional(ATTR_STUN_PORT): vol.Coerce(int),
    }
)


def refused(key: str, **placeholders: str) -> ServiceValidationError:
    """Build the translated error of an action refused before any device call."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _invalid(field: str, entry: BasIpConfigEntry) -> HomeAssistantError:
    return action_error(BasIpValidationError(f"Invalid value for '{field}'", field=field), entry)


def client_error(err: BasIpError, entry: BasIpConfigEntry) -> HomeAssistantError:
    """Translate the error of a failed device call, naming the action's field."""
    if isinstance(err, BasIpValidationError) and err.field is not None:
        return _invalid(_ACTION_FIELDS.get(err.field, err.field), entry)
    return action_error(err, entry)


def target_entry(hass: HomeAssistant, call: ServiceCall) -> BasIpConfigEntry:
    """Find the loaded entry the call names, by its id or by its device."""
    entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
    device_id: str | None = call.data.get(ATTR_DEVICE_ID)
    if (entry_id is None) == (device_id is None):
        raise refused("target_required")
    if device_id is not None:
        device = dr.async_get(hass).async_get(device_id)
        entry_ids = sorted(device.config_entries) if device is not None else []
        entries = [
            entry
            for entry_id in entry_ids
            if (entry := hass.config_entries.async_get_entry(entry_id)) is not None
            and entry.domain == DOMAIN
        ]
        if not entries:
            raise refused("device_not_found", device_id=device_id)
        entry = entries[0]
    else:
        assert entry_id is not None
        found = hass.config_entries.async_get_entry(entry_id)
        if found is None or found.domain != DOMAIN:
            raise refused("entry_not_found", entry_id=entry_id)
        entry = found
    if entry.state is not ConfigEntryState.LOADED:
        raise refused("entry_not_loaded", title=entry.title)
    typed: BasIpConfigEntry = entry
    return typed


def _hold_open_lock(entry: BasIpConfigEntry, call: ServiceCall) -> int:
    """Check the lock to hold open or close, on a device that can hold a door open."""
    capabilities = entry.runtime_data.capabilities
    if not capabilities.emergency_hold:
        raise refused("hold_open_unsupported", title=entry.title)
    lock: int = call.data[ATTR_LOCK]
    if not 1 <= lock <= min(capabilities.locks, LOCK_MAX):
        raise refused(
            "invalid_lock", title=entry.title, lock=str(lock), locks=str(capabilities.locks)
        )
    return lock


async def _async_hold_door_open(entry: BasIpConfigEntry, call: ServiceCall) -> None:
    lock = _hold_open_lock(entry, call)
    # Seconds, as the device wants them (never milliseconds).
    await entry.runtime_data.client.hold_door_open(lock, call.data[ATTR_DURATION])


async def _async_end_hold_open(entry: BasIpConfigEntry, call: ServiceCall) -> None:
    lock = _hold_open_lock(entry, call)
    await entry.runtime_data.client.end_hold_open(lock)


async def _async_set_sip_settings(entry: BasIpConfigEntry, call: ServiceCall) -> None:
    transport: SipTransport | None = None
    if (raw_transport := call.data.get(ATTR_TRANSPORT)) is not None:
        try:
            transport = SipTransport(raw_transport)
        except ValueError:
            raise _invalid(ATTR_TRANSPORT, entry) from None
    update = SipSettingsUpdate(
        user=call.data.get(ATTR_USER),
        realm=call.data.get(ATTR_REALM),
        proxy=call.data.get(ATTR_PROXY),
        transport=transport,
        registration_interval=call.data.get(ATTR_REGISTRATION_INTERVAL),
        # A part left out keeps the device's: the client merges them against
        # what the device returns just before the write.
        stun_host=call.data.get(ATTR_STUN_HOST),
        stun_port=call.data.get(ATTR_STUN_PORT),
    )
    runtime = entry.runtime_data
    try:
        await runtime.client.set_sip_settings(update, password=call.data[ATTR_PASSWORD])
    except BasIpIncompleteError as err:
        raise refused("stun_incomplete", field=_ACTION_FIELDS.get(err.field or "", "")) from None
    # The settings event entity then reports the change, as for any change.
    await runtime.coordinator.async_request_refresh()


type _Handler = Callable[[BasIpConfigEntry, ServiceCall], Coroutine[Any, Any, None]]


def _device_call(handler: _Handler) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
    """Run ``handler`` on the targeted entry; a client error becomes a translated error."""

    async def run(call: ServiceCall) -> None:
        entry = target_entry(call.hass, call)
        try:
            await handler(entry, call)
        except BasIpError as err:
            raise client_error(err, entry) from err

    return run


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for name, handler, schema in (
        (SERVICE_HOLD_DOOR_OPEN, _async_hold_door_open, HOLD_DOOR_OPEN_SCHEMA),
        (SERVICE_END_HOLD_OPEN, _async_end_hold_open, END_HOLD_OPEN_SCHEMA),
        (SERVICE_SET_SIP_SETTINGS, _async_set_sip_settings, SET_SIP_SETTINGS_SCHEMA),
    ):
        hass.services.async_register(DOMAIN, name, _device_call(handler), schema=schema)
