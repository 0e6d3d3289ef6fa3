"""The simulated devices a benchmark runs against, and their config entries.

In-process devices are :class:`simulator.DeviceSimulator` instances on Home
Assistant's loop; :class:`SimulatorProcess` serves many more from another
process (``benchmarks.simulator_process``), so that their CPU time and memory
are not counted as the integration's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import json
import os
from pathlib import Path
import subprocess
import sys
from typing import Any, Final

import aiohttp
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.const import DOMAIN
from simulator import DeviceSimulator

USERNAME: Final = "admin"
# Benchmark-only credentials for simulated devices on 127.0.0.1.
PASSWORD: Final = "bench-Passw0rd"
TOKEN_LIFETIME: Final = 7200.0

StartDevice = Callable[..., Awaitable[DeviceSimulator]]


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
