"""Fuzz the log-order check: what it concludes from any list of timestamps.

The check decides whether a device honoured "newest first"; a wrong verdict
either silences the doorbell (a good page refused) or reads the wrong end of
the log (a bad page accepted). Its properties, over any timestamps:

- a page in newest-first order is never refused, with or without one clock
  jump in it;
- a page in strictly rising order (3 or more items) is always refused, and
  from 4 items on it reads as oldest first (an ignored sort parameter);
- the verdicts of a page and of its reverse never agree on an order.
"""

from __future__ import annotations

from typing import Final

from hypothesis import given, strategies as st

from custom_components.bas_ip.client.logorder import page_order, reads_newest_first

from .profiles import FUZZ_SETTINGS, expect, record

ORDER_CHECK: Final = "reads_newest_first"
expect(ORDER_CHECK)

_STAMPS = st.lists(st.integers(0, 10**15), max_size=50)


@FUZZ_SETTINGS
@given(stamps=_STAMPS, jump_at=st.integers(0, 50), jump=st.integers(1, 10**12))
def test_newest_first_is_never_refused(stamps: list[int], jump_at: int, jump: int) -> None:
    """Descending, or descending with one clock jump: never refused."""
    ordered = sorted(stamps, reverse=True)
    record(ORDER_CHECK, parsed=True)
    assert reads_newest_first(ordered) is not False
    at = min(jump_at, len(ordered))
    # Items logged after a clock reset: below the old ones in time, above them in the log.
    jumped = [stamp - jump for stamp in ordered[:at]] + ordered[at:]
    record(ORDER_CHECK, parsed=True)
    assert reads_newest_first(jumped) is not False


@FUZZ_SETTINGS
@given(stamps=st.lists(st.integers(0, 10**15), min_size=3, max_size=50, unique=True))
def test_rising_pages_are_refused(stamps: list[int]) -> None:
    """Oldest first (strictly rising, 3 or more): refused; from 4 on, read as oldest first."""
    rising = sorted(stamps)
    record(ORDER_CHECK, parsed=False)
    assert reads_newest_first(rising) is False
    assert page_order(rising[::-1]) is True
    assert page_order(rising) is (False if len(rising) >= 4 else None)


@FUZZ_SETTINGS
@given(stamps=_STAMPS)
def test_a_page_and_its_reverse_never_agree(stamps: list[int]) -> None:
    """Whatever the timestamps, a page and its reverse are not both newest (or oldest) first."""
    verdict = page_order(stamps)
    record(ORDER_CHECK, parsed=verdict is not None)
    reverse = page_order(stamps[::-1])
    if verdict is not None:
        assert reverse is not verdict
    # A page read as oldest first reads newest first when reversed.
    if verdict is False:
        assert reverse is True
