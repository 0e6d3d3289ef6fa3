"""The identifier calls of panels (docs/device-api.md, "Identifiers").

Two spellings, per the family's API line (``ProfileData.identifier_spellings``):

- ``identifier`` (Camdroid panels 1.x, Android panels 2.x): ``POST
  /access/identifier`` creates, ``GET /access/identifier/items`` lists,
  ``GET/PATCH/DELETE /access/identifier/item/{uid}``, ``POST
  .../{uid}/passes/reset`` and ``GET .../{uid}/qr`` (a PNG);
- ``identifiers`` (multi-apartment panels 1.x): ``POST
  /access/identifiers/item`` creates, ``GET /access/identifiers/items/list``
  lists, ``GET/PATCH/DELETE /access/identifiers/item/{uid}`` and ``POST
  .../{uid}/passes/reset`` (no QR call).

A duplicate and an unknown uid answer the vendor's flat messages on every
family; other refusals answer ``not_valid`` in the family's shape, naming
the field. While :attr:`IdentifierBook.forbidden` every call answers 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from aiohttp import web

from simulator.components.identifiers import (
    DUPLICATE_MESSAGE,
    WRONG_UID_MESSAGE,
    DuplicateIdentifier,
    Identifier,
)
from simulator.errors import flat_error, json_response, read_json
from simulator.qr_png import qr_png
from simulator.validation import SettingsError

from .log import page_query

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from simulator.server import DeviceSimulator

    ItemHandler = Callable[[DeviceSimulator, web.BaseRequest], Awaitable[web.StreamResponse]]

SINGULAR: Final = "identifier"
PLURAL: Final = "identifiers"
PATH_CREATE: Final = {
    SINGULAR: "/api/v1/access/identifier",
    PLURAL: "/api/v1/access/identifiers/item",
}
PATH_LIST: Final = {
    SINGULAR: "/api/v1/access/identifier/items",
    PLURAL: "/api/v1/access/identifiers/items/list",
}
PATH_ITEM_PREFIX: Final = {
    SINGULAR: "/api/v1/access/identifier/item/",
    PLURAL: "/api/v1/access/identifiers/item/",
}
RESET: Final = ("passes", "reset")
QR: Final = ("qr",)
QR_TYPE_REASON: Final = "must be qr for a QR image"
# Longer ids are no ids this device issued.
_UID_DIGITS: Final = 18


def _uid(text: str) -> int | None:
    ok = text.isdecimal() and text.isascii() and len(text) <= _UID_DIGITS
    return int(text) if ok and int(text) >= 1 else None


async def _write(
    device: DeviceSimulator, request: web.BaseRequest, uid: int | None
) -> web.Response:
    """Create (``uid`` None) or change identifier ``uid`` from the request body."""
    body, problem = await read_json(request)
    if problem is not None:
        return device.errors.not_valid({"body": problem})
    book = device.identifier_book
    try:
        if uid is None:
            return json_response({"uid": book.create(body)})
        book.change(uid, body)
    except DuplicateIdentifier:
        return flat_error(400, DUPLICATE_MESSAGE)
    except SettingsError as err:
        return device.errors.not_valid(err.errors)
    return json_response({})


async def create(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``POST`` a new identifier: ``{"uid": n}``."""
    if device.identifier_book.forbidden:
        return device.errors.permission_denied()
    if request.method != "POST":
        return device.errors.method_not_allowed()
    return await _write(device, request, None)


async def listing(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
    """``GET`` one page of the identifiers (``limit`` 10/20/30/50, ``page_number``)."""
    if device.identifier_book.forbidden:
        return device.errors.permission_denied()
    if request.method != "GET":
        return device.errors.method_not_allowed()
    errors: dict[str, str] = {}
    limit, page_number = page_query(request, errors)
    if errors or limit is None or page_number is None:
        return device.errors.not_valid(errors)
    return json_response(device.identifier_book.page(limit, page_number))


def _qr(device: DeviceSimulator, request: web.BaseRequest, held: Identifier) -> web.Response:
    if request.method != "GET":
        return device.errors.method_not_allowed()
    if held.fields.kind != "qr":
        return device.errors.not_valid({"identifier_type": QR_TYPE_REASON})
    return web.Response(body=qr_png(held.fields.number), content_type="image/png")


async def _one(device: DeviceSimulator, request: web.BaseRequest, held: Identifier) -> web.Response:
    if request.method == "GET":
        return json_response(held.answer())
    if request.method == "DELETE":
        device.identifier_book.delete(held.uid)
        return json_response({})
    if request.method != "PATCH":
        return device.errors.method_not_allowed()
    return await _write(device, request, held.uid)


def _item_handler(spelling: str) -> ItemHandler:
    prefix = PATH_ITEM_PREFIX[spelling]
    suffixes = (RESET, QR) if spelling == SINGULAR else (RESET,)

    async def item(device: DeviceSimulator, request: web.BaseRequest) -> web.StreamResponse:
        """Read, change or delete one identifier; reset its passes; draw its QR."""
        uid_text, *rest = request.path[len(prefix) :].split("/")
        suffix = tuple(rest)
        uid = _uid(uid_text)
        if uid is None or (suffix and suffix not in suffixes):
            return device.errors.not_found()
        book = device.identifier_book
        if book.forbidden:
            return device.errors.permission_denied()
        held = book.get(uid)
        if held is None:
            return flat_error(400, WRONG_UID_MESSAGE)
        if suffix == QR:
            return _qr(device, request, held)
        if suffix == RESET:
            if request.method != "POST":
                return device.errors.method_not_allowed()
            book.reset_passes(uid)
            return json_response({})
        return await _one(device, request, held)

    return item


ITEM_HANDLERS: Final = {spelling: _item_handler(spelling) for spelling in (SINGULAR, PLURAL)}
