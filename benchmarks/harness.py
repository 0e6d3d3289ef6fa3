"""Measures how light the integration is on the device and on Home Assistant.

Runs inside Home Assistant's test harness (a ``hass`` instance and frozen
time from pytest-homeassistant-custom-component) against simulated devices
over real HTTP on 127.0.0.1. See ``benchmarks/README.md`` for the method.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
import gc
import json
import logging
import os
from pathlib import Path
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any, Final

from _pytest.logging import LogCaptureHandler
import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import camera
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    EVENT_STATE_CHANGED,
    __version__ as HA_VERSION,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.bas_ip.const import (
    CONF_EVENT_INTERVAL,
    DEFAULT_EVENT_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
)
from custom_components.bas_ip.snapshots import SnapshotSource
from simulator import LOG_DIALECT_CASES, DeviceSimulator, Profile
from tests.waits import REAL_TIMEOUT, wait_until

USERNAME: Final = "admin"
# Benchmark-only credentials for simulated devices on 127.0.0.1.
PASSWORD: Final = "bench-Passw0rd"
PATH_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_STATUS: Final = "/api/v1/sip/status"
DAY_SECONDS: Final = 24 * 3600
TOKEN_LIFETIME: Final = 7200.0
# Token lifetime of the idle-requests device: renewals inside the window.
IDLE_TOKEN_LIFETIME: Final = 240.0
# Keys of the frozen-time run (:meth:`Benchmark.run`).
FROZEN_KEYS: Final = (
    "requests_per_refresh",
    "requests_concurrent",
    "logins_per_day",
    "setup_ms_median",
    "setup_ms_p95",
    "loop_cpu_ms_per_refresh",
    "core_share_100_devices",
    "memory_kib_per_device",
    "requests_per_minute_idle",
    "requests_per_minute_idle_by_profile",
    "event_poll_cpu_ms",
    "python",
    "homeassistant",
)
# Keys of the real-time run (:meth:`Benchmark.run_realtime`).
REALTIME_KEYS: Final = (
    "ring_latency_ms",
    "snapshot_ms",
    "snapshot_requests_for_10_concurrent_views",
)
REQUIRED_KEYS: Final = FROZEN_KEYS + REALTIME_KEYS
# Targets (printed with a pass/fail column, never asserted by the suite).
RING_LATENCY_TARGET_INTERVAL: Final = DEFAULT_EVENT_INTERVAL
RING_LATENCY_TARGET_P95_MS: Final = 2500.0
IDLE_REQUESTS_TARGET: Final = 36.0
# What the other integration puts on a device (one request a second and more).
OTHER_INTEGRATION_REQUESTS_PER_MINUTE: Final = 300.0
EVENT_POLL_CPU_TARGET_MS: Final = 1.0
SNAPSHOT_REQUESTS_TARGET: Final = 1
CONCURRENT_VIEWS: Final = 10
PATH_DOOR: Final = "/api/v1/access/door/status"

StartDevice = Callable[..., Awaitable[DeviceSimulator]]


@dataclass(frozen=True)
class BenchConfig:
    """Size of a run; the default is the full benchmark."""

    device_counts: tuple[int, ...] = (1, 10, 100)
    setup_repeats: int = 30
    cpu_polls: int = 20
    cpu_warmup_polls: int = 2
    day_seconds: int = DAY_SECONDS
    idle_minutes: int = 10
    """Simulated minutes of idle polling for ``requests_per_minute_idle`` (>= 10 in full)."""
    ring_intervals: tuple[int, ...] = (1, 2, 5)
    """Event intervals (s) at which ``ring_latency_ms`` is measured."""
    rings: int = 20
    """Rings per interval, each at a random offset within the interval."""
    snapshot_delay: float = 2.0
    """Seconds the simulated device takes per snapshot."""
    snapshot_samples: int = 20
    seed: int = 20261126


@dataclass
class BenchResult:
    """Figures of a run; :meth:`as_json` gives the published keys."""

    figures: dict[str, Any] = field(default_factory=dict)
    issued_tokens: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Return the figures, JSON-friendly."""
        return dict(self.figures)


def wall_clock() -> float:
    """Real elapsed seconds: freezegun fakes ``perf_counter`` but not ``clock_gettime``."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def ha_clock() -> float:
    """Home Assistant's frozen time, which the token expiry then follows."""
    return dt_util.utcnow().timestamp()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


REPO: Final = Path(__file__).resolve().parent.parent


def _spawn_simulators(count: int, username: str, password: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "benchmarks.simulator_process", str(count), username, password],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@dataclass(frozen=True)
class RemoteDevice:
    """A simulated device served by :class:`SimulatorProcess`."""

    port: int
    serial: str

    @property
    def address(self) -> str:
        """``host:port`` as entered in the config flow."""
        return f"127.0.0.1:{self.port}"


class SimulatorProcess:
    """Devices served by another process (``benchmarks.simulator_process``).

    Their CPU time and memory are then not those of the process running Home
    Assistant, so ``time.thread_time()`` in the loop thread and
    ``tracemalloc`` measure the integration and Home Assistant only.
    """

    def __init__(self, username: str, password: str) -> None:
        """Not started."""
        self._username = username
        self._password = password
        self._process: subprocess.Popen[str] | None = None
        self.devices: list[RemoteDevice] = []

    async def start(self, count: int) -> None:
        """Start the process and wait for its devices to listen."""
        loop = asyncio.get_running_loop()
        self._process = await loop.run_in_executor(
            None, _spawn_simulators, count, self._username, self._password
        )
        assert self._process.stdout is not None
        line = await loop.run_in_executor(None, self._process.stdout.readline)
        if not line:
            raise RuntimeError("the simulator process ended before announcing its devices")
        self.devices = [RemoteDevice(item["port"], item["serial"]) for item in json.loads(line)]

    async def stop(self) -> None:
        """Close its standard input and wait for it to finish."""
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            await asyncio.get_running_loop().run_in_executor(None, process.wait, 30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    async def requests(self, session: aiohttp.ClientSession, count: int) -> int:
        """Device requests so far on the first ``count`` devices (control API, not counted)."""
        total = 0
        for device in self.devices[:count]:
            async with session.get(f"http://{device.address}/_simulator/counters") as response:
                counters = await response.json()
            total += sum(counters["requests"].values())
        return total


def entry_for(
    device: DeviceSimulator | RemoteDevice,
    title: str,
    credentials: tuple[str, str],
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """Build a config entry for ``device`` (default options unless ``options`` are given)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=device.serial,
        options=options or {},
        data={
            CONF_HOST: device.address,
            CONF_SSL: False,
            CONF_VERIFY_SSL: True,
            CONF_USERNAME: credentials[0],
            CONF_PASSWORD: credentials[1],
        },
    )


class _NoCapture(logging.Filter):
    """pytest's log capture keeps every record; production logging does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


class Benchmark:
    """One run: owns the simulators and the entries it creates."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory | None,
        config: BenchConfig,
        start_device: StartDevice | None = None,
        credentials: tuple[str, str] = (USERNAME, PASSWORD),
    ) -> None:
        """Prepare; :meth:`run` measures on frozen time, :meth:`run_realtime` on real time.

        ``freezer`` may be ``None`` for :meth:`run_realtime` only.
        ``start_device`` starts the in-loop devices (default: started here);
        ``credentials`` are those every simulated device accepts.
        """
        self.hass = hass
        self._freezer = freezer
        self.config = config
        self._start_device = start_device
        self.credentials = credentials
        self.remote = SimulatorProcess(*credentials)
        self.entries: list[MockConfigEntry] = []
        self.result = BenchResult()

    @property
    def freezer(self) -> FrozenDateTimeFactory:
        """The frozen clock (only :meth:`run` needs one)."""
        assert self._freezer is not None, "this measurement needs frozen time"
        return self._freezer

    async def poll(self) -> None:
        """One polling interval; returns when every refresh has finished.

        No frozen timer is involved in a healthy refresh, so the loop simply
        waits for the devices' answers (no busy waiting that would cost CPU).
        """
        self.freezer.tick(timedelta(seconds=DEFAULT_SCAN_INTERVAL))
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    async def add_entry(
        self,
        device: DeviceSimulator | RemoteDevice,
        title: str,
        options: dict[str, Any] | None = None,
    ) -> tuple[MockConfigEntry, float]:
        """Set up an entry for ``device``; returns it and the set-up time in ms."""
        entry = entry_for(device, title, self.credentials, options)
        entry.add_to_hass(self.hass)
        started = wall_clock()
        await self.hass.config_entries.async_setup(entry.entry_id)
        await self.hass.async_block_till_done()
        elapsed_ms = (wall_clock() - started) * 1000
        assert entry.state is ConfigEntryState.LOADED, entry.reason
        return entry, elapsed_ms

    async def remove_entry(self, entry: MockConfigEntry) -> None:
        """Unload and remove an entry."""
        await self.hass.config_entries.async_remove(entry.entry_id)
        await self.hass.async_block_till_done()

    async def run(self) -> BenchResult:
        """All frozen-time measurements, in an order that keeps them independent."""
        with _production_like():
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

        Ring latency (the event interval's timer must run by itself) and
        snapshots (the device takes ``snapshot_delay`` real seconds).
        """
        with _production_like():
            device = await self._start_realtime_device()
            try:
                await self._measure_ring_latency(device)
                await self._measure_snapshots(device)
            finally:
                for entry in self.entries:
                    await self.remove_entry(entry)
                self.entries.clear()
                self.result.issued_tokens.extend(device.issued_tokens)
                if self._start_device is None:
                    await device.stop()
        return self.result

    async def _measure_setup(self) -> None:
        """Config-entry set-up time, repeated on the same device."""
        device = self.remote.devices[0]
        times: list[float] = []
        for repeat in range(self.config.setup_repeats):
            entry, elapsed_ms = await self.add_entry(device, f"Setup {repeat}")
            times.append(elapsed_ms)
            await self.remove_entry(entry)
        figures = self.result.figures
        figures["setup_ms_median"] = round(statistics.median(times), 2)
        figures["setup_ms_p95"] = round(percentile(times, 0.95), 2)
        figures["setup_ms_first"] = round(times[0], 2)
        figures["setup_repeats"] = len(times)

    async def _measure_cpu_and_memory(self) -> None:
        """Loop-thread CPU per device refresh at each fleet size; memory per entry."""
        cpu: dict[str, float] = {}
        requests: dict[str, float] = {}
        event_cpu: dict[str, float] = {}
        event_requests: dict[str, float] = {}
        memory_kib_per_device: float | None = None
        for count in sorted(self.config.device_counts):
            new = range(len(self.entries), count)
            trace = count == max(self.config.device_counts) and len(new) > 0
            if trace:
                tracemalloc.start()
                before = _traced_snapshot()
            for index in new:
                entry, _ = await self.add_entry(self.remote.devices[index], f"Device {index}")
                self.entries.append(entry)
            await self.poll()
            if trace:
                after = _traced_snapshot()
                tracemalloc.stop()
                growth = after.compare_to(before, "filename")
                memory_kib_per_device = sum(stat.size_diff for stat in growth) / 1024 / len(new)
                self.result.figures["memory_top_kib_per_device"] = {
                    stat.traceback[0].filename.rsplit("site-packages/", 1)[-1]: round(
                        stat.size_diff / 1024 / len(new), 1
                    )
                    for stat in growth[:8]
                }
                del before, after, growth
            # The SIP refresh alone: the event channel paused in place (a 30 s
            # tick would also run each entry's event poll).
            self._set_events(enabled=False)
            for _ in range(self.config.cpu_warmup_polls):
                await self.poll()
            samples = []
            session = async_get_clientsession(self.hass)
            requests_before = await self.remote.requests(session, count)
            for _ in range(self.config.cpu_polls):
                started = time.thread_time()
                await self.poll()
                samples.append((time.thread_time() - started) / count)
            done = await self.remote.requests(session, count) - requests_before
            cpu[str(count)] = round(statistics.median(samples) * 1000, 3)
            requests[str(count)] = done / (count * self.config.cpu_polls)
            # The event poll alone: every entry's event coordinator refreshed
            # at once, as their timers do; nothing new in the logs (idle).
            self._set_events(enabled=True)
            await self.hass.async_block_till_done(wait_background_tasks=True)
            for _ in range(self.config.cpu_warmup_polls):
                await self.event_poll()
            samples = []
            requests_before = await self.remote.requests(session, count)
            for _ in range(self.config.cpu_polls):
                started = time.thread_time()
                await self.event_poll()
                samples.append((time.thread_time() - started) / count)
            done = await self.remote.requests(session, count) - requests_before
            event_cpu[str(count)] = round(statistics.median(samples) * 1000, 3)
            event_requests[str(count)] = done / (count * self.config.cpu_polls)
        figures = self.result.figures
        figures["event_poll_cpu_ms"] = event_cpu
        figures["requests_per_event_poll_by_count"] = event_requests
        figures["loop_cpu_ms_per_refresh"] = cpu
        largest = str(max(self.config.device_counts))
        # Share of one core: CPU per refresh x devices / polling interval.
        figures["core_share_100_devices"] = round(
            cpu[largest] / 1000 * 100 / DEFAULT_SCAN_INTERVAL, 6
        )
        figures["core_share_basis_devices"] = int(largest)
        figures["requests_per_refresh"] = requests[largest]
        figures["requests_per_refresh_by_count"] = requests
        figures["memory_kib_per_device"] = (
            round(memory_kib_per_device, 1) if memory_kib_per_device is not None else None
        )

    def _set_events(self, *, enabled: bool) -> None:
        """Switch every entry's event channel on or off in place (no reload)."""
        for entry in self.entries:
            entry.runtime_data.events.async_set_options(
                enabled=enabled, interval_seconds=DEFAULT_EVENT_INTERVAL
            )

    async def event_poll(self) -> None:
        """One event poll of every entry, run to its end (entities updated)."""
        await asyncio.gather(*(entry.runtime_data.events.async_refresh() for entry in self.entries))
        await self.hass.async_block_till_done(wait_background_tasks=True)

    async def _start_in_loop(
        self,
        profile: Profile,
        serial: str,
        clock: Callable[[], float] | None,
        log_variant: str | None = None,
    ) -> DeviceSimulator:
        """Start a device in Home Assistant's loop (on ``clock``, default: real time)."""
        kwargs: dict[str, Any] = {"token_lifetime": TOKEN_LIFETIME, "serial": serial}
        if log_variant is not None:
            kwargs["log_variant"] = log_variant
        if clock is not None:
            kwargs["clock"] = clock
        if self._start_device is not None:
            return await self._start_device(profile, **kwargs)
        device = DeviceSimulator(
            profile, username=self.credentials[0], password=self.credentials[1], **kwargs
        )
        await device.start()
        return device

    async def _start_realtime_device(self) -> DeviceSimulator:
        """Start a Camdroid panel (camera, doorbell, door sensor) on the real clock."""
        return await self._start_in_loop(
            Profile.CAMDROID_PANEL, "be4c2222-0000-4000-8000-000000000002", None
        )

    async def _measure_idle_requests(self) -> None:
        """Every request one idle device gets at default options, per minute.

        The headline figure is a Camdroid panel's (it has the door sensor, so
        its SIP refresh reads three endpoints: the worst case). The same is
        measured for every documented log dialect and firmware variant
        (``LOG_DIALECT_CASES``): a device read from its last page needs two
        log reads a poll and polls every 4 s by default.
        """
        figures = self.result.figures
        idle = await self._idle_requests(
            Profile.CAMDROID_PANEL, None, "be4c3333-0000-4000-8000-000000000003"
        )
        per_minute = idle["per_minute"]
        figures["requests_per_minute_idle"] = per_minute
        figures["requests_per_minute_idle_by_path"] = idle["by_path"]
        figures["idle_simulated_minutes"] = self.config.idle_minutes
        figures["idle_token_renewals"] = idle["logins"]
        figures["idle_token_lifetime_s"] = IDLE_TOKEN_LIFETIME
        figures["idle_fewer_than_other_integration"] = (
            round(OTHER_INTEGRATION_REQUESTS_PER_MINUTE / per_minute, 2) if per_minute else None
        )
        by_profile: dict[str, float] = {}
        for index, (profile, variant) in enumerate(LOG_DIALECT_CASES):
            serial = f"be4c4444-0000-4000-8000-{index:012d}"
            name = profile.value if variant is None else f"{profile.value}/{variant}"
            by_profile[name] = (await self._idle_requests(profile, variant, serial))["per_minute"]
        figures["requests_per_minute_idle_by_profile"] = by_profile

    async def _idle_requests(
        self, profile: Profile, variant: str | None, serial: str
    ) -> dict[str, Any]:
        """Measure one idle device's requests per minute, on frozen time moved a second at a time.

        Counted by the device itself, token renewals included: its tokens
        live ``IDLE_TOKEN_LIFETIME`` (a real device's: two hours), so that a
        10-minute window holds three renewals (401, identity check, login),
        each given back by door reads left out.
        """
        # Start on a whole second of frozen time. async_fire_time_changed adds
        # 0.5 s to every tick, and a coordinator schedules its next refresh at
        # a whole second plus up to 0.5 s: with the frozen clock past .55 of a
        # second, a 2 s timer would fire at every 1 s tick (twice the real rate).
        if fraction := dt_util.utcnow().timestamp() % 1:
            await self.tick(1 - fraction)
        device = await self._start_in_loop(profile, serial, ha_clock, variant)
        try:
            entry, _ = await self.add_entry(device, "Idle")
            self.entries.append(entry)
            for _ in range(3):
                await self.tick(1)
            # From now on tokens live IDLE_TOKEN_LIFETIME: the current one
            # expires at once, its renewal and two more fall in the window.
            device.token_lifetime = IDLE_TOKEN_LIFETIME
            device.expire_tokens()
            device.reset_counters()
            seconds = self.config.idle_minutes * 60
            for _ in range(seconds):
                await self.tick(1)
            minutes = seconds / 60
            total = sum(device.requests.values())
            await self.remove_entry(entry)
            self.entries.remove(entry)
            return {
                "per_minute": round(total / minutes, 2),
                "by_path": {
                    path: round(count / minutes, 2)
                    for path, count in sorted(device.requests.items())
                },
                "logins": device.logins,
            }
        finally:
            self.result.issued_tokens.extend(device.issued_tokens)
            if self._start_device is None:
                await device.stop()

    async def tick(self, seconds: float) -> None:
        """Move frozen time on by ``seconds``; the due timers run to their end."""
        self.freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    def _entity_id(self, entry: MockConfigEntry, key: str) -> str | None:
        registry = er.async_get(self.hass)
        for item in er.async_entries_for_config_entry(registry, entry.entry_id):
            if item.unique_id == f"{entry.unique_id}_{key}":
                return item.entity_id
        return None

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
            latency[str(interval)] = {
                "p50": round(statistics.median(samples), 1),
                "p95": round(percentile(samples, 0.95), 1),
                "max": round(max(samples), 1),
                "rings": len(samples),
            }
            await self.remove_entry(entry)
            self.entries.remove(entry)
        self.result.figures["ring_latency_ms"] = latency

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

    async def _start_loop_device(self) -> DeviceSimulator:
        """Start a device on Home Assistant's loop and clock (token expiry follows time travel)."""
        if self._start_device is not None:
            return await self._start_device(
                Profile.CAMDROID_MONITOR,
                clock=ha_clock,
                token_lifetime=TOKEN_LIFETIME,
                serial="be4c1111-0000-4000-8000-000000000001",
            )
        device = DeviceSimulator(
            Profile.CAMDROID_MONITOR,
            username=self.credentials[0],
            password=self.credentials[1],
            clock=ha_clock,
            token_lifetime=TOKEN_LIFETIME,
            serial="be4c1111-0000-4000-8000-000000000001",
        )
        await device.start()
        return device

    async def _measure_logins_and_concurrency(self) -> None:
        """Logins over a simulated day; whether a refresh's two requests overlap."""
        device = await self._start_loop_device()
        own_device = self._start_device is None
        try:
            entry, _ = await self.add_entry(device, "Day")
            self.entries.append(entry)
            logins = device.logins
            polls = self.config.day_seconds // DEFAULT_SCAN_INTERVAL
            for _ in range(polls):
                await self.poll()
            figures = self.result.figures
            figures["logins_per_day"] = round(
                (device.logins - logins) * DAY_SECONDS / self.config.day_seconds, 2
            )
            figures["simulated_seconds_for_logins"] = self.config.day_seconds
            figures["requests_concurrent"] = await self._refresh_is_concurrent(device)
            await self.remove_entry(entry)
            self.entries.remove(entry)
        finally:
            self.result.issued_tokens.extend(device.issued_tokens)
            if own_device:
                await device.stop()

    async def _refresh_is_concurrent(self, device: DeviceSimulator) -> bool:
        """Hold the device's answers; both requests of a refresh must still arrive."""
        settings, status = device.requests[PATH_SETTINGS], device.requests[PATH_STATUS]
        device.delay = 5.0  # frozen time: nothing is answered until the clock moves
        self.freezer.tick(timedelta(seconds=DEFAULT_SCAN_INTERVAL))
        async_fire_time_changed(self.hass)
        try:
            # Bounded in real time (the loop's clock is frozen), not in loop turns.
            await wait_until(
                lambda: (
                    device.requests[PATH_SETTINGS] > settings
                    and device.requests[PATH_STATUS] > status
                ),
                "both requests of a refresh reaching the held device",
                timeout=REAL_TIMEOUT,
            )
            overlapped = True
        except AssertionError:
            overlapped = False
        device.delay = 0.0
        # Release the held answers (and a second request, if the client was sequential).
        for _ in range(3):
            self.freezer.tick(timedelta(seconds=5))
            async_fire_time_changed(self.hass)
            await self.hass.async_block_till_done(wait_background_tasks=True)
        return overlapped


@contextmanager
def _production_like() -> Iterator[None]:
    """Run the loop and logging as in production while a measurement runs.

    The harness runs the loop in debug mode (a traceback per callback):
    production Home Assistant does not, and it would dominate the figures.
    pytest's log capture keeps every record; production logging does not.
    """
    loop = asyncio.get_running_loop()
    debug = loop.get_debug()
    loop.set_debug(False)
    no_capture = _NoCapture()
    capture = [h for h in logging.getLogger().handlers if isinstance(h, LogCaptureHandler)]
    for handler in capture:
        handler.addFilter(no_capture)
    try:
        yield
    finally:
        for handler in capture:
            handler.removeFilter(no_capture)
        loop.set_debug(debug)


def _traced_snapshot() -> tracemalloc.Snapshot:
    """Traced memory, without what logging keeps."""
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(False, "*/logging/__init__.py"),
            tracemalloc.Filter(False, "*/_pytest/*"),
            tracemalloc.Filter(False, tracemalloc.__file__),
        ]
    )


def _verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def table(figures: dict[str, Any]) -> str:
    """Format the figures as an aligned text table (the keys present), with targets and verdicts."""
    rows: list[tuple[str, str, str]] = []
    if "requests_per_refresh" in figures:
        rows += [
            (
                "requests per refresh",
                f"{figures['requests_per_refresh']:.2f}",
                "2 (3 with a door sensor)",
            ),
            ("requests concurrent", str(figures["requests_concurrent"]), "True"),
            ("logins per day", f"{figures['logins_per_day']:g}", "12"),
            (
                "setup ms median / p95",
                f"{figures['setup_ms_median']:.1f} / {figures['setup_ms_p95']:.1f} "
                f"(first {figures['setup_ms_first']:.1f})",
                "median <= 100",
            ),
            *(
                (f"loop CPU ms/refresh @{count}", f"{value:.3f}", "")
                for count, value in figures["loop_cpu_ms_per_refresh"].items()
            ),
            (
                f"core share, {figures['core_share_basis_devices']} devices",
                f"{figures['core_share_100_devices'] * 100:.3f} % of one core at 30 s polling",
                "",
            ),
            ("memory KiB per device", str(figures["memory_kib_per_device"]), ""),
        ]
    if "requests_per_minute_idle" in figures:
        idle = figures["requests_per_minute_idle"]
        fewer = figures.get("idle_fewer_than_other_integration")
        rows.append(
            (
                "requests/min idle (1 panel)",
                f"{idle:g} ({fewer:g}x fewer than 300/min)" if fewer else f"{idle:g}",
                f"<= {IDLE_REQUESTS_TARGET:g}  {_verdict(idle <= IDLE_REQUESTS_TARGET)}",
            )
        )
    for name, value in figures.get("requests_per_minute_idle_by_profile", {}).items():
        rows.append(
            (
                f"requests/min idle ({name})",
                f"{value:g}",
                f"<= {IDLE_REQUESTS_TARGET:g}  {_verdict(value <= IDLE_REQUESTS_TARGET)}",
            )
        )
    for count, value in figures.get("event_poll_cpu_ms", {}).items():
        rows.append(
            (
                f"loop CPU ms/event poll @{count}",
                f"{value:.3f}",
                f"<= {EVENT_POLL_CPU_TARGET_MS:g}  {_verdict(value <= EVENT_POLL_CPU_TARGET_MS)}",
            )
        )
    for interval, values in figures.get("ring_latency_ms", {}).items():
        target = ""
        if int(interval) == RING_LATENCY_TARGET_INTERVAL:
            ok = values["p95"] <= RING_LATENCY_TARGET_P95_MS
            target = f"p95 <= {RING_LATENCY_TARGET_P95_MS:g}  {_verdict(ok)}"
        rows.append(
            (
                f"ring latency ms @{interval} s",
                f"p50 {values['p50']:.0f} / p95 {values['p95']:.0f} ({values['rings']} rings)",
                target,
            )
        )
    if "snapshot_ms" in figures:
        snapshot = figures["snapshot_ms"]
        rows.append(
            (
                f"snapshot ms (device {figures['snapshot_delay_s']:g} s)",
                f"p50 {snapshot['p50']:.0f} / p95 {snapshot['p95']:.0f} "
                f"({figures['snapshot_samples']} via {figures['snapshot_via']})",
                "",
            )
        )
        views = figures["snapshot_requests_for_10_concurrent_views"]
        rows.append(
            (
                "snapshot requests, 10 views",
                str(views),
                f"{SNAPSHOT_REQUESTS_TARGET}  {_verdict(views <= SNAPSHOT_REQUESTS_TARGET)}",
            )
        )
    if "python" in figures:
        rows.append(
            ("python / homeassistant", f"{figures['python']} / {figures['homeassistant']}", "")
        )
    name_width = max(len(name) for name, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    header = f"{'figure':<{name_width}}  {'measured':<{value_width}}  target"
    lines = [header, "-" * len(header)]
    lines += [
        f"{name:<{name_width}}  {value:<{value_width}}  {target}".rstrip()
        for name, value, target in rows
    ]
    return "\n".join(lines)
