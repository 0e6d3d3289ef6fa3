"""Login and logout (docs/device-api.md, "Authentication")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import json_response

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_LOGIN: Final = "/api/v1/login"
PATH_LOGOUT: Final = "/api/v1/logout"


def bearer_token(request: web.BaseRequest) -> str | None:
    """Read the Bearer token of the request, if it carries one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


async def login(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET|POST /api/v1/login?username=&password=<md5 hex>``."""
    if request.method not in ("GET", "POST"):
        return device.errors.method_not_allowed()
    token = device.check_login(request.query.get("username"), request.query.get("password"))
    if token is None:
        return device.errors.unauthorized()
    return json_response({"token": token, "account_type": "admin"})


async def logout(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """Revoke the caller's token."""
    _, _, token = request.headers.get("Authorization", "").partition(" ")
    device.auth.revoke(token.strip())
    return json_response({})
