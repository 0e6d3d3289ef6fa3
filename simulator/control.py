"""The ``/_simulator/`` HTTP control API: the Python controls, over HTTP.

Control calls are never counted, delayed, faulted or dropped (not even while
the device reboots), so a demo or test can always see and steer the device.
Bodies are JSON objects; a malformed one answers 400 ``{"error": "..."}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import math
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .errors import json_response, read_json
from .faults import Fault
from .validation import SettingsError

if TYPE_CHECKING:
    from .server import DeviceSimulator

CONTROL_PREFIX: Final = "/_simulator/"
BURST_MAX: Final = 10_000
SNAPSHOT_FORMATS: Final = ("jpeg", "base64", "webp", "base64_webp", "html", "huge")
ACCESS_KINDS: Final = ("card_granted", "card_denied", "code_granted", "code_denied", "exit_button")

_Control = Callable[["DeviceSimulator", web.BaseRequest], Awaitable[web.StreamResponse]]


def control_error(message: str) -> web.Response:
    """400 with a flat, human-readable error."""
    return json_response({"error": message}, status=400)


async def _object(request: web.BaseRequest) -> dict[str, Any] | web.Response:
    data, problem = await read_json(request)
    if problem is not None or not isinstance(data, dict):
        return control_error("body must be a JSON object")
    return data


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    return _is_number(value) and abs(value) < 2**1023 and math.isfinite(value)


async def control_value[T](request: web.BaseRequest, key: str, kind: type[T]) -> T | web.Response:
    """``body[key]`` of a control call, checked to be of ``kind``."""
    data, problem = await read_json(request)
    value = data.get(key) if problem is None and isinstance(data, dict) else None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        # A JSON integer too large for a float is out of range for every
        # caller: infinite, rather than an OverflowError and an HTTP 500.
        value = float(value) if abs(value) < 2**1023 else math.inf
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        return control_error(f"body must be a JSON object with {key!r} ({kind.__name__})")
    return value


# --- existing controls -------------------------------------------------------


async def _state(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    return json_response(device.state())


async def _counters(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    return json_response(device.counters())


async def _sip_settings(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    changes, problem = await read_json(request)
    if problem is not None:
        return device.errors.not_valid({"body": problem})
    try:
        device.apply_sip_settings(changes)
    except SettingsError as err:
        return device.errors.not_valid(err.errors)
    return json_response(device.state())


async def _registration(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    value = await control_value(request, "ok", bool)
    if isinstance(value, web.Response):
        return value
    device.set_registration_ok(value)
    return json_response(device.state())


async def _sip_enable(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    value = await control_value(request, "enabled", bool)
    if isinstance(value, web.Response):
        return value
    device.sip_enabled = value
    return json_response(device.state())


async def _fault(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    fault = data.get("fault")
    paths = data.get("paths")
    if fault is not None and fault not in set(Fault):
        return control_error(f"fault must be null or one of {', '.join(Fault)}")
    if paths is not None and (
        not isinstance(paths, list) or not all(isinstance(path, str) for path in paths)
    ):
        return control_error("paths must be null or a list of strings")
    device.set_fault(fault, paths=paths, body=data.get("body"))
    return json_response(device.state())


async def _delay(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    value = await control_value(request, "seconds", float)
    if isinstance(value, web.Response):
        return value
    if not 0 <= value < math.inf:
        return control_error("seconds must be a finite number >= 0")
    device.delay = float(value)
    return json_response(device.state())


async def _expire_tokens(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    device.expire_tokens()
    return json_response(device.state())


async def _password(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    value = await control_value(request, "password", str)
    if isinstance(value, web.Response):
        return value
    device.set_password(value)
    return json_response(device.state())


async def _serial(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    value = await control_value(request, "serial", str)
    if isinstance(value, web.Response):
        return value
    if not value:
        return control_error("serial must not be empty")
    device.set_serial(value)
    return json_response(device.state())


async def _status_endpoint(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    value = await control_value(request, "missing", bool)
    if isinstance(value, web.Response):
        return value
    device.status_endpoint_missing = value
    return json_response(device.state())


async def _reset_counters(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    device.reset_counters()
    return json_response(device.counters())


# --- intercom controls ----------------------------------------------------------


def _log_answer(device: DeviceSimulator) -> dict[str, Any]:
    return {
        "items": device.log_items,
        "device_now_ms": device.device_now_ms(),
        "clock_offset": device.clock_offset,
    }


async def _get_log(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    return json_response(_log_answer(device))


async def _log(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    key, info = data.get("key"), data.get("info")
    category, timestamp_ms = data.get("category", "info"), data.get("timestamp_ms")
    if not isinstance(key, str) or not key:
        return control_error("key must be a non-empty string")
    if info is not None and not isinstance(info, dict):
        return control_error("info must be null or an object (info.model)")
    if not isinstance(category, str):
        return control_error("category must be a string")
    if timestamp_ms is not None and not (
        isinstance(timestamp_ms, int) and not isinstance(timestamp_ms, bool)
    ):
        return control_error("timestamp_ms must be null or an integer")
    item = device.log_event(key, info=info, category=category, timestamp_ms=timestamp_ms)
    return json_response(item)


async def _ring(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    number, missed = data.get("number", "101"), data.get("missed", False)
    if not isinstance(number, str) or not isinstance(missed, bool):
        return control_error("body: number (string), missed (boolean)")
    item = device.missed_call(number) if missed else device.ring(number)
    return json_response(item)


async def _access(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    kind = data.get("kind")
    if kind not in ACCESS_KINDS:
        return control_error(f"kind must be one of {', '.join(ACCESS_KINDS)}")
    lock = data.get("lock", 1)
    if not isinstance(lock, int) or isinstance(lock, bool):
        return control_error("lock must be an integer")
    if kind == "exit_button":
        return json_response(device.exit_button(lock=lock))
    field = "card" if kind.startswith("card") else "code"
    identifier = data.get(field)
    if not isinstance(identifier, str) or not identifier:
        return control_error(f"{field} must be a non-empty string")
    if kind == "card_granted":
        item = device.card_granted(identifier, lock=lock)
    elif kind == "card_denied":
        item = device.card_denied(identifier)
    elif kind == "code_granted":
        item = device.code_granted(identifier, lock=lock)
    else:
        item = device.code_denied(identifier)
    return json_response(item)


async def _burst(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    count, key = data.get("n"), data.get("key", "access_granted_by_valid_identifier")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= BURST_MAX:
        return control_error(f"n must be an integer 1..{BURST_MAX}")
    if not isinstance(key, str) or not key:
        return control_error("key must be a non-empty string")
    return json_response({"items": device.log_burst(count, key=key)})


async def _clear_log(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    device.clear_log()
    return json_response(_log_answer(device))


async def _clock(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    skew, jump = data.get("skew"), data.get("jump")
    if (skew is None and jump is None) or not all(
        value is None or _finite(value) for value in (skew, jump)
    ):
        return control_error("body: skew and/or jump, finite numbers of seconds")
    if skew is not None:
        device.skew_clock(skew)
    if jump is not None:
        device.jump_clock(jump)
    return json_response(
        {"clock_offset": device.clock_offset, "device_now_ms": device.device_now_ms()}
    )


async def _door(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    is_open, exceeded = data.get("open"), data.get("timeout_exceeded", False)
    if not isinstance(is_open, bool) or not isinstance(exceeded, bool):
        return control_error("body: open (boolean), timeout_exceeded (boolean)")
    device.set_door(is_open, timeout_exceeded=exceeded)
    return json_response(device.state())


async def _door_sensor(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    value = await control_value(request, "enabled", bool)
    if isinstance(value, web.Response):
        return value
    device.door_sensor = value
    return json_response(device.state())


async def _snapshot(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    delay, kind = data.get("delay"), data.get("format")
    if delay is None and kind is None:
        return control_error("body: delay and/or format")
    if delay is not None and not (_finite(delay) and delay >= 0):
        return control_error("delay must be a finite number >= 0")
    if kind is not None and kind not in SNAPSHOT_FORMATS:
        return control_error(f"format must be one of {', '.join(SNAPSHOT_FORMATS)}")
    if delay is not None:
        device.snapshot_delay = float(delay)
    if kind is not None:
        device.snapshot_format = kind
    return json_response(device.state())


async def _rtsp(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    username, password, masked = data.get("username"), data.get("password"), data.get("masked")
    if (
        not all(value is None or isinstance(value, str) for value in (username, password))
        or not (masked is None or isinstance(masked, bool))
        or (username is None and password is None and masked is None)
    ):
        return control_error("body: username (string), password (string), masked (boolean)")
    if username is not None:
        device.rtsp_username = username
    if password is not None:
        device.rtsp_password = password
    if masked is not None:
        device.rtsp_masked = masked
    return json_response(device.state())


async def _reboot(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    data = await _object(request)
    if isinstance(data, web.Response):
        return data
    seconds = data.get("seconds")
    if seconds is not None and not (_finite(seconds) and seconds >= 0):
        return control_error("seconds must be null or a finite number >= 0")
    device.start_reboot(seconds)
    return json_response(device.state())


CONTROL_ROUTES: Final[dict[tuple[str, str], _Control]] = {
    ("GET", "state"): _state,
    ("GET", "counters"): _counters,
    ("POST", "sip/settings"): _sip_settings,
    ("POST", "registration"): _registration,
    ("POST", "sip/enable"): _sip_enable,
    ("POST", "fault"): _fault,
    ("POST", "delay"): _delay,
    ("POST", "expire_tokens"): _expire_tokens,
    ("POST", "password"): _password,
    ("POST", "serial"): _serial,
    ("POST", "status_endpoint"): _status_endpoint,
    ("POST", "reset_counters"): _reset_counters,
    ("GET", "log"): _get_log,
    ("POST", "log"): _log,
    ("POST", "ring"): _ring,
    ("POST", "access"): _access,
    ("POST", "burst"): _burst,
    ("POST", "clear_log"): _clear_log,
    ("POST", "clock"): _clock,
    ("POST", "door"): _door,
    ("POST", "door_sensor"): _door_sensor,
    ("POST", "snapshot"): _snapshot,
    ("POST", "rtsp"): _rtsp,
    ("POST", "reboot"): _reboot,
}


async def handle_control(
    device: DeviceSimulator, request: web.BaseRequest, name: str
) -> web.StreamResponse:
    """Dispatch ``/_simulator/<name>``; unknown names or methods answer 404."""
    handler = CONTROL_ROUTES.get((request.method, name))
    if handler is None:
        return json_response({"error": f"no control {request.method} /_simulator/{name}"}, 404)
    return await handler(device, request)
