"""The device's own clock, which stamps its event log.

Real devices keep their own time: it may run hours off (one client adds
three hours, see docs/device-api.md) or be stepped by NTP. The simulator
models that as an offset added to the host clock, which tests can skew
(set) and jump (add to, back or forward).
"""

from __future__ import annotations

from collections.abc import Callable


class DeviceClock:
    """Host clock plus an adjustable offset, in seconds."""

    __slots__ = ("_clock", "offset")

    def __init__(self, clock: Callable[[], float], offset: float = 0.0) -> None:
        """Follow ``clock`` (unix seconds) shifted by ``offset`` seconds."""
        self._clock = clock
        self.offset = offset

    def now(self) -> float:
        """Device time, unix seconds."""
        return self._clock() + self.offset

    def now_ms(self) -> int:
        """Device time, unix milliseconds (what the log's ``timestamp`` holds)."""
        return int(self.now() * 1000)

    def skew(self, seconds: float) -> None:
        """Run ``seconds`` ahead of the host (negative: behind)."""
        self.offset = float(seconds)

    def jump(self, seconds: float) -> None:
        """Step the clock by ``seconds`` (negative: back)."""
        self.offset += float(seconds)
