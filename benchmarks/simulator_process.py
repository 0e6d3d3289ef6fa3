"""Serve many simulated devices from a separate process for the benchmark.

``python -m benchmarks.simulator_process COUNT USERNAME PASSWORD`` starts
COUNT devices on 127.0.0.1 (mixed profiles), prints one JSON line
``[{"port": ..., "serial": ...}, ...]`` and serves until its standard input
closes. Running them in another process keeps their CPU time and memory out
of the figures of the process that runs Home Assistant.
"""

from __future__ import annotations

import asyncio
import json
import sys

from simulator import DeviceSimulator, Profile

PROFILES = (Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL)


def serial_for(index: int) -> str:
    """Build the serial number of device ``index``."""
    return f"be4c0000-0000-4000-8000-{index:012d}"


async def serve(count: int, username: str, password: str) -> None:
    """Start the devices, announce them, serve until stdin reaches EOF."""
    devices = []
    for index in range(count):
        device = DeviceSimulator(
            PROFILES[index % len(PROFILES)],
            username=username,
            password=password,
            serial=serial_for(index),
        )
        await device.start()
        devices.append(device)
    print(json.dumps([{"port": d.port, "serial": d.serial} for d in devices]), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    for device in devices:
        await device.stop()


def main() -> None:
    """Entry point."""
    count, username, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    asyncio.run(serve(count, username, password))


if __name__ == "__main__":
    main()
