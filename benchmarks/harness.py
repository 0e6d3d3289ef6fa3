"""Measures how light the integration is on the device and on Home Assistant.

Runs inside Home Assistant's test harness (a ``hass`` instance and frozen
time from pytest-homeassistant-custom-component) against simulated devices
over real HTTP on 127.0.0.1. See ``benchmarks/README.md`` for the method.
"""

from __future__ import annotations

import platform

from homeassistant.const import __version__ as HA_VERSION

from .base import BenchConfig, production_like
from .devices import PASSWORD, USERNAME, RemoteDevice, SimulatorProcess, entry_for
from .measures import FrozenMeasures
from .realtime import RealtimeMeasures
from .report import FROZEN_KEYS, REALTIME_KEYS, REQUIRED_KEYS, BenchResult, table
from .visitors import VisitorMeasures

__all__ = [
    "FROZEN_KEYS",
    "PASSWORD",
    "REALTIME_KEYS",
    "REQUIRED_KEYS",
    "USERNAME",
    "BenchConfig",
    "BenchResult",
    "Benchmark",
    "RemoteDevice",
    "SimulatorProcess",
    "entry_for",
    "table",
]


class Benchmark(FrozenMeasures, RealtimeMeasures, VisitorMeasures):
    """One run: owns the simulators and the entries it creates."""

    async def run(self) -> BenchResult:
        """All frozen-time measurements, in an order that keeps them independent."""
        with production_like():
            try:
                await self.remote.start(max(self.config.device_counts))
                await self._measure_setup()
                await self._measure_cpu_and_memory()
                for entry in self.entries:
                    await self.remove_entry(entry)
                self.entries.clear()
                await self._measure_logins_and_concurrency()
                await self._measure_idle_requests()
            finally:
                for entry in self.entries:
                    await self.remove_entry(entry)
                self.entries.clear()
                await self.remote.stop()
        figures = self.result.figures
        figures["python"] = platform.python_version()
        figures["homeassistant"] = HA_VERSION
        return self.result

    async def run_realtime(self) -> BenchResult:
        """Run the measurements that need real time to pass (Home Assistant's clock not frozen).

        Ring latency, polled (the event interval's timer must run by itself)
        and pushed (Home Assistant served over HTTP for the device's webhook),
        snapshots (the device takes ``snapshot_delay`` real seconds), and the
        visitor history's burst of rings (``visitors.py``).
        """
        with production_like():
            device = await self._start_realtime_device()
            try:
                await self._measure_ring_latency(device)
                await self._measure_snapshots(device)
                await self._measure_ring_latency_push()
                await self._measure_visitor_history()
            finally:
                for entry in self.entries:
                    await self.remove_entry(entry)
                self.entries.clear()
                self.result.issued_tokens.extend(device.issued_tokens)
                if self._start_device is None:
                    await device.stop()
        return self.result
