"""Device info, MAC address, reboot and clearing the device's data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import json_response, read_json

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_INFO: Final = "/api/info"
PATH_MAC: Final = "/api/v1/network/mac"
PATH_REBOOT: Final = "/api/v1/system/reboot/run"
PATH_DATA_CLEAR: Final = "/api/v1/system/data/clear"
DATA_TYPES_REASON: Final = "must be a list of data types"


async def info(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET /api/info``: no token needed."""
    if request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response({**device.profile_data.info, "device_serial_number": device.system.serial})


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
    device.system.start_reboot()
    # The answer's body is not documented (inferred: an empty object).
    return json_response({})


async def data_clear(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``POST /api/v1/system/data/clear``: ``{"<field>": ["logs", ...]}``.

    The field is the profile's (``clear_fields`` on API 2.x, ``data_types``
    on 1.x). ``"logs"`` empties the log, as third-party access systems do
    after each read; other data types are accepted and not modelled.
    """
    if request.method != "POST":
        return device.errors.method_not_allowed()
    body, problem = await read_json(request)
    field = device.profile_data.data_clear_field
    kinds = body.get(field) if problem is None and isinstance(body, dict) else None
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        return device.errors.not_valid({field: DATA_TYPES_REASON})
    if "logs" in kinds:
        device.log.clear()
    # The answer's body is not documented (inferred: an empty object).
    return json_response({})
