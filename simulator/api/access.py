"""Locks, the door contact and the emergency hold-open (docs/device-api.md, "Doors")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from simulator.errors import flat_error, json_response, read_json
from simulator.profiles import ErrorStyle

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_LOCK_TYPE: Final = "/api/v1/access/general/lock/type"
PATH_OPEN_LOCK_PREFIX: Final = "/api/v1/access/general/lock/open/remote/accepted/"
PATH_DOOR_STATUS: Final = "/api/v1/access/door/status"
PATH_EMERGENCY_OPEN: Final = "/api/v1/access/general/lock/open/emergency"
PATH_EMERGENCY_CLOSE: Final = "/api/v1/access/general/lock/close/emergency"

LOCK_MAX: Final = 8
UNLOCK_TIME_MIN: Final = 1
# One week: the vendor schema (Camdroid 1.0.7, Android 2.9/2.10) says 1..604800 s.
UNLOCK_TIME_MAX: Final = 604800
DOOR_SENSOR_OFF: Final = "Door sensor mode is not activated"
# Flat error texts of the emergency endpoints and Android lock opens (inferred).
BAD_LOCK: Final = "Invalid lock number"
BAD_UNLOCK_TIME: Final = "Invalid unlock time"
BAD_BODY: Final = "Invalid request body"


async def lock_type(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``{"locks": [{"type": ...}, ...]}``: one item per lock (Camdroid panels)."""
    types = device.profile_data.lock_types
    if types is None:
        return device.errors.not_found()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    return json_response({"locks": [{"type": kind} for kind in types]})


async def open_lock(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET .../lock/open/remote/accepted/{n}``: 0 = all locks, 1..8 one lock."""
    max_lock = device.profile_data.max_lock
    if max_lock is None:
        return device.errors.not_found()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    text = request.path[len(PATH_OPEN_LOCK_PREFIX) :]
    number = int(text) if text.isdecimal() and text.isascii() and len(text) <= 3 else None
    if number is None or number > max_lock:
        if device.profile_data.error_style is ErrorStyle.NESTED:
            # Camdroid (inferred): a not_valid error naming the lock.
            return device.errors.not_valid({"lock": f"must be between 0 and {LOCK_MAX}"})
        # Android opens lock 0/1 only; others are refused with a flat error.
        return flat_error(400, BAD_LOCK)
    device.doors.release(number)
    # The body is not documented: any 2xx means done (inferred: an empty object).
    return json_response({})


async def door_status(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """Answer the door contact; 400 (flat, every family) when the input is not a door sensor."""
    if device.profile_data.door_sensor is None:
        return device.errors.not_found()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    if not device.doors.door_sensor:
        return flat_error(400, DOOR_SENSOR_OFF)
    return json_response(device.doors.status_answer())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _lock_number_ok(value: Any) -> bool:
    return _is_int(value) and 1 <= value <= LOCK_MAX


async def emergency_open(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``{"locks": [{"lock_number": 1, "unlock_time": 60}]}``, time in **seconds**.

    A bad lock number or time is a 400 with a flat error on every family; an
    ``unlock_time`` over a week (604800 s) is refused.
    """
    if not device.profile_data.emergency:
        return device.errors.not_found()
    if request.method != "POST":
        return device.errors.method_not_allowed()
    body, problem = await read_json(request)
    locks = body.get("locks") if problem is None and isinstance(body, dict) else None
    if not isinstance(locks, list) or not locks or not all(isinstance(i, dict) for i in locks):
        return flat_error(400, BAD_BODY)
    holds: dict[int, int] = {}
    for lock in locks:
        number, seconds = lock.get("lock_number"), lock.get("unlock_time")
        if not _lock_number_ok(number):
            return flat_error(400, BAD_LOCK)
        if not _is_int(seconds) or not UNLOCK_TIME_MIN <= seconds <= UNLOCK_TIME_MAX:
            return flat_error(400, BAD_UNLOCK_TIME)
        holds[number] = seconds
    # The hold is recorded, not timed out (inferred: nothing reads its end).
    device.doors.hold(holds)
    return json_response({})


async def emergency_close(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``{"locks": [1]}``: end the hold of each lock."""
    if not device.profile_data.emergency:
        return device.errors.not_found()
    if request.method != "POST":
        return device.errors.method_not_allowed()
    body, problem = await read_json(request)
    locks = body.get("locks") if problem is None and isinstance(body, dict) else None
    if not isinstance(locks, list) or not locks:
        return flat_error(400, BAD_BODY)
    if not all(_lock_number_ok(number) for number in locks):
        return flat_error(400, BAD_LOCK)
    device.doors.end_holds(locks)
    return json_response({})
