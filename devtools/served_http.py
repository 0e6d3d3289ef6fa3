"""Home Assistant's HTTP app served on 127.0.0.1 inside the test harness, as its internal URL.

Push (the panel's webhooks) needs a Home Assistant URL the device can reach.
In pytest-homeassistant's harness the ``http`` component is set up but its
server never starts; :func:`served_internal_url` serves the app on a free
port of 127.0.0.1 (as the harness's ``aiohttp_client`` does) and makes that
the internal URL, for the block. The components that add HTTP views are set
up first; aiohttp's access log stays at WARNING, as in Home Assistant (its
lines name the path, and a webhook's path is its secret id).

The same ``hass`` may be served again after a block ends (the benchmark
serves it for its real-time run, then for its frozen-time run).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import logging
from typing import Final

from aiohttp.test_utils import TestServer
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

# Components that add HTTP views: set up before the app is served.
HTTP_COMPONENTS: Final = ("http", "webhook", "camera", "image", "diagnostics")


@asynccontextmanager
async def served_internal_url(hass: HomeAssistant) -> AsyncIterator[str]:
    """Serve Home Assistant's HTTP app on 127.0.0.1 for the block; yield its internal URL.

    The internal URL is set for the block and put back as it was after it.
    """
    for domain in HTTP_COMPONENTS:
        if not await async_setup_component(hass, domain, {}):
            raise RuntimeError(f"could not set up {domain}")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    server = TestServer(hass.http.app, host="127.0.0.1")
    # As the harness's aiohttp_client: a view registered later still works.
    server.app._router.freeze = lambda: None  # type: ignore[method-assign]
    await server.start_server()
    previous = hass.config.internal_url
    url = f"http://127.0.0.1:{server.port}"
    try:
        await hass.config.async_update(internal_url=url)
        yield url
    finally:
        await hass.config.async_update(internal_url=previous)
        await server.close()
