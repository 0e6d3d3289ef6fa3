"""Small HTTP helpers for talking to a simulator the way curl would."""

from __future__ import annotations

from collections.abc import Mapping
import json
from typing import Any
from urllib.parse import urlencode

import aiohttp

from simulator import DeviceSimulator
from tests.const import PASSWORD, USERNAME, md5_hex


async def login(
    http: aiohttp.ClientSession, device: DeviceSimulator, password: str = PASSWORD
) -> str:
    """Log in with the test credentials and return the token."""
    async with http.get(
        f"{device.url}/api/v1/login",
        params={"username": USERNAME, "password": md5_hex(password)},
    ) as response:
        assert response.status == 200
        body = await response.json()
    assert body["account_type"] == "admin"
    token = body["token"]
    assert isinstance(token, str)
    return token


async def call(
    http: aiohttp.ClientSession,
    device: DeviceSimulator,
    path: str,
    *,
    token: str | None = None,
    method: str = "GET",
    json_body: Any = None,
    data: bytes | None = None,
) -> tuple[int, Any]:
    """``(status, decoded JSON body)`` of one request; a non-JSON body comes as text."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.request(
        method, f"{device.url}{path}", headers=headers, json=json_body, data=data
    ) as response:
        raw = await response.read()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw.decode(errors="replace")


async def control(
    http: aiohttp.ClientSession, device: DeviceSimulator, name: str, body: Any = None
) -> tuple[int, Any]:
    """POST ``body`` to ``/_simulator/<name>``; GET when ``body`` is ``None``."""
    if body is None:
        return await call(http, device, f"/_simulator/{name}")
    return await call(http, device, f"/_simulator/{name}", method="POST", json_body=body)


async def log_page(
    http: aiohttp.ClientSession,
    device: DeviceSimulator,
    token: str,
    *,
    limit: int | str = 10,
    page: int | str = 1,
    sort: Mapping[str, str] | None = None,
) -> tuple[int, Any]:
    """One page of ``/api/v1/log/items`` as a client asks for it, ``sort`` parameters added."""
    query = {"limit": str(limit), "page_number": str(page), "locale": "en", **(sort or {})}
    return await call(http, device, f"/api/v1/log/items?{urlencode(query)}", token=token)


def keys(items: list[dict[str, Any]]) -> list[str]:
    """The ``name.key`` of each log item."""
    return [item["name"]["key"] for item in items]
