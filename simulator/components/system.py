"""Identity and reboots.

While rebooting the device drops every device request; when it is back,
``on_boot`` runs (the device forgets its tokens and holds and logs
``device_booted``). A reboot asked for while one runs is ignored (inferred).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Final

REBOOT_DURATION: Final = 3.0


class System:
    """The device's serial number and its reboot cycle."""

    __slots__ = (
        "_booted",
        "_on_boot",
        "_rebooting",
        "_sleep",
        "_task",
        "reboot_duration",
        "reboots",
        "serial",
    )

    def __init__(
        self,
        serial: str,
        *,
        sleep: Callable[[float], Awaitable[None]],
        on_boot: Callable[[], None],
    ) -> None:
        """Up and running as ``serial``; reboots wait with ``sleep`` and end with ``on_boot``."""
        self.serial = serial
        self.reboot_duration = REBOOT_DURATION
        """Seconds a reboot takes unless told otherwise."""
        self.reboots = 0
        """Reboots started."""
        self._sleep = sleep
        self._on_boot = on_boot
        self._rebooting = False
        self._booted = asyncio.Event()
        self._booted.set()
        self._task: asyncio.Task[None] | None = None

    @property
    def rebooting(self) -> bool:
        """Whether the device is rebooting (dropping every device request)."""
        return self._rebooting

    def start_reboot(self, seconds: float | None = None) -> None:
        """Begin a reboot of ``seconds`` (default ``reboot_duration``) and return."""
        if self._rebooting:
            return
        self.reboots += 1
        self._rebooting = True
        self._booted.clear()
        duration = self.reboot_duration if seconds is None else seconds
        self._task = asyncio.get_running_loop().create_task(self._run(duration))

    async def wait_booted(self) -> None:
        """Return once no reboot is in progress."""
        await self._booted.wait()

    async def join(self) -> None:
        """Wait for the reboot task, if one was started (the device is stopping)."""
        if self._task is not None:
            await self._task

    async def _run(self, seconds: float) -> None:
        await self._sleep(seconds)
        self._on_boot()
        self._rebooting = False
        self._booted.set()
