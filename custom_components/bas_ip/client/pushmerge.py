"""One exactly-once stream from two sources: pushed deliveries and the log poll.

A pushed event (a webhook delivery) fires at once; the log poll later reads
the same item and must not fire it again. A poll may also read an item
before its delivery arrives (the device retries, or the delivery was slow):
the late delivery must not fire it again either.

The matching rule (docs/device-api.md, "Push and poll"): an event is known
by the fingerprint of its log item, the same content hash the log cursor
uses (timestamp, category, key and ``info.model``; so the device timestamp
and the identifiers are part of it). Both sides are multisets: two equal
items count twice. A delivery is a retry when its ``event_id`` *and*
fingerprint were seen before; an ``event_id`` alone is not trusted, since a
device's sequence may start again after a reset.

Memory is bounded (the newest :data:`MEMORY` entries per side) and stored
with the cursor, so a restart between a delivery and the poll that reads the
same item fires nothing twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
import time
from typing import Any, Final

from .events import IntercomEvent
from .models import LogItem

MEMORY: Final = 256
"""Fingerprints remembered per side: far more than a reconciliation poll reads."""
STATE_VERSION: Final = 1


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, str)][-MEMORY:]


class PushPollMerger:
    """Decides, for each pushed delivery and each polled event, whether it is new."""

    __slots__ = ("_deliveries", "_polled", "_pushed", "_suspects")

    def __init__(self, state: Mapping[str, Any] | None = None) -> None:
        """Start from a stored :attr:`state`, or empty."""
        self._pushed: deque[str] = deque(maxlen=MEMORY)
        """Pushed and fired, not read by a poll yet."""
        self._polled: deque[str] = deque(maxlen=MEMORY)
        """Read and fired by a poll, no delivery seen yet (of the keys pushed)."""
        self._deliveries: deque[str] = deque(maxlen=MEMORY)
        """``event_id:fingerprint`` of every delivery taken: retries repeat them."""
        self._suspects: dict[str, float] = {}
        """Polled fingerprints push should have delivered, with when the poll read them."""
        if isinstance(state, Mapping) and state.get("version") == STATE_VERSION:
            self._pushed.extend(_strings(state.get("pushed")))
            self._polled.extend(_strings(state.get("polled")))
            self._deliveries.extend(_strings(state.get("deliveries")))

    @property
    def state(self) -> dict[str, Any]:
        """The memory to store with the cursor (fingerprints and sequence numbers only)."""
        return {
            "version": STATE_VERSION,
            "pushed": list(self._pushed),
            "polled": list(self._polled),
            "deliveries": list(self._deliveries),
        }

    def take_pushed(self, event_id: int, item: LogItem) -> bool:
        """Take one delivered item; whether it is new (``False``: a retry, or polled already)."""
        fingerprint = item.fingerprint
        delivery = f"{event_id}:{fingerprint}"
        if delivery in self._deliveries:
            return False
        self._deliveries.append(delivery)
        self._suspects.pop(fingerprint, None)
        if fingerprint in self._polled:
            self._polled.remove(fingerprint)
            return False
        self._pushed.append(fingerprint)
        return True

    def take_polled(
        self, events: Iterable[IntercomEvent], *, pushed_keys: frozenset[str]
    ) -> tuple[IntercomEvent, ...]:
        """Keep the polled events that no delivery fired, oldest first.

        Those of ``pushed_keys`` (the keys the device pushes) are remembered,
        so that their late delivery fires nothing, and counted as suspects
        until it comes (:meth:`overdue`).
        """
        new: list[IntercomEvent] = []
        now = time.monotonic()
        for event in events:
            fingerprint = event.item.fingerprint
            if fingerprint in self._pushed:
                self._pushed.remove(fingerprint)
                continue
            if event.item.key in pushed_keys:
                self._polled.append(fingerprint)
                self._suspects.setdefault(fingerprint, now)
                if len(self._suspects) > MEMORY:
                    del self._suspects[next(iter(self._suspects))]
            new.append(event)
        return tuple(new)

    def overdue(self, grace_seconds: float) -> int:
        """Count the polled items of pushed keys whose delivery is later than ``grace_seconds``."""
        limit = time.monotonic() - grace_seconds
        return sum(1 for seen in self._suspects.values() if seen <= limit)

    def forgive(self) -> None:
        """Forget the suspects (push is known to be off, or was found working again)."""
        self._suspects.clear()
