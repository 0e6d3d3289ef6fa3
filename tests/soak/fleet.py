"""Many simulated devices, each with its own config entry, driven on frozen time.

Devices run in Home Assistant's event loop and are reached over real HTTP on
127.0.0.1. Every other Android panel (the profile with webhooks) runs with
push on (:func:`uses_push`): its webhook delivers to Home Assistant's HTTP app,
which the caller serves on 127.0.0.1 as the internal URL
(``devtools.served_http``); the other devices poll their log.

A "poll" moves the frozen clock one polling interval on, fires the due
timers and waits until every refresh has finished. While a device holds
its answers (``delay`` set), the clock moves on a second at a time, after a
real-time grace for the answers of the other devices, so that the held
request's timeout fires exactly as it would in real time (and no further
than just past it, see :meth:`Fleet.settle`). Every wait is bounded in real
time.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Final
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.bas_ip.client import DEFAULT_TIMEOUT
from custom_components.bas_ip.const import CONF_PUSH, DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.bas_ip.coordinator import BasIpDeviceCoordinator, BasIpDeviceData
from custom_components.bas_ip.event_coordinator import BasIpEventCoordinator, EventLogState
from custom_components.bas_ip.push_health import PushState
from devtools.clocks import ha_clock
from devtools.waits import REAL_TIMEOUT, real_sleep, wait_real, wait_until, wall_clock
from simulator import DeviceSimulator, Profile
from tests.conftest import entry_data

POLL_SECONDS: Final = DEFAULT_SCAN_INTERVAL
FLEET_PROFILES: Final = (Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL)
# Real time given to answers that are not held before the frozen clock moves
# one second on (a held request's timeout needs 10 such steps).
_GRACE_SECONDS: Final = 0.05
# Simulated seconds a poll may take while a device holds its answers: the
# client's request timeout and one second (see Fleet.settle).
HOLD_SECONDS: Final = int(DEFAULT_TIMEOUT) + 1
# Real-time checks (1 s each) with work pending and no device holding before
# the clock moves a second anyway (see Fleet.settle).
_STALL_CHECKS: Final = 5
# Real time the answering devices' event polls get to end while one holds.
_ANSWERING_SECONDS: Final = 1.0
_RECHECK_SECONDS: Final = 0.01

StartDevice = Callable[..., Awaitable[DeviceSimulator]]


def uses_push(index: int) -> bool:
    """Whether device ``index`` pushes its events: every other Android panel of the fleet."""
    count = len(FLEET_PROFILES)
    return FLEET_PROFILES[index % count] is Profile.ANDROID_PANEL and (index // count) % 2 == 0


def fleet_serial(index: int) -> str:
    """A distinct, stable serial number per device of the fleet."""
    return f"50a1c0de-0000-4000-8000-{index:012d}"


class Fleet:
    """``size`` devices and their loaded config entries."""

    def __init__(
        self, hass: HomeAssistant, freezer: FrozenDateTimeFactory, start_device: StartDevice
    ) -> None:
        """Nothing runs until :meth:`start`."""
        self.hass = hass
        self.freezer = freezer
        self._start_device = start_device
        self.devices: list[DeviceSimulator] = []
        self.entries: list[MockConfigEntry] = []
        self.serials: list[str] = []
        self._inflight: Counter[str] | None = None
        self._sip_inflight: Counter[str] | None = None

    async def start_devices(self, size: int) -> None:
        """Start ``size`` simulated devices with mixed profiles."""
        for index in range(size):
            serial = fleet_serial(index)
            device = await self._start_device(
                FLEET_PROFILES[index % len(FLEET_PROFILES)], clock=ha_clock, serial=serial
            )
            if uses_push(index):
                # Retries at once: the clock is frozen, a retry delay would wait for it.
                device.webhooks.set_faults(retry_delay=0)
            self.devices.append(device)
            self.serials.append(serial)

    @property
    def push_indices(self) -> list[int]:
        """The devices that push their events (:func:`uses_push`)."""
        return [index for index in range(len(self.devices)) if uses_push(index)]

    def make_entry(self, index: int) -> MockConfigEntry:
        """The config entry of device ``index`` (not yet added)."""
        device = self.devices[index]
        return MockConfigEntry(
            domain=DOMAIN,
            title=f"Intercom {index}",
            unique_id=self.serials[index],
            data=entry_data(device),
            # Push at its default (on) where it is wanted, else off: polled.
            options={} if uses_push(index) else {CONF_PUSH: False},
        )

    async def setup_entry(self, index: int) -> MockConfigEntry:
        """Add and set up the entry of device ``index``."""
        entry = self.make_entry(index)
        entry.add_to_hass(self.hass)
        await self.hass.config_entries.async_setup(entry.entry_id)
        await self.hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED, entry.reason
        self.entries.append(entry)
        if uses_push(index):
            push = entry.runtime_data.push
            assert push is not None, "push is off: is Home Assistant served (internal URL)?"
            # The device's test delivery (real HTTP, real time) makes push healthy.
            await wait_until(lambda: push.health.state is PushState.HEALTHY, f"push {index}")
        return entry

    async def start(self, size: int) -> None:
        """Devices and loaded entries for all of them."""
        await self.start_devices(size)
        for index in range(size):
            await self.setup_entry(index)

    async def poll(self, count: int = 1) -> None:
        """``count`` polling intervals, every refresh run to its end."""
        for _ in range(count):
            self.freezer.tick(timedelta(seconds=POLL_SECONDS))
            async_fire_time_changed(self.hass)
            await self.settle()

    @contextmanager
    def tracking(self) -> Iterator[None]:
        """Know, for the block, which entries have a SIP refresh or event poll in flight.

        :meth:`settle` then leaves work that waits on a holding device to the
        next poll instead of moving time on for it (see there).
        """
        inflight: Counter[str] = Counter()
        sip_inflight: Counter[str] = Counter()
        sip_update = BasIpDeviceCoordinator._async_update_data
        event_update = BasIpEventCoordinator._async_update_data

        async def tracked_sip(coordinator: BasIpDeviceCoordinator) -> BasIpDeviceData:
            entry_id = coordinator.config_entry.entry_id
            sip_inflight[entry_id] += 1
            try:
                return await sip_update(coordinator)
            finally:
                sip_inflight[entry_id] -= 1

        async def tracked_events(coordinator: BasIpEventCoordinator) -> EventLogState:
            entry_id = coordinator.config_entry.entry_id
            inflight[entry_id] += 1
            try:
                return await event_update(coordinator)
            finally:
                inflight[entry_id] -= 1

        self._inflight = inflight
        self._sip_inflight = sip_inflight
        try:
            with (
                patch.object(BasIpDeviceCoordinator, "_async_update_data", tracked_sip),
                patch.object(BasIpEventCoordinator, "_async_update_data", tracked_events),
            ):
                yield
        finally:
            self._inflight = None
            self._sip_inflight = None

    def _only_held_work_left(self) -> bool:
        """Whether no SIP refresh is in flight, and only event polls of holding devices are."""
        if self._inflight is None or self._sip_inflight is None:
            return False
        if any(count > 0 for count in self._sip_inflight.values()):
            return False
        holding = {
            entry.entry_id
            for entry, device in zip(self.entries, self.devices, strict=False)
            if device.delay > 0
        }
        return all(entry_id in holding for entry_id, count in self._inflight.items() if count > 0)

    async def _held_work_only(self, waiter: asyncio.Future[None]) -> bool:
        """Whether only held work is left, once the answering devices' event polls have ended.

        A tick starts the event polls of many devices that answer at once; on
        a loaded machine they may outlast the grace. They end in real time,
        without the clock, so they are waited for (briefly) instead of being
        ticked past, which would start more and could carry the clock to
        ``max_seconds`` with held requests in flight. Not while a SIP refresh
        is in flight: that one may need the clock.
        """
        deadline = wall_clock() + _ANSWERING_SECONDS
        while not self._only_held_work_left():
            sip = self._sip_inflight is not None and any(self._sip_inflight.values())
            if waiter.done() or sip or wall_clock() > deadline:
                return waiter.done()
            await real_sleep(_RECHECK_SECONDS)
        return True

    async def settle(
        self,
        max_seconds: int = 120,
        real_timeout: float = 4 * REAL_TIMEOUT,
        hold_seconds: int = HOLD_SECONDS,
    ) -> int:
        """Wait for the poll's work; move time on by seconds while a device holds its answers.

        Time moves on ``hold_seconds`` at most: past the request timeout, so
        that every request this poll sent to a holding device has failed.
        With events on, each event channel polls again 2 s after its last
        poll; moving on further would send a new request to the holding
        device each time, and carry the clock past the next SIP poll. So
        once time has moved that far (and :meth:`tracking` is on), an event
        poll that waits for a holding device is left to the next poll (as
        it would go on in real time), once every SIP refresh has ended;
        the rest is waited for. Returns the simulated seconds that
        had to pass. Past ``max_seconds`` simulated the clock stops and the
        rest runs in real time; fails after ``real_timeout`` real seconds.
        """
        waiter = asyncio.ensure_future(self.hass.async_block_till_done(wait_background_tasks=True))
        deadline = wall_clock() + real_timeout
        advanced = 0
        stalled = 0
        try:
            while not waiter.done():
                holding = any(device.delay > 0 for device in self.devices)
                if await wait_real(waiter, _GRACE_SECONDS if holding else 1.0):
                    break
                if wall_clock() > deadline:
                    raise AssertionError(
                        f"work still pending after {real_timeout:.0f} real s: {self._pending()}"
                    )
                if not holding:
                    stalled += 1
                    if stalled < _STALL_CHECKS or advanced >= max_seconds:
                        continue  # nothing waits for the clock: the work finishes by itself
                    # A request left in flight by a device that held its answers
                    # and has healed since: only its timeout, on the clock, ends it.
                    stalled = 0
                    self.freezer.tick(timedelta(seconds=1))
                    async_fire_time_changed(self.hass)
                    advanced += 1
                    continue
                if advanced >= hold_seconds and await self._held_work_only(waiter):
                    break  # it goes on in the next poll, as it would in real time
                if advanced >= max_seconds:
                    # Simulated time has moved far enough: what is left is a
                    # request still sleeping in the delay of a device that has
                    # healed since, which ends in real time (bounded above).
                    continue
                self.freezer.tick(timedelta(seconds=1))
                async_fire_time_changed(self.hass)
                advanced += 1
            if waiter.done():
                await waiter
        finally:
            if not waiter.done():
                waiter.cancel()
        return advanced

    def _pending(self) -> list[str]:
        """Name the tasks Home Assistant still waits for (a failure message)."""
        tasks = self.hass._tasks | self.hass._background_tasks
        return sorted(
            task.get_name() if isinstance(task, asyncio.Task) else repr(task)
            for task in tasks
            if not task.done()
        )

    async def unload(self) -> None:
        """Unload every entry of the fleet."""
        for entry in self.entries:
            if entry.state is ConfigEntryState.LOADED:
                assert await self.hass.config_entries.async_unload(entry.entry_id)
        await self.hass.async_block_till_done()

    async def stop_devices(self) -> None:
        """Stop every simulated device."""
        for device in self.devices:
            await device.stop()

    def counters(self) -> dict[str, Any]:
        """Requests and logins summed over the fleet."""
        requests: Counter[str] = Counter()
        for device in self.devices:
            requests.update(device.requests)
        return {
            "requests": dict(requests),
            "logins": sum(device.logins for device in self.devices),
            "login_failures": sum(device.login_failures for device in self.devices),
        }
