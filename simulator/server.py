"""The simulated BAS-IP device: an aiohttp server speaking the device's web API.

Behaviour follows docs/device-api.md. :class:`DeviceSimulator` composes
components by subject (:mod:`simulator.components`: auth, SIP, doors, camera,
system, traffic, webhooks, identifiers; :mod:`simulator.log`: the event log and
the device clock) and dispatches requests: ``api/`` answers the device endpoints,
``control`` the ``/_simulator/`` API. Its Python API lives in two mixins,
:class:`~simulator.facade.DeviceFacade` and
:class:`~simulator.log.inject.LogControls`. One catch-all low-level handler
keeps each request cheap, so that a hundred devices can run in one process.
The simulator logs method, path and status only: the login query string
carries the password digest, and headers carry tokens. Webhook deliveries
(outbound, not counted as requests) log their outcome only, never a body,
a URL or a secret.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import dataclasses
from email.utils import formatdate
import logging
import ssl
import time
from types import TracebackType
from typing import Any, Final, Self

from aiohttp import web

from . import api
from .api.auth import bearer_token
from .components.auth import FACTORY_PASSWORD, Auth
from .components.camera import Camera
from .components.doors import Doors
from .components.identifiers import IdentifierBook, IdentifierView
from .components.sip import Sip
from .components.system import System
from .components.traffic import Traffic
from .components.webhooks import Webhooks
from .control import CONTROL_PREFIX, handle_control
from .errors import Errors
from .facade import DeviceFacade
from .faults import DROPPED_STATUS, Fault, drop_connection, fault_response
from .log import DeviceLog, LogBehaviour, log_behaviour
from .log.inject import LogControls
from .log.names import EVENT_NAMES
from .profiles import PROFILES, Profile, ProfileData

_LOGGER = logging.getLogger(__name__)

PATH_INFO: Final = api.PATH_INFO
PATH_LOGIN: Final = api.PATH_LOGIN
# Delayed handlers are woken on stop, so this bounds only unusual cases.
SHUTDOWN_TIMEOUT: Final = 1.0
# 9999-12-31T23:59:59Z: the last time an HTTP date can say.
LAST_HTTP_DATE: Final = 253_402_300_799.0

__all__ = ["FACTORY_PASSWORD", "DeviceSimulator", "Fault"]


def http_date(seconds: float) -> str:
    """``seconds`` (unix) as an RFC 7231 HTTP date, clamped to years 1970..9999."""
    return formatdate(min(max(seconds, 0.0), LAST_HTTP_DATE), usegmt=True)


def _device_log(
    clock: Callable[[], float],
    profile: Profile,
    variant: str | LogBehaviour | None,
    capacity: int | None,
) -> DeviceLog:
    if isinstance(variant, LogBehaviour):
        log = DeviceLog(clock, variant, "custom")
    else:
        log = DeviceLog(clock, log_behaviour(profile, variant), variant)
    if capacity is not None:
        log.set_capacity(capacity)
    return log


class DeviceSimulator(LogControls, DeviceFacade):
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
        log_variant: str | LogBehaviour | None = None,
        log_capacity: int | None = None,
    ) -> None:
        """Prepare a device; :meth:`start` makes it listen.

        ``history=False`` starts with an empty log instead of yesterday's events.
        ``log_variant`` names a variant of the profile's log
        (:data:`simulator.log.LOG_VARIANTS`) or gives a whole
        :class:`~simulator.log.LogBehaviour`; ``log_capacity`` caps the log.
        """
        self.profile = Profile(profile)
        self._data: ProfileData = PROFILES[self.profile]
        self.errors = Errors(self._data.error_style)
        self.host = host
        self.port = port
        self._ssl_context = ssl_context
        self._runner: web.ServerRunner | None = None
        self._stopping = asyncio.Event()
        self.log = _device_log(clock, self.profile, log_variant, log_capacity)
        self.auth = Auth(clock, username, password, token_lifetime)
        self.sip = Sip(clock, self._data)
        self.doors = Doors(
            clock, self.log, door_keys=self._data.door_keys, sensor=bool(self._data.door_sensor)
        )
        self.camera = Camera(self._data)
        self.system = System(
            serial or str(self._data.info["device_serial_number"]),
            sleep=self.sleep,
            on_boot=self._booted,
        )
        self.traffic = Traffic()
        self.webhooks = Webhooks(self.log.clock, EVENT_NAMES)
        self.log.on_item = self.webhooks.offer
        self.identifier_book = IdentifierBook(self.log, self._data)
        if history:
            self.log_history()

    def __repr__(self) -> str:
        """Name the device, never its credentials."""
        return f"DeviceSimulator(profile={self.profile.value!r}, url={self.url!r})"

    @property
    def identifiers(self) -> IdentifierView:
        """The numbers in its log (a frozenset) with its identifier calls (``present``...)."""
        return IdentifierView(self.log.identifiers, self.identifier_book)

    @property
    def profile_data(self) -> ProfileData:
        """What the profile's family answers (read-only)."""
        return self._data

    def use_identifier_spellings(self, *spellings: str) -> None:
        """Serve the identifier calls in these spellings only (``"identifier"``, ``"identifiers"``).

        A multi-apartment panel of the older API line answers only the plural
        spelling, and has no QR call (docs/device-api.md, "Identifiers").
        """
        self._data = dataclasses.replace(self._data, identifier_spellings=spellings)

    # --- lifecycle -----------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port``; ``port`` 0 picks a free port."""
        if self._runner is not None:
            raise RuntimeError("simulator already started")
        self._stopping = asyncio.Event()
        self.webhooks.open()
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

        A reboot in progress ends at once (the device is back, then stops);
        webhook workers are cancelled and what they had pending is not sent.
        """
        if self._runner is None:
            return
        runner, self._runner = self._runner, None
        self._stopping.set()
        await runner.cleanup()
        await self.system.join()
        await self.webhooks.close()
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

    def state(self) -> dict[str, Any]:
        """Build what ``GET /_simulator/state`` answers (no password, no token)."""
        settings = self.sip_settings
        # The state is served over HTTP and printed by demos: keep the SIP
        # password out of it.
        settings.pop("password", None)
        doors, camera, system, ids = self.doors, self.camera, self.system, self.identifier_book
        return {
            "profile": self.profile.value,
            "serial": system.serial,
            "username": self.auth.username,
            "url": self.url,
            "sip_enabled": self.sip.enabled,
            "registration_ok": self.sip.registration_ok,
            "status_endpoint_missing": self.sip.status_endpoint_missing,
            "delay": self.traffic.delay,
            "token_lifetime": self.auth.token_lifetime,
            "faults": self.traffic.describe_faults(),
            "sip_settings": settings,
            "clock_offset": self.clock_offset,
            "log_items": len(self.log.items),
            "log_variant": self.log.variant,
            "log": self.log.describe(),
            "door_sensor": doors.door_sensor,
            "door_open": doors.door_open,
            "door_open_too_long": doors.door_open_too_long,
            "emergency_holds": {str(lock): secs for lock, secs in doors.emergency_holds.items()},
            "snapshot_delay": camera.snapshot_delay,
            "snapshot_format": camera.snapshot_format,
            "rtsp_username": camera.rtsp_username,
            "rtsp_masked": camera.rtsp_masked,
            "rebooting": system.rebooting,
            "reboot_duration": system.reboot_duration,
            "webhooks": self.webhooks.summary(),
            "identifiers": {"held": ids.held(), "forbidden": ids.forbidden},
        }

    # --- request handling ----------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if path.startswith(CONTROL_PREFIX):
            response = await handle_control(self, request, path[len(CONTROL_PREFIX) :])
        else:
            response = await self._device_answer(request, path)
        if _LOGGER.isEnabledFor(logging.DEBUG):
            outcome = "dropped" if response.status == DROPPED_STATUS else response.status
            _LOGGER.debug("%s %s -> %s", request.method, path, outcome)
        return response

    async def _device_answer(self, request: web.BaseRequest, path: str) -> web.StreamResponse:
        """Serve a device API answer (counted, delayed, faulted), dated by the device clock."""
        self.traffic.requests[path] += 1
        if self.system.rebooting:
            return drop_connection(request)
        if self.traffic.delay > 0:
            await self.sleep(self.traffic.delay)
        fault = self.traffic.fault_for(path)
        if fault is None:
            response = await self._endpoint(request, path)
        else:
            response = fault_response(request, *fault, self.errors)
        if not response.prepared:
            # aiohttp only adds its own (real-time) Date where none is set.
            response.headers["Date"] = http_date(self.log.clock.now())
        return response

    async def _endpoint(self, request: web.BaseRequest, path: str) -> web.StreamResponse:
        if path == PATH_INFO:
            return await api.system.info(self, request)
        if not self._data.api_v1:
            return self.errors.not_found()
        data = self._data
        handler = api.route(path, with_webhooks=data.webhooks, ids=data.identifier_spellings)
        if handler is None:
            return self.errors.not_found()
        if path != PATH_LOGIN and not self.auth.valid(bearer_token(request)):
            return self.errors.unauthorized()
        return await handler(self, request)
