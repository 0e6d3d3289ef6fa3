"""Device endpoints, one module per subject, routed by path.

Each handler is ``async (device, request) -> response``; the token check,
faults and delays happen before, in :class:`simulator.server.DeviceSimulator`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from aiohttp import web

from . import access, auth, camera, log, sip, system

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
    (access.PATH_LOCK_OPEN_PREFIX, access.lock_open),
)


def route(path: str) -> Handler | None:
    """Find the handler of an ``/api/v1`` path, or ``None`` (404)."""
    handler = ROUTES.get(path)
    if handler is not None:
        return handler
    for prefix, prefixed in PREFIX_ROUTES:
        if path.startswith(prefix):
            return prefixed
    return None


__all__ = ["PATH_INFO", "PATH_LOGIN", "ROUTES", "Handler", "route", "system"]
