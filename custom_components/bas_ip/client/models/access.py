"""Doors and locks: the lock count and the door contact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from ._fields import invalid, read_bool, read_int, read_object, read_str

LOCK_MAX = 8
"""Locks 2..8 need the SH-42 extension module; 0 means every lock."""
HOLD_OPEN_MIN_SECONDS = 1
# The Camdroid API spec: "unlock time must be in range [1 - 604800] seconds" (one
# 400 example on the same pages says 86400: the device then refuses, translated).
HOLD_OPEN_MAX_SECONDS = 604800


def parse_lock_count(data: Any) -> int:
    """Parse ``GET /api/v1/access/general/lock/type``: one list item per lock.

    (inferred) An empty list still means one lock (the panel's own relay), and
    more than eight cannot be addressed, so the count is kept within 1..8.
    """
    body = read_object(data, "lock_type")
    locks = body.get("locks")
    if not isinstance(locks, list):
        raise invalid("locks", "must be a list")
    return max(1, min(len(locks), LOCK_MAX))


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorStatus:
    """The door contact (``GET /api/v1/access/door/status``)."""

    is_open: bool
    open_too_long: bool = False
    open_time: int | None = None
    mode: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the door status; ``status`` is ``open`` or ``closed``."""
        body = read_object(data, "door_status")
        status = read_str(body, "status", required=True)
        assert status is not None
        state = status.strip().lower()
        if state not in ("open", "closed"):
            raise invalid("status", "is not one of open, closed")
        return cls(
            is_open=state == "open",
            open_too_long=bool(read_bool(body, "is_timeout_exceed")),
            open_time=read_int(body, "opentime", low=0, high=2**53),
            mode=read_str(body, "mode"),
        )
