"""Device endpoints, one module per subject, routed by path.

Each handler is ``async (device, request) -> response``; the token check,
faults and delays happen before, in :class:`simulator.server.DeviceSimulator`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from aiohttp import web

from . import access, auth, camera, identifiers, log, sip, system, webhooks

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

Handler = Callable[["DeviceSimulator", web.BaseRequest], Awaitable[web.StreamResponse]]

PATH_INFO: Final = system.PATH_INFO
PATH_LOGIN: Final = auth.PATH_LOGIN

# Exact paths under /api/v1 (the login needs no token).
ROUTES: Final[dict[str, Handler]] = {
    auth.PATH_LOGIN: auth.login,
    auth.PATH_LOGOUT: auth.logout,
    system.PATH_MAC: system.mac,
    system.PATH_REBOOT: system.reboot,
    system.PATH_DATA_CLEAR: system.data_clear,
    sip.PATH_SIP_SETTINGS: sip.settings,
    sip.PATH_SIP_ENABLE: sip.enable,
    sip.PATH_SIP_STATUS: sip.status,
    log.PATH_LOG_ITEMS: log.items,
    access.PATH_LOCK_TYPE: access.lock_type,
    access.PATH_DOOR_STATUS: access.door_status,
    access.PATH_EMERGENCY_OPEN: access.emergency_open,
    access.PATH_EMERGENCY_CLOSE: access.emergency_close,
    camera.PATH_SNAPSHOT: camera.snapshot,
    camera.PATH_RTSP: camera.rtsp,
}
# Paths that end in a parameter.
PREFIX_ROUTES: Final[tuple[tuple[str, Handler], ...]] = (
    (access.PATH_OPEN_LOCK_PREFIX, access.open_lock),
)
# Only on families with webhooks (Android panels from firmware 3.25.8).
WEBHOOK_ROUTES: Final[dict[str, Handler]] = {webhooks.PATH_WEBHOOKS: webhooks.collection}
WEBHOOK_PREFIX_ROUTES: Final[tuple[tuple[str, Handler], ...]] = (
    (webhooks.PATH_WEBHOOK_PREFIX, webhooks.item),
)

# Per identifier spelling of the family's API line (docs/device-api.md, "Identifiers").
IDENTIFIER_ROUTES: Final[dict[str, dict[str, Handler]]] = {
    spelling: {
        identifiers.PATH_CREATE[spelling]: identifiers.create,
        identifiers.PATH_LIST[spelling]: identifiers.listing,
    }
    for spelling in (identifiers.SINGULAR, identifiers.PLURAL)
}
IDENTIFIER_PREFIX_ROUTES: Final[dict[str, tuple[tuple[str, Handler], ...]]] = {
    spelling: ((identifiers.PATH_ITEM_PREFIX[spelling], identifiers.ITEM_HANDLERS[spelling]),)
    for spelling in (identifiers.SINGULAR, identifiers.PLURAL)
}


def _find(
    path: str, exact: dict[str, Handler], prefixed: tuple[tuple[str, Handler], ...]
) -> Handler | None:
    handler = exact.get(path)
    if handler is not None:
        return handler
    for prefix, prefix_handler in prefixed:
        if path.startswith(prefix):
            return prefix_handler
    return None


def route(path: str, *, with_webhooks: bool = False, ids: tuple[str, ...] = ()) -> Handler | None:
    """Find the handler of an ``/api/v1`` path, or ``None`` (404).

    ``with_webhooks``: the family has ``/api/v1/webhooks`` (else it is unknown);
    ``ids``: the identifier spellings it has (none: identifier paths are unknown).
    """
    handler = _find(path, ROUTES, PREFIX_ROUTES)
    if handler is None and with_webhooks:
        handler = _find(path, WEBHOOK_ROUTES, WEBHOOK_PREFIX_ROUTES)
    for spelling in ids:
        if handler is None:
            handler = _find(path, IDENTIFIER_ROUTES[spelling], IDENTIFIER_PREFIX_ROUTES[spelling])
    return handler


__all__ = ["PATH_INFO", "PATH_LOGIN", "ROUTES", "Handler", "route", "system"]
