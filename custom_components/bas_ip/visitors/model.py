"""One ring of the visitor history, what happened next, and how long it is kept.

Pure functions and plain data: no I/O, no Home Assistant state, so that the
rules (which event settles which ring, what the retention removes) are tested
on their own.

A visit is named after the ring's log item (its fingerprint, a hash of the
item's content that is stable across reads): the doorbell event can link to
its picture at once, before the picture exists, and the same ring read twice
is one visit. The id holds no card number, code or name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import re
from typing import Any, Final

from homeassistant.util import dt as dt_util

from custom_components.bas_ip.client import IntercomEvent
from custom_components.bas_ip.runtime import BasIpCapabilities

# Events this long after a ring (on the device's clock) still tell what
# became of it: a call times out within a minute or two.
OUTCOME_WINDOW: Final = timedelta(minutes=3)
_OUTCOME_WINDOW_MS: Final = int(OUTCOME_WINDOW.total_seconds() * 1000)
VISIT_ID: Final = re.compile(r"[0-9a-f]{24}")


class Outcome(StrEnum):
    """What became of a ring, when it is known."""

    OPENED = "opened"
    """A door was opened within the window: ``method``, ``owner``, ``lock`` say how."""
    MISSED = "missed"
    """The device logged the call as missed."""
    ANSWERED = "answered"
    """(inferred) Nobody opened and the device, which logs missed calls, logged none."""


def visit_id(event: IntercomEvent) -> str:
    """Name the visit of a ring (the same ring read twice is the same visit)."""
    return event.item.fingerprint


def logs_missed_calls(capabilities: BasIpCapabilities) -> bool:
    """Tell whether the device logs the calls nobody answered.

    (inferred) Camdroid panels (the family that answers the lock-type call)
    log no missed calls; Android panels and monitors do.
    """
    return not capabilities.emergency_hold


@dataclass(slots=True, kw_only=True)
class Visit:
    """One ring: when, who was called, its picture, what happened next."""

    id: str
    rung_at: datetime
    """When Home Assistant learnt of the ring (UTC)."""
    device_ms: int
    """The ring's time on the device's clock (the log item's timestamp)."""
    number: str | None = None
    """The called number (the flat)."""
    picture: bool | None = None
    """``True``: stored; ``False``: none (the snapshot failed); ``None``: being taken."""
    outcome: Outcome | None = None
    method: str | None = None
    owner: str | None = None
    lock: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Render the visit as stored."""
        return {
            "id": self.id,
            "rung_at": self.rung_at.isoformat(),
            "device_ms": self.device_ms,
            "number": self.number,
            "picture": self.picture,
            "outcome": None if self.outcome is None else str(self.outcome),
            "method": self.method,
            "owner": self.owner,
            "lock": self.lock,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Visit | None:
        """Read a stored visit; ``None`` for a damaged one."""
        try:
            rung_at = dt_util.parse_datetime(str(data["rung_at"]))
            visit_id_ = str(data["id"])
            if rung_at is None or rung_at.tzinfo is None or not VISIT_ID.fullmatch(visit_id_):
                return None
            outcome = data.get("outcome")
            return cls(
                id=visit_id_,
                rung_at=rung_at,
                device_ms=int(data["device_ms"]),
                number=data.get("number"),
                picture=data.get("picture"),
                outcome=Outcome(outcome) if outcome else None,
                method=data.get("method"),
                owner=data.get("owner"),
                lock=data.get("lock"),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def within_window(self, device_ms: int) -> bool:
        """Tell whether an event logged at ``device_ms`` can tell what became of this ring."""
        return 0 <= device_ms - self.device_ms <= _OUTCOME_WINDOW_MS

    def settled(self, *, now: datetime, logs_missed: bool) -> Outcome | None:
        """Return the outcome, the inferred one once the window is over, or ``None``.

        A device that logs missed calls and logged none for this ring, where
        nobody opened either, had the call answered (inferred). Elsewhere a
        ring nothing followed has no known outcome.
        """
        if self.outcome is not None:
            return self.outcome
        if logs_missed and now - self.rung_at > OUTCOME_WINDOW:
            return Outcome.ANSWERED
        return None


def settle_missed(visits: Iterable[Visit], event: IntercomEvent) -> Visit | None:
    """Mark the oldest open ring of the same number missed; return it."""
    number = event.data.get("number")
    for visit in visits:
        same_call = number is None or visit.number in (None, number)
        if same_call and visit.outcome is None and visit.within_window(event.item.timestamp):
            visit.outcome = Outcome.MISSED
            return visit
    return None


def settle_opened(visits: Iterable[Visit], event: IntercomEvent) -> Visit | None:
    """Mark the newest ring before a granted access opened; return it.

    A ring already opened keeps its first opening. The identifier (a card
    number or a code) is not kept: only how, by whom and which door.
    """
    for visit in reversed(list(visits)):
        if visit.within_window(event.item.timestamp):
            if visit.outcome is Outcome.OPENED:
                return None
            visit.outcome = Outcome.OPENED
            visit.method = event.data.get("method")
            visit.owner = event.data.get("owner")
            visit.lock = event.data.get("lock")
            return visit
    return None


def prune(
    visits: Iterable[Visit], *, now: datetime, days: int, max_rings: int
) -> tuple[list[Visit], list[Visit]]:
    """Split visits into those kept and those retention removes, both oldest first.

    Kept: rung within the last ``days`` days (0 keeps none), at most the
    ``max_rings`` newest.
    """
    ordered = sorted(visits, key=lambda visit: (visit.rung_at, visit.device_ms))
    oldest_kept = now - timedelta(days=days)
    young = [visit for visit in ordered if days > 0 and visit.rung_at > oldest_kept]
    kept = young[-max_rings:] if max_rings > 0 else []
    kept_ids = {visit.id for visit in kept}
    return kept, [visit for visit in ordered if visit.id not in kept_ids]
