"""The ``/_simulator/`` HTTP control API used by demos and the e2e test."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from simulator import DeviceSimulator, Profile
from simulator.control import CONTROLS, ROUTES
from tests.conftest import SimulatorFactory
from tests.const import NEW_PASSWORD, SIP_PASSWORDS

from .util import call, login


async def control(
    http: aiohttp.ClientSession, device: DeviceSimulator, name: str, body: Any = None
) -> tuple[int, Any]:
    """POST a control call (GET when ``body`` is ``None`` and the name is a query)."""
    if name in ("state", "counters"):
        return await call(http, device, f"/_simulator/{name}")
    return await call(http, device, f"/_simulator/{name}", method="POST", json_body=body)


async def test_state(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """The state describes the device but never holds the SIP password."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    status, state = await control(http, device, "state")
    assert status == 200
    assert state["profile"] == "camdroid_panel"
    assert state["serial"] == device.serial
    assert state["url"] == device.url
    assert state["sip_enabled"] is True
    assert state["registration_ok"] is True
    assert state["status_endpoint_missing"] is False
    assert state["delay"] == 0.0
    assert state["faults"] == {}
    assert state["sip_settings"]["user"] == "1001"
    assert "password" not in state["sip_settings"]
    assert not any(secret in str(state) for secret in SIP_PASSWORDS)


async def test_control_calls_are_not_counted(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Counters only count device requests."""
    device = await simulator_factory()
    await login(http, device)
    await control(http, device, "state")
    status, counters = await control(http, device, "counters")
    assert status == 200
    assert counters == {"requests": {"/api/v1/login": 1}, "logins": 1, "login_failures": 0}
    assert await control(http, device, "reset_counters", {}) == (
        200,
        {"requests": {}, "logins": 0, "login_failures": 0},
    )


async def test_sip_settings_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Partial settings are validated like the device's POST."""
    device = await simulator_factory()
    status, state = await control(http, device, "sip/settings", {"user": "202"})
    assert status == 200
    assert state["sip_settings"]["user"] == "202"
    assert device.sip_settings["user"] == "202"
    status, body = await control(http, device, "sip/settings", {"h264": 1})
    assert status == 400
    assert body["error"]["data"] == {"h264": "must be between 99 and 127"}
    status, body = await call(
        http, device, "/_simulator/sip/settings", method="POST", data=b"not json"
    )
    assert status == 400
    assert body["error"]["data"] == {"body": "must be JSON"}


async def test_registration_enable_and_status_endpoint(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Registration, SIP enable and the status endpoint switch over HTTP."""
    device = await simulator_factory()
    token = await login(http, device)

    async def sip_status() -> Any:
        return await call(http, device, "/api/v1/sip/status", token=token)

    assert (await control(http, device, "registration", {"ok": False}))[1][
        "registration_ok"
    ] is False
    assert (await sip_status())[1]["sip_status"] == "ERROR"
    assert (await control(http, device, "sip/enable", {"enabled": False}))[1][
        "sip_enabled"
    ] is False
    assert (await sip_status())[1]["sip_status"] == "OFFLINE"
    await control(http, device, "sip/enable", {"enabled": True})
    await control(http, device, "registration", {"ok": True})
    assert (await sip_status())[1]["sip_status"] == "OK"
    assert (await control(http, device, "status_endpoint", {"missing": True}))[1][
        "status_endpoint_missing"
    ] is True
    assert (await sip_status())[0] == 404


async def test_fault_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Faults are set and cleared over HTTP."""
    device = await simulator_factory()
    token = await login(http, device)
    status, state = await control(
        http,
        device,
        "fault",
        {"fault": "wrong_shape", "paths": ["/api/v1/sip/status"], "body": {"a": 1}},
    )
    assert status == 200
    assert state["faults"] == {"/api/v1/sip/status": {"fault": "wrong_shape", "body": {"a": 1}}}
    assert await call(http, device, "/api/v1/sip/status", token=token) == (200, {"a": 1})
    await control(http, device, "fault", {"fault": "html_500", "paths": None})
    assert (await call(http, device, "/api/v1/device/sip/enable", token=token))[0] == 500
    status, state = await control(http, device, "fault", {"fault": None})
    assert state["faults"] == {}
    assert (await call(http, device, "/api/v1/device/sip/enable", token=token))[0] == 200


async def test_delay_expire_password_serial(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Delay, token expiry, password and serial change over HTTP."""
    device = await simulator_factory()
    token = await login(http, device)
    assert (await control(http, device, "delay", {"seconds": 0.01}))[1]["delay"] == 0.01
    assert device.delay == 0.01
    await control(http, device, "delay", {"seconds": 0})
    assert device.delay == 0.0
    assert (await control(http, device, "expire_tokens", {}))[0] == 200
    assert (await call(http, device, "/api/v1/sip/status", token=token))[0] == 401
    assert (await control(http, device, "password", {"password": NEW_PASSWORD}))[0] == 200
    assert await login(http, device, NEW_PASSWORD) in device.issued_tokens
    status, state = await control(http, device, "serial", {"serial": "other-device"})
    assert (status, state["serial"]) == (200, "other-device")
    assert device.serial == "other-device"


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("registration", {"ok": "yes"}),
        ("registration", None),
        ("sip/enable", {}),
        ("sip/enable", {"enabled": 1}),
        ("delay", {"seconds": -1}),
        ("delay", {"seconds": "1"}),
        ("delay", {"seconds": True}),
        ("delay", {"seconds": 10**400}),
        ("password", {"password": 123456}),
        ("serial", {"serial": ""}),
        ("serial", ["x"]),
        ("status_endpoint", {"missing": "no"}),
        ("fault", {"fault": "explode"}),
        ("fault", {"fault": "html_500", "paths": "/api/info"}),
        ("fault", {"fault": "html_500", "paths": [1]}),
        ("fault", ["html_500"]),
    ],
)
async def test_bad_control_bodies(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    name: str,
    body: Any,
) -> None:
    """Malformed control calls answer 400 and change nothing."""
    device = await simulator_factory()
    before = device.state()
    status, answer = await control(http, device, name, body)
    assert status == 400
    assert isinstance(answer["error"], str)
    assert device.state() == before


async def test_bad_control_json(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A control body that is not JSON answers 400."""
    device = await simulator_factory()
    for name in ("fault", "delay"):
        status, _ = await call(http, device, f"/_simulator/{name}", method="POST", data=b"{")
        assert status == 400


@pytest.mark.parametrize(("method", "name"), [("GET", "nope"), ("POST", "state"), ("GET", "fault")])
async def test_unknown_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, method: str, name: str
) -> None:
    """Unknown control calls (or wrong methods) answer 404."""
    device = await simulator_factory()
    status, body = await call(http, device, f"/_simulator/{name}", method=method)
    assert status == 404
    assert name in body["error"]
    assert device.requests == {}


def test_control_table_has_one_row_per_route() -> None:
    """No two rows of the control table share a method and name."""
    assert len(ROUTES) == len(CONTROLS)
    assert ("POST", "log/capacity") in ROUTES


async def test_attributes_live_in_components(simulator_factory: SimulatorFactory) -> None:
    """The device's attributes read and write its components; read-only ones refuse."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.door_open = True
    device.snapshot_format = "webp"
    device.delay = 1.5
    device.sip_enabled = False
    device.token_lifetime = 60
    device.serial = "swapped"
    assert (
        device.doors.door_open,
        device.camera.snapshot_format,
        device.traffic.delay,
        device.sip.enabled,
        device.auth.token_lifetime,
        device.system.serial,
    ) == (True, "webp", 1.5, False, 60, "swapped")
    assert device.state()["serial"] == "swapped"
    with pytest.raises(AttributeError, match="read-only"):
        device.rebooting = True  # type: ignore[assignment]
    with pytest.raises(AttributeError, match="read-only"):
        device.log_items = []  # type: ignore[assignment]
    assert device.rebooting is False
    # On the class, the attributes say where they live.
    assert (DeviceSimulator.door_open.component, DeviceSimulator.sip_enabled.name) == (
        "doors",
        "enabled",
    )


async def test_python_calls_answer_like_the_endpoints(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The device's plumbing calls agree with what its endpoints answer."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, history=False)
    token = await login(http, device)
    assert device.token_valid(token)
    assert (await call(http, device, "/api/v1/sip/status", token=token))[1] == (
        device.sip_status_answer()
    )
    assert device.sip_status_answer()["register_last_attempt"] == device._last_attempt()
    assert (await call(http, device, "/api/v1/device/sip/settings", token=token))[1] == (
        device.sip_settings_answer()
    )
    assert (await call(http, device, "/api/v1/access/door/status", token=token))[1] == (
        device.door_status_answer()
    )
    assert device.snapshot_body() == (device.snapshot_jpeg, "image/jpeg")
    device.record_open_lock(2)
    assert device.lock_opens == {2: 1}
    assert device.log_items[-1]["name"]["key"] == "access_granted_by_api_call"
    device.revoke_token(token)
    assert not device.token_valid(token)
    assert (await call(http, device, "/api/v1/sip/status", token=token))[0] == 401
