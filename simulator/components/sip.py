"""SIP settings, registration and SIP on/off.

Settings change only through :func:`simulator.validation.validate_settings`,
exactly as the device's POST checks them, and every change re-registers.
Registration repeats ``REREGISTER_MARGIN`` seconds before it expires, so the
last attempt is computed from the epoch of the latest (re-)registration.
"""

from __future__ import annotations

from collections.abc import Callable
import copy
import math
from typing import Any, Final

from simulator.profiles import ProfileData
from simulator.validation import validate_settings

# A device re-registers this many seconds before its registration expires.
REREGISTER_MARGIN: Final = 6


class Sip:
    """The SIP account, whether SIP is on and whether registration succeeds."""

    __slots__ = (
        "_clock",
        "_data",
        "_enabled",
        "_epoch",
        "_last_attempt_when_disabled",
        "_passwords",
        "_registration_ok",
        "settings",
        "status_endpoint_missing",
    )

    def __init__(self, clock: Callable[[], float], data: ProfileData) -> None:
        """Start with the profile's settings, SIP on, registered since now."""
        self._clock = clock
        self._data = data
        self.settings: dict[str, Any] = copy.deepcopy(data.sip_settings)
        """The live settings, SIP password included."""
        self._passwords: set[str] = {str(self.settings["password"])}
        self._enabled = True
        self._registration_ok = True
        self._epoch = clock()
        self._last_attempt_when_disabled: int | None = None
        self.status_endpoint_missing = False
        """``True``: ``/api/v1/sip/status`` answers 404 (older firmware)."""

    @property
    def registration_ok(self) -> bool:
        """Whether registration on the SIP server succeeds (OK) or fails (ERROR)."""
        return self._registration_ok

    def set_registration_ok(self, ok: bool) -> None:
        """Make registration succeed or fail; a change starts a new attempt now."""
        if ok != self._registration_ok:
            self._registration_ok = ok
            self._epoch = self._clock()

    @property
    def enabled(self) -> bool:
        """Whether SIP is switched on; the status is OFFLINE when it is not."""
        return self._enabled

    @enabled.setter
    def enabled(self, enabled: bool) -> None:
        if enabled == self._enabled:
            return
        if enabled:
            # Switching SIP on registers at once.
            self._epoch = self._clock()
        else:
            self._last_attempt_when_disabled = self.last_attempt()
        self._enabled = enabled

    def apply(self, changes: Any) -> None:
        """Validate and apply ``changes`` (raises ``SettingsError``); re-registers."""
        mask = self._data.password_mask
        if mask is not None and isinstance(changes, dict) and changes.get("password") == mask:
            # Posting the mask back means "keep the password" (inferred).
            changes = {key: value for key, value in changes.items() if key != "password"}
        # Android panels (the family that masks the password) add their own rules.
        self.settings = validate_settings(self.settings, changes, android=mask is not None)
        self._passwords.add(str(self.settings["password"]))
        # New settings re-register at once.
        self._epoch = self._clock()

    def settings_answer(self) -> dict[str, Any]:
        """Body of the SIP settings GET (the password masked on Android)."""
        body = copy.deepcopy(self.settings)
        if self._data.password_mask is not None:
            body["password"] = self._data.password_mask
        return body

    def status_answer(self) -> dict[str, Any]:
        """Body of ``GET /api/v1/sip/status``."""
        if not self._enabled:
            status, last_attempt = "OFFLINE", self._last_attempt_when_disabled
        else:
            status = "OK" if self._registration_ok else "ERROR"
            last_attempt = self.last_attempt()
        body: dict[str, Any] = {"sip_status": status}
        if self._data.reports_last_attempt:
            body["register_last_attempt"] = last_attempt
        body.update(self._data.extra_status_fields)
        return body

    def last_attempt(self) -> int:
        """Unix time of the latest (re-)registration attempt."""
        period = max(float(self.settings["registration_interval"]) - REREGISTER_MARGIN, 1.0)
        elapsed = self._clock() - self._epoch
        if elapsed <= 0:
            return int(self._epoch)
        return int(self._epoch + math.floor(elapsed / period) * period)

    def secrets(self) -> set[str]:
        """Every SIP password ever stored."""
        return set(self._passwords)
