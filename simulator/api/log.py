"""``GET /api/v1/log/items?limit=&page_number=&locale=``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import json_response
from simulator.eventlog import PAGE_LIMITS

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_LOG_ITEMS: Final = "/api/v1/log/items"
LIMIT_REASON: Final = "must be one of 10, 20, 30, 50"
PAGE_REASON: Final = "must be an integer >= 1"


def _positive_int(text: str) -> int | None:
    return int(text) if text.isdecimal() and text.isascii() and int(text) >= 1 else None


async def items(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """One page of the log, newest first.

    A missing ``limit`` is 10 and a missing ``page_number`` 1 (inferred);
    ``locale`` is accepted and ignored: names are English (inferred).
    """
    if request.method != "GET":
        return device.errors.method_not_allowed()
    errors: dict[str, str] = {}
    limit = _positive_int(request.query.get("limit", "10"))
    if limit not in PAGE_LIMITS:
        errors["limit"] = LIMIT_REASON
    page_number = _positive_int(request.query.get("page_number", "1"))
    if page_number is None:
        errors["page_number"] = PAGE_REASON
    if errors or limit is None or page_number is None:
        return device.errors.not_valid(errors)
    return json_response(device.event_log.page(limit, page_number))
