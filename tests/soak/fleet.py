"""Many simulated devices, each with its own config entry, driven on frozen time.

Shared by the soak test (random faults) and the benchmark (steady state).
Devices run in Home Assistant's event loop and are reached over real HTTP on
127.0.0.1. A "poll" moves the frozen clock one polling interval on, fires the
due timers and waits until every refresh has finished. While a device holds
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
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.bas_ip.client import DEFAULT_TIMEOUT
from custom_components.bas_ip.const import DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.bas_ip.coordinator import BasIpCoordinator, BasIpData
from custom_components.bas_ip.event_coordinator import BasIpEventCoordinator, EventBatch
from devtools.waits import REAL_TIMEOUT, wait_real, wall_clock
from simulator import DeviceSimulator, Profile
from tests.const import PASSWORD, USERNAME

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

StartDevice = Callable[..., Awaitable[DeviceSimulator]]


def ha_clock() -> float:
    """Home Assistant's (frozen) time: token expiry on the devices follows it."""
    return dt_util.utcnow().timestamp()


def fleet_serial(index: int) -> str:
    """A distinct, stable serial number per device of the fleet."""
    return f"50a1c0de-0000-4000-8000-{index:012d}"


@dataclass
class RefreshCounter:
    """Counts coordinator refreshes and their outcomes (by exception type)."""

    per_entry: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    # Optional: the fault active on an entry's device -> outcomes under it.
    fault_of: Callable[[str], str] | None = None
    by_fault: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Refreshes run so far."""
        return sum(self.per_entry.values())

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Wrap the coordinator's update method for the duration of the block."""
        original = BasIpCoordinator._async_update_data
        counter = self

        async def counted(coordinator: BasIpCoordinator) -> BasIpData:
            entry_id = coordinator.config_entry.entry_id
            counter.per_entry[entry_id] += 1
            fault = counter.fault_of(entry_id) if counter.fault_of else "none"
            outcomes = counter.by_fault.setdefault(fault, Counter())
            try:
                data = await original(coordinator)
            except Exception as err:
                counter.outcomes[type(err).__name__] += 1
                outcomes["failed"] += 1
                raise
            counter.outcomes["ok"] += 1
            outcomes["ok"] += 1
            return data

        BasIpCoordinator._async_update_data = counted  # type: ignore[assignment]
        try:
            yield
        finally:
            BasIpCoordinator._async_update_data = original  # type: ignore[method-assign]


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
            self.devices.append(device)
            self.serials.append(serial)

    def make_entry(self, index: int) -> MockConfigEntry:
        """The config entry of device ``index`` (not yet added)."""
        device = self.devices[index]
        return MockConfigEntry(
            domain=DOMAIN,
            title=f"Intercom {index}",
            unique_id=self.serials[index],
            data={
                CONF_HOST: device.address,
                CONF_SSL: False,
                CONF_VERIFY_SSL: True,
                CONF_USERNAME: USERNAME,
                CONF_PASSWORD: PASSWORD,
            },
        )

    async def setup_entry(self, index: int) -> MockConfigEntry:
        """Add and set up the entry of device ``index``."""
        entry = self.make_entry(index)
        entry.add_to_hass(self.hass)
        await self.hass.config_entries.async_setup(entry.entry_id)
        await self.hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED, entry.reason
        self.entries.append(entry)
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
        sip_update = BasIpCoordinator._async_update_data
        event_update = BasIpEventCoordinator._async_update_data

        async def tracked_sip(coordinator: BasIpCoordinator) -> BasIpData:
            entry_id = coordinator.config_entry.entry_id
            sip_inflight[entry_id] += 1
            try:
                return await sip_update(coordinator)
            finally:
                sip_inflight[entry_id] -= 1

        async def tracked_events(coordinator: BasIpEventCoordinator) -> EventBatch:
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
                patch.object(BasIpCoordinator, "_async_update_data", tracked_sip),
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
                    raise AssertionError(f"work still pending after {real_timeout:.0f} real s")
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
                if advanced >= hold_seconds and self._only_held_work_left():
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
