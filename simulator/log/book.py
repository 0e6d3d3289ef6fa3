"""The log component: items, the device clock that stamps them, and how they page.

Items are kept oldest first, in insertion order, at most ``capacity`` of
them (a full log drops its oldest item per append: rotation). Timestamps are
device-clock milliseconds. Card numbers, codes and QR numbers seen in the
items are remembered as :attr:`DeviceLog.identifiers` for the secret guard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import dataclasses
import math
from typing import Any, Final

from simulator.clock import DeviceClock

from .behaviour import LogBehaviour, Order
from .items import identifiers_in, make_item

PAGE_LIMITS: Final = (10, 20, 30, 50)
LOGIN_KEYS: Final = frozenset({"successful_login_api_call", "incorrect_login_api_call"})


def scrambled(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest, newest, second oldest, second newest...: neither order."""
    arranged: list[dict[str, Any]] = []
    low, high = 0, len(items) - 1
    while low <= high:
        arranged.append(items[low])
        if low != high:
            arranged.append(items[high])
        low, high = low + 1, high - 1
    return arranged


class DeviceLog:
    """One device's event log and the clock that stamps it."""

    __slots__ = ("behaviour", "clock", "identifiers", "items", "on_item", "variant")

    def __init__(
        self, clock: Callable[[], float], behaviour: LogBehaviour, variant: str | None = None
    ) -> None:
        """Start an empty log following ``clock`` (host unix seconds) with no offset."""
        self.clock = DeviceClock(clock)
        self.behaviour = behaviour
        self.variant = variant
        self.items: list[dict[str, Any]] = []
        self.identifiers: set[str] = set()
        self.on_item: Callable[[dict[str, Any]], None] | None = None
        """Called with every item kept, once it is kept (the device's webhooks listen)."""

    def now_ms(self) -> int:
        """Device time in milliseconds: what an item logged now is stamped with."""
        return self.clock.now_ms()

    def event(
        self,
        key: str,
        *,
        info: Mapping[str, Any] | None = None,
        category: str = "info",
        timestamp_ms: int | None = None,
    ) -> dict[str, Any]:
        """Log one item (``info`` is its ``info.model``), stamped now unless given.

        A login on a device that does not log logins is returned, not kept
        (and not offered to :attr:`on_item`).
        """
        stamp = self.now_ms() if timestamp_ms is None else timestamp_ms
        item = make_item(
            key,
            timestamp_ms=stamp,
            info=info,
            category=category,
            shape=self.behaviour.item_shape,
        )
        if key in LOGIN_KEYS and not self.behaviour.logs_logins:
            return item
        self.identifiers |= identifiers_in(key, info or {})
        self.items.append(item)
        if len(self.items) > self.behaviour.capacity:
            del self.items[0]
        if self.on_item is not None:
            self.on_item(item)
        return item

    def clear(self) -> None:
        """Forget every item; new items are stamped by the device clock as before."""
        self.items.clear()

    def set_capacity(self, capacity: int) -> None:
        """Cap the log at ``capacity`` items, dropping the oldest beyond it now."""
        self.behaviour = dataclasses.replace(self.behaviour, capacity=capacity)
        del self.items[: max(len(self.items) - capacity, 0)]

    def page(self, limit: int, page_number: int, order: Order) -> dict[str, Any]:
        """Build the API answer for one page in ``order`` (scrambled if the device scrambles).

        A page past the end is empty with the real totals; an empty log has
        0 pages (inferred).
        """
        total = len(self.items)
        start = (page_number - 1) * limit
        if self.behaviour.scrambled:
            chosen = scrambled(self.items)[start : start + limit]
        elif order == "asc":
            chosen = self.items[start : start + limit]
        else:
            # Newest first without copying the whole log.
            stop = max(total - start, 0)
            chosen = self.items[max(stop - limit, 0) : stop][::-1]
        return {
            "list_option": {
                "pagination": {
                    "total_items": total,
                    "items_limit": limit,
                    "total_pages": math.ceil(total / limit),
                    "current_page": page_number,
                }
            },
            "list_items": chosen,
        }

    def describe(self) -> dict[str, Any]:
        """Describe the log's variant and behaviour, for the control API's state."""
        return {"variant": self.variant, **self.behaviour.describe()}
