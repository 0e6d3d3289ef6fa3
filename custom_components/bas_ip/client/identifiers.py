"""Identifiers of panels: guest passes (keypad codes, QR) created, read, listed and removed.

docs/device-api.md, "Identifiers". Two spellings of the calls exist: the
singular one (``/access/identifier…``: Camdroid panels API 1.x, Android
panels API 2.x) and the plural one (``/access/identifiers/item…``:
multi-apartment panels API 1.x). ``/api/info`` cannot tell them apart
(``api_version`` 1.x is both a Camdroid line and the multi-apartment 1.x
line), so :func:`identifier_paths` only rules devices out (monitors have no
identifiers, API v0 is not spoken) and orders the rest singular first; a
404 moves on to the other spelling, and the one that answered is tried
first from then on. A device where every spelling is 404 has no
identifiers: :class:`BasIpUnsupportedDeviceError`.

Codes are secrets: no request body or answer of these calls is logged, and
no error text carries a number.
"""

from __future__ import annotations

import base64
import binascii
import builtins
from collections.abc import Callable
from dataclasses import dataclass
import secrets
from typing import Any, Final
import uuid

from .auth import Auth, read_device_info
from .exceptions import (
    BasIpDuplicateError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
)
from .models import BasIpDeviceInfo
from .models._fields import read_object
from .models.identifier import (
    CODE_MAX_DIGITS,
    IDENTIFIER_UID_MAX,
    Identifier,
    IdentifierSpec,
    read_identifier_uid,
)
from .paging import read_pages
from .transport import Transport
from .validation import check_int_range

DUPLICATE_MESSAGE: Final = "Identifier with that type and number already exist"
WRONG_UID_MESSAGE: Final = "Wrong Identifier uid"
LIST_MAX_PAGES: Final = 100
QR_MAX_BYTES: Final = 1024 * 1024
_ACTION_MAX_BYTES: Final = 64 * 1024
_PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
_WHITESPACE: Final = b" \t\r\n\v\f"
_MONITOR: Final = "monitor"


@dataclass(frozen=True, slots=True)
class IdentifierPaths:
    """One spelling of the identifier calls; ``{uid}`` stands for the identifier's id."""

    name: str
    create: str
    list: str
    item: str
    reset: str
    qr: str | None
    """``None``: this spelling has no QR call (render the QR locally)."""


SINGULAR: Final = IdentifierPaths(
    name="singular",
    create="/api/v1/access/identifier",
    list="/api/v1/access/identifier/items",
    item="/api/v1/access/identifier/item/{uid}",
    reset="/api/v1/access/identifier/item/{uid}/passes/reset",
    qr="/api/v1/access/identifier/item/{uid}/qr",
)
PLURAL: Final = IdentifierPaths(
    name="plural",
    create="/api/v1/access/identifiers/item",
    list="/api/v1/access/identifiers/items/list",
    item="/api/v1/access/identifiers/item/{uid}",
    reset="/api/v1/access/identifiers/item/{uid}/passes/reset",
    qr=None,
)


def identifier_paths(info: BasIpDeviceInfo) -> tuple[IdentifierPaths, ...]:
    """Order the spellings to try on this device, most likely first; empty: it has none.

    A monitor (``device_type`` says so) has no reader and no identifier calls
    (inferred from the monitor API pages); API v0 is not spoken by this
    client. Any other device is asked the singular spelling first.
    """
    if info.api_major_version < 1:
        return ()
    if info.device_type is not None and _MONITOR in info.device_type.casefold():
        return ()
    return (SINGULAR, PLURAL)


def random_code(digits: int = 6) -> str:
    """Make a random keypad code of ``digits`` (1..10) digits from :mod:`secrets`.

    The first digit is never ``0``, so a firmware that stores codes as numbers
    cannot shorten it (inferred caution).
    """
    check_int_range("digits", digits, 1, CODE_MAX_DIGITS)
    first = str(1 + secrets.randbelow(9))
    return first + "".join(str(secrets.randbelow(10)) for _ in range(digits - 1))


def random_qr_number() -> str:
    """Make a random QR pass number: a version 4 UUID."""
    return str(uuid.uuid4())


class IdentifierApi:
    """The identifiers of one device, reached through the client's login."""

    def __init__(self, auth: Auth, transport: Transport) -> None:
        """Share the client's token and transport; ``/api/info`` is read at the first call."""
        self._auth = auth
        self._transport = transport
        self._info: BasIpDeviceInfo | None = None
        self._known: IdentifierPaths | None = None

    @property
    def paths(self) -> IdentifierPaths | None:
        """The spelling the device answered last (``None``: none yet)."""
        return self._known

    def use_device_info(self, info: BasIpDeviceInfo) -> None:
        """Decide the spellings from ``info`` the caller has, instead of reading ``/api/info``."""
        self._info = info

    async def create(self, spec: IdentifierSpec) -> int:
        """Create a guest pass; return its uid. The spec is checked before anything is sent.

        Raises :class:`BasIpDuplicateError` when the device already holds an
        identifier of that type and number.
        """
        body = spec.as_body()
        answer = await self._call(
            "POST",
            lambda paths: paths.create,
            json=body,
            validation=True,
            none_if_error=DUPLICATE_MESSAGE,
        )
        if answer is None:
            raise BasIpDuplicateError(
                "Device already holds an identifier of this type and number",
                field="number",
            )
        return read_identifier_uid(read_object(answer, "identifier"))

    async def get(self, uid: int) -> Identifier | None:
        """Read identifier ``uid``; ``None`` when the device does not hold it."""
        path = _item(uid)
        answer = await self._call(
            "GET", lambda paths: path(paths.item), none_if_error=WRONG_UID_MESSAGE
        )
        return None if answer is None else Identifier.from_dict(answer, uid=uid)

    async def delete(self, uid: int) -> None:
        """Delete identifier ``uid``; one that is already gone is not an error."""
        path = _item(uid)
        try:
            await self._action("DELETE", lambda paths: path(paths.item))
        except BasIpUnsupportedDeviceError:
            return

    async def reset_passes(self, uid: int) -> None:
        """Give identifier ``uid`` its maximum of passes again."""
        path = _item(uid)
        if await self._action("POST", lambda paths: path(paths.reset)) is None:
            raise BasIpValidationError("Device holds no identifier with this uid", field="uid")

    async def qr_image(self, uid: int) -> bytes | None:
        """Read the PNG of QR pass ``uid``; ``None`` where the device has no QR call."""
        path = _item(uid)
        for paths in await self._order():
            if paths.qr is None:
                return None
            try:
                body = await self._auth.request(
                    "GET", path(paths.qr), expect="bytes", max_bytes=QR_MAX_BYTES
                )
            except BasIpUnsupportedDeviceError:
                continue
            self._known = paths
            return _png(body)
        return None

    async def list(self) -> builtins.list[Identifier]:
        """Read every identifier, residents' cards too (at most 100 pages of 50).

        Raises :class:`BasIpUnsupportedDeviceError` where the device has no
        identifiers and :class:`BasIpResponseError` for a malformed entry.
        """
        return await read_pages(
            lambda params: self._call("GET", lambda paths: paths.list, params=params),
            Identifier.from_dict,
            lambda identifier: identifier.uid,
            what="identifiers",
            max_pages=LIST_MAX_PAGES,
        )

    # --- internals ------------------------------------------------------------

    async def _order(self) -> tuple[IdentifierPaths, ...]:
        """Order the spellings to try, the one that answered last first."""
        if self._info is None:
            self._info = await read_device_info(self._transport)
        candidates = identifier_paths(self._info)
        if not candidates:
            raise BasIpUnsupportedDeviceError("Device has no identifiers")
        if self._known in candidates:
            return (self._known, *(p for p in candidates if p != self._known))
        return candidates

    async def _call(
        self, method: str, path_of: Callable[[IdentifierPaths], str], **kwargs: Any
    ) -> Any:
        """Send to the first spelling the device does not answer 404; remember it."""
        for paths in await self._order():
            try:
                answer = await self._auth.request(method, path_of(paths), **kwargs)
            except BasIpUnsupportedDeviceError:
                continue
            self._known = paths
            return answer
        raise BasIpUnsupportedDeviceError("Device has no identifier calls")

    async def _action(self, method: str, path_of: Callable[[IdentifierPaths], str]) -> Any:
        """Send a write whose answer is not documented: any 2xx is done.

        Returns ``None`` when the device does not hold the uid.
        """
        try:
            return await self._call(
                method,
                path_of,
                validation=True,
                max_bytes=_ACTION_MAX_BYTES,
                none_if_error=WRONG_UID_MESSAGE,
            )
        except BasIpResponseError as err:
            if err.status is not None and 200 <= err.status < 300:
                return {}  # done; the answer was empty or not JSON
            raise


def _item(uid: int) -> Callable[[str], str]:
    """Check ``uid`` and return a filler of ``{uid}`` in a path."""
    check_int_range("uid", uid, 0, IDENTIFIER_UID_MAX)
    return lambda template: template.format(uid=uid)


def _png(body: bytes) -> bytes:
    """Return the PNG in ``body`` (raw, or base64 text: inferred); else a response error."""
    if body.startswith(_PNG_MAGIC):
        return body
    compact = body.translate(None, _WHITESPACE)
    try:
        decoded = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if decoded.startswith(_PNG_MAGIC):
        return decoded
    raise BasIpResponseError("Device answered the QR call with something that is not a PNG")
