"""Reboot: 200, then every device request is dropped, then tokens are gone."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from simulator import Profile
from tests.conftest import SimulatorFactory

from .util import call, keys, login

REBOOT = "/api/v1/system/reboot/run"
STATUS = "/api/v1/sip/status"
V1_PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_reboot_endpoint(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """200, then dropped connections for reboot_duration, then a 401 and device_booted."""
    device = await simulator_factory(profile)
    device.reboot_duration = 0.5
    token = await login(http, device)
    assert await call(http, device, REBOOT, token=token) == (200, {})
    assert (device.rebooting, device.reboots) == (True, 1)
    for path in (STATUS, "/api/info", REBOOT):
        async with aiohttp.ClientSession() as fresh:
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await call(fresh, device, path, token=token)
    # The control API keeps answering while the device is down.
    status, state = await call(http, device, "/_simulator/state")
    assert (status, state["rebooting"]) == (200, True)
    async with asyncio.timeout(10):
        await device.wait_booted()
    assert device.rebooting is False
    assert device.reboots == 1
    assert (await call(http, device, STATUS, token=token))[0] == 401
    assert keys(device.log_items)[-1] == "device_booted"
    fresh_token = await login(http, device)
    assert (await call(http, device, STATUS, token=fresh_token))[0] == 200
    assert device.counters()["reboots"] == 1


async def test_reboot_method(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """``await device.reboot(seconds)`` returns once the device is back."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    device.emergency_holds[1] = 60
    async with asyncio.timeout(10):
        await device.reboot(0.05)
    assert device.rebooting is False
    assert device.emergency_holds == {}
    assert (await call(http, device, STATUS, token=token))[0] == 401
    assert keys(device.log_items)[-1] == "device_booted"


async def test_reboot_while_rebooting_is_ignored(simulator_factory: SimulatorFactory) -> None:
    """A second reboot during one is ignored (inferred): one boot, one count."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, history=False)
    device.start_reboot(0.2)
    device.start_reboot(5)
    async with asyncio.timeout(10):
        await device.wait_booted()
    assert device.reboots == 1
    assert keys(device.log_items) == ["device_booted"]


async def test_stop_ends_a_reboot(simulator_factory: SimulatorFactory) -> None:
    """Stopping during a long reboot finishes promptly; the device has booted."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR, history=False)
    device.start_reboot(3600)
    async with asyncio.timeout(10):
        await device.stop()
        await device.wait_booted()
    assert device.rebooting is False


async def test_reboot_counters_reset(simulator_factory: SimulatorFactory) -> None:
    """reset_counters zeroes reboots; counters() then omits them again."""
    device = await simulator_factory()
    async with asyncio.timeout(10):
        await device.reboot(0)
    assert device.counters()["reboots"] == 1
    device.reset_counters()
    assert "reboots" not in device.counters()


async def test_old_firmware_reboot_404(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Old firmware has no reboot endpoint."""
    device = await simulator_factory(Profile.OLD_FIRMWARE)
    assert (await call(http, device, REBOOT))[0] == 404
    assert device.reboots == 0
