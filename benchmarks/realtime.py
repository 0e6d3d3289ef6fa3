"""The real-time measurements: ring latency (polled and pushed) and camera snapshots."""

from __future__ import annotations

import asyncio
import random
import statistics
from typing import Final

from homeassistant.components import camera
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, callback

from custom_components.bas_ip.const import CONF_EVENT_INTERVAL, DEFAULT_EVENT_INTERVAL
from custom_components.bas_ip.push_health import PushState
from custom_components.bas_ip.snapshots import SnapshotSource
from devtools.served_http import served_internal_url
from devtools.waits import REAL_TIMEOUT, wall_clock
from simulator import DeviceSimulator, Profile

from .base import BenchmarkBase
from .report import percentile

CONCURRENT_VIEWS: Final = 10


class RealtimeMeasures(BenchmarkBase):
    """The measurements of :meth:`Benchmark.run_realtime`, on Home Assistant's real clock."""

    async def _measure_ring_latency(self, device: DeviceSimulator) -> None:
        """Ring (logged by the device) to the doorbell entity's state change, real time.

        One entry per event interval; each ring at a random offset within the
        interval, so that it meets the poll at a random phase.
        """
        rng = random.Random(self.config.seed)
        latency: dict[str, dict[str, float | int]] = {}
        for interval in self.config.ring_intervals:
            entry, _ = await self.add_entry(
                device, f"Ring {interval}", {CONF_EVENT_INTERVAL: interval}
            )
            self.entries.append(entry)
            doorbell = self._entity_id(entry, "doorbell")
            assert doorbell is not None, "no doorbell entity"
            samples = await self._ring_samples(device, doorbell, interval, rng)
            latency[str(interval)] = _stats(samples)
            await self.remove_entry(entry)
            self.entries.remove(entry)
        self.result.figures["ring_latency_ms"] = latency

    async def _measure_ring_latency_push(self) -> None:
        """Ring (logged by the device) to the doorbell entity's state change, with push healthy.

        An Android panel (webhooks) in Home Assistant's loop on the real clock,
        at default options (push on); Home Assistant's HTTP app served on
        127.0.0.1 as its internal URL. The rings come at random offsets within
        the default event interval, as for the polled figure. Push must still
        be healthy at the end; the verified deliveries meanwhile are reported
        with the figure (``deliveries``: one per ring, nothing else is logged).
        """
        rng = random.Random(self.config.seed + 1)
        async with served_internal_url(self.hass):
            device = await self._start_in_loop(
                Profile.ANDROID_PANEL, "be4c6666-0000-4000-8000-000000000006", None
            )
            try:
                entry, _ = await self.add_entry(device, "Ring push", push=True)
                self.entries.append(entry)
                await self.wait_push_healthy(entry)
                push = entry.runtime_data.push
                assert push is not None
                doorbell = self._entity_id(entry, "doorbell")
                assert doorbell is not None, "no doorbell entity"
                delivered = push.health.delivered
                samples = await self._ring_samples(device, doorbell, DEFAULT_EVENT_INTERVAL, rng)
                pushed = push.health.delivered - delivered
                assert push.health.state is PushState.HEALTHY, f"push {push.health.state}"
                await self.remove_entry(entry)
                self.entries.remove(entry)
            finally:
                self.result.issued_tokens.extend(device.issued_tokens)
                if self._start_device is None:
                    await device.stop()
        self.result.figures["ring_latency_ms_push"] = {
            **_stats(samples),
            "deliveries": pushed,
        }

    async def _ring_samples(
        self, device: DeviceSimulator, doorbell: str, interval: int, rng: random.Random
    ) -> list[float]:
        """Latency of ``config.rings`` rings, in ms, at random offsets within ``interval``."""
        changed = asyncio.Event()
        stamp = [0.0]

        @callback
        def seen(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            old_state = event.data["old_state"]
            if (
                event.data["entity_id"] == doorbell
                and new_state is not None
                and (old_state is None or new_state.state != old_state.state)
                and not changed.is_set()
            ):
                stamp[0] = wall_clock()
                changed.set()

        unsubscribe = self.hass.bus.async_listen(EVENT_STATE_CHANGED, seen)
        samples: list[float] = []
        try:
            # Let the first polls (set-up, cursor) pass.
            await asyncio.sleep(interval + 0.5)
            for _ in range(self.config.rings):
                await asyncio.sleep(rng.uniform(0, interval))
                changed.clear()
                started = wall_clock()
                device.ring()
                # Real time (the clock is not frozen here): a bounded wait.
                async with asyncio.timeout(interval + REAL_TIMEOUT):
                    await changed.wait()
                samples.append((stamp[0] - started) * 1000)
        finally:
            unsubscribe()
        return samples

    async def _measure_snapshots(self, device: DeviceSimulator) -> None:
        """Fresh camera snapshots with the device's delay; one request for concurrent views.

        Through Home Assistant's camera component (``async_get_image``) where
        the camera entity exists, else through the entry's snapshot source.
        The source reuses a snapshot younger than a few seconds: its cache is
        emptied before every sample, and each sample must cost the device one
        snapshot (no cache hit is measured).
        """
        entry, _ = await self.add_entry(device, "Snapshots")
        self.entries.append(entry)
        source: SnapshotSource | None = entry.runtime_data.snapshots
        assert source is not None, "the panel has no snapshot source"
        camera_id = self._entity_id(entry, "camera")

        async def take() -> bytes:
            if camera_id is not None:
                image = await camera.async_get_image(self.hass, camera_id)
                return image.content
            assert source is not None
            return await source.async_jpeg()

        device.snapshot_delay = self.config.snapshot_delay
        samples: list[float] = []
        try:
            for _ in range(self.config.snapshot_samples):
                source.forget()
                before = device.snapshots
                started = wall_clock()
                content = await take()
                samples.append((wall_clock() - started) * 1000)
                assert content, "empty snapshot"
                assert device.snapshots == before + 1, "a cached snapshot was measured"
            source.forget()
            before = device.snapshots
            await asyncio.gather(*(take() for _ in range(CONCURRENT_VIEWS)))
            concurrent_requests = device.snapshots - before
        finally:
            device.snapshot_delay = 0.0
        figures = self.result.figures
        figures["snapshot_ms"] = {
            "p50": round(statistics.median(samples), 1),
            "p95": round(percentile(samples, 0.95), 1),
        }
        figures["snapshot_delay_s"] = self.config.snapshot_delay
        figures["snapshot_samples"] = len(samples)
        figures["snapshot_via"] = "camera.async_get_image" if camera_id else "snapshots.async_jpeg"
        figures["snapshot_requests_for_10_concurrent_views"] = concurrent_requests
        await self.remove_entry(entry)
        self.entries.remove(entry)


def _stats(samples: list[float]) -> dict[str, float | int]:
    """Summarise latency samples (ms): p50, p95, max and their count."""
    return {
        "p50": round(statistics.median(samples), 1),
        "p95": round(percentile(samples, 0.95), 1),
        "max": round(max(samples), 1),
        "rings": len(samples),
    }
