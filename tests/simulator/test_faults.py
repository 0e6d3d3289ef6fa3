"""Injected faults and delays."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from simulator import Fault, Profile
from tests.conftest import SimulatorFactory

from .util import call, login

STATUS = "/api/v1/sip/status"
SETTINGS = "/api/v1/device/sip/settings"


async def test_drop_connection_sends_no_http_answer(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The connection closes without a status line."""
    device = await simulator_factory()
    token = await login(http, device)
    device.set_fault(Fault.DROP_CONNECTION)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await call(http, device, STATUS, token=token)
    assert device.requests[STATUS] >= 1
    # A fresh, non-pooled connection sees the same.
    async with aiohttp.ClientSession() as fresh:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await call(fresh, device, STATUS, token=token)


async def test_html_500(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """HTTP 500 with an HTML page."""
    device = await simulator_factory()
    token = await login(http, device)
    device.set_fault(Fault.HTML_500)
    async with http.get(
        f"{device.url}{STATUS}", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        assert response.status == 500
        assert response.content_type == "text/html"
        assert "<html>" in await response.text()


async def test_invalid_json(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """HTTP 200 with a body that does not decode."""
    device = await simulator_factory()
    device.set_fault(Fault.INVALID_JSON, paths=["/api/info"])
    async with http.get(f"{device.url}/api/info") as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        with pytest.raises(ValueError, match=r"Expecting|Unterminated"):
            await response.json()


@pytest.mark.parametrize("body", [None, [1, 2], {"sip_status": 42}, "text", 3.5])
async def test_wrong_shape(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, body: object
) -> None:
    """HTTP 200 with exactly the given JSON body."""
    device = await simulator_factory()
    token = await login(http, device)
    device.set_fault(Fault.WRONG_SHAPE, paths=[STATUS], body=body)
    assert await call(http, device, STATUS, token=token) == (200, body)


async def test_empty_body(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """HTTP 200 with no body at all."""
    device = await simulator_factory()
    device.set_fault(Fault.EMPTY_BODY, paths=["/api/info"])
    async with http.get(f"{device.url}/api/info") as response:
        assert response.status == 200
        assert await response.read() == b""


@pytest.mark.parametrize(
    ("profile", "body"),
    [
        (
            Profile.CAMDROID_MONITOR,
            {"error": {"code": "permission_denied", "message": "Permission denied"}},
        ),
        (Profile.ANDROID_PANEL, {"error": "Permission denied"}),
    ],
)
async def test_permission_denied(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    body: object,
) -> None:
    """HTTP 403 in the profile's error shape."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    device.set_fault(Fault.PERMISSION_DENIED, paths=[SETTINGS])
    assert await call(http, device, SETTINGS, token=token) == (403, body)
    assert (await call(http, device, STATUS, token=token))[0] == 200


async def test_not_found(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """HTTP 404 as if the endpoint did not exist."""
    device = await simulator_factory()
    token = await login(http, device)
    device.set_fault("not_found", paths=[STATUS + "?ignored=1"])
    assert (await call(http, device, STATUS, token=token))[0] == 404


async def test_global_fault_spares_info_and_login(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """``paths=None`` hits every ``/api/v1`` call except the login; info still works."""
    device = await simulator_factory()
    device.set_fault(Fault.HTML_500)
    assert (await call(http, device, "/api/info"))[0] == 200
    token = await login(http, device)
    for path in (STATUS, SETTINGS, "/api/v1/network/mac", "/api/v1/nope"):
        async with http.get(
            f"{device.url}{path}", headers={"Authorization": f"Bearer {token}"}
        ) as response:
            assert response.status == 500
    assert device.state()["faults"] == {"*": {"fault": "html_500", "body": None}}


async def test_clearing_faults(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Faults clear per path, all at once, or by ``set_fault(None)``."""
    device = await simulator_factory()
    token = await login(http, device)
    device.set_fault(Fault.NOT_FOUND, paths=[STATUS, SETTINGS])
    device.set_fault(None, paths=[STATUS])
    assert (await call(http, device, STATUS, token=token))[0] == 200
    assert (await call(http, device, SETTINGS, token=token))[0] == 404
    device.set_fault(Fault.HTML_500)
    device.set_fault(None)
    assert device.state()["faults"] == {}
    assert (await call(http, device, SETTINGS, token=token))[0] == 200
    device.set_fault(Fault.NOT_FOUND, paths=[SETTINGS])
    device.clear_faults()
    assert (await call(http, device, SETTINGS, token=token))[0] == 200


async def test_path_fault_wins_over_global(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A fault set on a path takes precedence over the global one."""
    device = await simulator_factory()
    token = await login(http, device)
    device.set_fault(Fault.HTML_500)
    device.set_fault(Fault.WRONG_SHAPE, paths=[STATUS], body={"x": 1})
    assert await call(http, device, STATUS, token=token) == (200, {"x": 1})


async def test_delay_applies_to_device_calls_not_controls(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A delay longer than the client timeout makes device calls time out."""
    device = await simulator_factory()
    device.delay = 30.0
    with pytest.raises(TimeoutError):
        async with http.get(f"{device.url}/api/info", timeout=aiohttp.ClientTimeout(total=0.2)):
            pass  # pragma: no cover - never answered in time
    async with http.get(
        f"{device.url}/_simulator/state", timeout=aiohttp.ClientTimeout(total=5)
    ) as response:
        assert response.status == 200


async def test_stop_wakes_delayed_handlers(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Stopping a device with a request waiting on a long delay finishes promptly."""
    device = await simulator_factory()
    device.delay = 3600.0
    pending = asyncio.ensure_future(call(http, device, "/api/info"))
    # The simulator has no "request arrived" event; poll its counter, boundedly.
    async with asyncio.timeout(30):
        while not device.requests["/api/info"]:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    await device.stop()
    # The delayed handler was woken and answered instead of waiting an hour.
    status, body = await pending
    assert status == 200
    assert body["device_serial_number"] == device.serial


async def test_short_delay_then_answer(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A delay shorter than the client's patience only postpones the answer."""
    device = await simulator_factory()
    device.delay = 0.01
    status, body = await call(http, device, "/api/info")
    assert status == 200
    assert body["device_serial_number"] == device.serial
