"""HTTP transport: one request function with the client's error mapping.

No request or response body is ever logged (a login's query carries the
password hash, a SIP write carries the SIP password, a log page card numbers),
and aiohttp's errors never survive as ``__cause__``/``__context__`` of the
client's errors: their text can hold the request URL.
"""

from __future__ import annotations

from datetime import UTC
import email.utils
import hashlib
import ipaddress
import json
import logging
import re
import socket
from typing import Any, Final, Literal, NamedTuple, overload

import aiohttp
from yarl import URL

from .exceptions import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpConnectionError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final = 10.0
_READ_CHUNK: Final = 64 * 1024

_KNOWN_ERROR_CODES: Final = frozenset(
    {"invalid_authentication", "permission_denied", "not_valid", "system_error"}
)
# A parameter name the device may report in ``error.data``: only such names
# are repeated in an error text, never anything else the device sent.
_PARAM_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,39}")

Expect = Literal["json", "bytes", "dated_json"]


class Dated(NamedTuple):
    """Decoded JSON with the device's clock at the answer (its HTTP ``Date`` header)."""

    body: Any
    date_ms: int | None


def parse_http_date(value: str | None) -> int | None:
    """Parse an HTTP ``Date`` header into epoch milliseconds; ``None`` when absent or malformed."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return int(parsed.timestamp() * 1000)
    except (OverflowError, OSError, ValueError):
        return None


class Transport:
    """Sends requests to one device and maps every failure to a client error."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: URL,
        *,
        verify_ssl: bool,
        timeout: float,
    ) -> None:
        """Keep the shared session, the device's base URL and the default timeout."""
        self._session = session
        self.base_url = base_url
        self._ssl: bool = verify_ssl if base_url.scheme == "https" else True
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = ...,
        params: dict[str, str] | None = ...,
        json: Any = ...,
        expect: Literal["json"] = ...,
        max_bytes: int | None = ...,
        request_timeout: float | None = ...,
        validation: bool = ...,
        none_if_error: str | None = ...,
    ) -> Any: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = ...,
        params: dict[str, str] | None = ...,
        json: Any = ...,
        expect: Literal["dated_json"],
        max_bytes: int | None = ...,
        request_timeout: float | None = ...,
        validation: bool = ...,
        none_if_error: None = ...,
    ) -> Dated: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = ...,
        params: dict[str, str] | None = ...,
        json: Any = ...,
        expect: Literal["bytes"],
        max_bytes: int | None = ...,
        request_timeout: float | None = ...,
        validation: bool = ...,
        none_if_error: None = ...,
    ) -> bytes: ...

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, str] | None = None,
        json: Any = None,
        expect: Expect = "json",
        max_bytes: int | None = None,
        request_timeout: float | None = None,
        validation: bool = False,
        none_if_error: str | None = None,
    ) -> Any:
        """Send one request; return decoded JSON or the raw body.

        ``max_bytes`` refuses a longer answer while it is read (the whole body
        is never buffered first). ``validation`` maps a 400 that carries an
        error to :class:`BasIpValidationError` (writes). ``request_timeout``
        replaces the default timeout. ``none_if_error`` returns ``None`` for a
        400 whose device message is exactly that text.
        """
        headers = {"Accept": "*/*" if expect == "bytes" else "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        status, body, date = await self._exchange(
            method,
            path,
            params=params,
            json=json,
            headers=headers,
            max_bytes=max_bytes,
            request_timeout=request_timeout,
        )
        # The URL of a login carries the password hash: log the path only.
        _LOGGER.debug("%s %s%s -> %s (%d bytes)", method, self.base_url, path, status, len(body))
        if 200 <= status < 300:
            if expect == "dated_json":
                return Dated(_decode_json(body, status), parse_http_date(date))
            return _decode_json(body, status) if expect == "json" else body
        if none_if_error is not None and status == 400 and _is_message(body, none_if_error):
            return None
        if status == 400 and (validation_error := _validation_error(body, validation)):
            raise validation_error
        raise _http_error(status, body, path)

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None,
        json: Any,
        headers: dict[str, str],
        max_bytes: int | None,
        request_timeout: float | None,
    ) -> tuple[int, bytes, str | None]:
        """One HTTP exchange: status, body and ``Date`` header, or a client error."""
        client_timeout = (
            self._timeout
            if request_timeout is None
            else aiohttp.ClientTimeout(total=request_timeout)
        )
        error: BasIpError
        try:
            async with self._session.request(
                method,
                self.base_url.with_path(path),
                params=params,
                json=json,
                headers=headers,
                timeout=client_timeout,
                ssl=self._ssl,
                allow_redirects=False,
            ) as response:
                body = await _read_body(response, max_bytes)
                return response.status, body, response.headers.get("Date")
        except TimeoutError:
            error = BasIpConnectionError(f"Timed out talking to {self.base_url}")
        except aiohttp.ClientConnectorCertificateError:
            error = BasIpCertificateError(
                f"HTTPS certificate of {self.base_url} failed verification"
            )
        except aiohttp.ClientSSLError as err:
            error = BasIpConnectionError(
                f"TLS failure talking to {self.base_url}: {type(err).__name__}"
            )
        except (aiohttp.ClientError, OSError, socket.gaierror) as err:
            error = BasIpConnectionError(f"Cannot connect to {self.base_url}: {type(err).__name__}")
        except _TooLarge as err:
            error = BasIpResponseError(
                f"Device answered {path} with more than {err.limit} bytes", status=err.status
            )
        # Raised outside the handler: aiohttp's error text can hold the
        # request URL, and a login's URL carries the password hash, so the
        # aiohttp error must not survive as this error's __context__.
        raise error


class _TooLarge(Exception):
    def __init__(self, limit: int, status: int) -> None:
        super().__init__(limit)
        self.limit = limit
        self.status = status


async def _read_body(response: aiohttp.ClientResponse, max_bytes: int | None) -> bytes:
    """Read the whole body, or raise :class:`_TooLarge` as soon as it passes ``max_bytes``."""
    if max_bytes is None:
        return await response.read()
    length = response.content_length
    if length is not None and length > max_bytes:
        raise _TooLarge(max_bytes, response.status)
    chunks: list[bytes] = []
    size = 0
    while chunk := await response.content.read(_READ_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise _TooLarge(max_bytes, response.status)
        chunks.append(chunk)
    return b"".join(chunks)


def _base_url(host: str, use_https: bool) -> URL:
    host = host.strip()
    for scheme in ("http://", "https://"):
        if host.lower().startswith(scheme):
            host = host[len(scheme) :]
    # Strip the slash after the scheme is gone, so "http://" alone stays empty.
    host = host.rstrip("/")
    if _is_ipv6_address(host):
        # A bare IPv6 literal: its colons would otherwise read as a port.
        host = f"[{host}]"
    try:
        url = URL(f"{'https' if use_https else 'http'}://{host}")
        # yarl decodes and the resolver encodes names lazily, raising
        # UnicodeError (bad punycode, empty or over-long labels) only when a
        # request is made: check both now.
        if url.raw_host:
            url.raw_host.encode("idna")
            _ = url.host
    except ValueError as err:  # UnicodeError included
        raise BasIpConnectionError("Invalid device address") from err
    # yarl accepts whitespace, control characters and fragments in a host; no
    # device address has them.
    if (
        not url.raw_host
        or url.path not in ("", "/")
        or url.user
        or url.query_string
        or url.fragment
        or any(char.isspace() or not char.isprintable() for char in host)
    ):
        raise BasIpConnectionError("Invalid device address")
    return url.with_path("")


def _is_ipv6_address(host: str) -> bool:
    if host.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def _md5_hex(password: str) -> str:
    # The device protocol, not our choice: it expects the MD5 of the password.
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


def _decode_json(body: bytes, status: int) -> Any:
    if not body.strip():
        raise BasIpResponseError(f"Device answered HTTP {status} with an empty body", status=status)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BasIpResponseError(
            f"Device answered HTTP {status} with a body that is not JSON", status=status
        ) from None


def _error_body(body: bytes) -> Any:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return data.get("error") if isinstance(data, dict) else None


def _error_code(body: bytes) -> tuple[str | None, str | None]:
    """``(code, message)`` from a nested or flat error body, if there is one."""
    error = _error_body(body)
    if isinstance(error, dict):  # Camdroid: {"error": {"code": ..., "message": ...}}
        code = error.get("code")
        message = error.get("message")
        return (
            code if isinstance(code, str) else None,
            message if isinstance(message, str) else None,
        )
    if isinstance(error, str):  # Android: {"error": "Log In"}
        return None, error
    return None, None


def _is_message(body: bytes, expected: str) -> bool:
    """Whether the device's error message is ``expected`` (case and full stop aside)."""
    _code, message = _error_code(body)
    if message is None:
        return False
    return message.strip().rstrip(".").casefold() == expected.strip().rstrip(".").casefold()


def _validation_error(body: bytes, flat_too: bool) -> BasIpValidationError | None:
    """Read a 400 ``not_valid`` (or, for writes, any flat error) as a validation error.

    The field comes from the keys of ``data`` (inside the nested error, or
    next to a flat one); neither the device's message nor any value is
    repeated.
    """
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(decoded, dict):
        return None
    error = decoded.get("error")
    if isinstance(error, dict):  # Camdroid: {"error": {"code": "not_valid", "data": {...}}}
        if error.get("code") != "not_valid":
            return None
        data = error.get("data")
    elif isinstance(error, str):  # Android: {"error": "...", "data": {...}}
        data = decoded.get("data")
        if not flat_too and not isinstance(data, dict):
            return None
    else:
        return None
    names = [key for key in data if _PARAM_NAME.fullmatch(key)] if isinstance(data, dict) else []
    field = names[0] if names else None
    where = f" in '{field}'" if field else ""
    return BasIpValidationError(f"Device refused the value{where}", field=field)


def _http_error(status: int, body: bytes, path: str) -> BasIpError:
    code, _message = _error_code(body)
    # Device messages are not echoed: a validation message may repeat input.
    if status == 401 or code == "invalid_authentication":
        return BasIpAuthenticationError("Device rejected the credentials or token")
    if status == 403 or code == "permission_denied":
        return BasIpPermissionError(f"Account may not access {path}")
    if status == 404:
        return BasIpUnsupportedDeviceError(f"Device has no endpoint {path}")
    # Only documented codes are named: anything else the device sent is not echoed.
    detail = f" ({code})" if code in _KNOWN_ERROR_CODES else ""
    return BasIpResponseError(f"Device answered HTTP {status}{detail} for {path}", status=status)
