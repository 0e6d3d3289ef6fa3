"""Snapshot and RTSP settings (docs/device-api.md, "Camera")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import json_response

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_SNAPSHOT: Final = "/api/v1/photo/file"
PATH_RTSP: Final = "/api/v1/device/settings/rtsp"


async def snapshot(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """One picture, after ``snapshot_delay`` seconds (real panels need 2-4 s)."""
    if device.profile_data.snapshot_format is None:
        return device.errors.not_found()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    camera = device.camera
    camera.snapshots += 1
    if camera.snapshot_delay > 0:
        await device.sleep(camera.snapshot_delay)
    body, content_type = camera.snapshot_body()
    return web.Response(body=body, content_type=content_type)


async def rtsp(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``{"username", "password", "is_audio_enabled"}``; masked on newer firmware."""
    if device.profile_data.rtsp_password is None:
        return device.errors.not_found()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response(device.camera.rtsp_answer())
