"""``GET /api/v1/log/items?limit=&page_number=&locale=`` and the sort dialects.

The order follows the device's :class:`~simulator.log.LogBehaviour`: the
dialects it honours (``sort_type``, ``sort_field`` + ``sort_type``,
``order_by``), its default order, and whether it refuses another dialect's
parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.errors import flat_error, json_response
from simulator.log import PAGE_LIMITS
from simulator.log.query import SortRefused, requested_order
from simulator.profiles import ErrorStyle

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

PATH_LOG_ITEMS: Final = "/api/v1/log/items"
LIMIT_REASON: Final = "must be one of 10, 20, 30, 50"
PAGE_REASON: Final = "must be an integer >= 1"


def _positive_int(text: str) -> int | None:
    return int(text) if text.isdecimal() and text.isascii() and int(text) >= 1 else None


def page_query(request: web.BaseRequest, errors: dict[str, str]) -> tuple[int | None, int | None]:
    """Read ``limit`` (default 10) and ``page_number`` (default 1) of a list call.

    Each bad one adds its reason to ``errors`` and reads as ``None``.
    """
    limit = _positive_int(request.query.get("limit", "10"))
    if limit not in PAGE_LIMITS:
        errors["limit"] = LIMIT_REASON
        limit = None
    page_number = _positive_int(request.query.get("page_number", "1"))
    if page_number is None:
        errors["page_number"] = PAGE_REASON
    return limit, page_number


async def items(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """One page of the log, in the order asked for (or the device's default).

    A missing ``limit`` is 10 and a missing ``page_number`` 1 (inferred);
    ``locale`` is accepted and ignored: names are English (inferred). A bad
    ``sort_type`` answers Android's flat "Wrong sort type" on the flat family.
    """
    if request.method != "GET":
        return device.errors.method_not_allowed()
    errors: dict[str, str] = {}
    limit, page_number = page_query(request, errors)
    order = requested_order(device.log.behaviour, request.query)
    if isinstance(order, SortRefused):
        flat = device.errors.style is ErrorStyle.FLAT
        if not errors and flat and order.flat_message is not None:
            return flat_error(400, order.flat_message)
        errors |= order.errors
    if errors or limit is None or page_number is None or isinstance(order, SortRefused):
        return device.errors.not_valid(errors)
    return json_response(device.log.page(limit, page_number, order))
