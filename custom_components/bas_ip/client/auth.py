"""Authentication: one login in flight, credential generations, the auth latch.

The token is reused until the device answers 401; then the client logs in
exactly once (concurrent callers share that login) and retries. A 401 right
after a fresh login means the credentials are wrong: intercoms of this class
lock out under login storms, so no login is tried again until
:meth:`Auth.set_credentials` gives new ones. With an expected serial number
the device is identified before every login, so that credentials never go to
a device that replaced the known one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

from .exceptions import (
    BasIpAuthenticationError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpUnsupportedDeviceError,
)
from .models import BasIpDeviceInfo, parse_login
from .transport import Transport, _md5_hex

_LOGGER = logging.getLogger(__name__)

SUPPORTED_API_MAJOR: Final = 1
PATH_INFO: Final = "/api/info"
PATH_LOGIN: Final = "/api/v1/login"


async def read_device_info(transport: Transport) -> BasIpDeviceInfo:
    """``/api/info`` (no token); :class:`BasIpUnsupportedDeviceError` for API v0."""
    info = BasIpDeviceInfo.from_dict(await transport.request("GET", PATH_INFO))
    if info.api_major_version < SUPPORTED_API_MAJOR:
        raise BasIpUnsupportedDeviceError(
            f"Device API version {info.api_version} is not supported; firmware with "
            f"API v{SUPPORTED_API_MAJOR} is required"
        )
    return info


class Auth:
    """The token of one device and the logins that obtain it."""

    def __init__(
        self,
        transport: Transport,
        username: str,
        password: str,
        *,
        expected_serial: str | None,
    ) -> None:
        """Hold the credentials (the password only as the digest the device wants)."""
        self._transport = transport
        self.username = username
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
        self.firmware_version: str | None = None
        """The firmware ``/api/info`` reported last (set-up, or the check before a login)."""
        self.login_count = 0
        # Requests spent on authentication rather than on the caller's call:
        # each login, the identity check before it, and each call refused
        # with a 401 and then retried.
        self.auth_requests = 0

    def set_credentials(self, username: str, password: str) -> None:
        """Replace the credentials and allow logins again."""
        self.username = username
        self._password_md5 = _md5_hex(password)
        self._credentials_generation += 1
        self._token = None
        self._auth_failed = False
        self._last_login_error = None

    async def login(self) -> None:
        """Log in now, even if a token is held."""
        async with self._login_lock:
            await self._login_locked()

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """``Transport.request`` with the token; one fresh login and retry on a 401."""
        # Logins that start after this point may answer for this call too.
        attempts_seen = self._login_attempts
        generation = self._credentials_generation
        token = self._token
        logged_in = token is None
        if token is None:
            token = await self._shared_login(stale=None, attempts_seen=attempts_seen)
        try:
            return await self._transport.request(method, path, token=token, **kwargs)
        except BasIpAuthenticationError:
            if logged_in:
                # 401 on a token the login just gave: the credentials do not work.
                self._credentials_rejected(token, generation)
                raise
        # The token expired (or was revoked): one fresh login, one retry.
        self.auth_requests += 1
        generation = self._credentials_generation
        fresh = await self._shared_login(stale=token, attempts_seen=attempts_seen)
        try:
            return await self._transport.request(method, path, token=fresh, **kwargs)
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
            self.auth_requests += 1
            info = await read_device_info(self._transport)
            if info.serial_number != self.expected_serial:
                raise BasIpDeviceMismatchError(self.expected_serial, info.serial_number)
            self.firmware_version = info.firmware_version
        self.login_count += 1
        self.auth_requests += 1
        _LOGGER.debug("Logging in to %s as %s", self._transport.base_url, self.username)
        try:
            data = await self._transport.request(
                "GET",
                PATH_LOGIN,
                params={"username": self.username, "password": self._password_md5},
            )
        except BasIpAuthenticationError:
            if generation == self._credentials_generation:
                self._auth_failed = True
            raise
        token, _ = parse_login(data)
        if generation == self._credentials_generation:
            self._token = token
        return token
