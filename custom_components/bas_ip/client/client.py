"""Async client for the BAS-IP ``/api/v1`` web API.

It runs on an injected :class:`aiohttp.ClientSession` and keeps one Bearer
token per device. The token is reused until the device answers 401; then the
client logs in exactly once (concurrent callers share that login) and retries.
A 401 right after a fresh login means the credentials are wrong: intercoms of
this class lock out under login storms, so the client then refuses to log in
again until :meth:`BasIpClient.set_credentials` gives it new ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import logging
import socket
from typing import Any, Final

import aiohttp
from yarl import URL

from .exceptions import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
)
from .models import (
    DeviceInfo,
    SipEnabled,
    SipSettings,
    SipStatus,
    parse_login,
    parse_mac_address,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final = 10.0
SUPPORTED_API_MAJOR: Final = 1

PATH_INFO: Final = "/api/info"
PATH_LOGIN: Final = "/api/v1/login"
PATH_MAC: Final = "/api/v1/network/mac"
PATH_SIP_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_SIP_STATUS: Final = "/api/v1/sip/status"
PATH_SIP_ENABLE: Final = "/api/v1/device/sip/enable"

_KNOWN_ERROR_CODES: Final = frozenset(
    {"invalid_authentication", "permission_denied", "not_valid", "system_error"}
)


class BasIpClient:
    """One BAS-IP device, reached over HTTP(S)."""

    def __init__(
        self,
        host: str,
        username: str,
        password: str,
        *,
        session: aiohttp.ClientSession,
        use_https: bool = False,
        verify_ssl: bool = True,
        request_timeout: float = DEFAULT_TIMEOUT,
        expected_serial: str | None = None,
    ) -> None:
        """Prepare a client; nothing is sent until the first call.

        ``host`` is an IP address or name, optionally with ``:port``.
        ``expected_serial``, when given, is checked before every login so
        that credentials never go to a device that replaced the known one.
        """
        self._session = session
        self._base_url = _base_url(host, use_https)
        self._ssl: bool = verify_ssl if use_https else True
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._username = username
        self._password_md5 = _md5_hex(password)
        self._token: str | None = None
        self._login_lock = asyncio.Lock()
        self._auth_failed = False
        # Bumped by set_credentials: the outcome of a login that was already
        # in flight then belongs to the old credentials and must not latch
        # (or be shared as) a failure of the new ones.
        self._credentials_generation = 0
        # Outcome of the latest login, shared with callers that waited for it.
        self._login_attempts = 0
        self._last_login_error: BasIpError | None = None
        self.expected_serial = expected_serial
        self.login_count = 0

    def __repr__(self) -> str:
        """Name the device, never the credentials or the token."""
        return f"BasIpClient(url={str(self._base_url)!r}, username={self._username!r})"

    @property
    def base_url(self) -> str:
        """Scheme, host and port of the device, e.g. ``http://192.0.2.10``."""
        return str(self._base_url)

    def set_credentials(self, username: str, password: str) -> None:
        """Replace the credentials and allow logins again."""
        self._username = username
        self._password_md5 = _md5_hex(password)
        self._credentials_generation += 1
        self._token = None
        self._auth_failed = False
        self._last_login_error = None

    # --- public calls ------------------------------------------------------

    async def get_device_info(self) -> DeviceInfo:
        """Read ``/api/info`` and, where the device offers it, the MAC address.

        Raises :class:`BasIpUnsupportedDeviceError` for API major version 0.
        """
        info = await self._get_info()
        mac = await self.get_mac_address()
        return DeviceInfo(
            serial_number=info.serial_number,
            api_version=info.api_version,
            firmware_version=info.firmware_version,
            framework_version=info.framework_version,
            frontend_version=info.frontend_version,
            device_type=info.device_type,
            device_name=info.device_name,
            device_model=info.device_model,
            mac_address=mac,
        )

    async def get_mac_address(self) -> str | None:
        """MAC address, or ``None`` where the device has no such endpoint."""
        try:
            data = await self._authorized_get(PATH_MAC)
        except (BasIpUnsupportedDeviceError, BasIpPermissionError):
            return None
        return parse_mac_address(data)

    async def get_sip_settings(self) -> SipSettings:
        """SIP account settings (the SIP password is not kept)."""
        return SipSettings.from_dict(await self._authorized_get(PATH_SIP_SETTINGS))

    async def get_sip_status(self) -> SipStatus:
        """SIP registration status."""
        return SipStatus.from_dict(await self._authorized_get(PATH_SIP_STATUS))

    async def get_sip_enabled(self) -> SipEnabled:
        """Whether SIP is switched on."""
        return SipEnabled.from_dict(await self._authorized_get(PATH_SIP_ENABLE))

    async def login(self) -> None:
        """Log in now, even if a token is held."""
        async with self._login_lock:
            await self._login_locked()

    # --- internals ---------------------------------------------------------

    async def _get_info(self) -> DeviceInfo:
        info = DeviceInfo.from_dict(await self._request(PATH_INFO))
        if info.api_major_version < SUPPORTED_API_MAJOR:
            raise BasIpUnsupportedDeviceError(
                f"Device API version {info.api_version} is not supported; firmware with "
                f"API v{SUPPORTED_API_MAJOR} is required"
            )
        return info

    async def _authorized_get(self, path: str) -> Any:
        # Logins that start after this point may answer for this call too.
        attempts_seen = self._login_attempts
        generation = self._credentials_generation
        token = self._token
        logged_in = token is None
        if token is None:
            token = await self._shared_login(stale=None, attempts_seen=attempts_seen)
        try:
            return await self._request(path, token=token)
        except BasIpAuthenticationError:
            if logged_in:
                # 401 on a token the login just gave: the credentials do not work.
                self._credentials_rejected(token, generation)
                raise
        # The token expired (or was revoked): one fresh login, one retry.
        generation = self._credentials_generation
        fresh = await self._shared_login(stale=token, attempts_seen=attempts_seen)
        try:
            return await self._request(path, token=fresh)
        except BasIpAuthenticationError:
            # 401 right after a fresh login: the credentials no longer work.
            self._credentials_rejected(fresh, generation)
            raise

    def _credentials_rejected(self, token: str, generation: int) -> None:
        """Stop logging in, unless the credentials were replaced meanwhile."""
        if generation != self._credentials_generation:
            return
        if self._token == token:
            self._token = None
        self._auth_failed = True

    async def _shared_login(self, *, stale: str | None, attempts_seen: int) -> str:
        """Log in once for every caller that needs a (new) token right now.

        ``attempts_seen`` is the login count when the caller started: a login
        attempted since then was made on its behalf too.
        """
        async with self._login_lock:
            if self._token is not None and self._token != stale:
                return self._token
            if self._login_attempts != attempts_seen and self._last_login_error is not None:
                # That login failed: share its outcome instead of asking the
                # device a second time.
                raise self._last_login_error
            return await self._login_locked()

    async def _login_locked(self) -> str:
        self._login_attempts += 1
        self._last_login_error = None
        generation = self._credentials_generation
        try:
            return await self._attempt_login()
        except BasIpError as err:
            if generation == self._credentials_generation:
                self._last_login_error = err
            raise

    async def _attempt_login(self) -> str:
        if self._auth_failed:
            raise BasIpAuthenticationError(
                "Credentials were rejected; not logging in again until they change"
            )
        self._token = None
        generation = self._credentials_generation
        if self.expected_serial is not None:
            info = await self._get_info()
            if info.serial_number != self.expected_serial:
                raise BasIpDeviceMismatchError(self.expected_serial, info.serial_number)
        self.login_count += 1
        _LOGGER.debug("Logging in to %s as %s", self._base_url, self._username)
        try:
            data = await self._request(
                PATH_LOGIN,
                params={"username": self._username, "password": self._password_md5},
            )
        except BasIpAuthenticationError:
            if generation == self._credentials_generation:
                self._auth_failed = True
            raise
        token, _ = parse_login(data)
        if generation == self._credentials_generation:
            self._token = token
        return token

    async def _request(
        self,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        url = self._base_url.with_path(path)
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        error: BasIpError | None = None
        try:
            async with self._session.get(
                url,
                params=params,
                headers=headers,
                timeout=self._timeout,
                ssl=self._ssl,
                allow_redirects=False,
            ) as response:
                status = response.status
                body = await response.read()
        except TimeoutError:
            error = BasIpConnectionError(f"Timed out talking to {self._base_url}")
        except aiohttp.ClientConnectorCertificateError:
            error = BasIpCertificateError(
                f"HTTPS certificate of {self._base_url} failed verification"
            )
        except aiohttp.ClientSSLError as err:
            error = BasIpConnectionError(
                f"TLS failure talking to {self._base_url}: {type(err).__name__}"
            )
        except (aiohttp.ClientError, OSError, socket.gaierror) as err:
            error = BasIpConnectionError(
                f"Cannot connect to {self._base_url}: {type(err).__name__}"
            )
        if error is not None:
            # Raised outside the handler: aiohttp's error text can hold the
            # request URL, and a login's URL carries the password hash, so the
            # aiohttp error must not survive as this error's __context__.
            raise error
        # The URL of a login carries the password hash: log the path only.
        _LOGGER.debug("GET %s%s -> %s (%d bytes)", self._base_url, path, status, len(body))
        if 200 <= status < 300:
            return _decode_json(body, status)
        raise _http_error(status, body, path)


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


def _error_code(body: bytes) -> tuple[str | None, str | None]:
    """``(code, message)`` from a nested or flat error body, if there is one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    error = data.get("error")
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
