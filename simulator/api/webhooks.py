"""``/api/v1/webhooks``: the webhooks of Android panels (docs/device-api.md, "Push channels").

``GET`` lists them (``limit`` 10/20/30/50, ``page_number`` >= 1, like the
log), ``POST`` creates one and answers ``{"item_uid": n}``;
``GET/PUT/DELETE /webhooks/{uid}`` read, replace and remove one; ``POST
/webhooks/{uid}/test`` sends a test delivery and answers ``{"status_code":
<receiver's status or null>}``. The ``/api/v1`` base path, 200 for a
create, ``{}`` for a PUT or DELETE and the test call's answer are inferred.
Families without webhooks never route here (404 as for any unknown path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import json_response, read_json
from simulator.validation import SettingsError

from .log import page_query

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_WEBHOOKS: Final = "/api/v1/webhooks"
PATH_WEBHOOK_PREFIX: Final = "/api/v1/webhooks/"
TEST_SUFFIX: Final = "/test"
# Longer ids are no ids this device issued.
_UID_DIGITS: Final = 18


def _positive_int(text: str) -> int | None:
    ok = text.isdecimal() and text.isascii() and len(text) <= _UID_DIGITS
    return int(text) if ok and int(text) >= 1 else None


async def collection(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET`` one page of the webhooks, ``POST`` a new one."""
    if request.method == "POST":
        body, problem = await read_json(request)
        if problem is not None:
            return device.errors.not_valid({"body": problem})
        try:
            uid = device.webhooks.create(body)
        except SettingsError as err:
            return device.errors.not_valid(err.errors)
        return json_response({"item_uid": uid})
    if request.method != "GET":
        return device.errors.method_not_allowed()
    errors: dict[str, str] = {}
    limit, page_number = page_query(request, errors)
    if errors or limit is None or page_number is None:
        return device.errors.not_valid(errors)
    return json_response(device.webhooks.page(limit, page_number))


async def item(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """Read, replace or delete ``/webhooks/{uid}``; ``POST /webhooks/{uid}/test`` tests it."""
    rest = request.path[len(PATH_WEBHOOK_PREFIX) :]
    test = rest.endswith(TEST_SUFFIX)
    uid = _positive_int(rest.removesuffix(TEST_SUFFIX))
    hook = device.webhooks.get(uid) if uid is not None else None
    if hook is None:
        return device.errors.not_found()
    if test:
        if request.method != "POST":
            return device.errors.method_not_allowed()
        return json_response({"status_code": await device.webhooks.test(hook.uid)})
    if request.method == "GET":
        return json_response(hook.answer())
    if request.method == "DELETE":
        device.webhooks.delete(hook.uid)
        return json_response({})
    if request.method != "PUT":
        return device.errors.method_not_allowed()
    body, problem = await read_json(request)
    if problem is not None:
        return device.errors.not_valid({"body": problem})
    try:
        device.webhooks.replace(hook.uid, body)
    except SettingsError as err:
        return device.errors.not_valid(err.errors)
    return json_response({})
