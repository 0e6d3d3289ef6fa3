"""Measures how light the integration is on the device and on Home Assistant.

Runs inside Home Assistant's test harness (a ``hass`` instance and frozen
time from pytest-homeassistant-custom-component) against simulated devices
over real HTTP on 127.0.0.1. See ``benchmarks/README.md`` for the method.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
import gc
import json
import logging
import os
from pathlib import Path
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any, Final

from _pytest.logging import LogCaptureHandler
import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    __version__ as HA_VERSION,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.bas_ip.const import DEFAULT_SCAN_INTERVAL, DOMAIN
from simulator import DeviceSimulator, Profile
from tests.waits import REAL_TIMEOUT, wait_until

USERNAME: Final = "admin"
# Benchmark-only credentials for simulated devices on 127.0.0.1.
PASSWORD: Final = "bench-Passw0rd"
PATH_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_STATUS: Final = "/api/v1/sip/status"
DAY_SECONDS: Final = 24 * 3600
TOKEN_LIFETIME: Final = 7200.0
REQUIRED_KEYS: Final = (
    "requests_per_refresh",
    "requests_concurrent",
    "logins_per_day",
    "setup_ms_median",
    "setup_ms_p95",
    "loop_cpu_ms_per_refresh",
    "core_share_100_devices",
    "memory_kib_per_device",
    "python",
    "homeassistant",
)

StartDevice = Callable[..., Awaitable[DeviceSimulator]]


@dataclass(frozen=True)
class BenchConfig:
    """Size of a run; the default is the full benchmark."""

    device_counts: tuple[int, ...] = (1, 10, 100)
    setup_repeats: int = 30
    cpu_polls: int = 20
    cpu_warmup_polls: int = 2
    day_seconds: int = DAY_SECONDS


@dataclass
class BenchResult:
    """Figures of a run; :meth:`as_json` gives the published keys."""

    figures: dict[str, Any] = field(default_factory=dict)
    issued_tokens: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The figures, JSON-friendly."""
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
    device: DeviceSimulator | RemoteDevice, title: str, credentials: tuple[str, str]
) -> MockConfigEntry:
    """A config entry for ``device``."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=device.serial,
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
        freezer: FrozenDateTimeFactory,
        config: BenchConfig,
        start_device: StartDevice | None = None,
        credentials: tuple[str, str] = (USERNAME, PASSWORD),
    ) -> None:
        """Prepare; :meth:`run` does everything.

        ``start_device`` starts the in-loop device (default: one started here);
        ``credentials`` are those every simulated device accepts.
        """
        self.hass = hass
        self.freezer = freezer
        self.config = config
        self._start_device = start_device
        self.credentials = credentials
        self.remote = SimulatorProcess(*credentials)
        self.entries: list[MockConfigEntry] = []
        self.result = BenchResult()

    async def poll(self) -> None:
        """One polling interval; returns when every refresh has finished.

        No frozen timer is involved in a healthy refresh, so the loop simply
        waits for the devices' answers (no busy waiting that would cost CPU).
        """
        self.freezer.tick(timedelta(seconds=DEFAULT_SCAN_INTERVAL))
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    async def add_entry(
        self, device: DeviceSimulator | RemoteDevice, title: str
    ) -> tuple[MockConfigEntry, float]:
        """Set up an entry for ``device``; returns it and the set-up time in ms."""
        entry = entry_for(device, title, self.credentials)
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
        """All measurements, in an order that keeps them independent."""
        loop = asyncio.get_running_loop()
        debug = loop.get_debug()
        # The harness runs the loop in debug mode (a traceback per callback):
        # production Home Assistant does not, and it would dominate the figures.
        loop.set_debug(False)
        no_capture = _NoCapture()
        capture = [h for h in logging.getLogger().handlers if isinstance(h, LogCaptureHandler)]
        for handler in capture:
            handler.addFilter(no_capture)
        try:
            await self.remote.start(max(self.config.device_counts))
            await self._measure_setup()
            await self._measure_cpu_and_memory()
            for entry in self.entries:
                await self.remove_entry(entry)
            self.entries.clear()
            await self._measure_logins_and_concurrency()
        finally:
            for entry in self.entries:
                await self.remove_entry(entry)
            await self.remote.stop()
            for handler in capture:
                handler.removeFilter(no_capture)
            loop.set_debug(debug)
        figures = self.result.figures
        figures["python"] = platform.python_version()
        figures["homeassistant"] = HA_VERSION
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
        figures = self.result.figures
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

    async def _start_loop_device(self) -> DeviceSimulator:
        """A device on Home Assistant's loop and clock (token expiry follows time travel)."""
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


def table(figures: dict[str, Any]) -> str:
    """The figures as an aligned text table."""
    rows = [
        ("requests per refresh", f"{figures['requests_per_refresh']:.2f} (target 2)"),
        ("requests concurrent", str(figures["requests_concurrent"])),
        ("logins per day", f"{figures['logins_per_day']:g} (target 12)"),
        (
            "setup ms median / p95",
            f"{figures['setup_ms_median']:.1f} / {figures['setup_ms_p95']:.1f} "
            f"(first {figures['setup_ms_first']:.1f}; target median <= 100)",
        ),
        *(
            (f"loop CPU ms/refresh @{count}", f"{value:.3f}")
            for count, value in figures["loop_cpu_ms_per_refresh"].items()
        ),
        (
            f"core share, {figures['core_share_basis_devices']} devices",
            f"{figures['core_share_100_devices'] * 100:.3f} % of one core at 30 s polling",
        ),
        ("memory KiB per device", str(figures["memory_kib_per_device"])),
        ("python / homeassistant", f"{figures['python']} / {figures['homeassistant']}"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
