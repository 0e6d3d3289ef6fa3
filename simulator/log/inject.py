"""The device's log controls: inject rings, access events and bursts, move its clock.

:class:`LogControls` is part of :class:`~simulator.server.DeviceSimulator`'s
public API; every call goes to the device's :class:`~simulator.log.DeviceLog`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from simulator.forward import Forward
from simulator.profiles import ProfileData

from .behaviour import LogBehaviour
from .book import DeviceLog
from .history import history
from .items import DEFAULT_APARTMENT, DEFAULT_OWNER, access_model

DEFAULT_CARD: Final = "04C0FFEE00B1A5"
DEFAULT_UNKNOWN_CARD: Final = "04BADC0DE0F00D"
DEFAULT_QR: Final = "3b8f6c2e-9d4a-4f1b-a7e5-0c2d8e6f4a91"
DEFAULT_UNKNOWN_QR: Final = "c0ffee00-0bad-4bad-8bad-00000000dead"
DEFAULT_FACE: Final = "7f3c2a90-face-4d1e-9b0a-5e8f3c2d1a07"
GRANTED: Final = "access_granted_by_valid_identifier"


class LogControls:
    """Log and device-clock controls of a device (a mixin of ``DeviceSimulator``)."""

    log: DeviceLog
    _data: ProfileData

    log_items = Forward[list[dict[str, Any]]]("log", "items")
    """The log, oldest first (the API answers in the order asked for, or its default)."""
    log_variant = Forward[str | None]("log", "variant")
    """The log variant's name (``"custom"`` for a given behaviour; ``None``: the profile's)."""
    log_behaviour = Forward[LogBehaviour]("log", "behaviour")
    """How the log answers: dialects, default order, item shape, capacity."""

    @property
    def identifiers(self) -> frozenset[str]:
        """The card numbers, codes and QR numbers in its log (also in ``secrets()``)."""
        return frozenset(self.log.identifiers)

    # --- the device clock ------------------------------------------------------

    @property
    def clock_offset(self) -> float:
        """Seconds the device clock runs ahead of ``clock()`` (negative: behind)."""
        return self.log.clock.offset

    @clock_offset.setter
    def clock_offset(self, seconds: float) -> None:
        self.log.clock.offset = float(seconds)

    def device_now_ms(self) -> int:
        """Device time in milliseconds: what a log item logged now is stamped with."""
        return self.log.now_ms()

    def skew_clock(self, seconds: float) -> None:
        """Set the device clock ``seconds`` ahead of the host clock."""
        self.log.clock.skew(seconds)

    def jump_clock(self, seconds: float) -> None:
        """Step the device clock by ``seconds`` (negative: back)."""
        self.log.clock.jump(seconds)

    # --- the log ---------------------------------------------------------------

    def log_event(
        self,
        key: str,
        *,
        info: Mapping[str, Any] | None = None,
        category: str = "info",
        timestamp_ms: int | None = None,
    ) -> dict[str, Any]:
        """Append one item (``info`` is its ``info.model``), stamped now by the device clock.

        Logins are returned but not kept where the log variant does not log them.
        """
        return self.log.event(key, info=info, category=category, timestamp_ms=timestamp_ms)

    def log_burst(self, n: int, key: str = GRANTED) -> list[dict[str, Any]]:
        """``n`` items at once, all stamped with the same device millisecond."""
        stamp = self.log.now_ms()
        return [self.log.event(key, info={"lock": 1}, timestamp_ms=stamp) for _ in range(n)]

    def clear_log(self) -> None:
        """Empty the log; new items are stamped by the device clock as before."""
        self.log.clear()

    def set_log_capacity(self, capacity: int) -> None:
        """Cap the log at ``capacity`` items; the oldest beyond it go now."""
        self.log.set_capacity(capacity)

    def log_history(self) -> None:
        """Log yesterday's events of the profile's family (as at start-up)."""
        data = self._data
        door_keys = data.door_keys[:2] if data.door_sensor is not None else None
        for stamp, key, info, category in history(
            self.log.now_ms(),
            ring_key=data.ring_key,
            missed_key=data.missed_key,
            door_keys=door_keys,
            has_locks=data.max_lock is not None,
        ):
            self.log.event(key, info=info, category=category, timestamp_ms=stamp)

    # --- calls -----------------------------------------------------------------

    def ring(self, number: str = "101") -> dict[str, Any]:
        """Someone rings: the profile's ring key with ``info.model.number`` (the apartment)."""
        return self.log.event(self._data.ring_key, info={"number": number})

    def missed_call(self, number: str = "101") -> dict[str, Any]:
        """Log a call nobody answered: the profile's missed-call key."""
        return self.log.event(self._data.missed_key, info={"number": number})

    # --- access ----------------------------------------------------------------

    def _access(
        self, key: str, kind: str, number: str, lock: int | None, people: tuple[str | None, ...]
    ) -> dict[str, Any]:
        owner, apartment = people
        model = access_model(kind, number, lock=lock, owner=owner, apartment=apartment)
        category = "warning" if key.startswith("access_denied") else "info"
        return self.log.event(key, info=model, category=category)

    def card_granted(
        self,
        card: str = DEFAULT_CARD,
        lock: int = 1,
        *,
        owner: str | None = DEFAULT_OWNER,
        apartment: str | None = DEFAULT_APARTMENT,
    ) -> dict[str, Any]:
        """Log that a valid card of ``owner`` opened ``lock``."""
        return self._access(GRANTED, "card", card, lock, (owner, apartment))

    def card_denied(
        self,
        card: str = DEFAULT_UNKNOWN_CARD,
        *,
        lock: int | None = None,
        owner: str | None = None,
        apartment: str | None = None,
    ) -> dict[str, Any]:
        """Log that an unknown card was refused (it has no owner unless given)."""
        key = "access_denied_by_unknown_card"
        return self._access(key, "card", card, lock, (owner, apartment))

    def code_granted(
        self,
        code: str = "4821#",
        lock: int = 1,
        *,
        owner: str | None = None,
        apartment: str | None = None,
    ) -> dict[str, Any]:
        """Log that the master code opened ``lock`` (it has no owner unless given)."""
        key = "access_granted_by_master_code"
        return self._access(key, "input_code", code, lock, (owner, apartment))

    def code_denied(
        self,
        code: str = "0000#",
        *,
        lock: int | None = None,
        owner: str | None = None,
        apartment: str | None = None,
    ) -> dict[str, Any]:
        """Log that a wrong code was refused."""
        key = "access_denied_by_not_valid_input_code"
        return self._access(key, "input_code", code, lock, (owner, apartment))

    def qr_granted(
        self,
        qr: str = DEFAULT_QR,
        lock: int = 1,
        *,
        owner: str | None = DEFAULT_OWNER,
        apartment: str | None = DEFAULT_APARTMENT,
    ) -> dict[str, Any]:
        """Log that a valid QR code (a UUID) of ``owner`` opened ``lock``."""
        return self._access(GRANTED, "qr", qr, lock, (owner, apartment))

    def qr_denied(
        self,
        qr: str = DEFAULT_UNKNOWN_QR,
        *,
        lock: int | None = None,
        owner: str | None = None,
        apartment: str | None = None,
    ) -> dict[str, Any]:
        """Log that an unknown QR code was refused."""
        key = "access_denied_by_unknown_qr_code"
        return self._access(key, "qr", qr, lock, (owner, apartment))

    def face_granted(
        self,
        face: str = DEFAULT_FACE,
        lock: int = 1,
        *,
        owner: str | None = DEFAULT_OWNER,
        apartment: str | None = DEFAULT_APARTMENT,
    ) -> dict[str, Any]:
        """Log that a known face of ``owner`` opened ``lock`` (``type`` ``face_id``)."""
        return self._access(GRANTED, "face_id", face, lock, (owner, apartment))

    def exit_button(self, lock: int = 1) -> dict[str, Any]:
        """Log that the exit button inside opened ``lock``."""
        return self.log.event("lock_was_opened_by_exit_btn", info={"lock": lock})
