"""The device log seen newest first, whichever way the device pages it.

A device that honours a sort parameter lists its newest items on page 1. One
that ignores them (the vendor documents ``asc`` as the default) lists them on
its last page, found from the totals. :class:`LogView` hides the difference:
it hands the reader *chunks*, runs of entries newest first, and checks the
order of every page it reads against the timestamps.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
import math
from typing import Final, Protocol

from .exceptions import BasIpError, BasIpResponseError, BasIpValidationError
from .logorder import (
    PROBE_ORDER,
    LogDialect,
    LogLayout,
    ProbeStep,
    contradicts_newest_first,
    page_order,
    reads_newest_first,
)
from .models import LogPage, LogSlot

_STATUS_BAD_REQUEST: Final = 400
# A page in neither order is taken as scrambled (no readable order) only with
# this many items; fewer, with clock jumps among them, prove nothing.
MIN_UNREADABLE: Final = 6


class LogOrderError(BasIpError):
    """No order could be found in which this device's log reads newest first."""

    def __init__(self, steps: tuple[ProbeStep, ...]) -> None:
        """Keep what was tried (dialects and outcomes; no device data)."""
        tried = ", ".join(map(str, steps))
        super().__init__(f"The event log cannot be read in order (tried {tried})")
        self.steps = steps


class LogPageSource(Protocol):
    """The client call the view needs."""

    async def get_log_page(
        self, *, limit: int = ..., page: int = ..., dialect: LogDialect = ...
    ) -> LogPage:
        """One page of the log as the device lists it."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk:
    """Entries of the log, newest first, from one or two device pages."""

    slots: tuple[LogSlot, ...]
    total: int | None
    """``total_items`` of the last answer, when the device gave it."""
    end: bool
    """Nothing older than these entries exists."""
    device_time_ms: int | None = None


class VerificationError(BasIpError):
    """A page did not read in the order the layout promised."""


def _timestamps(page: LogPage) -> list[int]:
    return [item.timestamp for item in page.items]


def _is_refusal(err: BasIpError) -> bool:
    return isinstance(err, BasIpValidationError) or (
        isinstance(err, BasIpResponseError) and err.status == _STATUS_BAD_REQUEST
    )


async def probe_layout(
    source: LogPageSource, *, limit: int, firmware: str | None
) -> tuple[LogLayout, tuple[ProbeStep, ...]]:
    """Find a dialect in which page 1 reads newest first, else the device's own order.

    A refused parameter (400) moves on to the next dialect; so does one that
    is ignored (the page reads oldest first). Raises :class:`LogOrderError`
    when no order can be read at all.
    """
    steps: list[ProbeStep] = []
    tentative: LogDialect | None = None
    for dialect in (*PROBE_ORDER, LogDialect.NONE):
        try:
            page = await source.get_log_page(limit=limit, page=1, dialect=dialect)
        except BasIpError as err:
            if dialect is LogDialect.NONE or not _is_refusal(err):
                raise
            steps.append(ProbeStep(dialect=dialect, outcome="refused"))
            continue
        stamps = _timestamps(page)
        order = page_order(stamps)
        if order is True:
            steps.append(ProbeStep(dialect=dialect, outcome="newest_first"))
            return LogLayout(
                dialect=dialect, newest_first=True, verified=True, firmware=firmware
            ), (tuple(steps))
        if order is False and dialect is LogDialect.NONE:
            steps.append(ProbeStep(dialect=dialect, outcome="oldest_first"))
            layout = LogLayout(
                dialect=dialect, newest_first=False, verified=True, firmware=firmware
            )
            return layout, tuple(steps)
        mixed = (
            len(stamps) >= MIN_UNREADABLE
            and reads_newest_first(stamps) is False
            and reads_newest_first(stamps[::-1]) is False
        )
        outcome = "oldest_first" if order is False else "unreadable" if mixed else "unclear"
        steps.append(ProbeStep(dialect=dialect, outcome=outcome))
        if outcome == "unclear" and tentative is None:
            tentative = dialect
            if page.total_items is not None and page.total_items <= page.raw_count:
                break  # the whole log is on this page: no other dialect can tell more
    if tentative is None:
        raise LogOrderError(tuple(steps))
    # Too few distinct timestamps to tell: assume the first dialect the device
    # took works, and verify it with every page read from now on.
    layout = LogLayout(dialect=tentative, newest_first=True, verified=False, firmware=firmware)
    return layout, tuple(steps)


def _check(page: LogPage, layout: LogLayout) -> bool:
    """Verify one page against the layout; ``True`` when it proved the order.

    Only a page that plainly reads the *other* way is a failure (the sort
    parameter was ignored, or the firmware changed). A page that reads
    neither way (clock jumps close together) proves nothing and refutes
    nothing.
    """
    stamps = _timestamps(page)
    expected = stamps if layout.newest_first else stamps[::-1]
    if contradicts_newest_first(expected):
        raise VerificationError("A log page read in the opposite order")
    return reads_newest_first(expected) is True


def _newest_first(page: LogPage, layout: LogLayout) -> tuple[LogSlot, ...]:
    return page.slots if layout.newest_first else page.slots[::-1]


class LogView:
    """Reads chunks of the log newest first in one layout, verifying each page."""

    def __init__(self, source: LogPageSource, layout: LogLayout) -> None:
        """Read with ``layout``; :attr:`proved` turns true once a page showed the order."""
        self._source = source
        self.layout = layout
        self.proved = layout.verified

    async def _read(self, limit: int, page: int) -> LogPage:
        answer = await self._source.get_log_page(
            limit=limit, page=page, dialect=self.layout.dialect
        )
        if _check(answer, self.layout):
            self.proved = True
        return answer

    async def top(self, *, limit: int, known_total: int | None) -> Chunk:
        """Read the newest entries: page 1, or the last page (and the one before when short)."""
        if self.layout.newest_first:
            page = await self._read(limit, 1)
            return Chunk(
                slots=page.slots,
                total=page.total_items,
                end=not _more(page, limit, 1),
                device_time_ms=page.device_time_ms,
            )
        return await self._top_from_end(limit, known_total)

    async def _top_from_end(self, limit: int, known_total: int | None) -> Chunk:
        number = _last_page(known_total, limit)
        page = await self._read(limit, number)
        actual = _last_page(page.total_items, limit) if page.total_items is not None else number
        if actual != number:
            # The log grew or shrank past a page boundary since the last poll.
            number = actual
            page = await self._read(limit, number)
        slots = _newest_first(page, self.layout)
        device_time = page.device_time_ms
        if page.raw_count < limit and number > 1:
            before = await self._read(limit, number - 1)
            slots += _newest_first(before, self.layout)
            number -= 1
        return Chunk(
            slots=slots, total=page.total_items, end=number <= 1, device_time_ms=device_time
        )

    async def chunks(
        self, *, limit: int, max_pages: int, at_cap: bool, known_total: int | None
    ) -> AsyncGenerator[tuple[Chunk, int | None]]:
        """Up to ``max_pages`` chunks going back from the newest, each with its expected shift.

        The shift is how many entries at the top of a chunk should repeat the
        tail of the previous one (entries pushed along by arrivals between
        the reads); ``None`` where the totals cannot tell (a full log).
        ``known_total`` (from the read just before) finds an oldest-first
        log's last page without asking for page 1 first.
        """
        if self.layout.newest_first:
            previous: int | None = None
            for number in range(1, max_pages + 1):
                page = await self._read(limit, number)
                total = page.total_items
                shift = None if at_cap or total is None or previous is None else total - previous
                previous = total
                end = not _more(page, limit, number)
                yield Chunk(slots=page.slots, total=total, end=end), shift
                if end:
                    return
            return
        first = await self._read(limit, 1) if known_total is None else None
        number = _last_page(known_total if first is None else first.total_items, limit)
        for _ in range(max_pages):
            page = first if first is not None and number == 1 else await self._read(limit, number)
            end = number <= 1
            shift = None if at_cap else 0  # appends never move older pages
            yield (
                Chunk(slots=_newest_first(page, self.layout), total=page.total_items, end=end),
                (shift),
            )
            if end:
                return
            number -= 1


def _last_page(total: int | None, limit: int) -> int:
    if not total:
        return 1
    return max(1, math.ceil(total / limit))


def _more(page: LogPage, limit: int, number: int) -> bool:
    """Whether entries exist beyond page ``number``: from the totals, else a full page."""
    if page.total_items is not None:
        return page.total_items > number * limit
    if page.total_pages is not None:
        return page.total_pages > number
    return page.raw_count >= limit
