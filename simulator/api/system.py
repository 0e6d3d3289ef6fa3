"""Device info, MAC address and reboot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import json_response

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_INFO: Final = "/api/info"
PATH_MAC: Final = "/api/v1/network/mac"
PATH_REBOOT: Final = "/api/v1/system/reboot/run"


async def info(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET /api/info``: no token needed."""
    if request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response({**device.profile_data.info, "device_serial_number": device.serial})


async def mac(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET /api/v1/network/mac`` (Camdroid only)."""
    address = device.profile_data.mac_address
    if address is None:
        return device.errors.not_found()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response({"mac_address": address})


async def reboot(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET /api/v1/system/reboot/run``: answers 200, then the device is gone a while."""
    if request.method != "GET":
        return device.errors.method_not_allowed()
    device.start_reboot()
    # The answer's body is not documented (inferred: an empty object).
    return json_response({})
