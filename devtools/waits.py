"""Waits bounded in real time, usable while freezegun freezes the event loop's clock.

Under Home Assistant's ``freezer`` the loop's clock (``time.monotonic``) does
not move, so ``asyncio.timeout`` and ``asyncio.sleep(x)`` never expire. These
helpers wake the loop from a real-time timer thread instead: they return as
soon as what they wait for happened, and fail after a generous real-time
bound (sized for a loaded 2-core machine), never after a count of loop turns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import threading
import time
from typing import Any, Final

# Generous bound for anything that must happen on a loaded machine.
REAL_TIMEOUT: Final = 30.0
# How often a condition without an event is looked at again (real time).
_RECHECK: Final = 0.005


def wall_clock() -> float:
    """Real monotonic time (freezegun patches ``time.monotonic``, not clock_gettime)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def real_sleep(seconds: float) -> asyncio.Future[None]:
    """Return a future completed after ``seconds`` of real time, whatever the loop clock says."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def done() -> None:
        if not future.done():
            future.set_result(None)

    timer = threading.Timer(seconds, loop.call_soon_threadsafe, (done,))
    timer.daemon = True
    timer.start()
    future.add_done_callback(lambda _: timer.cancel())
    return future


async def wait_real(awaitable: Awaitable[Any], seconds: float) -> bool:
    """Wait for ``awaitable`` at most ``seconds`` of real time; True if it finished.

    The awaitable is not cancelled when the time is up.
    """
    task = asyncio.ensure_future(awaitable)
    if task.done():
        return True
    timer = real_sleep(seconds)
    try:
        await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    return task.done()


async def wait_until(
    condition: Callable[[], bool],
    what: str,
    *,
    timeout: float = REAL_TIMEOUT,  # noqa: ASYNC109 - asyncio.timeout cannot fire on a frozen clock
) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` real seconds."""
    deadline = wall_clock() + timeout
    while not condition():
        if wall_clock() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        await real_sleep(_RECHECK)
