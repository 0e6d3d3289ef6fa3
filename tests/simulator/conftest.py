"""Fixtures for the simulator's own tests: a plain HTTP session, like curl."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A bare aiohttp session; closed at teardown."""
    async with aiohttp.ClientSession() as session:
        yield session
