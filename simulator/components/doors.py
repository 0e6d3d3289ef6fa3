"""The door contact, lock releases and emergency holds.

Every change of the door and every API release is logged with the family's
keys. A hold is recorded, not timed out (inferred: nothing reads its end),
and a reboot ends every hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from simulator.log import DeviceLog


class Doors:
    """The door of a panel and its locks."""

    __slots__ = (
        "_clock",
        "_keys",
        "_log",
        "_opened_at",
        "door_open",
        "door_open_too_long",
        "door_sensor",
        "emergency_holds",
        "lock_opens",
    )

    def __init__(
        self,
        clock: Callable[[], float],
        log: DeviceLog,
        *,
        door_keys: tuple[str, str, str],
        sensor: bool,
    ) -> None:
        """Set up a closed door logging ``door_keys`` (opened, closed, open too long) to ``log``."""
        self._clock = clock
        self._log = log
        self._keys = door_keys
        self.door_sensor = sensor
        """Whether the input is in door-sensor mode (else the status answers 400)."""
        self.door_open = False
        self.door_open_too_long = False
        self._opened_at: float | None = None
        self.emergency_holds: dict[int, int] = {}
        """Seconds of each lock's emergency hold, by lock number."""
        self.lock_opens: Counter[int] = Counter()
        """API releases per lock number (0 = all locks)."""

    def set_door(self, open: bool, *, open_too_long: bool = False) -> None:
        """Open or close the door, logged; ``open_too_long`` also logs "open too long"."""
        opened_key, closed_key, too_long_key = self._keys
        if open and not self.door_open:
            self._opened_at = self._clock()
        if open != self.door_open or not open:
            self._log.event(opened_key if open else closed_key)
        self.door_open = open
        self.door_open_too_long = open and open_too_long
        if self.door_open_too_long:
            self._log.event(too_long_key, category="warning")
        if not open:
            self._opened_at = None

    def status_answer(self) -> dict[str, Any]:
        """Body of ``GET /api/v1/access/door/status``.

        ``opentime`` is the seconds the door has been open, 0 when closed (inferred).
        """
        opened_at = self._opened_at
        open_time = 0 if opened_at is None else max(int(self._clock() - opened_at), 0)
        return {
            "status": "open" if self.door_open else "closed",
            "is_timeout_exceed": self.door_open_too_long,
            "opentime": open_time,
            "mode": "door_sensor",
        }

    def release(self, lock: int) -> None:
        """Count and log an API lock release as ``access_granted_by_api_call``."""
        self.lock_opens[lock] += 1
        self._log.event("access_granted_by_api_call", info={"lock": lock})

    def hold(self, holds: Mapping[int, int]) -> None:
        """Hold each lock open for its seconds (emergency mode)."""
        self.emergency_holds.update(holds)

    def end_holds(self, locks: Iterable[int]) -> None:
        """End the hold of each of ``locks``."""
        for number in locks:
            self.emergency_holds.pop(number, None)
