"""Misbehaviours the simulator can inject on device endpoints."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final

from aiohttp import web

from .errors import Errors, json_response

# Status of the response a dropped connection never delivers (logs only).
DROPPED_STATUS: Final = 499
HTML_500_PAGE: Final = (
    b"<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>"
    b"<body><h1>Internal Server Error</h1><p>lighttpd</p></body></html>\n"
)
BROKEN_JSON: Final = b'{"sip_status": "OK", "register_last_attempt": 17'


class Fault(StrEnum):
    """A misbehaviour the simulator can inject on device endpoints."""

    DROP_CONNECTION = "drop_connection"
    """Close the TCP connection without any HTTP answer."""
    HTML_500 = "html_500"
    """HTTP 500 with an HTML page."""
    INVALID_JSON = "invalid_json"
    """HTTP 200 with a body that is not valid JSON."""
    WRONG_SHAPE = "wrong_shape"
    """HTTP 200 with the JSON body given to :meth:`DeviceSimulator.set_fault`."""
    PERMISSION_DENIED = "permission_denied"
    """HTTP 403 ``permission_denied``."""
    NOT_FOUND = "not_found"
    """HTTP 404, as if the endpoint did not exist."""
    EMPTY_BODY = "empty_body"
    """HTTP 200 with an empty body."""


def drop_connection(request: web.BaseRequest) -> web.Response:
    """Close the connection; the returned response never reaches the client."""
    transport = request.transport
    if transport is not None:
        transport.close()
    # aiohttp finds the transport closed and sends nothing.
    return web.Response(status=DROPPED_STATUS)


def fault_response(
    request: web.BaseRequest, fault: Fault, body: Any, errors: Errors
) -> web.StreamResponse:
    """Build the answer ``fault`` gives instead of the endpoint's."""
    if fault is Fault.DROP_CONNECTION:
        return drop_connection(request)
    if fault is Fault.HTML_500:
        return web.Response(status=500, body=HTML_500_PAGE, content_type="text/html")
    if fault is Fault.INVALID_JSON:
        return web.Response(body=BROKEN_JSON, content_type="application/json")
    if fault is Fault.WRONG_SHAPE:
        return json_response(body)
    if fault is Fault.EMPTY_BODY:
        return web.Response(body=b"", content_type="application/json")
    if fault is Fault.PERMISSION_DENIED:
        return errors.permission_denied()
    return errors.not_found()
