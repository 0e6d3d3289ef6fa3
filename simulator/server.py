"""The simulated BAS-IP device: an aiohttp server speaking the device's web API.

Behaviour follows docs/device-api.md. One catch-all low-level handler keeps
each request cheap, so that a hundred devices can run in one process. The
simulator logs method, path and status only: the login query string carries
the password digest, and headers carry tokens.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
import copy
from enum import StrEnum
import hashlib
import json
import logging
import math
import ssl
import time
from types import TracebackType
from typing import Any, Final, Self
import uuid

from aiohttp import web

from .profiles import PROFILES, ErrorStyle, Profile
from .validation import SettingsError, validate_settings

_LOGGER = logging.getLogger(__name__)

PATH_INFO: Final = "/api/info"
PATH_LOGIN: Final = "/api/v1/login"
PATH_LOGOUT: Final = "/api/v1/logout"
PATH_MAC: Final = "/api/v1/network/mac"
PATH_SIP_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_SIP_ENABLE: Final = "/api/v1/device/sip/enable"
PATH_SIP_STATUS: Final = "/api/v1/sip/status"
API_V1_PREFIX: Final = "/api/v1/"
CONTROL_PREFIX: Final = "/_simulator/"

# A device re-registers this many seconds before its registration expires.
REREGISTER_MARGIN: Final = 6
# Delayed handlers are woken on stop, so this bounds only unusual cases.
SHUTDOWN_TIMEOUT: Final = 1.0

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


_Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


class DeviceSimulator:
    """One simulated BAS-IP device listening on ``host:port``."""

    def __init__(
        self,
        profile: Profile | str = Profile.CAMDROID_MONITOR,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "admin",
        password: str = "123456",  # noqa: S107 - the device's factory default
        token_lifetime: float = 7200.0,
        serial: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Prepare a device; :meth:`start` makes it listen."""
        self.profile = Profile(profile)
        self._data = PROFILES[self.profile]
        self.host = host
        self.port = port
        self.username = username
        # Only the digest is kept: it is what logins are compared against.
        self._password_md5 = _md5_hex(password)
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
        self._sip_enabled = True
        self._registration_ok = True
        self._registration_epoch = clock()
        self._last_attempt_when_disabled: int | None = None
        self.status_endpoint_missing = False
        self.requests: Counter[str] = Counter()
        self.logins = 0
        self.login_failures = 0
        self._runner: web.ServerRunner | None = None
        self._stopping = asyncio.Event()
        self._device_routes: dict[str, _Handler] = {
            PATH_LOGIN: self._login,
            PATH_LOGOUT: self._logout,
            PATH_MAC: self._mac,
            PATH_SIP_SETTINGS: self._sip_settings_endpoint,
            PATH_SIP_ENABLE: self._sip_enable_endpoint,
            PATH_SIP_STATUS: self._sip_status_endpoint,
        }
        self._control_routes: dict[tuple[str, str], _Handler] = {
            ("GET", "state"): self._control_state,
            ("GET", "counters"): self._control_counters,
            ("POST", "sip/settings"): self._control_sip_settings,
            ("POST", "registration"): self._control_registration,
            ("POST", "sip/enable"): self._control_sip_enable,
            ("POST", "fault"): self._control_fault,
            ("POST", "delay"): self._control_delay,
            ("POST", "expire_tokens"): self._control_expire_tokens,
            ("POST", "password"): self._control_password,
            ("POST", "serial"): self._control_serial,
            ("POST", "status_endpoint"): self._control_status_endpoint,
            ("POST", "reset_counters"): self._control_reset_counters,
        }

    def __repr__(self) -> str:
        """Name the device, never its credentials."""
        return f"DeviceSimulator(profile={self.profile.value!r}, url={self.url!r})"

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
        """Stop listening, wake delayed handlers and close every connection."""
        if self._runner is None:
            return
        runner, self._runner = self._runner, None
        self._stopping.set()
        await runner.cleanup()
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
        self._password_md5 = _md5_hex(password)
        self.expire_tokens()

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
        self._apply_settings(changes)

    @property
    def sip_settings(self) -> dict[str, Any]:
        """A deep copy of the current SIP settings, SIP password included."""
        return copy.deepcopy(self._settings)

    def reset_counters(self) -> None:
        """Zero the request, login and login-failure counters."""
        self.requests.clear()
        self.logins = 0
        self.login_failures = 0

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
        }

    def counters(self) -> dict[str, Any]:
        """What ``GET /_simulator/counters`` answers."""
        return {
            "requests": dict(self.requests),
            "logins": self.logins,
            "login_failures": self.login_failures,
        }

    # --- request handling ----------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if path.startswith(CONTROL_PREFIX):
            response = await self._control(request, path[len(CONTROL_PREFIX) :])
        else:
            self.requests[path] += 1
            if self.delay > 0:
                await self._sleep(self.delay)
            fault = self._fault_for(path)
            if fault is None:
                response = await self._device(request, path)
            else:
                response = self._fault_response(request, *fault)
        if _LOGGER.isEnabledFor(logging.DEBUG):
            outcome = "dropped" if response.status == DROPPED_STATUS else response.status
            _LOGGER.debug("%s %s -> %s", request.method, path, outcome)
        return response

    async def _sleep(self, seconds: float) -> None:
        # Wakes early on stop() so that shutting down never waits for delays.
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            pass

    def _fault_for(self, path: str) -> tuple[Fault, Any] | None:
        entry = self._path_faults.get(path)
        if entry is not None:
            return entry
        if self._global_fault is not None and path.startswith(API_V1_PREFIX) and path != PATH_LOGIN:
            return self._global_fault
        return None

    def _fault_response(
        self, request: web.BaseRequest, fault: Fault, body: Any
    ) -> web.StreamResponse:
        if fault is Fault.DROP_CONNECTION:
            transport = request.transport
            if transport is not None:
                transport.close()
            # Never reaches the client: aiohttp finds the transport closed.
            return web.Response(status=DROPPED_STATUS)
        if fault is Fault.HTML_500:
            return web.Response(status=500, body=HTML_500_PAGE, content_type="text/html")
        if fault is Fault.INVALID_JSON:
            return web.Response(body=BROKEN_JSON, content_type="application/json")
        if fault is Fault.WRONG_SHAPE:
            return _json(body)
        if fault is Fault.EMPTY_BODY:
            return web.Response(body=b"", content_type="application/json")
        if fault is Fault.PERMISSION_DENIED:
            return self._error(403, "permission_denied", "Permission denied")
        return self._not_found()

    async def _device(self, request: web.BaseRequest, path: str) -> web.StreamResponse:
        if path == PATH_INFO:
            if request.method != "GET":
                return self._method_not_allowed()
            return _json({**self._data.info, "device_serial_number": self.serial})
        if not self._data.api_v1:
            return self._not_found()
        handler = self._device_routes.get(path)
        if handler is None:
            return self._not_found()
        if path != PATH_LOGIN and not self._authorized(request):
            return self._error(401, "invalid_authentication", "Log In")
        return await handler(request)

    def _authorized(self, request: web.BaseRequest) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return False
        expiry = self._token_expiry.get(token.strip())
        return expiry is not None and self._clock() < expiry

    # --- device endpoints ------------------------------------------------------

    async def _login(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.method not in ("GET", "POST"):
            return self._method_not_allowed()
        username = request.query.get("username")
        digest = request.query.get("password")
        if username != self.username or digest is None or digest.lower() != self._password_md5:
            self.login_failures += 1
            return self._error(401, "invalid_authentication", "Log In")
        token = str(uuid.uuid4())
        self._token_expiry[token] = self._clock() + self.token_lifetime
        self.issued_tokens.append(token)
        self.logins += 1
        return _json({"token": token, "account_type": "admin"})

    async def _logout(self, request: web.BaseRequest) -> web.StreamResponse:
        _, _, token = request.headers.get("Authorization", "").partition(" ")
        self._token_expiry.pop(token.strip(), None)
        return _json({})

    async def _mac(self, request: web.BaseRequest) -> web.StreamResponse:
        if self._data.mac_address is None:
            return self._not_found()
        if request.method != "GET":
            return self._method_not_allowed()
        return _json({"mac_address": self._data.mac_address})

    async def _sip_settings_endpoint(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.method == "POST":
            changes, problem = await _read_json(request)
            if problem is not None:
                return self._not_valid({"body": problem})
            try:
                self._apply_settings(changes)
            except SettingsError as err:
                return self._not_valid(err.errors)
        elif request.method != "GET":
            return self._method_not_allowed()
        body = copy.deepcopy(self._settings)
        if self._data.password_mask is not None:
            body["password"] = self._data.password_mask
        return _json(body)

    async def _sip_enable_endpoint(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.method == "POST":
            changes, problem = await _read_json(request)
            if problem is not None:
                return self._not_valid({"body": problem})
            enabled = changes.get("sip_enable") if isinstance(changes, dict) else None
            if not isinstance(enabled, bool):
                return self._not_valid({"sip_enable": "must be a boolean"})
            self.sip_enabled = enabled
        elif request.method != "GET":
            return self._method_not_allowed()
        return _json({"sip_enable": self._sip_enabled})

    async def _sip_status_endpoint(self, request: web.BaseRequest) -> web.StreamResponse:
        if self.status_endpoint_missing:
            return self._not_found()
        if request.method != "GET":
            return self._method_not_allowed()
        if not self._sip_enabled:
            status, last_attempt = "OFFLINE", self._last_attempt_when_disabled
        else:
            status = "OK" if self._registration_ok else "ERROR"
            last_attempt = self._last_attempt()
        body: dict[str, Any] = {"sip_status": status}
        if self._data.reports_last_attempt:
            body["register_last_attempt"] = last_attempt
        body.update(self._data.extra_status_fields)
        return _json(body)

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

    def _apply_settings(self, changes: Any) -> None:
        mask = self._data.password_mask
        if mask is not None and isinstance(changes, dict) and changes.get("password") == mask:
            # Posting the mask back means "keep the password" (inferred).
            changes = {key: value for key, value in changes.items() if key != "password"}
        self._settings = validate_settings(self._settings, changes)
        # New settings re-register at once.
        self._registration_epoch = self._clock()

    # --- error bodies -------------------------------------------------------

    def _error(
        self, status: int, code: str, message: str, data: dict[str, str] | None = None
    ) -> web.Response:
        if self._data.error_style is ErrorStyle.FLAT:
            body: dict[str, Any] = {"error": message}
            if data is not None:
                body["data"] = data
            return _json(body, status=status)
        error: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            error["data"] = data
        return _json({"error": error}, status=status)

    def _not_valid(self, errors: dict[str, str]) -> web.Response:
        return self._error(400, "not_valid", "Data validation error", errors)

    def _not_found(self) -> web.Response:
        return self._error(404, "system_error", "Not Found")

    def _method_not_allowed(self) -> web.Response:
        return self._error(405, "system_error", "Method Not Allowed")

    # --- control API ----------------------------------------------------------

    async def _control(self, request: web.BaseRequest, name: str) -> web.StreamResponse:
        handler = self._control_routes.get((request.method, name))
        if handler is None:
            return _json({"error": f"no control {request.method} /_simulator/{name}"}, status=404)
        return await handler(request)

    async def _control_state(self, request: web.BaseRequest) -> web.StreamResponse:
        return _json(self.state())

    async def _control_counters(self, request: web.BaseRequest) -> web.StreamResponse:
        return _json(self.counters())

    async def _control_sip_settings(self, request: web.BaseRequest) -> web.StreamResponse:
        changes, problem = await _read_json(request)
        if problem is not None:
            return self._not_valid({"body": problem})
        try:
            self._apply_settings(changes)
        except SettingsError as err:
            return self._not_valid(err.errors)
        return _json(self.state())

    async def _control_registration(self, request: web.BaseRequest) -> web.StreamResponse:
        value = await _control_value(request, "ok", bool)
        if isinstance(value, web.Response):
            return value
        self.set_registration_ok(value)
        return _json(self.state())

    async def _control_sip_enable(self, request: web.BaseRequest) -> web.StreamResponse:
        value = await _control_value(request, "enabled", bool)
        if isinstance(value, web.Response):
            return value
        self.sip_enabled = value
        return _json(self.state())

    async def _control_fault(self, request: web.BaseRequest) -> web.StreamResponse:
        data, problem = await _read_json(request)
        if problem is not None or not isinstance(data, dict):
            return _control_error("body must be a JSON object")
        fault = data.get("fault")
        paths = data.get("paths")
        if fault is not None and fault not in set(Fault):
            return _control_error(f"fault must be null or one of {', '.join(Fault)}")
        if paths is not None and (
            not isinstance(paths, list) or not all(isinstance(path, str) for path in paths)
        ):
            return _control_error("paths must be null or a list of strings")
        self.set_fault(fault, paths=paths, body=data.get("body"))
        return _json(self.state())

    async def _control_delay(self, request: web.BaseRequest) -> web.StreamResponse:
        value = await _control_value(request, "seconds", float)
        if isinstance(value, web.Response):
            return value
        if not 0 <= value < math.inf:
            return _control_error("seconds must be a finite number >= 0")
        self.delay = float(value)
        return _json(self.state())

    async def _control_expire_tokens(self, request: web.BaseRequest) -> web.StreamResponse:
        self.expire_tokens()
        return _json(self.state())

    async def _control_password(self, request: web.BaseRequest) -> web.StreamResponse:
        value = await _control_value(request, "password", str)
        if isinstance(value, web.Response):
            return value
        self.set_password(value)
        return _json(self.state())

    async def _control_serial(self, request: web.BaseRequest) -> web.StreamResponse:
        value = await _control_value(request, "serial", str)
        if isinstance(value, web.Response):
            return value
        if not value:
            return _control_error("serial must not be empty")
        self.set_serial(value)
        return _json(self.state())

    async def _control_status_endpoint(self, request: web.BaseRequest) -> web.StreamResponse:
        value = await _control_value(request, "missing", bool)
        if isinstance(value, web.Response):
            return value
        self.status_endpoint_missing = value
        return _json(self.state())

    async def _control_reset_counters(self, request: web.BaseRequest) -> web.StreamResponse:
        self.reset_counters()
        return _json(self.counters())


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body).encode(), status=status, content_type="application/json"
    )


def _control_error(message: str) -> web.Response:
    return _json({"error": message}, status=400)


async def _read_json(request: web.BaseRequest) -> tuple[Any, str | None]:
    """``(decoded body, None)`` or ``(None, reason it is not JSON)``."""
    raw = await request.read()
    try:
        return json.loads(raw), None
    except (ValueError, RecursionError):
        return None, "must be JSON"


async def _control_value[T](request: web.BaseRequest, key: str, kind: type[T]) -> T | web.Response:
    """``body[key]`` of a control call, checked to be of ``kind``."""
    data, problem = await _read_json(request)
    value = data.get(key) if problem is None and isinstance(data, dict) else None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        # A JSON integer too large for a float is out of range for every
        # caller: infinite, rather than an OverflowError and an HTTP 500.
        value = float(value) if abs(value) < 2**1023 else math.inf
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        return _control_error(f"body must be a JSON object with {key!r} ({kind.__name__})")
    return value


def _md5_hex(password: str) -> str:
    # The device protocol compares MD5 digests of the password.
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


def _strip_query(path: str) -> str:
    return path.partition("?")[0]
