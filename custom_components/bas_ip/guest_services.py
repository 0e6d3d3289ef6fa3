"""The guest pass actions: create, revoke and list passes this integration made.

Response data carries a new pass's code (or its QR link) once; nothing here
logs it. Automation traces keep an action's response like any action data
(README, "Guest passes").
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Final

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import voluptuous as vol

from .client import (
    BasIpDuplicateError,
    BasIpError,
    BasIpPermissionError,
    IdentifierLock,
    IdentifierType,
)
from .const import DOMAIN
from .guest_passes import CreatedPass, GuestPass, GuestPasses
from .guest_view import qr_url
from .runtime import BasIpConfigEntry
from .services import TARGET_FIELDS, client_error, refused, target_entry

SERVICE_CREATE: Final = "create_guest_pass"
SERVICE_REVOKE: Final = "revoke_guest_pass"
SERVICE_LIST: Final = "list_guest_passes"

ATTR_KIND: Final = "kind"
ATTR_NAME: Final = "name"
ATTR_VALID_FROM: Final = "valid_from"
ATTR_VALID_UNTIL: Final = "valid_until"
ATTR_MAX_PASSES: Final = "max_passes"
ATTR_LOCK: Final = "lock"
ATTR_CODE: Final = "code"
ATTR_UID: Final = "uid"

CREATE_SCHEMA: Final = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Required(ATTR_KIND): vol.In([str(kind) for kind in IdentifierType]),
        vol.Required(ATTR_NAME): cv.string,
        vol.Optional(ATTR_VALID_FROM): cv.datetime,
        vol.Required(ATTR_VALID_UNTIL): cv.datetime,
        vol.Optional(ATTR_MAX_PASSES): vol.Any(None, vol.Coerce(int)),
        vol.Optional(ATTR_LOCK, default="first"): vol.In(["first", "second", "all"]),
        vol.Optional(ATTR_CODE): cv.string,
    }
)
REVOKE_SCHEMA: Final = vol.Schema({**TARGET_FIELDS, vol.Required(ATTR_UID): vol.Coerce(int)})
LIST_SCHEMA: Final = vol.Schema(TARGET_FIELDS)


def _passes(entry: BasIpConfigEntry) -> GuestPasses:
    passes = entry.runtime_data.guest_passes
    if passes is None:
        raise refused("guest_passes_unsupported", title=entry.title)
    return passes


def _aware(value: datetime) -> datetime:
    """Read a naive datetime as Home Assistant's local time."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt_util.DEFAULT_TIME_ZONE)


def _window(call: ServiceCall) -> tuple[datetime, datetime]:
    now = dt_util.utcnow()
    until = _aware(call.data[ATTR_VALID_UNTIL])
    start = _aware(call.data.get(ATTR_VALID_FROM) or now)
    if until <= now:
        raise refused("guest_pass_expired", field=ATTR_VALID_UNTIL)
    if until <= start:
        raise refused("guest_pass_window", field=ATTR_VALID_UNTIL)
    return start, until


def _described(entry: BasIpConfigEntry, guest: GuestPass) -> dict[str, JsonValueType]:
    return {
        ATTR_UID: guest.uid,
        ATTR_NAME: guest.name,
        ATTR_KIND: guest.kind,
        ATTR_LOCK: guest.lock,
        ATTR_VALID_FROM: guest.valid_from,
        ATTR_VALID_UNTIL: guest.valid_until,
        ATTR_MAX_PASSES: guest.max_passes,
    }


async def _async_create(entry: BasIpConfigEntry, call: ServiceCall) -> ServiceResponse:
    passes = _passes(entry)
    kind = IdentifierType(call.data[ATTR_KIND])
    code: str | None = call.data.get(ATTR_CODE)
    if code is not None and kind is IdentifierType.QR:
        raise refused("guest_pass_code_for_qr", field=ATTR_CODE)
    start, until = _window(call)
    try:
        created: CreatedPass = await passes.async_create(
            kind=kind,
            name=call.data[ATTR_NAME],
            valid_from=start,
            valid_until=until,
            max_passes=call.data.get(ATTR_MAX_PASSES),
            lock=IdentifierLock(call.data[ATTR_LOCK]),
            code=code,
        )
    except BasIpDuplicateError:
        raise refused("guest_pass_duplicate", field=ATTR_CODE) from None
    response = _described(entry, created.guest_pass)
    if kind is IdentifierType.CODE:
        response[ATTR_CODE] = created.number
    else:
        response["qr_url"] = qr_url(call.hass, entry, created.guest_pass)
    return response


async def _async_revoke(entry: BasIpConfigEntry, call: ServiceCall) -> ServiceResponse:
    uid: int = call.data[ATTR_UID]
    if not await _passes(entry).async_revoke(uid):
        raise refused("guest_pass_not_ours", uid=str(uid))
    return None


async def _async_list(entry: BasIpConfigEntry, call: ServiceCall) -> ServiceResponse:
    passes = _passes(entry)
    now = dt_util.utcnow()
    listed: list[JsonValueType] = []
    for guest in passes.active(now):
        described = _described(entry, guest)
        described["passes_left"] = await passes.async_passes_left(guest.uid)
        listed.append(described)
    return {"passes": listed}


type _Handler = Callable[[BasIpConfigEntry, ServiceCall], Coroutine[Any, Any, ServiceResponse]]


def _guest_call(
    handler: _Handler,
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """Run ``handler`` on the targeted entry; device errors become translated errors."""

    async def run(call: ServiceCall) -> ServiceResponse:
        entry = target_entry(call.hass, call)
        try:
            return await handler(entry, call)
        except BasIpPermissionError as err:
            raise refused("guest_pass_permission", title=entry.title) from err
        except BasIpError as err:
            error: HomeAssistantError = client_error(err, entry)
            raise error from err

    return run


@callback
def async_setup_guest_services(hass: HomeAssistant) -> None:
    """Register the guest pass actions."""
    for name, handler, schema, supports in (
        (SERVICE_CREATE, _async_create, CREATE_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_REVOKE, _async_revoke, REVOKE_SCHEMA, SupportsResponse.NONE),
        (SERVICE_LIST, _async_list, LIST_SCHEMA, SupportsResponse.ONLY),
    ):
        hass.services.async_register(
            DOMAIN, name, _guest_call(handler), schema=schema, supports_response=supports
        )
