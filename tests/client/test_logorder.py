"""Reading the log in order: the order check, the dialect probe, and window matching.

Pure functions first (the rules), then the probe against fakes of each
documented dialect (vendor pages, docs/device-api.md "Event log").
"""

from __future__ import annotations

import pytest

from custom_components.bas_ip.client import LogDialect, LogLayout, LogOrderError
from custom_components.bas_ip.client.logmatch import find_window, overlap
from custom_components.bas_ip.client.logorder import page_order, reads_newest_first
from custom_components.bas_ip.client.logview import probe_layout

from .test_eventlog import FakeLog

# --- the order check -------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [
        ([5, 4, 3, 2], True),
        ([5, 5, 5, 4], True),  # equal timestamps are allowed
        ([20, 10, 5000, 4990], True),  # one clock jump (a reset) inside the page
        ([3, 4, 5], False),  # oldest first: the sort was ignored
        ([4990, 5000, 10, 20], False),
        ([5, 5, 5], None),  # no step down: too little to tell
        ([10, 20], None),  # one step up only: a reset or oldest first
        ([], None),
        ([7], None),
    ],
)
def test_reads_newest_first(stamps: list[int], expected: bool | None) -> None:
    """Newest first allows ties and one jump; two steps up is not newest first."""
    assert reads_newest_first(stamps) is expected


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [
        ([5, 4, 3], True),
        ([3, 4, 5, 6], False),
        # Two steps up prove no ignored sort: a reset clock can make them.
        ([3, 4, 5], None),
        ([2000, 9000, 9000], None),
        ([1, 9, 2, 8, 3], None),
        ([4, 4], None),
    ],
)
def test_page_order(stamps: list[int], expected: bool | None) -> None:
    """Newest first, oldest first, or neither (scrambled or too short)."""
    assert page_order(stamps) is expected


# --- the probe, per documented dialect ----------------------------------------------------

ANDROID = {"honours": frozenset({LogDialect.SORT_TYPE})}
CAMDROID = {"honours": frozenset({LogDialect.ORDER_BY})}
CAMDROID_1_0 = {"honours": frozenset({LogDialect.SORT_FIELD, LogDialect.SORT_TYPE})}
UNSORTED: dict[str, object] = {"honours": frozenset()}
NEWEST_FIRST = {"honours": frozenset({LogDialect.ORDER_BY}), "default_desc": True}


@pytest.mark.parametrize(
    ("device", "refuses", "dialect", "newest_first"),
    [
        (ANDROID, False, LogDialect.SORT_TYPE, True),
        (CAMDROID, False, LogDialect.ORDER_BY, True),
        (CAMDROID, True, LogDialect.ORDER_BY, True),
        (CAMDROID_1_0, False, LogDialect.SORT_TYPE, True),
        (UNSORTED, False, LogDialect.NONE, False),
        (UNSORTED, True, LogDialect.NONE, False),
        (NEWEST_FIRST, False, LogDialect.SORT_TYPE, True),
    ],
    ids=[
        "android",
        "camdroid",
        "camdroid_strict",
        "camdroid_1_0",
        "unsorted",
        "unsorted_strict",
        "newest_first",
    ],
)
async def test_probe_finds_a_verified_order(
    device: dict[str, object], refuses: bool, dialect: LogDialect, newest_first: bool
) -> None:
    """Each dialect is found, its order proved by the timestamps of a long log."""
    log = FakeLog(refuses=refuses, **device)  # type: ignore[arg-type]
    log.add_distinct(25)
    layout, steps = await probe_layout(log, limit=10, firmware="1.0")
    assert layout == LogLayout(
        dialect=dialect, newest_first=newest_first, verified=True, firmware="1.0"
    )
    assert steps[-1].dialect is dialect
    if refuses:
        assert any(step.outcome == "refused" for step in steps)


async def test_probe_of_a_short_log_is_tentative() -> None:
    """One item proves nothing: the first accepted dialect, not verified yet."""
    log = FakeLog(**CAMDROID)  # type: ignore[arg-type]
    log.add("outgoing_call")
    layout, _ = await probe_layout(log, limit=10, firmware=None)
    assert layout.dialect is LogDialect.SORT_TYPE
    assert not layout.verified


async def test_probe_of_a_scrambled_log_fails_with_what_was_tried() -> None:
    """No order reads newest or oldest first: an error naming each dialect tried."""
    log = FakeLog(**UNSORTED)  # type: ignore[arg-type]
    for stamp in (1, 9, 2, 8, 3, 7, 4, 6, 5, 10):
        log.add("access_granted_by_api_call", ts=stamp)
    with pytest.raises(LogOrderError) as caught:
        await probe_layout(log, limit=10, firmware=None)
    assert [step.dialect for step in caught.value.steps] == [
        LogDialect.SORT_TYPE,
        LogDialect.ORDER_BY,
        LogDialect.SORT_FIELD,
        LogDialect.NONE,
    ]
    assert "sort_type: unreadable" in str(caught.value)


def test_layout_round_trips_and_refuses_junk() -> None:
    """A stored layout is read back; anything else is no layout."""
    layout = LogLayout(dialect=LogDialect.NONE, newest_first=False, verified=True, firmware="x")
    assert LogLayout.from_dict(layout.as_dict()) == layout
    assert layout.pages_per_poll == 2
    for junk in (None, {}, {"version": 1, "dialect": "bogus"}, {**layout.as_dict(), "verified": 1}):
        assert LogLayout.from_dict(junk) is None


# --- window matching ------------------------------------------------------------------


def test_find_window_by_run_not_by_one_fingerprint() -> None:
    """An old item reproduced after a clear does not stop the read."""
    window = ["a", "b", "c", "d"]
    # "a" again on top, but not followed by b, c: not the window.
    assert find_window(["x", "a", "y", "z"], window, hint=None, end=False) is None
    assert find_window(["x", "a", "b", "c"], window, hint=None, end=False) == 1
    # At the end of the log a short match is all there can be.
    assert find_window(["x", "y", "a"], window, hint=None, end=True) == 2


def test_find_window_counts_identical_items_one_by_one() -> None:
    """Identical items (one millisecond, same content) are new one by one."""
    window = ["x", "x", "a"]
    assert find_window(["x", "x", "x", "a"], window, hint=None, end=True) == 1
    assert find_window(["x", "x", "x", "x", "a"], window, hint=2, end=True) == 2


def test_find_window_trusts_the_totals_only_where_content_agrees() -> None:
    """A total that says 0 while a new item shows (a full log) is overruled."""
    window = ["a", "b", "c"]
    assert find_window(["n", "a", "b", "c"], window, hint=0, end=False) == 1
    # Two of three at the bottom of a page with more beyond: not enough alone...
    assert find_window(["n", "a", "b"], window, hint=None, end=False) is None
    # ...unless the totals say the same.
    assert find_window(["n", "a", "b"], window, hint=1, end=False) == 1


def test_overlap_rules() -> None:
    """Shift by the totals where content agrees; a full log's 0 is overruled by content."""
    collected = ["a", "b", "c", "d"]
    assert overlap(collected, ["c", "d", "e"], 2) == 2
    # A distinct item cannot be its own neighbour: repeated, it is a repeat.
    assert overlap(collected, ["d", "e"], 0) == 1
    # Within a block of identical items it may be a neighbour: the totals' 0 stands.
    assert overlap(["a", "x", "x"], ["x", "x", "y"], 0) == 0
    assert overlap(["a", "b", "x"], ["x", "x", "y"], 0) == 0
    assert overlap(collected, ["c", "d", "e"], 0) == 2  # distinct repeats: totals stood still
    assert overlap(["x", "x"], ["x", "x", "y"], 0) == 0  # identical run: trust the totals
    assert overlap(collected, ["c", "d", "e"], None) == 2
    assert overlap(collected, ["e", "f"], 3) == 0
