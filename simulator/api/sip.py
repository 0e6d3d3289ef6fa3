"""SIP settings, SIP on/off and registration status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import json_response, read_json
from simulator.validation import SettingsError

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_SIP_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_SIP_ENABLE: Final = "/api/v1/device/sip/enable"
PATH_SIP_STATUS: Final = "/api/v1/sip/status"


async def settings(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """GET the settings (masked on Android); POST changes, validated."""
    if request.method == "POST":
        changes, problem = await read_json(request)
        if problem is not None:
            return device.errors.not_valid({"body": problem})
        try:
            device.sip.apply(changes)
        except SettingsError as err:
            return device.errors.not_valid(err.errors)
    elif request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response(device.sip.settings_answer())


async def enable(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """GET or POST ``{"sip_enable": bool}``."""
    if request.method == "POST":
        changes, problem = await read_json(request)
        if problem is not None:
            return device.errors.not_valid({"body": problem})
        enabled = changes.get("sip_enable") if isinstance(changes, dict) else None
        if not isinstance(enabled, bool):
            return device.errors.not_valid({"sip_enable": "must be a boolean"})
        device.sip.enabled = enabled
    elif request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response({"sip_enable": device.sip.enabled})


async def status(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``{"sip_status": "OK"|"ERROR"|"OFFLINE", "register_last_attempt": ...}``."""
    if device.sip.status_endpoint_missing:
        return device.errors.not_found()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response(device.sip.status_answer())
