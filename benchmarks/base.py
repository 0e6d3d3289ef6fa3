"""What every measurement shares: the run's size, entries, polls and clocks.

:class:`BenchmarkBase` holds a run's state and the steps the measurements are
made of (add an entry, poll, move frozen time, start an in-loop device); the
measurements themselves are in ``measures.py`` (frozen time) and
``realtime.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
import gc
import logging
import tracemalloc
from typing import Any, Final

from _pytest.logging import LogCaptureHandler
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.bas_ip.const import (
    CONF_PUSH,
    DEFAULT_EVENT_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
)
from custom_components.bas_ip.push_health import PushState
from devtools.clocks import ha_clock
from devtools.waits import wait_until, wall_clock
from simulator import DeviceSimulator, Profile

from .devices import (
    PASSWORD,
    TOKEN_LIFETIME,
    USERNAME,
    RemoteDevice,
    SimulatorProcess,
    StartDevice,
    entry_for,
)
from .report import BenchResult

DAY_SECONDS: Final = 24 * 3600


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


class _NoCapture(logging.Filter):
    """pytest's log capture keeps every record; production logging does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


class BenchmarkBase:
    """A run's state and the steps its measurements are made of."""

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
        *,
        push: bool = False,
    ) -> tuple[MockConfigEntry, float]:
        """Set up an entry for ``device``; returns it and the set-up time in ms.

        Polled unless ``push`` (option ``push`` off: a panel with webhooks
        polls its log like any other device); with ``push`` the option is
        left at its default, on.
        """
        options = {**(options or {})} if push else {**(options or {}), CONF_PUSH: False}
        entry = entry_for(device, title, self.credentials, options)
        entry.add_to_hass(self.hass)
        started = wall_clock()
        await self.hass.config_entries.async_setup(entry.entry_id)
        await self.hass.async_block_till_done()
        elapsed_ms = (wall_clock() - started) * 1000
        assert entry.state is ConfigEntryState.LOADED, entry.reason
        return entry, elapsed_ms

    async def wait_push_healthy(self, entry: MockConfigEntry) -> None:
        """Return once the entry's push is healthy (its webhook written and verified)."""

        def healthy() -> bool:
            push = entry.runtime_data.push
            return push is not None and push.health.state is PushState.HEALTHY

        await wait_until(healthy, f"push healthy on {entry.title}")

    async def remove_entry(self, entry: MockConfigEntry) -> None:
        """Unload and remove an entry."""
        await self.hass.config_entries.async_remove(entry.entry_id)
        await self.hass.async_block_till_done()

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


@contextmanager
def production_like() -> Iterator[None]:
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


def traced_snapshot() -> tracemalloc.Snapshot:
    """Traced memory, without what logging keeps."""
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(False, "*/logging/__init__.py"),
            tracemalloc.Filter(False, "*/_pytest/*"),
            tracemalloc.Filter(False, tracemalloc.__file__),
        ]
    )
