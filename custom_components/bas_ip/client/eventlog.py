"""The event-log cursor: every new log item delivered exactly once.

The device log has no sequence number and its clock may be skewed, jump back
or restart with the log cleared, so the cursor is not a timestamp. It is a
*window*: the multiset of fingerprints of the newest items read in the last
good poll (the whole page 1). An item on a later page 1 that is not in the
window is new. Fingerprints are hashes of an item's content, so the cursor,
which is stored across restarts, holds no card number.

Assumption (inferred): page 1 holds the newest items, by insertion order
(the clients agree on "newest first"; sort parameters differ between
firmware lines, so none is sent).

Ages are measured on the device's clock only: the device's "now" is the
newest timestamp among the items new in this poll. After an interruption
(a failed poll, a restart) the first read that succeeds and finds a ring (or
a full page) among the new items makes sure a login happened since the
interruption, logging in itself if not, and reads again: the log then holds
a fresh ``successful_login_api_call`` stamped with the device's now, and a
ring that happened long before it is stale and is not fired. A login made
while the log could not be read does not count: its marker is as old as the
outage.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import logging
import re
from typing import Any, Final, Protocol

from .events import EventKind, IntercomEvent, classify
from .exceptions import BasIpError
from .models import LogItem, LogPage

_LOGGER = logging.getLogger(__name__)

CURSOR_VERSION: Final = 1
_FINGERPRINT: Final = re.compile(r"[0-9a-f]{24}")
# Larger than any window the reader writes (burst_limit is at most 50).
_WINDOW_MAX: Final = 500


class LogSource(Protocol):
    """What the reader needs from :class:`BasIpClient`."""

    @property
    def login_count(self) -> int:
        """Logins sent so far."""
        ...

    async def login(self) -> None:
        """Log in now."""
        ...

    async def get_log_page(self, *, limit: int = ..., page: int = ...) -> LogPage:
        """One page of the log, newest first."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class EventPoll:
    """The outcome of one poll."""

    events: tuple[IntercomEvent, ...] = ()
    """New events, oldest first, without the integration's own traffic."""
    first_read: bool = False
    """No cursor existed: this poll only took one and delivered nothing."""
    overflowed: bool = False
    """More new items than a burst read reaches: some were never seen."""
    stale_rings: int = 0
    """Rings dropped because they were too old on the device's clock."""
    newest: LogItem | None = None
    """The newest item of the log (for a "last event" sensor)."""


def _load_window(cursor: Mapping[str, Any] | None) -> list[str] | None:
    """The window of a stored cursor; ``None`` for no, an unknown or a broken cursor."""
    if not isinstance(cursor, Mapping):
        return None
    version = cursor.get("version")
    if isinstance(version, bool) or version != CURSOR_VERSION:
        return None
    window = cursor.get("window")
    if not isinstance(window, list) or len(window) > _WINDOW_MAX:
        return None
    if not all(isinstance(fp, str) and _FINGERPRINT.fullmatch(fp) for fp in window):
        return None
    return list(window)


def _new_items(items: Sequence[LogItem], window: Counter[str]) -> list[LogItem]:
    """``items`` not in ``window`` (multiset difference), in their order."""
    left = Counter(window)
    new: list[LogItem] = []
    for item in items:
        fingerprint = item.fingerprint
        if left[fingerprint] > 0:
            left[fingerprint] -= 1
        else:
            new.append(item)
    return new


def _overlap(collected: list[str], page: list[str], shift: int | None) -> int:
    """How many items at the top of ``page`` repeat the tail of ``collected``.

    New arrivals between two page reads push items from one page to the
    next. ``shift`` is that number when the device's totals tell it (0: none
    arrived), and it is trusted when the items agree: a run of identical
    items (a burst stamped in one millisecond) must not be taken for
    repeats. Without usable totals the longest repeated run is taken.
    """
    limit = min(len(collected), len(page))
    if shift == 0:
        return 0
    if shift is not None and 0 < shift <= limit and page[:shift] == collected[-shift:]:
        return shift
    for size in range(limit, 0, -1):
        if page[:size] == collected[-size:]:
            return size
    return 0


class EventLogReader:
    """Reads new log items from one device, exactly once, oldest first."""

    def __init__(
        self,
        client: LogSource,
        *,
        device_type: str | None,
        cursor: Mapping[str, Any] | None = None,
        page_limit: int = 10,
        burst_limit: int = 50,
        max_pages: int = 5,
        ring_max_age_ms: int = 60_000,
    ) -> None:
        """Start from a stored ``cursor`` (``reader.cursor`` of a former run) or none."""
        self._client = client
        self._device_type = device_type
        self._page_limit = page_limit
        self._burst_limit = burst_limit
        self._max_pages = max_pages
        self._ring_max_age_ms = ring_max_age_ms
        self._window = _load_window(cursor)
        self._lock = asyncio.Lock()
        # A stored cursor is from before a restart: the log went on meanwhile.
        self._interrupted = self._window is not None
        # Logins counted at the last good or failed poll: a login after it
        # left a marker stamped after the interruption.
        self._logins_at_last_poll = client.login_count

    @property
    def max_pages(self) -> int:
        """Pages a burst read goes through at most."""
        return self._max_pages

    @property
    def cursor(self) -> dict[str, Any]:
        """The cursor to store (JSON-serialisable, fingerprints only)."""
        return {
            "version": CURSOR_VERSION,
            "window": None if self._window is None else list(self._window),
        }

    def mark_interrupted(self) -> None:
        """Polling stopped for a while: find the device's now again before delivering."""
        self._interrupted = True
        # Logins before now (token renewals while events were off) are old markers.
        self._logins_at_last_poll = self._client.login_count

    async def poll(self) -> EventPoll:
        """Read what is new since the last good poll."""
        async with self._lock:
            try:
                return await self._poll_locked()
            except BasIpError:
                self._interrupted = True
                self._logins_at_last_poll = self._client.login_count
                raise

    async def _poll_locked(self) -> EventPoll:
        page = await self._client.get_log_page(limit=self._page_limit, page=1)
        items = list(page.items)
        if self._window is None:
            self._good_poll(items)
            return EventPoll(first_read=True, newest=items[0] if items else None)
        window = Counter(self._window)
        new = _new_items(items, window)
        if (
            self._interrupted
            and new
            and self._client.login_count == self._logins_at_last_poll
            and (len(new) == len(items) or any(self._is_ring(item) for item in new))
        ):
            # The log answers again and a ring's age matters: a fresh
            # own-login item, stamped with the device's now, then read again.
            # Not before the read: logins while the log cannot be read would
            # flood it with markers that are as old as the outage.
            await self._client.login()
            page = await self._client.get_log_page(limit=self._page_limit, page=1)
            items = list(page.items)
            new = _new_items(items, window)
        overflowed = False
        if new and len(new) == len(items) and self._more_exist(page, len(items)):
            new, items, overflowed = await self._burst(window)
            if overflowed:
                _LOGGER.debug("More new log items than a burst read reaches")
        self._good_poll(items)
        return self._deliver(new, overflowed=overflowed, newest=items[0] if items else None)

    def _more_exist(self, page: LogPage, count: int) -> bool:
        if count < self._page_limit:
            return False
        return (page.total_items is not None and page.total_items > count) or (
            page.total_pages is not None and page.total_pages > 1
        )

    async def _burst(self, window: Counter[str]) -> tuple[list[LogItem], list[LogItem], bool]:
        """Pages 1..max_pages at ``burst_limit`` until an item of the window shows.

        Returns the new items (newest first), the burst's page 1 (the next
        window) and whether the window was never reached.
        """
        collected: list[LogItem] = []
        first: list[LogItem] = []
        first_total: int | None = None
        for number in range(1, self._max_pages + 1):
            page = await self._client.get_log_page(limit=self._burst_limit, page=number)
            items = list(page.items)
            if number == 1:
                first = items
                first_total = page.total_items
            else:
                shift = (
                    page.total_items - first_total
                    if page.total_items is not None and first_total is not None
                    else None
                )
                skip = _overlap(
                    [item.fingerprint for item in collected],
                    [item.fingerprint for item in items],
                    shift,
                )
                items = items[skip:]
            for item in items:
                if window[item.fingerprint] > 0:
                    return collected, first, False
                collected.append(item)
            if len(page.items) < self._burst_limit:
                return collected, first, False  # the end of the log
        return collected, first, True

    def _is_ring(self, item: LogItem) -> bool:
        event = classify(item, device_type=self._device_type)
        return event.kind is EventKind.DOORBELL and event.type == "ring"

    def _good_poll(self, items: Sequence[LogItem]) -> None:
        self._window = [item.fingerprint for item in items]
        self._interrupted = False
        self._logins_at_last_poll = self._client.login_count

    def _deliver(
        self, new: Sequence[LogItem], *, overflowed: bool, newest: LogItem | None
    ) -> EventPoll:
        # The device's now, from its own clock: the newest new item (own
        # logins included, they are the reason for the forced login).
        device_now = max((item.timestamp for item in new), default=0)
        events: list[IntercomEvent] = []
        stale = 0
        for item in reversed(new):  # oldest first
            event = classify(item, device_type=self._device_type)
            if event.kind is EventKind.OWN_TRAFFIC:
                continue
            if (
                event.kind is EventKind.DOORBELL
                and event.type == "ring"
                and device_now - item.timestamp > self._ring_max_age_ms
            ):
                stale += 1
                continue
            events.append(event)
        return EventPoll(
            events=tuple(events), overflowed=overflowed, stale_rings=stale, newest=newest
        )
