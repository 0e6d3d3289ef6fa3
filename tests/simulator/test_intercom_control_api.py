"""The intercom part of the ``/_simulator/`` HTTP control API."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from simulator import Profile
from tests.conftest import SimulatorFactory

from .util import call, control, keys, log_page, login

NOW = 1_700_000_000.0


async def test_log_ring_access_burst_clear(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Injected events appear in GET log (oldest first) and in the device's log API."""
    device = await simulator_factory(Profile.ANDROID_PANEL, history=False)
    status, item = await control(
        http, device, "log", {"key": "tamper_event", "category": "warning", "info": {"zone": 1}}
    )
    assert status == 200
    assert (item["name"]["key"], item["category"], item["info"]["model"]) == (
        "tamper_event",
        "warning",
        {"zone": 1},
    )
    assert (await control(http, device, "log", {"key": "x", "timestamp_ms": 7}))[1][
        "timestamp"
    ] == 7
    assert (await control(http, device, "ring", {}))[1]["name"]["key"] == "outgoing_call"
    _, missed = await control(http, device, "ring", {"number": "105", "missed": True})
    assert (missed["name"]["key"], missed["info"]["model"]) == (
        "outgoing_call_missed",
        {"number": "105"},
    )
    bodies: list[dict[str, Any]] = [
        {"kind": "card_granted", "card": "04AA00BB11CC22", "lock": 2},
        {"kind": "card_denied", "card": "04AA00BB11CC23"},
        {"kind": "code_granted", "code": "2468#"},
        {"kind": "code_denied", "code": "1357#"},
        {"kind": "exit_button", "lock": 1},
    ]
    for body in bodies:
        assert (await control(http, device, "access", body))[0] == 200
    status, burst = await control(http, device, "burst", {"n": 3})
    assert (status, len(burst["items"])) == (200, 3)
    status, burst = await control(http, device, "burst", {"n": 2, "key": "tamper_event"})
    assert keys(burst["items"]) == ["tamper_event"] * 2
    status, answer = await control(http, device, "log")
    assert status == 200
    assert answer["items"] == device.log_items
    assert keys(answer["items"])[4:9] == [
        "access_granted_by_valid_identifier",
        "access_denied_by_unknown_card",
        "access_granted_by_master_code",
        "access_denied_by_not_valid_input_code",
        "lock_was_opened_by_exit_btn",
    ]
    assert {"04AA00BB11CC22", "04AA00BB11CC23", "2468#", "1357#"} <= device.secrets()
    token = await login(http, device)
    _, page = await log_page(http, device, token, sort={"sort_type": "desc"})
    assert page["list_items"][0]["name"]["key"] == "successful_login_api_call"
    status, answer = await control(http, device, "clear_log", {})
    assert (status, answer["items"]) == (200, [])
    assert device.log_items == []


async def test_access_control_qr_face_and_people(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """QR and face uses, with or without owner and apartment, in the real model."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, history=False)
    qr = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
    status, item = await control(
        http,
        device,
        "access",
        {"kind": "qr_granted", "qr": qr, "lock": 2, "owner": "Ann Lee", "apartment": None},
    )
    assert status == 200
    assert (item["name"]["key"], item["info"]["model"]) == (
        "access_granted_by_valid_identifier",
        {"lock": 2, "owner": "Ann Lee", "number": qr, "type": "qr"},
    )
    _, item = await control(http, device, "access", {"kind": "qr_denied", "qr": qr})
    assert (item["name"]["key"], item["info"]["model"]) == (
        "access_denied_by_unknown_qr_code",
        {"number": qr, "type": "qr"},
    )
    _, item = await control(
        http, device, "access", {"kind": "face_granted", "face": "face-0042-abcdef"}
    )
    assert item["info"]["model"] == {
        "lock": 1,
        "owner": "Olena Shevchuk",
        "number": "face-0042-abcdef",
        "apartment_address": "1-1-101",
        "type": "face_id",
    }
    _, item = await control(
        http, device, "access", {"kind": "card_denied", "card": "04AA00BB11CC99", "lock": 1}
    )
    assert item["info"]["model"] == {"lock": 1, "number": "04AA00BB11CC99", "type": "card"}
    assert device.identifiers == {qr, "face-0042-abcdef", "04AA00BB11CC99"}


async def test_clock_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Skew sets the offset, jump adds to it; both at once apply skew then jump."""
    device = await simulator_factory(clock=lambda: NOW)
    assert await control(http, device, "clock", {"skew": 10800}) == (
        200,
        {"clock_offset": 10800.0, "device_now_ms": int((NOW + 10800) * 1000)},
    )
    assert (await control(http, device, "clock", {"jump": -3600.5}))[1]["clock_offset"] == 7199.5
    assert (await control(http, device, "clock", {"skew": 0, "jump": 5}))[1]["clock_offset"] == 5
    assert (await control(http, device, "log"))[1]["device_now_ms"] == int((NOW + 5) * 1000)
    assert device.state()["clock_offset"] == 5.0


async def test_door_and_sensor_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Door state and door-sensor mode switch over HTTP; the change is logged."""
    device = await simulator_factory(Profile.ANDROID_PANEL, history=False)
    token = await login(http, device)
    status, state = await control(http, device, "door_sensor", {"enabled": True})
    assert (status, state["door_sensor"]) == (200, True)
    status, state = await control(http, device, "door", {"open": True, "open_too_long": True})
    assert (status, state["door_open"], state["door_open_too_long"]) == (200, True, True)
    _, door = await call(http, device, "/api/v1/access/door/status", token=token)
    assert (door["status"], door["is_timeout_exceed"]) == ("open", True)
    await control(http, device, "door", {"open": False})
    assert keys(device.log_items)[-3:] == [
        "door_was_opened",
        "door_was_not_closed_too_long",
        "door_was_closed",
    ]
    await control(http, device, "door_sensor", {"enabled": False})
    assert (await call(http, device, "/api/v1/access/door/status", token=token))[0] == 400


async def test_snapshot_and_rtsp_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Snapshot delay/format and RTSP credentials change over HTTP; no password in state."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    status, state = await control(http, device, "snapshot", {"delay": 0.05, "format": "webp"})
    assert (status, state["snapshot_delay"], state["snapshot_format"]) == (200, 0.05, "webp")
    async with http.get(
        f"{device.url}/api/v1/photo/file", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        assert response.content_type == "image/webp"
    status, counters = await control(http, device, "counters")
    assert counters["snapshots"] == 1
    status, state = await control(
        http, device, "rtsp", {"username": "cam", "password": "rtsp-V1a-Http", "masked": True}
    )
    assert (status, state["rtsp_username"], state["rtsp_masked"]) == (200, "cam", True)
    assert "rtsp-V1a-Http" not in str(state)
    assert device.rtsp_password == "rtsp-V1a-Http"
    assert "rtsp-V1a-Http" in device.secrets()
    _, rtsp = await call(http, device, "/api/v1/device/settings/rtsp", token=token)
    assert rtsp["password"] == "******"
    await control(http, device, "rtsp", {"masked": False})
    await control(http, device, "snapshot", {"delay": 0})
    assert device.snapshot_delay == 0.0


async def test_reboot_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """POST reboot answers at once; the device drops requests until it has booted."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    status, state = await control(http, device, "reboot", {"seconds": 0.3})
    assert (status, state["rebooting"]) == (200, True)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await call(http, device, "/api/v1/sip/status", token=token)
    async with asyncio.timeout(10):
        await device.wait_booted()
    _, counters = await control(http, device, "counters")
    assert counters["reboots"] == 1
    assert (await control(http, device, "reboot", {}))[0] == 200
    assert device.state()["reboot_duration"] == 3.0
    async with asyncio.timeout(10):
        await device.stop()


async def test_lock_open_counters(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Counters list lock opens per lock once there are some; reset clears them."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    for number in (1, 1, 0):
        await call(
            http, device, f"/api/v1/access/general/lock/open/remote/accepted/{number}", token=token
        )
    _, counters = await control(http, device, "counters")
    assert counters["lock_opens"] == {"0": 1, "1": 2}
    assert counters["requests"]["/api/v1/access/general/lock/open/remote/accepted/1"] == 2
    _, counters = await control(http, device, "reset_counters", {})
    assert counters == {"requests": {}, "logins": 0, "login_failures": 0}


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("log", {}),
        ("log", {"key": ""}),
        ("log", {"key": "x", "info": [1]}),
        ("log", {"key": "x", "category": 1}),
        ("log", {"key": "x", "timestamp_ms": 1.5}),
        ("log", {"key": "x", "timestamp_ms": True}),
        ("log", [1]),
        ("ring", {"number": 101}),
        ("ring", {"missed": "yes"}),
        ("access", {"kind": "face"}),
        ("access", {"kind": "card_granted"}),
        ("access", {"kind": "code_denied", "code": ""}),
        ("access", {"kind": "exit_button", "lock": "1"}),
        ("access", {"kind": "exit_button", "lock": True}),
        ("access", {"kind": "qr_granted"}),
        ("access", {"kind": "face_granted", "face": ""}),
        ("access", {"kind": "card_granted", "card": "04AA00BB11CC22", "owner": 5}),
        ("access", {"kind": "card_granted", "card": "04AA00BB11CC22", "apartment": []}),
        ("log/capacity", {"capacity": 100_001}),
        ("log/capacity", {"capacity": "10"}),
        ("burst", {"n": 0}),
        ("burst", {"n": 10_001}),
        ("burst", {"n": True}),
        ("burst", {"n": 2, "key": 5}),
        ("clock", {}),
        ("clock", {"skew": "1"}),
        ("clock", {"jump": 10**400}),
        ("clock", {"skew": True}),
        ("door", {"open": "yes"}),
        ("door", {"open": True, "open_too_long": 1}),
        ("door_sensor", {"enabled": 1}),
        ("snapshot", {}),
        ("snapshot", {"delay": -1}),
        ("snapshot", {"format": "gif"}),
        ("rtsp", {}),
        ("rtsp", {"password": 1234}),
        ("rtsp", {"masked": "yes"}),
        ("reboot", {"seconds": -1}),
        ("reboot", {"seconds": "1"}),
        ("reboot", "now"),
    ],
)
async def test_bad_intercom_control_bodies(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, name: str, body: Any
) -> None:
    """Malformed intercom control calls answer 400 and change nothing."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    before = (device.state(), list(device.log_items), device.secrets())
    status, answer = await control(http, device, name, body)
    assert status == 400
    assert isinstance(answer["error"], str)
    assert (device.state(), list(device.log_items), device.secrets()) == before


async def test_control_not_json(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A body that is not JSON answers 400 on every intercom control."""
    device = await simulator_factory()
    names = ("log", "ring", "access", "burst", "clock", "door", "snapshot", "rtsp", "reboot")
    for name in (*names, "log/capacity"):
        status, _ = await call(http, device, f"/_simulator/{name}", method="POST", data=b"{")
        assert status == 400, name
