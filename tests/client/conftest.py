"""Fixtures for the client tests: a plain aiohttp session and client builders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from custom_components.bas_ip.client import BasIpClient
from simulator import DeviceSimulator
from tests.const import PASSWORD, USERNAME

ClientFactory = Callable[..., BasIpClient]

# Short enough to keep the timeout tests quick, long enough for a loaded CI box.
SHORT_TIMEOUT = 0.3


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """One aiohttp session, as Home Assistant would share it; closed at teardown."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def make_client(session: aiohttp.ClientSession) -> ClientFactory:
    """Build a client for a simulator (or a raw host) with the test credentials."""

    def _make(target: DeviceSimulator | str, **kwargs: Any) -> BasIpClient:
        host = target if isinstance(target, str) else target.address
        username = kwargs.pop("username", USERNAME)
        password = kwargs.pop("password", PASSWORD)
        kwargs.setdefault("request_timeout", 10.0)
        return BasIpClient(host, username, password, session=session, **kwargs)

    return _make
