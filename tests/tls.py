"""Helpers for tests in which the client refuses the simulator's certificate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import time
from typing import Any

from homeassistant.core import HomeAssistant

_REFUSED_HANDSHAKE = "Error on transport creation for incoming connection"


@asynccontextmanager
async def tolerate_refused_tls_handshakes(hass: HomeAssistant) -> AsyncIterator[list[str]]:
    """Let the simulator's server see clients that refuse its certificate.

    A client that rejects a self-signed certificate resets the connection
    mid-handshake; asyncio reports that on the server side through the loop's
    exception handler, which the test harness turns into a failure. Only that
    report is absorbed (and recorded); everything else still fails the test.
    """
    loop = hass.loop
    original = loop.get_exception_handler()
    absorbed: list[str] = []

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", ""))
        if message.startswith(_REFUSED_HANDSHAKE):
            absorbed.append(message)
            return
        if original is not None:
            original(loop, context)
        else:  # pragma: no cover - the harness always installs one
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    try:
        yield absorbed
        # The server learns of each reset a little after the client gave up.
        # Wait in real time (the loop's clock may be frozen), boundedly, until
        # at least one report came and no more arrive.
        quiet = 0
        for _ in range(500):
            seen = len(absorbed)
            await hass.async_add_executor_job(time.sleep, 0.01)
            quiet = quiet + 1 if absorbed and len(absorbed) == seen else 0
            if quiet >= 5:
                break
    finally:
        loop.set_exception_handler(original)
