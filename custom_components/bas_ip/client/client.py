"""Async client for the BAS-IP ``/api/v1`` web API: a flat list of calls.

It runs on an injected :class:`aiohttp.ClientSession` and keeps one Bearer
token per device (see :mod:`.auth`); every request goes through
:mod:`.transport`, which maps each failure to one of the client's errors.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any, Final
from urllib.parse import quote

import aiohttp

from .auth import Auth, read_device_info
from .exceptions import (
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
)
from .identifiers import IdentifierApi
from .logorder import LogDialect
from .models import (
    HOLD_OPEN_MAX_SECONDS,
    HOLD_OPEN_MIN_SECONDS,
    LOCK_MAX,
    BasIpDeviceInfo,
    DoorStatus,
    LogPage,
    RtspSettings,
    SipEnabled,
    SipSettings,
    SipSettingsUpdate,
    SipStatus,
    Snapshot,
    parse_lock_count,
    parse_mac_address,
)
from .snapshot import decode_snapshot
from .transport import (
    DEFAULT_TIMEOUT,
    Transport,
    _base_url,
    _decode_json,
    _error_code,
    _http_error,
)
from .validation import check_int_range, is_android_answer, validate_sip_write
from .webhooks import WebhookApi

SNAPSHOT_TIMEOUT: Final = 10.0
SNAPSHOT_MAX_BYTES: Final = 5 * 1024 * 1024
LOG_PAGE_LIMITS: Final = (10, 20, 30, 50)
RTSP_PORT: Final = 8554
RTSP_PATH: Final = "ch01"
# Action answers are not documented (any 2xx is done): read little of them.
_ACTION_MAX_BYTES: Final = 64 * 1024
DOOR_SENSOR_NOT_ACTIVATED: Final = "Door sensor mode is not activated"

PATH_MAC: Final = "/api/v1/network/mac"
PATH_SIP_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_SIP_STATUS: Final = "/api/v1/sip/status"
PATH_SIP_ENABLE: Final = "/api/v1/device/sip/enable"
PATH_LOG_ITEMS: Final = "/api/v1/log/items"
PATH_LOCK_TYPE: Final = "/api/v1/access/general/lock/type"
PATH_LOCK_OPEN: Final = "/api/v1/access/general/lock/open/remote/accepted/{lock}"
PATH_EMERGENCY_OPEN: Final = "/api/v1/access/general/lock/open/emergency"
PATH_EMERGENCY_CLOSE: Final = "/api/v1/access/general/lock/close/emergency"
PATH_DOOR_STATUS: Final = "/api/v1/access/door/status"
PATH_SNAPSHOT: Final = "/api/v1/photo/file"
PATH_RTSP: Final = "/api/v1/device/settings/rtsp"
PATH_REBOOT: Final = "/api/v1/system/reboot/run"

# The decoding helpers stay importable from here for the existing fuzz tests.
__all__ = [
    "DEFAULT_TIMEOUT",
    "SNAPSHOT_TIMEOUT",
    "BasIpClient",
    "_decode_json",
    "_error_code",
    "_http_error",
]


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
        snapshot_timeout: float = SNAPSHOT_TIMEOUT,
    ) -> None:
        """Prepare a client; nothing is sent until the first call.

        ``host`` is an IP address or name, optionally with ``:port``.
        ``expected_serial``, when given, is checked before every login so
        that credentials never go to a device that replaced the known one.
        """
        self._transport = Transport(
            session, _base_url(host, use_https), verify_ssl=verify_ssl, timeout=request_timeout
        )
        self._auth = Auth(self._transport, username, password, expected_serial=expected_serial)
        self.webhooks = WebhookApi(self._auth)
        self.identifiers = IdentifierApi(self._auth, self._transport)
        self._snapshot_timeout = snapshot_timeout
        self._snapshot_task: asyncio.Task[Snapshot] | None = None
        self._clock_skew_ms: int | None = None

    def __repr__(self) -> str:
        """Name the device, never the credentials or the token."""
        return f"BasIpClient(url={self.base_url!r}, username={self._auth.username!r})"

    @property
    def base_url(self) -> str:
        """Scheme, host and port of the device, e.g. ``http://192.0.2.10``."""
        return str(self._transport.base_url)

    @property
    def expected_serial(self) -> str | None:
        """Serial number checked before every login (``None``: not checked)."""
        return self._auth.expected_serial

    @expected_serial.setter
    def expected_serial(self, serial: str | None) -> None:
        self._auth.expected_serial = serial

    @property
    def firmware_version(self) -> str | None:
        """The firmware the device reported last (a firmware update shows after its reboot)."""
        return self._auth.firmware_version

    @property
    def login_count(self) -> int:
        """Logins sent so far; each one leaves a ``successful_login_api_call`` in the log."""
        return self._auth.login_count

    @property
    def auth_requests(self) -> int:
        """Requests spent on authentication so far: logins, identity checks, 401s retried."""
        return self._auth.auth_requests

    def set_credentials(self, username: str, password: str) -> None:
        """Replace the credentials and allow logins again."""
        self._auth.set_credentials(username, password)

    async def login(self) -> None:
        """Log in now, even if a token is held."""
        await self._auth.login()

    # --- device ---------------------------------------------------------------

    async def get_device_info(self) -> BasIpDeviceInfo:
        """``/api/info`` and, where the device offers it, the MAC address.

        Raises :class:`BasIpUnsupportedDeviceError` for API major version 0.
        """
        info = await read_device_info(self._transport)
        self._auth.firmware_version = info.firmware_version
        return dataclasses.replace(info, mac_address=await self.get_mac_address())

    async def get_mac_address(self) -> str | None:
        """MAC address, or ``None`` where the device has no such endpoint."""
        try:
            data = await self._auth.request("GET", PATH_MAC)
        except (BasIpUnsupportedDeviceError, BasIpPermissionError):
            return None
        return parse_mac_address(data)

    async def reboot(self) -> None:
        """Restart the device; it is gone for about a minute."""
        await self._action("GET", PATH_REBOOT)

    # --- SIP ------------------------------------------------------------------

    async def get_sip_settings(self) -> SipSettings:
        """SIP account settings (the SIP password is not kept)."""
        return SipSettings.from_dict(await self._auth.request("GET", PATH_SIP_SETTINGS))

    async def get_sip_status(self) -> SipStatus:
        """SIP registration status."""
        return SipStatus.from_dict(await self._auth.request("GET", PATH_SIP_STATUS))

    async def get_sip_enabled(self) -> SipEnabled:
        """Whether SIP is switched on."""
        return SipEnabled.from_dict(await self._auth.request("GET", PATH_SIP_ENABLE))

    async def set_sip_enabled(self, enabled: bool) -> None:
        """Switch SIP on or off."""
        await self._action("POST", PATH_SIP_ENABLE, json={"sip_enable": bool(enabled)})

    async def set_sip_settings(self, update: SipSettingsUpdate, *, password: str) -> None:
        """Change SIP settings; the device needs the SIP password with every write.

        The current settings are read, ``update`` is merged in, the result is
        checked as the device checks it, and the whole object is sent.
        ``password`` is never kept.
        """
        current = await self._auth.request("GET", PATH_SIP_SETTINGS)
        if not isinstance(current, dict):
            raise BasIpResponseError(
                "Invalid device response: field 'sip_settings' must be a JSON object",
                field="sip_settings",
            )
        body = update.apply(current)
        body["password"] = password
        validate_sip_write(body, android=is_android_answer(current))
        await self._action("POST", PATH_SIP_SETTINGS, json=body)

    # --- event log ------------------------------------------------------------

    async def get_log_page(
        self, *, limit: int = 10, page: int = 1, dialect: LogDialect = LogDialect.NONE
    ) -> LogPage:
        """One page of the event log in the order ``dialect`` asks for (newest first).

        ``limit`` is 10, 20, 30 or 50. The page carries the device's clock at
        the answer (its ``Date`` header) where the device sent one.
        """
        if isinstance(limit, bool) or limit not in LOG_PAGE_LIMITS:
            raise BasIpValidationError(
                "Invalid value for 'limit': must be 10, 20, 30 or 50", field="limit"
            )
        check_int_range("page", page, 1, 1_000_000)
        params = {"limit": str(limit), "page_number": str(page), "locale": "en"}
        params.update(dialect.params())
        answer = await self._auth.request("GET", PATH_LOG_ITEMS, params=params, expect="dated_json")
        if answer.date_ms is not None:
            self._clock_skew_ms = answer.date_ms - round(time.time() * 1000)
        return LogPage.from_dict(answer.body, device_time_ms=answer.date_ms)

    def device_now_ms(self) -> int | None:
        """Estimate the device's clock now from its last dated log answer (``None``: none seen yet).

        Whole seconds: the ``Date`` header has no finer resolution.
        """
        if self._clock_skew_ms is None:
            return None
        return round(time.time() * 1000) + self._clock_skew_ms

    # --- doors ----------------------------------------------------------------

    async def get_lock_count(self) -> int | None:
        """Read the number of locks; ``None`` where the device does not say (404: assume one)."""
        try:
            data = await self._auth.request("GET", PATH_LOCK_TYPE)
        except BasIpUnsupportedDeviceError:
            return None
        return parse_lock_count(data)

    async def open_lock(self, lock: int) -> None:
        """Release lock ``lock`` (1..8) or every lock (0)."""
        check_int_range("lock", lock, 0, LOCK_MAX)
        await self._action("GET", PATH_LOCK_OPEN.format(lock=lock))

    async def get_door_status(self) -> DoorStatus | None:
        """Read the door contact, or ``None`` where the input is not a door sensor."""
        data = await self._auth.request(
            "GET", PATH_DOOR_STATUS, none_if_error=DOOR_SENSOR_NOT_ACTIVATED
        )
        return None if data is None else DoorStatus.from_dict(data)

    async def hold_door_open(self, lock: int, seconds: int) -> None:
        """Keep lock ``lock`` (1..8) open for ``seconds`` (1..604800; seconds, not ms)."""
        check_int_range("lock", lock, 1, LOCK_MAX)
        check_int_range("seconds", seconds, HOLD_OPEN_MIN_SECONDS, HOLD_OPEN_MAX_SECONDS)
        body = {"locks": [{"lock_number": lock, "unlock_time": seconds}]}
        await self._action("POST", PATH_EMERGENCY_OPEN, json=body)

    async def end_hold_open(self, lock: int) -> None:
        """End a hold-open of lock ``lock`` (1..8)."""
        check_int_range("lock", lock, 1, LOCK_MAX)
        await self._action("POST", PATH_EMERGENCY_CLOSE, json={"locks": [lock]})

    # --- camera ---------------------------------------------------------------

    async def get_snapshot(self) -> Snapshot:
        """One camera image; concurrent callers share one request in flight."""
        task = self._snapshot_task
        if task is None:
            task = asyncio.get_running_loop().create_task(self._fetch_snapshot())
            self._snapshot_task = task
            task.add_done_callback(self._snapshot_done)
        # A cancelled caller does not cancel the request the others wait for.
        return await asyncio.shield(task)

    async def get_rtsp_settings(self) -> RtspSettings:
        """RTSP credentials (the password may come masked on newer firmware)."""
        return RtspSettings.from_dict(await self._auth.request("GET", PATH_RTSP))

    def rtsp_url(
        self, username: str, password: str, *, port: int = RTSP_PORT, path: str = RTSP_PATH
    ) -> str:
        """``rtsp://user:password@host:port/path`` with the credentials URL-quoted.

        The result carries a password: never log it.
        """
        check_int_range("port", port, 1, 65535)
        host = self._transport.base_url.raw_host or ""
        if ":" in host:
            host = f"[{host}]"
        credentials = f"{quote(username, safe='')}:{quote(password, safe='')}"
        return f"rtsp://{credentials}@{host}:{port}/{quote(path.lstrip('/'), safe='/')}"

    # --- internals ------------------------------------------------------------

    async def _action(self, method: str, path: str, *, json: Any = None) -> None:
        """Send an action: any 2xx is done; a refused value is a validation error."""
        await self._auth.request(
            method, path, json=json, expect="bytes", max_bytes=_ACTION_MAX_BYTES, validation=True
        )

    async def _fetch_snapshot(self) -> Snapshot:
        body = await self._auth.request(
            "GET",
            PATH_SNAPSHOT,
            expect="bytes",
            max_bytes=SNAPSHOT_MAX_BYTES,
            request_timeout=self._snapshot_timeout,
        )
        return decode_snapshot(body)

    def _snapshot_done(self, task: asyncio.Task[Snapshot]) -> None:
        if self._snapshot_task is task:
            self._snapshot_task = None
        if not task.cancelled():
            # Retrieved here so that an error nobody awaited any more is not
            # reported as "never retrieved".
            task.exception()
