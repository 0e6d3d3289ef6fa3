"""Many simulated devices, each with its own config entry, driven on frozen time.

Shared by the soak test (random faults) and the benchmark (steady state).
Devices run in Home Assistant's event loop and are reached over real HTTP on
127.0.0.1. A "poll" moves the frozen clock one polling interval on, fires the
due timers and waits until every refresh has finished; if only timers are
left (a device holding a request), the clock moves on a second at a time so
that the client's request timeout fires, exactly as it would in real time.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

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

from custom_components.bas_ip.const import DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.bas_ip.coordinator import BasIpCoordinator, BasIpData
from simulator import DeviceSimulator, Profile
from tests.const import PASSWORD, USERNAME

POLL_SECONDS: Final = DEFAULT_SCAN_INTERVAL
FLEET_PROFILES: Final = (Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL)
# Loop turns to give pending I/O on loopback before moving the frozen clock.
_SPINS_PER_SECOND: Final = 400

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
            counter.per_entry[coordinator.config_entry.entry_id] += 1
            try:
                data = await original(coordinator)
            except Exception as err:
                counter.outcomes[type(err).__name__] += 1
                raise
            counter.outcomes["ok"] += 1
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

    async def settle(self, max_seconds: int = 120) -> int:
        """Wait for all work; move time on by seconds while only timers remain.

        Returns the simulated seconds that had to pass.
        """
        waiter = asyncio.ensure_future(self.hass.async_block_till_done(wait_background_tasks=True))
        advanced = 0
        while True:
            for _ in range(_SPINS_PER_SECOND):
                if waiter.done():
                    await waiter
                    return advanced
                await asyncio.sleep(0)
            if advanced >= max_seconds:
                waiter.cancel()
                raise AssertionError(f"work still pending after {max_seconds} simulated s")
            self.freezer.tick(timedelta(seconds=1))
            async_fire_time_changed(self.hass)
            advanced += 1

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
