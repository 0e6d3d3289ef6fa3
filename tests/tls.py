"""Helpers for tests in which the client refuses the simulator's certificate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from homeassistant.core import HomeAssistant

from devtools.waits import REAL_TIMEOUT, wait_until

_REFUSED_HANDSHAKE = "Error on transport creation for incoming connection"


@asynccontextmanager
async def tolerate_refused_tls_handshakes(
    hass: HomeAssistant, expected: int = 1
) -> AsyncIterator[list[str]]:
    """Let the simulator's server see clients that refuse its certificate.

    A client that rejects a self-signed certificate resets the connection
    mid-handshake; asyncio reports that on the server side through the loop's
    exception handler, which the test harness turns into a failure. Only that
    report is absorbed (and recorded); everything else still fails the test.
    The block must make at least ``expected`` clients refuse the certificate;
    on exit the helper waits (real time, bounded) for that many reports.
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
    yield absorbed
    # The server learns of each reset a little after the client gave up: wait
    # (real time, bounded) for the reports the block must have caused. The
    # filter stays installed for the rest of the test's loop, so that a report
    # of a retry arriving later is absorbed too rather than racing a window.
    await wait_until(
        lambda: len(absorbed) >= expected,
        f"{expected} refused TLS handshake(s) reported by the server",
        timeout=REAL_TIMEOUT,
    )
