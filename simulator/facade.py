"""The public attributes and calls of a simulated device, answered by its components.

:class:`DeviceFacade` is a mixin of :class:`~simulator.server.DeviceSimulator`:
it keeps the device's Python API (``device.door_open = True``,
``device.set_password(...)``, ``device.counters()``) while the state lives in
the components of :mod:`simulator.components`. Calls that concern two
components (a login is logged, a serial change expires the tokens) are
composed here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
import copy
from typing import Any

from .components.auth import Auth
from .components.camera import Camera
from .components.doors import Doors
from .components.identifiers import IdentifierBook
from .components.sip import Sip
from .components.system import System
from .components.traffic import Traffic
from .components.webhooks import Webhooks
from .faults import Fault
from .forward import Forward, Settable
from .log import DeviceLog


class DeviceFacade:
    """Attributes and calls of ``DeviceSimulator`` that its components answer."""

    auth: Auth
    sip: Sip
    doors: Doors
    camera: Camera
    system: System
    traffic: Traffic
    webhooks: Webhooks
    identifier_book: IdentifierBook
    log: DeviceLog

    username = Settable[str]("auth")
    token_lifetime = Settable[float]("auth")
    """Seconds a new token stays valid."""
    issued_tokens = Forward[list[str]]("auth")
    logins = Settable[int]("auth")
    login_failures = Settable[int]("auth")
    requests = Forward[Counter[str]]("traffic")
    """Device requests per path."""
    delay = Settable[float]("traffic")
    """Seconds every device request waits before it is answered."""
    sip_enabled = Settable[bool]("sip", "enabled")
    """Whether SIP is switched on; the status is OFFLINE when it is not."""
    registration_ok = Forward[bool]("sip")
    status_endpoint_missing = Settable[bool]("sip")
    _settings = Forward[dict[str, Any]]("sip", "settings")
    door_sensor = Settable[bool]("doors")
    door_open = Settable[bool]("doors")
    door_open_too_long = Settable[bool]("doors")
    emergency_holds = Forward[dict[int, int]]("doors")
    lock_opens = Forward[Counter[int]]("doors")
    snapshot_delay = Settable[float]("camera")
    snapshot_format = Settable[str]("camera")
    snapshot_jpeg = Settable[bytes]("camera")
    snapshot_webp = Settable[bytes]("camera")
    snapshots = Settable[int]("camera")
    rtsp_username = Settable[str]("camera")
    rtsp_password = Settable[str]("camera")
    rtsp_masked = Settable[bool]("camera")
    rtsp_audio_enabled = Settable[bool]("camera")
    serial = Settable[str]("system")
    reboot_duration = Settable[float]("system")
    reboots = Settable[int]("system")
    rebooting = Forward[bool]("system")

    # --- faults and identity ---------------------------------------------------

    def set_fault(
        self, fault: Fault | str | None, *, paths: Iterable[str] | None = None, body: Any = None
    ) -> None:
        """Inject ``fault`` on ``paths`` (``None``: every ``/api/v1`` device call).

        ``paths=None`` spares ``/api/info`` and the login, so a client still
        gets its token and then meets the fault. ``fault=None`` clears the
        faults of ``paths`` (or all of them). ``body`` is what
        :attr:`Fault.WRONG_SHAPE` answers, as JSON.
        """
        self.traffic.set_fault(fault, paths=paths, body=body)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.traffic.clear_faults()

    def expire_tokens(self) -> None:
        """Make every issued token answer 401 from now on."""
        self.auth.expire_tokens()

    def set_password(self, password: str) -> None:
        """Change the device password; the old one stops working, tokens expire."""
        self.auth.set_password(password)

    def set_serial(self, serial: str) -> None:
        """Become a different device at the same address (tokens expire)."""
        self.system.serial = serial
        self.auth.expire_tokens()

    def check_login(self, username: str | None, digest: str | None) -> str | None:
        """Check a login: a fresh token for good credentials, else ``None``; both are logged."""
        token = self.auth.login(username, digest)
        if token is None:
            self.log.event("incorrect_login_api_call", category="warning")
        else:
            self.log.event("successful_login_api_call")
        return token

    def revoke_token(self, token: str) -> None:
        """Forget ``token`` (logout)."""
        self.auth.revoke(token)

    def token_valid(self, token: str | None) -> bool:
        """Whether ``token`` was issued and has not expired."""
        return self.auth.valid(token)

    # --- SIP -------------------------------------------------------------------

    def set_registration_ok(self, ok: bool) -> None:
        """Whether registration on the SIP server succeeds (OK) or fails (ERROR)."""
        self.sip.set_registration_ok(ok)

    def update_sip_settings(self, **changes: Any) -> None:
        """Change SIP settings, validated exactly as the device's POST.

        Raises ``ValueError("<param>: <reason>")`` when a value is rejected.
        """
        self.sip.apply(changes)

    def apply_sip_settings(self, changes: Any) -> None:
        """Validate and apply ``changes`` (raises ``SettingsError``); re-registers."""
        self.sip.apply(changes)

    @property
    def sip_settings(self) -> dict[str, Any]:
        """A deep copy of the current SIP settings, SIP password included."""
        return copy.deepcopy(self.sip.settings)

    def sip_settings_answer(self) -> dict[str, Any]:
        """Body of the SIP settings GET (the password masked on Android)."""
        return self.sip.settings_answer()

    def sip_status_answer(self) -> dict[str, Any]:
        """Body of ``GET /api/v1/sip/status``."""
        return self.sip.status_answer()

    def _last_attempt(self) -> int:
        """Unix time of the latest (re-)registration attempt."""
        return self.sip.last_attempt()

    # --- doors, camera, reboot -------------------------------------------------

    def set_door(self, open: bool, *, open_too_long: bool = False) -> None:
        """Open or close the door; logged with the family's door keys.

        ``open_too_long`` with an open door also logs "open too long".
        """
        self.doors.set_door(open, open_too_long=open_too_long)

    def door_status_answer(self) -> dict[str, Any]:
        """Body of ``GET /api/v1/access/door/status``."""
        return self.doors.status_answer()

    def record_open_lock(self, lock: int) -> None:
        """Record an API lock release: counted and logged as ``access_granted_by_api_call``."""
        self.doors.release(lock)

    def snapshot_body(self) -> tuple[bytes, str]:
        """``(body, content type)`` of a snapshot in ``snapshot_format``."""
        return self.camera.snapshot_body()

    def start_reboot(self, seconds: float | None = None) -> None:
        """Begin a reboot of ``seconds`` (default ``reboot_duration``) and return.

        A reboot asked for while one runs is ignored (inferred).
        """
        self.system.start_reboot(seconds)

    async def reboot(self, seconds: float | None = None) -> None:
        """Reboot for ``seconds`` (default ``reboot_duration``); return once it is back."""
        self.system.start_reboot(seconds)
        await self.system.wait_booted()

    async def wait_booted(self) -> None:
        """Return once no reboot is in progress."""
        await self.system.wait_booted()

    def _booted(self) -> None:
        """Finish a reboot: tokens and holds forgotten, the boot logged."""
        self.auth.expire_tokens()
        self.doors.emergency_holds.clear()
        self.log.event("device_booted")

    # --- counters and secrets --------------------------------------------------

    def reset_counters(self) -> None:
        """Zero the request, login, lock-open, reboot and snapshot counters."""
        self.traffic.requests.clear()
        self.auth.reset_counters()
        self.doors.lock_opens.clear()
        self.system.reboots = 0
        self.camera.snapshots = 0

    def counters(self) -> dict[str, Any]:
        """Build what ``GET /_simulator/counters`` answers.

        ``lock_opens``, ``reboots`` and ``snapshots`` appear once they count
        something, so a device that used none of them answers as before.
        """
        counters: dict[str, Any] = {
            "requests": dict(self.traffic.requests),
            "logins": self.auth.logins,
            "login_failures": self.auth.login_failures,
        }
        if self.doors.lock_opens:
            opens = sorted(self.doors.lock_opens.items())
            counters["lock_opens"] = {str(lock): n for lock, n in opens}
        if self.system.reboots:
            counters["reboots"] = self.system.reboots
        if self.camera.snapshots:
            counters["snapshots"] = self.camera.snapshots
        return counters

    def secrets(self) -> set[str]:
        """Every secret the device holds or issued, for the log guard.

        Device passwords ever set (plain, except the six-digit factory default,
        and their digests), SIP and RTSP passwords ever stored, issued tokens,
        the card numbers, codes and QR numbers in its log, webhook secrets, and
        every identifier number offered to or held by its identifier calls.
        """
        found = self.auth.secrets() | self.sip.secrets() | self.camera.secrets()
        found |= self.webhooks.secrets() | self.identifier_book.secrets()
        found |= self.log.identifiers
        found.discard("")
        return found
