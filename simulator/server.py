"""The simulated BAS-IP device: an aiohttp server speaking the device's web API.

Behaviour follows docs/device-api.md. :class:`DeviceSimulator` composes the
pieces, which live by subject: ``api/`` (the device endpoints), ``control``
(the ``/_simulator/`` API), ``eventlog`` and ``clock`` (the log and the
device clock that stamps it), ``faults`` and ``errors``. One catch-all
low-level handler keeps each request cheap, so that a hundred devices can run
in one process. The simulator logs method, path and status only: the login
query string carries the password digest, and headers carry tokens.
"""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
import copy
import hashlib
import logging
import math
import ssl
import time
from types import TracebackType
from typing import Any, Final, Self
import uuid

from aiohttp import web

from . import api
from .api.auth import bearer_token
from .clock import DeviceClock
from .control import CONTROL_PREFIX, handle_control
from .errors import Errors
from .eventlog import EventLog, history, make_item
from .faults import DROPPED_STATUS, Fault, drop_connection, fault_response
from .images import HTML_PAGE, SNAPSHOT_JPEG, SNAPSHOT_WEBP, huge_jpeg
from .profiles import PROFILES, RTSP_USERNAME, Profile, ProfileData
from .validation import validate_settings

_LOGGER = logging.getLogger(__name__)

API_V1_PREFIX: Final = "/api/v1/"
PATH_INFO: Final = api.PATH_INFO
PATH_LOGIN: Final = api.PATH_LOGIN

# A device re-registers this many seconds before its registration expires.
REREGISTER_MARGIN: Final = 6
# Delayed handlers are woken on stop, so this bounds only unusual cases.
SHUTDOWN_TIMEOUT: Final = 1.0
REBOOT_DURATION: Final = 3.0
# The factory password: six digits, which occur by chance in timestamps, so
# only its digest counts as a secret (as in tests/const.py).
FACTORY_PASSWORD: Final = "123456"

__all__ = ["DeviceSimulator", "Fault"]


class DeviceSimulator:
    """One simulated BAS-IP device listening on ``host:port``."""

    def __init__(
        self,
        profile: Profile | str = Profile.CAMDROID_MONITOR,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "admin",
        password: str = FACTORY_PASSWORD,
        token_lifetime: float = 7200.0,
        serial: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.time,
        history: bool = True,
    ) -> None:
        """Prepare a device; :meth:`start` makes it listen.

        ``history=False`` starts with an empty log instead of yesterday's events.
        """
        self.profile = Profile(profile)
        self._data: ProfileData = PROFILES[self.profile]
        self.errors = Errors(self._data.error_style)
        self.host = host
        self.port = port
        self.username = username
        self._passwords: set[str] = set()
        self._password_md5 = ""
        self._remember_password(password)
        self.token_lifetime = token_lifetime
        self.serial = serial or str(self._data.info["device_serial_number"])
        self._ssl_context = ssl_context
        self._clock = clock
        self.issued_tokens: list[str] = []
        self._token_expiry: dict[str, float] = {}
        self.delay = 0.0
        self._path_faults: dict[str, tuple[Fault, Any]] = {}
        self._global_fault: tuple[Fault, Any] | None = None
        self._settings: dict[str, Any] = copy.deepcopy(self._data.sip_settings)
        self._sip_passwords: set[str] = {str(self._settings["password"])}
        self._sip_enabled = True
        self._registration_ok = True
        self._registration_epoch = clock()
        self._last_attempt_when_disabled: int | None = None
        self.status_endpoint_missing = False
        self.requests: Counter[str] = Counter()
        self.logins = 0
        self.login_failures = 0
        # Intercom functions.
        self._device_clock = DeviceClock(clock)
        self.event_log = EventLog()
        self._identifiers: set[str] = set()
        self.door_sensor = bool(self._data.door_sensor)
        self.door_open = False
        self.door_timeout_exceeded = False
        self._door_opened_at: float | None = None
        self.emergency_holds: dict[int, int] = {}
        self.snapshot_delay = 0.0
        self.snapshot_format = self._data.snapshot_format or "jpeg"
        self.snapshot_jpeg: bytes = SNAPSHOT_JPEG
        self.snapshot_webp: bytes = SNAPSHOT_WEBP
        self.rtsp_username = RTSP_USERNAME
        self._rtsp_passwords: set[str] = set()
        self._rtsp_password = ""
        self.rtsp_password = self._data.rtsp_password or ""
        self.rtsp_masked = self._data.rtsp_masked
        self.rtsp_audio_enabled = False
        self.reboot_duration = REBOOT_DURATION
        self._rebooting = False
        self._booted = asyncio.Event()
        self._booted.set()
        self._reboot_task: asyncio.Task[None] | None = None
        self.lock_opens: Counter[int] = Counter()
        self.reboots = 0
        self.snapshots = 0
        self._runner: web.ServerRunner | None = None
        self._stopping = asyncio.Event()
        if history:
            self._log_history()

    def __repr__(self) -> str:
        """Name the device, never its credentials."""
        return f"DeviceSimulator(profile={self.profile.value!r}, url={self.url!r})"

    @property
    def profile_data(self) -> ProfileData:
        """What the profile's family answers (read-only)."""
        return self._data

    # --- lifecycle -----------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port``; ``port`` 0 picks a free port."""
        if self._runner is not None:
            raise RuntimeError("simulator already started")
        self._stopping = asyncio.Event()
        server = web.Server(self._handle, handler_cancellation=True, access_log=None)
        runner = web.ServerRunner(server, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, ssl_context=self._ssl_context)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        _LOGGER.debug("Simulated %s listening on %s", self.profile.value, self.url)

    async def stop(self) -> None:
        """Stop listening, wake delayed handlers and close every connection.

        A reboot in progress ends at once (the device is back, then stops).
        """
        if self._runner is None:
            return
        runner, self._runner = self._runner, None
        self._stopping.set()
        await runner.cleanup()
        if self._reboot_task is not None:
            await self._reboot_task
        _LOGGER.debug("Simulated %s on %s stopped", self.profile.value, self.address)

    async def __aenter__(self) -> Self:
        """Start the device."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the device."""
        await self.stop()

    @property
    def address(self) -> str:
        """``host:port`` as a client is configured with it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """Base URL of the device."""
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://{self.address}"

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less when the device stops."""
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            pass

    # --- runtime controls ----------------------------------------------------

    def set_fault(
        self,
        fault: Fault | str | None,
        *,
        paths: Iterable[str] | None = None,
        body: Any = None,
    ) -> None:
        """Inject ``fault`` on ``paths`` (``None``: every ``/api/v1`` device call).

        ``paths=None`` spares ``/api/info`` and the login, so a client still
        gets its token and then meets the fault. ``fault=None`` clears the
        faults of ``paths`` (or all of them). ``body`` is what
        :attr:`Fault.WRONG_SHAPE` answers, as JSON.
        """
        if fault is None:
            if paths is None:
                self.clear_faults()
            else:
                for path in paths:
                    self._path_faults.pop(_strip_query(path), None)
            return
        entry = (Fault(fault), copy.deepcopy(body))
        if paths is None:
            self._global_fault = entry
        else:
            for path in paths:
                self._path_faults[_strip_query(path)] = entry

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._path_faults.clear()
        self._global_fault = None

    def expire_tokens(self) -> None:
        """Make every issued token answer 401 from now on."""
        self._token_expiry.clear()

    def set_password(self, password: str) -> None:
        """Change the device password; the old one stops working, tokens expire."""
        self._remember_password(password)
        self.expire_tokens()

    def _remember_password(self, password: str) -> None:
        # Logins compare digests; the plain text is kept only for secrets().
        self._password_md5 = _md5_hex(password)
        self._passwords.add(password)

    def set_serial(self, serial: str) -> None:
        """Become a different device at the same address (tokens expire)."""
        self.serial = serial
        self.expire_tokens()

    def set_registration_ok(self, ok: bool) -> None:
        """Whether registration on the SIP server succeeds (OK) or fails (ERROR)."""
        if ok != self._registration_ok:
            self._registration_ok = ok
            self._registration_epoch = self._clock()

    @property
    def registration_ok(self) -> bool:
        """Whether registration on the SIP server succeeds."""
        return self._registration_ok

    @property
    def sip_enabled(self) -> bool:
        """Whether SIP is switched on; the status is OFFLINE when it is not."""
        return self._sip_enabled

    @sip_enabled.setter
    def sip_enabled(self, enabled: bool) -> None:
        if enabled == self._sip_enabled:
            return
        if enabled:
            # Switching SIP on registers at once.
            self._registration_epoch = self._clock()
        else:
            self._last_attempt_when_disabled = self._last_attempt()
        self._sip_enabled = enabled

    def update_sip_settings(self, **changes: Any) -> None:
        """Change SIP settings, validated exactly as the device's POST.

        Raises ``ValueError("<param>: <reason>")`` when a value is rejected.
        """
        self.apply_sip_settings(changes)

    @property
    def sip_settings(self) -> dict[str, Any]:
        """A deep copy of the current SIP settings, SIP password included."""
        return copy.deepcopy(self._settings)

    def reset_counters(self) -> None:
        """Zero the request, login, lock-open, reboot and snapshot counters."""
        self.requests.clear()
        self.logins = 0
        self.login_failures = 0
        self.lock_opens.clear()
        self.reboots = 0
        self.snapshots = 0

    def state(self) -> dict[str, Any]:
        """What ``GET /_simulator/state`` answers (no password, no token)."""
        settings = self.sip_settings
        # The state is served over HTTP and printed by demos: keep the SIP
        # password out of it.
        settings.pop("password", None)
        faults: dict[str, Any] = {
            path: {"fault": fault.value, "body": body}
            for path, (fault, body) in self._path_faults.items()
        }
        if self._global_fault is not None:
            fault, body = self._global_fault
            faults["*"] = {"fault": fault.value, "body": body}
        return {
            "profile": self.profile.value,
            "serial": self.serial,
            "username": self.username,
            "url": self.url,
            "sip_enabled": self._sip_enabled,
            "registration_ok": self._registration_ok,
            "status_endpoint_missing": self.status_endpoint_missing,
            "delay": self.delay,
            "token_lifetime": self.token_lifetime,
            "faults": faults,
            "sip_settings": settings,
            "clock_offset": self.clock_offset,
            "log_items": len(self.event_log.items),
            "door_sensor": self.door_sensor,
            "door_open": self.door_open,
            "door_timeout_exceeded": self.door_timeout_exceeded,
            "emergency_holds": {str(lock): secs for lock, secs in self.emergency_holds.items()},
            "snapshot_delay": self.snapshot_delay,
            "snapshot_format": self.snapshot_format,
            "rtsp_username": self.rtsp_username,
            "rtsp_masked": self.rtsp_masked,
            "rebooting": self._rebooting,
            "reboot_duration": self.reboot_duration,
        }

    def counters(self) -> dict[str, Any]:
        """What ``GET /_simulator/counters`` answers.

        ``lock_opens``, ``reboots`` and ``snapshots`` appear once they count
        something, so a device that used none of them answers as before.
        """
        counters: dict[str, Any] = {
            "requests": dict(self.requests),
            "logins": self.logins,
            "login_failures": self.login_failures,
        }
        if self.lock_opens:
            counters["lock_opens"] = {str(lock): n for lock, n in sorted(self.lock_opens.items())}
        if self.reboots:
            counters["reboots"] = self.reboots
        if self.snapshots:
            counters["snapshots"] = self.snapshots
        return counters

    def secrets(self) -> set[str]:
        """Every secret the device holds or issued, for the log guard.

        Device passwords ever set (plain, except the six-digit factory default,
        and their digests), SIP and RTSP passwords ever stored, issued tokens,
        and the card numbers and codes in its log.
        """
        digests = {_md5_hex(password) for password in self._passwords}
        found = (self._passwords - {FACTORY_PASSWORD}) | digests | {d.upper() for d in digests}
        found |= self._sip_passwords | self._rtsp_passwords | self._identifiers
        found.update(self.issued_tokens)
        found.discard("")
        return found

    @property
    def identifiers(self) -> frozenset[str]:
        """The card numbers and codes in its log (also part of :meth:`secrets`)."""
        return frozenset(self._identifiers)

    # --- device clock and event log --------------------------------------------

    @property
    def clock_offset(self) -> float:
        """Seconds the device clock runs ahead of ``clock()`` (negative: behind)."""
        return self._device_clock.offset

    @clock_offset.setter
    def clock_offset(self, seconds: float) -> None:
        self._device_clock.offset = float(seconds)

    def device_now_ms(self) -> int:
        """Device time in milliseconds: what a log item logged now is stamped with."""
        return self._device_clock.now_ms()

    def skew_clock(self, seconds: float) -> None:
        """Set the device clock ``seconds`` ahead of the host clock."""
        self._device_clock.skew(seconds)

    def jump_clock(self, seconds: float) -> None:
        """Step the device clock by ``seconds`` (negative: back)."""
        self._device_clock.jump(seconds)

    @property
    def log_items(self) -> list[dict[str, Any]]:
        """The log, oldest first (the API answers newest first)."""
        return self.event_log.items

    def log_event(
        self,
        key: str,
        *,
        info: Mapping[str, Any] | None = None,
        category: str = "info",
        timestamp_ms: int | None = None,
    ) -> dict[str, Any]:
        """Append one item (``info`` is its ``info.model``), stamped now by the device clock."""
        stamp = self.device_now_ms() if timestamp_ms is None else timestamp_ms
        for field in ("card", "code"):
            value = (info or {}).get(field)
            if isinstance(value, str) and value:
                self._identifiers.add(value)
        return self.event_log.append(
            make_item(key, timestamp_ms=stamp, info=info, category=category)
        )

    def ring(self, number: str = "101") -> dict[str, Any]:
        """Someone rings: the profile's ring key with ``info.model.number``."""
        return self.log_event(self._data.ring_key, info={"number": number})

    def missed_call(self, number: str = "101") -> dict[str, Any]:
        """A call nobody answered: the profile's missed-call key."""
        return self.log_event(self._data.missed_key, info={"number": number})

    def card_granted(self, card: str = "04C0FFEE00B1A5", lock: int = 1) -> dict[str, Any]:
        """A valid card opened ``lock``."""
        return self.log_event(
            "access_granted_by_valid_identifier", info={"card": card, "lock": lock}
        )

    def card_denied(self, card: str = "04BADC0DE0F00D") -> dict[str, Any]:
        """An unknown card was refused."""
        return self.log_event(
            "access_denied_by_unknown_card", info={"card": card}, category="warning"
        )

    def code_granted(self, code: str = "4821#", lock: int = 1) -> dict[str, Any]:
        """A valid code opened ``lock``."""
        return self.log_event("access_granted_by_master_code", info={"code": code, "lock": lock})

    def code_denied(self, code: str = "0000#") -> dict[str, Any]:
        """A wrong code was refused."""
        return self.log_event(
            "access_denied_by_not_valid_input_code", info={"code": code}, category="warning"
        )

    def exit_button(self, lock: int = 1) -> dict[str, Any]:
        """The exit button inside opened ``lock``."""
        return self.log_event("lock_was_opened_by_exit_btn", info={"lock": lock})

    def log_burst(
        self, n: int, key: str = "access_granted_by_valid_identifier"
    ) -> list[dict[str, Any]]:
        """``n`` items at once, all stamped with the same device millisecond."""
        stamp = self.device_now_ms()
        return [self.log_event(key, info={"lock": 1}, timestamp_ms=stamp) for _ in range(n)]

    def clear_log(self) -> None:
        """Empty the log; new items are stamped by the device clock as before."""
        self.event_log.clear()

    def _log_history(self) -> None:
        has_locks = self._data.max_lock is not None
        door_keys = self._data.door_keys[:2] if self._data.door_sensor is not None else None
        for stamp, key, info, category in history(
            self.device_now_ms(),
            ring_key=self._data.ring_key,
            missed_key=self._data.missed_key,
            door_keys=door_keys,
            has_locks=has_locks,
        ):
            self.log_event(key, info=info, category=category, timestamp_ms=stamp)

    # --- doors ---------------------------------------------------------------

    def set_door(self, open: bool, *, timeout_exceeded: bool = False) -> None:
        """Open or close the door; logged with the family's door keys.

        ``timeout_exceeded`` with an open door also logs "open too long".
        """
        opened_key, closed_key, too_long_key = self._data.door_keys
        if open and not self.door_open:
            self._door_opened_at = self._clock()
        if open != self.door_open or not open:
            self.log_event(opened_key if open else closed_key)
        self.door_open = open
        self.door_timeout_exceeded = open and timeout_exceeded
        if self.door_timeout_exceeded:
            self.log_event(too_long_key, category="warning")
        if not open:
            self._door_opened_at = None

    def door_status_answer(self) -> dict[str, Any]:
        """Body of ``GET /api/v1/access/door/status``.

        ``opentime`` is the seconds the door has been open, 0 when closed (inferred).
        """
        opened_at = self._door_opened_at
        open_time = 0 if opened_at is None else max(int(self._clock() - opened_at), 0)
        return {
            "status": "open" if self.door_open else "closed",
            "is_timeout_exceed": self.door_timeout_exceeded,
            "opentime": open_time,
            "mode": "door_sensor",
        }

    def record_lock_open(self, lock: int) -> None:
        """An API lock release: counted and logged as ``access_granted_by_api_call``."""
        self.lock_opens[lock] += 1
        self.log_event("access_granted_by_api_call", info={"lock": lock})

    # --- camera --------------------------------------------------------------

    @property
    def rtsp_password(self) -> str:
        """The RTSP password held (masked in the GET answer when ``rtsp_masked``)."""
        return self._rtsp_password

    @rtsp_password.setter
    def rtsp_password(self, password: str) -> None:
        self._rtsp_password = password
        self._rtsp_passwords.add(password)

    def snapshot_body(self) -> tuple[bytes, str]:
        """``(body, content type)`` of a snapshot in ``snapshot_format``."""
        kind = self.snapshot_format
        if kind == "base64":
            return base64.b64encode(self.snapshot_jpeg), "text/plain"
        if kind == "webp":
            return self.snapshot_webp, "image/webp"
        if kind == "base64_webp":
            return base64.b64encode(self.snapshot_webp), "text/plain"
        if kind == "html":
            return HTML_PAGE, "text/html"
        if kind == "huge":
            return huge_jpeg(), "image/jpeg"
        return self.snapshot_jpeg, "image/jpeg"

    # --- reboot --------------------------------------------------------------

    @property
    def rebooting(self) -> bool:
        """Whether the device is rebooting (dropping every device request)."""
        return self._rebooting

    def start_reboot(self, seconds: float | None = None) -> None:
        """Begin a reboot of ``seconds`` (default ``reboot_duration``) and return.

        A reboot asked for while one runs is ignored (inferred).
        """
        if self._rebooting:
            return
        self.reboots += 1
        self._rebooting = True
        self._booted.clear()
        duration = self.reboot_duration if seconds is None else seconds
        self._reboot_task = asyncio.get_running_loop().create_task(self._run_reboot(duration))

    async def reboot(self, seconds: float | None = None) -> None:
        """Reboot for ``seconds`` (default ``reboot_duration``); return once it is back."""
        self.start_reboot(seconds)
        await self.wait_booted()

    async def wait_booted(self) -> None:
        """Return once no reboot is in progress."""
        await self._booted.wait()

    async def _run_reboot(self, seconds: float) -> None:
        await self.sleep(seconds)
        self._token_expiry.clear()
        self.emergency_holds.clear()
        self._rebooting = False
        self.log_event("device_booted")
        self._booted.set()

    # --- authentication and SIP, for the api handlers ---------------------------

    def check_login(self, username: str | None, digest: str | None) -> str | None:
        """A fresh token for good credentials (logged), else ``None`` (counted)."""
        if username != self.username or digest is None or digest.lower() != self._password_md5:
            self.login_failures += 1
            self.log_event("incorrect_login_api_call", category="warning")
            return None
        token = str(uuid.uuid4())
        self._token_expiry[token] = self._clock() + self.token_lifetime
        self.issued_tokens.append(token)
        self.logins += 1
        self.log_event("successful_login_api_call")
        return token

    def revoke_token(self, token: str) -> None:
        """Forget ``token`` (logout)."""
        self._token_expiry.pop(token, None)

    def token_valid(self, token: str | None) -> bool:
        """Whether ``token`` was issued and has not expired."""
        expiry = self._token_expiry.get(token) if token is not None else None
        return expiry is not None and self._clock() < expiry

    def apply_sip_settings(self, changes: Any) -> None:
        """Validate and apply ``changes`` (raises ``SettingsError``); re-registers."""
        mask = self._data.password_mask
        if mask is not None and isinstance(changes, dict) and changes.get("password") == mask:
            # Posting the mask back means "keep the password" (inferred).
            changes = {key: value for key, value in changes.items() if key != "password"}
        # Android panels (the family that masks the password) add their own rules.
        self._settings = validate_settings(
            self._settings, changes, android=self._data.password_mask is not None
        )
        self._sip_passwords.add(str(self._settings["password"]))
        # New settings re-register at once.
        self._registration_epoch = self._clock()

    def sip_settings_answer(self) -> dict[str, Any]:
        """Body of the SIP settings GET (the password masked on Android)."""
        body = copy.deepcopy(self._settings)
        if self._data.password_mask is not None:
            body["password"] = self._data.password_mask
        return body

    def sip_status_answer(self) -> dict[str, Any]:
        """Body of ``GET /api/v1/sip/status``."""
        if not self._sip_enabled:
            status, last_attempt = "OFFLINE", self._last_attempt_when_disabled
        else:
            status = "OK" if self._registration_ok else "ERROR"
            last_attempt = self._last_attempt()
        body: dict[str, Any] = {"sip_status": status}
        if self._data.reports_last_attempt:
            body["register_last_attempt"] = last_attempt
        body.update(self._data.extra_status_fields)
        return body

    def _last_attempt(self) -> int:
        """Unix time of the latest (re-)registration attempt.

        The device re-registers ``REREGISTER_MARGIN`` seconds before its
        registration expires, so attempts repeat with that period.
        """
        epoch = self._registration_epoch
        period = max(float(self._settings["registration_interval"]) - REREGISTER_MARGIN, 1.0)
        elapsed = self._clock() - epoch
        if elapsed <= 0:
            return int(epoch)
        return int(epoch + math.floor(elapsed / period) * period)

    # --- request handling ----------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if path.startswith(CONTROL_PREFIX):
            response = await handle_control(self, request, path[len(CONTROL_PREFIX) :])
        else:
            self.requests[path] += 1
            if self._rebooting:
                response = drop_connection(request)
            else:
                if self.delay > 0:
                    await self.sleep(self.delay)
                fault = self._fault_for(path)
                if fault is None:
                    response = await self._device(request, path)
                else:
                    response = fault_response(request, *fault, self.errors)
        if _LOGGER.isEnabledFor(logging.DEBUG):
            outcome = "dropped" if response.status == DROPPED_STATUS else response.status
            _LOGGER.debug("%s %s -> %s", request.method, path, outcome)
        return response

    def _fault_for(self, path: str) -> tuple[Fault, Any] | None:
        entry = self._path_faults.get(path)
        if entry is not None:
            return entry
        if self._global_fault is not None and path.startswith(API_V1_PREFIX) and path != PATH_LOGIN:
            return self._global_fault
        return None

    async def _device(self, request: web.BaseRequest, path: str) -> web.StreamResponse:
        if path == PATH_INFO:
            return await api.system.info(self, request)
        if not self._data.api_v1:
            return self.errors.not_found()
        handler = api.route(path)
        if handler is None:
            return self.errors.not_found()
        if path != PATH_LOGIN and not self.token_valid(bearer_token(request)):
            return self.errors.unauthorized()
        return await handler(self, request)


def _md5_hex(password: str) -> str:
    # The device protocol compares MD5 digests of the password.
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


def _strip_query(path: str) -> str:
    return path.partition("?")[0]
