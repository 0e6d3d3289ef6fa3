"""In which order a device lists its log, and how to ask for newest first.

Firmware lines disagree (docs/device-api.md, "Event log"): Android panels
take ``sort_type`` (default ``asc``), Camdroid API 1.0.0 ``sort_field`` with
``sort_type`` (default ``asc``), Camdroid 1.0.7 and later ``order_by``. No
page says what a device does with the other line's parameter, so the order
asked for is always verified from the timestamps that come back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Any, Final, Self

# (inferred) No vendor page lists the field names that ``sort_field`` and
# ``order_by`` accept; every log item carries ``timestamp``.
SORT_FIELD: Final = "timestamp"
LAYOUT_VERSION: Final = 1
# One clock jump more is allowed in a page for every this many steps down.
_STEPS_PER_JUMP: Final = 4
# Steps against the expected order that prove it wrong during operation.
_CONTRADICTION_STEPS: Final = 3


class LogDialect(StrEnum):
    """How a read asks for an order."""

    SORT_TYPE = "sort_type"
    """``sort_type=desc`` (Android panels)."""
    ORDER_BY = "order_by"
    """``order_by=timestamp desc`` (Camdroid panels 1.0.7 and later)."""
    SORT_FIELD = "sort_field"
    """``sort_field=timestamp&sort_type=desc`` (Camdroid panels API 1.0.0)."""
    NONE = "none"
    """No parameter: the device's own order."""

    def params(self) -> dict[str, str]:
        """Build the query parameters that ask this dialect for newest first."""
        match self:
            case LogDialect.SORT_TYPE:
                return {"sort_type": "desc"}
            case LogDialect.ORDER_BY:
                return {"order_by": f"{SORT_FIELD} desc"}
            case LogDialect.SORT_FIELD:
                return {"sort_field": SORT_FIELD, "sort_type": "desc"}
            case _:
                return {}


# The dialects tried, in this order, before falling back to none.
PROBE_ORDER: Final = (LogDialect.SORT_TYPE, LogDialect.ORDER_BY, LogDialect.SORT_FIELD)


def reads_newest_first(timestamps: Sequence[int]) -> bool | None:
    """Whether a page listed newest first, from its timestamps alone.

    Equal timestamps are allowed, and so are clock jumps: one step up (a
    clock set back, a log cleared while the clock restarted), or one more for
    every four steps down (a device without network time restarts its clock
    at each boot). ``False``: more steps up than that, the page is not newest
    first. ``None``: no step down, too little to say.
    """
    up = sum(a < b for a, b in pairwise(timestamps))
    down = sum(a > b for a, b in pairwise(timestamps))
    if up >= 2 and up > 1 + down // _STEPS_PER_JUMP:
        return False
    if down == 0:
        return None
    return True


def contradicts_newest_first(timestamps: Sequence[int]) -> bool:
    """Whether a page plainly reads oldest first: a sort parameter was ignored.

    Stricter than :func:`reads_newest_first`: it takes three steps up and
    twice as many up as down, so that clock jumps close together (a device
    without network time, rebooted a few times) are not taken for it. A
    device that ignores the parameter lists a whole page of history oldest
    first.
    """
    up = sum(a < b for a, b in pairwise(timestamps))
    down = sum(a > b for a, b in pairwise(timestamps))
    return up >= _CONTRADICTION_STEPS and up >= 2 * down


def page_order(timestamps: Sequence[int]) -> bool | None:
    """Tell the order of a page from its timestamps.

    ``True`` newest first, ``False`` oldest first, ``None`` cannot tell or
    neither. "Oldest first" takes the plain evidence of
    :func:`contradicts_newest_first`: a newest-first page with a clock reset
    in it (one step up, no step down) is not taken for an ignored sort.
    """
    newest = reads_newest_first(timestamps)
    if newest and not reads_newest_first(timestamps[::-1]):
        return True
    if contradicts_newest_first(timestamps) and reads_newest_first(timestamps[::-1]):
        return False
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class LogLayout:
    """How one device's log is read: the dialect and the order it yields."""

    dialect: LogDialect
    newest_first: bool
    """``False``: the answer is oldest first, the newest items are on the last page."""
    verified: bool
    """Whether the order was seen in the timestamps (not assumed from a short log)."""
    firmware: str | None = None
    """The firmware the layout was found on: another firmware is probed again."""

    @property
    def pages_per_poll(self) -> int:
        """Requests a quiet poll costs: oldest first needs the last page and the one before."""
        return 1 if self.newest_first else 2

    def as_dict(self) -> dict[str, Any]:
        """JSON for storage."""
        return {
            "version": LAYOUT_VERSION,
            "dialect": self.dialect.value,
            "newest_first": self.newest_first,
            "verified": self.verified,
            "firmware": self.firmware,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Self | None:
        """Load a stored layout; ``None`` for anything that is not one."""
        if not isinstance(data, Mapping) or data.get("version") != LAYOUT_VERSION:
            return None
        dialect = data.get("dialect")
        newest_first = data.get("newest_first")
        verified = data.get("verified")
        firmware = data.get("firmware")
        if (
            dialect not in {d.value for d in LogDialect}
            or not isinstance(newest_first, bool)
            or not isinstance(verified, bool)
            or not (firmware is None or isinstance(firmware, str))
        ):
            return None
        return cls(
            dialect=LogDialect(dialect),
            newest_first=newest_first,
            verified=verified,
            firmware=firmware,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeStep:
    """What one dialect did when tried.

    Its outcome is ``newest_first``, ``oldest_first``, ``refused``, ``unclear`` or ``unreadable``.
    """

    dialect: LogDialect
    outcome: str

    def __str__(self) -> str:
        """``dialect: outcome``, as reports and messages show it."""
        return f"{self.dialect.value}: {self.outcome}"
