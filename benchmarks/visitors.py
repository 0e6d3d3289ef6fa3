"""The visitor history's figure: the event loop during a burst of 50 rings.

A Camdroid panel in Home Assistant's loop, on the real clock, logs 50 rings
at once; the next event poll reads them all. Each ring is recorded, fires its
event, and has its picture written (in the executor) and its index saved.
Meanwhile a heartbeat on the loop wakes every 5 ms and notes how late it is.
The burst ends when every ring's picture is stored.

``visitor_history_ms_per_ring``: what the history adds to the event-loop
thread's CPU time per ring, from the rings to the last picture stored: the
burst with the history on, less the same burst with it off (the rest of the
integration's work: poll, events, the "Last visitor" image). Were the
pictures written on the loop, it would count their writing.
``visitor_history_burst`` gives both runs' loop CPU per ring, the heartbeat's
lateness with the history on (p95, max), the device's snapshot requests for
the burst (one) and the pictures stored.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any, Final

from homeassistant.core import Event, callback

from custom_components.bas_ip.const import CONF_HISTORY_DAYS, DEFAULT_HISTORY_DAYS, EVENT_LOGBOOK
from devtools.waits import wait_until, wall_clock
from simulator import DeviceSimulator, Profile

from .base import BenchmarkBase
from .report import percentile

BURST_RINGS: Final = 50
HEARTBEAT_S: Final = 0.005
_SERIAL: Final = "be4c7777-0000-4000-8000-000000000007"


class _Heartbeat:
    """A task on the loop that notes how late each of its wake-ups is."""

    def __init__(self) -> None:
        self.lateness_ms: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        while True:
            due = wall_clock() + HEARTBEAT_S
            await asyncio.sleep(HEARTBEAT_S)
            self.lateness_ms.append(max(0.0, wall_clock() - due) * 1000)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._beat())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class VisitorMeasures(BenchmarkBase):
    """The visitor history's burst, on Home Assistant's real clock."""

    async def _measure_visitor_history(self, rings: int = BURST_RINGS) -> None:
        """Burst ``rings`` rings, history on then off; the loop's cost and lateness."""
        device = await self._start_in_loop(Profile.CAMDROID_PANEL, _SERIAL, None)
        try:
            with_history = await self._burst(device, rings, DEFAULT_HISTORY_DAYS)
            without = await self._burst(device, rings, 0)
        finally:
            self.result.issued_tokens.extend(device.issued_tokens)
            if self._start_device is None:
                await device.stop()
        on, off = with_history["loop_cpu_ms_per_ring"], without["loop_cpu_ms_per_ring"]
        figures = self.result.figures
        figures["visitor_history_ms_per_ring"] = round(max(0.0, on - off), 3)
        figures["visitor_history_burst"] = {
            **with_history,
            "loop_cpu_ms_per_ring_history_off": off,
        }

    async def _burst(self, device: DeviceSimulator, rings: int, days: int) -> dict[str, Any]:
        entry, _ = await self.add_entry(device, f"Visitors {days}", {CONF_HISTORY_DAYS: days})
        self.entries.append(entry)
        history = entry.runtime_data.visitors
        # Let the set-up polls pass.
        await asyncio.sleep(2.5)
        await self.hass.async_block_till_done()
        fired = [0]

        @callback
        def count(event: Event) -> None:
            if event.data.get("kind") == "doorbell":
                fired[0] += 1

        unsubscribe = self.hass.bus.async_listen(EVENT_LOGBOOK, count)
        heartbeat = _Heartbeat()
        heartbeat.start()
        before = device.snapshots
        started_cpu = time.thread_time()
        started = wall_clock()
        for number in range(rings):
            device.ring(str(100 + number))

        def done() -> bool:
            stored = history is None or all(v.picture is not None for v in history.visits)
            return fired[0] == rings and device.snapshots > before and stored

        try:
            await wait_until(done, f"{rings} rings recorded")
            await self.hass.async_block_till_done()
        finally:
            unsubscribe()
        cpu_ms = (time.thread_time() - started_cpu) * 1000
        elapsed_ms = (wall_clock() - started) * 1000
        await heartbeat.stop()
        pictures = 0 if history is None else sum(bool(v.picture) for v in history.visits)
        await self.remove_entry(entry)
        self.entries.remove(entry)
        lateness = heartbeat.lateness_ms or [0.0]
        return {
            "rings": rings,
            "loop_cpu_ms_per_ring": round(cpu_ms / rings, 3),
            "loop_lag_ms_p95": round(percentile(lateness, 0.95), 1),
            "loop_lag_ms_max": round(max(lateness), 1),
            "median_beat_lag_ms": round(statistics.median(lateness), 2),
            "elapsed_ms": round(elapsed_ms, 1),
            "snapshot_requests": device.snapshots - before,
            "pictures": pictures,
        }
