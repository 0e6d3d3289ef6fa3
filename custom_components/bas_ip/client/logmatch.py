"""Where the last poll's window shows again in a newer read of the log.

Pure functions over fingerprints (newest first), so the rules can be tested
and fuzzed on their own. Two rules keep delivery exact:

- A match is a run, never one fingerprint: the window's newest entries must
  show in a row (as a multiset, so that items stamped in one millisecond may
  come back in another order). An old item reproduced after a cleared log
  does not stop a read.
- The device's totals say how many items arrived, and they are trusted only
  where the content agrees: a full log keeps its total while items rotate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
import re
from typing import Any, Final

from .models import LogItem, LogSlot

# A match this long (or the whole window) is taken without the totals' word.
MIN_EVIDENCE: Final = 3
_FINGERPRINT: Final = re.compile(r"[0-9a-f]{24}")
# Larger than any window the reader writes (a burst page of at most 50).
_WINDOW_MAX: Final = 500


def load_window(cursor: Mapping[str, Any]) -> list[str] | None:
    """Load the window of a stored cursor; ``None`` for a missing or broken one."""
    window = cursor.get("window")
    if not isinstance(window, list) or len(window) > _WINDOW_MAX:
        return None
    if not all(isinstance(fp, str) and _FINGERPRINT.fullmatch(fp) for fp in window):
        return None
    return list(window)


def int_or_none(value: Any) -> int | None:
    """Return a stored whole number, or ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def fingerprints(slots: Sequence[LogSlot]) -> list[str]:
    """List the fingerprints of ``slots``, in order."""
    return [slot.fingerprint for slot in slots]


def first_item(slots: Sequence[LogSlot]) -> LogItem | None:
    """Find the first parsed item of ``slots``."""
    return next((slot.item for slot in slots if slot.item is not None), None)


def _agrees(fps: Sequence[str], window: Sequence[str], new: int) -> int:
    """Entries of the window that follow ``new`` new entries, 0 when they do not."""
    size = min(len(window), len(fps) - new)
    if size <= 0 or Counter(fps[new : new + size]) != Counter(window[:size]):
        return 0
    return size


def find_window(
    fps: Sequence[str], window: Sequence[str], *, hint: int | None, end: bool
) -> int | None:
    """How many entries at the top of ``fps`` are new; ``None`` when the window does not show.

    ``hint`` is the number of arrivals the totals tell, ``end`` whether
    ``fps`` reaches the end of the log (then a short match at the bottom is
    all there can be).
    """
    if not window:
        return len(fps) if end else None
    if hint is not None and hint >= 0:
        if hint < len(fps) and _agrees(fps, window, hint):
            return hint
        if hint >= len(fps) and not end:
            return None  # by the totals the window lies beyond these entries
    for new in range(len(fps)):
        size = _agrees(fps, window, new)
        if size and (size >= min(len(window), MIN_EVIDENCE) or end):
            return new
    return None


def overlap(collected: Sequence[str], page: Sequence[str], shift: int | None) -> int:
    """How many entries at the top of ``page`` repeat the tail of ``collected``.

    Arrivals between two page reads push entries from one page to the next;
    ``shift`` is that number where the totals tell it. It is trusted when the
    content agrees. A shift of 0 is overruled by a repeated run (a full log
    whose total stands still while items arrive), unless the run is part of
    a block of identical items across the boundary (a burst stamped in one
    millisecond): those are not taken for repeats against the totals' word.
    """
    limit = min(len(collected), len(page))
    run = next(
        (size for size in range(limit, 0, -1) if list(page[:size]) == list(collected[-size:])), 0
    )
    if shift is None or not 0 <= shift <= limit:
        return run
    if shift == 0:
        return 0 if run == 0 or _identical_block(collected, page, run) else run
    if list(page[:shift]) == list(collected[-shift:]):
        return shift
    return run


def _identical_block(collected: Sequence[str], page: Sequence[str], run: int) -> bool:
    """Whether a repeated run could be identical neighbours rather than repeats.

    An item can only stand next to its own copy when items are identical
    (same content and millisecond); a distinct item repeated at a boundary
    is a repeat.
    """
    if len(set(page[:run])) > 1:
        return False
    if run > 1:
        return True  # the run itself is identical items side by side
    first = page[0]
    return (len(collected) > 1 and collected[-2] == first) or (len(page) > 1 and page[1] == first)
