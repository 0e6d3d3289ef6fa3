"""Fixtures for the client tests: a plain aiohttp session and client builders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import aiohttp
import pytest

from custom_components.bas_ip.client import BasIpClient
from simulator import DeviceSimulator
from tests.const import PASSWORD, USERNAME

ClientFactory = Callable[..., BasIpClient]

# Only for calls that must time out (the simulator's delay is then well above
# it); every call that must succeed keeps the generous default below.
SHORT_TIMEOUT = 0.3
# Calls that must succeed: generous, so that a loaded CI box never fails them.
GENEROUS_TIMEOUT = 10.0


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
        kwargs.setdefault("request_timeout", GENEROUS_TIMEOUT)
        return BasIpClient(host, username, password, session=session, **kwargs)

    return _make


@contextmanager
def short_timeout(client: BasIpClient, seconds: float = SHORT_TIMEOUT) -> Iterator[None]:
    """Inside the block the client's ordinary calls time out after ``seconds``.

    For the one call of a test that must time out, on a client whose other
    calls (login before, retry after) must succeed with the generous default.
    Test-only access to the transport's default timeout.
    """
    with patch.object(client._transport, "_timeout", aiohttp.ClientTimeout(total=seconds)):
        yield
