"""The ``/_simulator/`` HTTP control API: the Python controls, over HTTP.

Control calls are never counted, delayed, faulted or dropped (not even while
the device reboots), so a demo or test can always see and steer the device.
Bodies are JSON objects, checked against the control's fields
(:mod:`.table`); a malformed one answers 400 ``{"error": "..."}`` and
changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from simulator.errors import json_response, read_json
from simulator.validation import SettingsError

from .fields import arguments
from .identifiers import IDENTIFIER_CONTROLS
from .table import CONTROLS as TABLE_CONTROLS, Control, ControlError
from .webhooks import WEBHOOK_CONTROLS

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

CONTROL_PREFIX: Final = "/_simulator/"
CONTROLS: Final = TABLE_CONTROLS + WEBHOOK_CONTROLS + IDENTIFIER_CONTROLS
"""Every control: the table's rows, the webhook rows (:mod:`.webhooks`) and the
identifier rows (:mod:`.identifiers`)."""
ROUTES: Final[dict[tuple[str, str], Control]] = {
    (control.method, control.name): control for control in CONTROLS
}

__all__ = ["CONTROLS", "CONTROL_PREFIX", "ROUTES", "Control", "control_error", "handle_control"]


def control_error(message: str) -> web.Response:
    """400 with a flat, human-readable error."""
    return json_response({"error": message}, status=400)


async def _arguments(
    device: DeviceSimulator, control: Control, request: web.BaseRequest
) -> dict[str, Any] | web.Response:
    if not control.fields and not control.whole_body:
        return {}
    data, problem = await read_json(request)
    if control.whole_body:
        return device.errors.not_valid({"body": problem}) if problem else {"body": data}
    if problem is not None or not isinstance(data, dict):
        return control_error("body must be a JSON object")
    try:
        return arguments(control.fields, data, control.one_of)
    except ValueError as err:
        return control_error(str(err))


async def handle_control(
    device: DeviceSimulator, request: web.BaseRequest, name: str
) -> web.StreamResponse:
    """Dispatch ``/_simulator/<name>``; unknown names or methods answer 404."""
    control = ROUTES.get((request.method, name))
    if control is None:
        return json_response({"error": f"no control {request.method} /_simulator/{name}"}, 404)
    args = await _arguments(device, control, request)
    if isinstance(args, web.Response):
        return args
    try:
        result = control.call(device, args)
    except ControlError as err:
        return control_error(str(err))
    except SettingsError as err:
        return device.errors.not_valid(err.errors)
    return json_response(control.answer(device, result))
