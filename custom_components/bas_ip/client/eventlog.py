"""The event-log cursor: every new log item delivered exactly once.

The log has no sequence number and its clock may jump or restart, so the
cursor is a *window*: the fingerprints (content hashes, no card numbers) of
the newest entries at the last good poll, newest first. What lies above the
place where the window shows again is new. Which way the device pages is
found once and verified as it is read (:mod:`.logview`); matching is by runs,
never one fingerprint (:mod:`.logmatch`).

Ages are measured on the device's clock, and only after an interruption:
polls in a row deliver everything. The device's "now" is then the newest
marker of the integration's own login *by its place in the log*; where the
firmware logs no logins, its HTTP ``Date`` header, corrected by the offset
to the log's timestamps learned from live items. A ring more than 60 s
older than that, or stamped after it (the clock was set back), is stale.
docs/device-api.md ("The cursor") has the rules in full.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
import dataclasses
from dataclasses import dataclass
import logging
from typing import Any, Final, Protocol

from .events import EventKind, IntercomEvent, classify
from .exceptions import BasIpError
from .logmatch import (
    find_window,
    fingerprints,
    first_item,
    int_or_none,
    load_window,
    overlap,
)
from .logorder import LogLayout, ProbeStep
from .logreport import LogReport
from .logview import LogPageSource, LogView, VerificationError, probe_layout
from .models import LogItem, LogSlot

_LOGGER = logging.getLogger(__name__)

CURSOR_VERSION: Final = 2
# Log timestamps are UTC or local time written as UTC: zones are whole quarters.
_ZONE_STEP_MS: Final = 15 * 60_000
# A marker may be stamped a little before the ring it follows (clock granularity).
_CLOCK_TOLERANCE_MS: Final = 2_000
OWN_LOGIN_KEY: Final = "successful_login_api_call"


class LogSource(LogPageSource, Protocol):
    """What the reader needs from :class:`BasIpClient`: the log page call, and logins."""

    @property
    def login_count(self) -> int:
        """Logins sent so far."""
        ...

    @property
    def firmware_version(self) -> str | None:
        """The firmware the device reported last."""
        ...

    async def login(self) -> None:
        """Log in now."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class EventPoll:
    """The outcome of one poll."""

    events: tuple[IntercomEvent, ...] = ()
    """New events, oldest first, without the integration's own traffic."""
    overflowed: bool = False
    """Items were lost: more arrived than a burst reaches, or they rotated out unread."""
    stale_rings: int = 0
    """Rings dropped because they were too old on the device's clock."""
    newest: LogItem | None = None
    """The newest item of the log (for a "last event" sensor)."""


@dataclass(slots=True)
class _Read:
    """The entries of one poll, newest first, and what the device said about them."""

    slots: list[LogSlot]
    total: int | None
    end: bool
    device_time_ms: int | None


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
        """Start from a stored ``cursor`` (``reader.cursor`` of a former run) or none.

        A layout found (or stored) on another firmware than the client last
        saw is found again.
        """
        self._client = client
        self._device_type = device_type
        self._page_limit = page_limit
        self._burst_limit = burst_limit
        self._max_pages = max_pages
        self._ring_max_age_ms = ring_max_age_ms
        self._window: list[str] | None = None
        self._total: int | None = None
        self._layout: LogLayout | None = None
        self._markers: bool | None = None
        self._zone_offset_ms: int | None = None
        self._at_cap = False
        self._load(cursor)
        self._lock = asyncio.Lock()
        # A stored cursor is from before a restart: the log went on meanwhile.
        self._interrupted = self._window is not None
        self._logins_at_last_poll = client.login_count
        self.probe_steps: tuple[ProbeStep, ...] = ()
        self.report = LogReport()
        """Field report: keys and field names this device logs (diagnostics)."""

    def _load(self, cursor: Mapping[str, Any] | None) -> None:
        if not isinstance(cursor, Mapping):
            return
        version = cursor.get("version")
        if isinstance(version, bool) or version not in (1, CURSOR_VERSION):
            return
        self._window = load_window(cursor)
        if self._window is None:
            return
        self._total = int_or_none(cursor.get("total"))
        layout = LogLayout.from_dict(cursor.get("layout"))
        self._layout = layout
        markers = cursor.get("markers")
        self._markers = markers if isinstance(markers, bool) else None
        self._zone_offset_ms = int_or_none(cursor.get("zone_offset_ms"))

    @property
    def max_pages(self) -> int:
        """Pages a burst read goes through at most."""
        return self._max_pages

    @property
    def layout(self) -> LogLayout | None:
        """How this device's log is read, once found."""
        return self._layout

    @property
    def zone_offset_ms(self) -> int:
        """Log stamps minus the device's ``Date`` clock (local time written as UTC); 0 unknown."""
        return self._zone_offset_ms or 0

    @property
    def markers(self) -> bool | None:
        """Whether the device logs the integration's logins (``None``: not seen yet)."""
        return self._markers

    @property
    def cursor(self) -> dict[str, Any]:
        """The cursor to store (JSON-serialisable, fingerprints only)."""
        return {
            "version": CURSOR_VERSION,
            "window": None if self._window is None else list(self._window),
            "total": self._total,
            "layout": None if self._layout is None else self._layout.as_dict(),
            "markers": self._markers,
            "zone_offset_ms": self._zone_offset_ms,
        }

    def mark_interrupted(self) -> None:
        """Mark that polling stopped for a while: find the device's now again before delivering."""
        self._interrupted = True
        # Logins before now (token renewals while events were off) are old markers.
        self._logins_at_last_poll = self._client.login_count

    async def poll(self) -> EventPoll:
        """Read what is new since the last good poll."""
        async with self._lock:
            try:
                return await self._poll_locked()
            except BasIpError:
                self.mark_interrupted()
                raise

    async def _view(self) -> LogView:
        firmware = self._client.firmware_version
        if self._layout is not None and firmware not in (None, self._layout.firmware):
            _LOGGER.debug("New firmware: finding the event log's order again")
            self._layout = None
        if self._layout is None:
            self._layout, self.probe_steps = await probe_layout(
                self._client, limit=self._page_limit, firmware=firmware
            )
            _LOGGER.debug("Event log layout: %s", self._layout)
        return LogView(self._client, self._layout)

    async def _top(self) -> tuple[LogView, _Read]:
        """Read the newest entries in the layout found."""
        view = await self._view()
        chunk = await view.top(limit=self._page_limit, known_total=self._total)
        self._keep_proof(view)
        return view, _Read(list(chunk.slots), chunk.total, chunk.end, chunk.device_time_ms)

    def _keep_proof(self, view: LogView) -> None:
        if self._layout is not None and view.proved and not self._layout.verified:
            self._layout = dataclasses.replace(self._layout, verified=True)

    async def _poll_locked(self) -> EventPoll:
        try:
            return await self._poll_once()
        except VerificationError:
            # Nothing was delivered or stored: probe the order again, read again.
            _LOGGER.debug("The event log no longer reads in the order found; probing again")
            self._layout = None
            return await self._poll_once()

    async def _poll_once(self) -> EventPoll:
        view, read = await self._top()
        newest = first_item(read.slots)
        if self._window is None:
            self.report.observe([slot.item for slot in read.slots if slot.item is not None])
            self._good_poll(read.slots, read.total)
            return EventPoll(newest=newest)
        if not read.slots and read.total != 0:
            # 200 with nothing in it while the log held items (a glitch), or
            # no totals to confirm an empty log: keep the window.
            return EventPoll(newest=None)
        count = self._new_count(read)
        if self._needs_marker(read.slots, count):
            await self._client.login()
            view, read = await self._top()
            newest = first_item(read.slots)
            count = self._new_count(read)
        overflowed = False
        new = read.slots if count is None else read.slots[:count]
        if count is None and not read.end:
            if read.total is not None and read.total == self._total:
                # New items, and the total did not grow: the log is full and
                # rotates, so the totals cannot tell page shifts.
                self._at_cap = True
            new, overflowed = await self._burst(view, read)
        elif count is None and self._window and not self._log_shrank(read.total):
            # The whole log is new and none of the window is left: rotated out unread.
            overflowed = True
        self._learn_cap(read.total, len(new))
        return self._deliver(new, read, overflowed=overflowed, newest=newest)

    def _new_count(self, read: _Read) -> int | None:
        """How many entries on top of ``read`` are new (``None``: the window is not in it)."""
        assert self._window is not None
        hint = self._arrivals(read.total)
        return find_window(fingerprints(read.slots), self._window, hint=hint, end=read.end)

    def _arrivals(self, total: int | None) -> int | None:
        """How many items arrived since the last poll, by the totals, where they tell."""
        if self._at_cap or total is None or self._total is None or total < self._total:
            return None
        return total - self._total

    def _log_shrank(self, total: int | None) -> bool:
        return total is not None and self._total is not None and total < self._total

    def _learn_cap(self, total: int | None, new: int) -> None:
        """Spot a log at its size cap: it keeps its total as items arrive; totals stop telling."""
        if total is None or self._total is None:
            return
        if total > self._total:
            self._at_cap = False
        elif total == self._total and new > 0:
            self._at_cap = True

    def _needs_marker(self, slots: Sequence[LogSlot], count: int | None) -> bool:
        """After an interruption, whether to log in so the log shows the device's now."""
        if not self._interrupted or self._markers is False:
            return False
        if self._client.login_count != self._logins_at_last_poll:
            return False  # a login since the interruption left its marker already
        new = slots if count is None else slots[:count]
        return bool(new) and (count is None or any(self._is_ring(slot.item) for slot in new))

    async def _burst(self, view: LogView, read: _Read) -> tuple[list[LogSlot], bool]:
        """Go back page by page from ``read`` until the window shows again.

        ``read`` then holds the burst's first page and its total (the next
        window). Returns the new entries (newest first) and whether items were
        lost (the window never showed within ``max_pages``, or the log ended
        without it: rotated out).
        """
        assert self._window is not None
        collected: list[LogSlot] = []
        top: list[LogSlot] = []
        chunks = view.chunks(
            limit=self._burst_limit,
            max_pages=self._max_pages,
            at_cap=self._at_cap,
            known_total=read.total,
        )
        try:
            async for chunk, shift in chunks:
                slots = list(chunk.slots)
                if not top:
                    # The next window: this page, with the total it was read with.
                    top = slots
                    read.slots, read.total = top, chunk.total
                else:
                    slots = slots[overlap(fingerprints(collected), fingerprints(slots), shift) :]
                collected.extend(slots)
                count = find_window(
                    fingerprints(collected),
                    self._window,
                    hint=self._arrivals(read.total),
                    end=chunk.end,
                )
                if count is not None:
                    return collected[:count], False
                if chunk.end:
                    return collected, bool(self._window)
        finally:
            await chunks.aclose()
        return collected, True

    def _is_ring(self, item: LogItem | None) -> bool:
        if item is None:
            return False
        event = classify(item, device_type=self._device_type)
        return event.kind is EventKind.DOORBELL and event.type == "ring"

    def _good_poll(self, slots: Sequence[LogSlot], total: int | None) -> None:
        self._window = fingerprints(slots)[: self._burst_limit]
        self._total = total
        self._interrupted = False
        self._logins_at_last_poll = self._client.login_count

    def _device_now(self, items: Sequence[LogItem], device_time_ms: int | None) -> tuple[int, int]:
        """Find the device's now and the place (newest first) from which ages count.

        Rings above an own-login marker were logged after it: they are fresh.
        """
        for index, item in enumerate(items):
            if item.key == OWN_LOGIN_KEY:
                self._markers = True
                return item.timestamp, index
        if self._client.login_count != self._logins_at_last_poll and self._markers is None:
            # We logged in since the interruption and no marker shows.
            self._markers = False
        if device_time_ms is not None:
            return device_time_ms + (self._zone_offset_ms or 0), 0
        # (inferred) No marker and no Date header: the newest item is the best there is.
        return (items[0].timestamp if items else 0), 0

    def _learn_zone(self, items: Sequence[LogItem], device_time_ms: int | None) -> None:
        """Offset between the Date header and log stamps, from an item logged just now."""
        if items and device_time_ms is not None:
            sample = items[0].timestamp - device_time_ms
            self._zone_offset_ms = round(sample / _ZONE_STEP_MS) * _ZONE_STEP_MS

    def _deliver(
        self, new: Sequence[LogSlot], read: _Read, *, overflowed: bool, newest: LogItem | None
    ) -> EventPoll:
        items = [slot.item for slot in new if slot.item is not None]
        self.report.observe(items)
        interrupted = self._interrupted
        if interrupted:
            now, fresh_above = self._device_now(items, read.device_time_ms)
        else:
            self._learn_zone(items, read.device_time_ms)
            now, fresh_above = 0, len(items)
        self._good_poll(read.slots, read.total)
        events: list[IntercomEvent] = []
        stale = 0
        for index in range(len(items) - 1, -1, -1):  # oldest first
            item = items[index]
            event = classify(item, device_type=self._device_type)
            if event.kind is EventKind.OWN_TRAFFIC:
                continue
            if index >= fresh_above and self._is_ring(item):
                age = now - item.timestamp
                if age > self._ring_max_age_ms or age < -_CLOCK_TOLERANCE_MS:
                    stale += 1
                    continue
            events.append(event)
        return EventPoll(
            events=tuple(events),
            overflowed=overflowed,
            stale_rings=stale,
            newest=newest,
        )
