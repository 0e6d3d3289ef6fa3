"""Doors, camera and RTSP of the simulated device, per profile, over real HTTP."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp
import pytest

from simulator import DeviceSimulator, Profile
from simulator.images import HUGE_SIZE, SNAPSHOT_JPEG, SNAPSHOT_WEBP
from tests.conftest import SimulatorFactory

from .util import call, login

LOCK_TYPE = "/api/v1/access/general/lock/type"
OPEN = "/api/v1/access/general/lock/open/remote/accepted/"
DOOR = "/api/v1/access/door/status"
HOLD = "/api/v1/access/general/lock/open/emergency"
END_HOLD = "/api/v1/access/general/lock/close/emergency"
PHOTO = "/api/v1/photo/file"
RTSP = "/api/v1/device/settings/rtsp"
NOT_FOUND = {
    Profile.CAMDROID_PANEL: {"error": {"code": "system_error", "message": "Not Found"}},
    Profile.CAMDROID_MONITOR: {"error": {"code": "system_error", "message": "Not Found"}},
    Profile.ANDROID_PANEL: {"error": "Not Found"},
}
V1_PROFILES = list(NOT_FOUND)
ALL_PATHS = [LOCK_TYPE, f"{OPEN}1", DOOR, HOLD, END_HOLD, PHOTO, RTSP]


async def started(
    factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> tuple[DeviceSimulator, str]:
    """A device of ``profile`` and a token for it."""
    device = await factory(profile)
    return device, await login(http, device)


async def fetch(
    http: aiohttp.ClientSession, device: DeviceSimulator, path: str, token: str
) -> tuple[int, str, bytes]:
    """``(status, content type, raw body)``."""
    async with http.get(
        f"{device.url}{path}", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        return response.status, response.content_type, await response.read()


# --- lock type and lock opens ---------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            Profile.CAMDROID_PANEL,
            (200, {"locks": [{"type": "electromagnetic"}, {"type": "electromechanical"}]}),
        ),
        (Profile.ANDROID_PANEL, (404, NOT_FOUND[Profile.ANDROID_PANEL])),
        (Profile.CAMDROID_MONITOR, (404, NOT_FOUND[Profile.CAMDROID_MONITOR])),
    ],
)
async def test_lock_type(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    expected: tuple[int, Any],
) -> None:
    """Two locks on the Camdroid panel; the others answer 404 (client: one lock)."""
    device, token = await started(simulator_factory, http, profile)
    assert await call(http, device, LOCK_TYPE, token=token) == expected


@pytest.mark.parametrize(
    ("profile", "accepted"),
    [(Profile.CAMDROID_PANEL, range(9)), (Profile.ANDROID_PANEL, range(2))],
)
async def test_lock_open_accepted(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    accepted: range,
) -> None:
    """Each accepted lock number answers 200, is counted and logged as an API release."""
    device, token = await started(simulator_factory, http, profile)
    device.clear_log()
    for number in accepted:
        assert await call(http, device, f"{OPEN}{number}", token=token) == (200, {})
    assert device.lock_opens == dict.fromkeys(accepted, 1)
    assert [item["name"]["key"] for item in device.log_items] == [
        "access_granted_by_api_call"
    ] * len(accepted)
    assert [item["info"]["model"] for item in device.log_items] == [
        {"lock": number} for number in accepted
    ]


@pytest.mark.parametrize("suffix", ["9", "10", "-1", "x", "", "1/2", "\uff11", "0001"])
async def test_camdroid_lock_open_rejected(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, suffix: str
) -> None:
    """Lock numbers outside 0..8 are not_valid on Camdroid (inferred shape)."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    status, body = await call(http, device, f"{OPEN}{suffix}", token=token)
    assert status == 400
    assert body["error"]["code"] == "not_valid"
    assert set(body["error"]["data"]) == {"lock"}
    assert not device.lock_opens


@pytest.mark.parametrize("number", [2, 5, 8, 9])
async def test_android_lock_open_rejected_flat(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, number: int
) -> None:
    """The Android panel opens lock 0/1 only; 2..8 answer a flat 400 error."""
    device, token = await started(simulator_factory, http, Profile.ANDROID_PANEL)
    status, body = await call(http, device, f"{OPEN}{number}", token=token)
    assert status == 400
    assert set(body) == {"error"}
    assert isinstance(body["error"], str)
    assert not device.lock_opens


async def test_monitor_has_no_locks(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A monitor answers 404 to a lock open."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_MONITOR)
    assert await call(http, device, f"{OPEN}1", token=token) == (
        404,
        NOT_FOUND[Profile.CAMDROID_MONITOR],
    )
    assert not device.lock_opens


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("path", ALL_PATHS)
async def test_intercom_paths_need_a_token(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    path: str,
) -> None:
    """Every intercom endpoint the profile has answers 401 without a token."""
    device = await simulator_factory(profile)
    status, _ = await call(http, device, path)
    assert status in (401, 404)
    if status == 404:
        token = await login(http, device)
        assert (await call(http, device, path, token=token))[0] == 404


@pytest.mark.parametrize("path", ALL_PATHS)
async def test_old_firmware_has_no_intercom_api(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, path: str
) -> None:
    """Old firmware answers 404 to every intercom path."""
    device = await simulator_factory(Profile.OLD_FIRMWARE)
    assert (await call(http, device, path))[0] == 404


@pytest.mark.parametrize(
    ("path", "method"),
    [
        (LOCK_TYPE, "POST"),
        (f"{OPEN}1", "POST"),
        (DOOR, "POST"),
        (HOLD, "GET"),
        (END_HOLD, "GET"),
        (PHOTO, "POST"),
        (RTSP, "POST"),
        ("/api/v1/log/items", "POST"),
        ("/api/v1/system/reboot/run", "POST"),
    ],
)
async def test_wrong_method(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, path: str, method: str
) -> None:
    """Intercom endpoints refuse other methods with 405."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    status, body = await call(http, device, path, token=token, method=method, json_body={})
    assert status == 405
    assert body["error"]["code"] == "system_error"
    assert device.reboots == 0


# --- door sensor ------------------------------------------------------------------


async def test_camdroid_door_sensor(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The Camdroid panel's door contact follows set_door and logs its own keys."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    assert device.door_sensor is True
    device.clear_log()
    assert await call(http, device, DOOR, token=token) == (
        200,
        {"status": "closed", "is_timeout_exceed": False, "opentime": 0, "mode": "door_sensor"},
    )
    device.set_door(True)
    status, body = await call(http, device, DOOR, token=token)
    assert (status, body["status"], body["is_timeout_exceed"]) == (200, "open", False)
    assert isinstance(body["opentime"], int)
    device.set_door(True, open_too_long=True)
    assert (await call(http, device, DOOR, token=token))[1]["is_timeout_exceed"] is True
    device.set_door(False)
    assert (await call(http, device, DOOR, token=token))[1]["status"] == "closed"
    assert [item["name"]["key"] for item in device.log_items] == [
        "door_sensor_was_opened",
        "lock_is_opened_too_long",
        "door_sensor_was_closed",
    ]


async def test_door_open_time_counts_seconds(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """``opentime`` is the seconds the door has been open (inferred)."""
    now = [1_700_000_000.0]
    device = await simulator_factory(Profile.CAMDROID_PANEL, clock=lambda: now[0])
    token = await login(http, device)
    device.set_door(True)
    now[0] += 42
    assert (await call(http, device, DOOR, token=token))[1]["opentime"] == 42
    device.set_door(False)
    assert (await call(http, device, DOOR, token=token))[1]["opentime"] == 0


async def test_android_door_sensor_not_activated(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The Android panel answers the flat 400 "not activated" until a sensor is set."""
    device, token = await started(simulator_factory, http, Profile.ANDROID_PANEL)
    assert device.door_sensor is False
    assert await call(http, device, DOOR, token=token) == (
        400,
        {"error": "Door sensor mode is not activated"},
    )
    device.door_sensor = True
    device.clear_log()
    device.set_door(True)
    assert (await call(http, device, DOOR, token=token))[1]["status"] == "open"
    device.set_door(True, open_too_long=True)
    device.set_door(False)
    assert [item["name"]["key"] for item in device.log_items] == [
        "door_was_opened",
        "door_was_not_closed_too_long",
        "door_was_closed",
    ]


async def test_camdroid_door_sensor_switched_off(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A Camdroid input that is not a door sensor answers the same flat 400."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    device.door_sensor = False
    assert await call(http, device, DOOR, token=token) == (
        400,
        {"error": "Door sensor mode is not activated"},
    )


async def test_monitor_has_no_door(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A monitor answers 404; set_door still logs (Camdroid keys)."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_MONITOR)
    assert (await call(http, device, DOOR, token=token))[0] == 404
    device.clear_log()
    device.set_door(False)
    assert device.log_items[-1]["name"]["key"] == "door_sensor_was_closed"


# --- emergency hold open ---------------------------------------------------------


async def test_emergency_hold_and_end(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Holds are recorded per lock in seconds and ended by lock number."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    body = {"locks": [{"lock_number": 1, "unlock_time": 60}, {"lock_number": 2, "unlock_time": 1}]}
    assert await call(http, device, HOLD, token=token, method="POST", json_body=body) == (200, {})
    assert device.emergency_holds == {1: 60, 2: 1}
    # Up to a week, as the vendor's schema says (not the 86400 of its error example).
    body = {"locks": [{"lock_number": 8, "unlock_time": 604_800}]}
    assert (await call(http, device, HOLD, token=token, method="POST", json_body=body))[0] == 200
    assert device.emergency_holds[8] == 604_800
    assert await call(
        http, device, END_HOLD, token=token, method="POST", json_body={"locks": [1, 8, 3]}
    ) == (200, {})
    assert device.emergency_holds == {2: 1}
    assert device.state()["emergency_holds"] == {"2": 1}


@pytest.mark.parametrize(
    "body",
    [
        # Over a week (the vendor's 604800 s), e.g. an hour in milliseconds: refused.
        {"locks": [{"lock_number": 1, "unlock_time": 604_801}]},
        {"locks": [{"lock_number": 1, "unlock_time": 3_600_000}]},
        {"locks": [{"lock_number": 1, "unlock_time": 0}]},
        {"locks": [{"lock_number": 1, "unlock_time": 1.5}]},
        {"locks": [{"lock_number": 1, "unlock_time": True}]},
        {"locks": [{"lock_number": 1}]},
        {"locks": [{"lock_number": 0, "unlock_time": 60}]},
        {"locks": [{"lock_number": 9, "unlock_time": 60}]},
        {"locks": [{"lock_number": "1", "unlock_time": 60}]},
        {"locks": [{"lock_number": 1, "unlock_time": 60}, {"lock_number": 9, "unlock_time": 1}]},
        {"locks": []},
        {"locks": [1]},
        {"locks": "1"},
        {},
        [1],
    ],
)
async def test_emergency_hold_rejected_flat(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, body: Any
) -> None:
    """A bad lock number, time or body is a flat 400 and holds nothing."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    status, answer = await call(http, device, HOLD, token=token, method="POST", json_body=body)
    assert status == 400
    assert set(answer) == {"error"}
    assert isinstance(answer["error"], str)
    assert device.emergency_holds == {}


@pytest.mark.parametrize("body", [{"locks": [0]}, {"locks": [9]}, {"locks": []}, {"x": 1}])
async def test_end_hold_rejected_flat(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, body: Any
) -> None:
    """Ending a hold validates its lock numbers the same way."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    device.emergency_holds[1] = 60
    status, answer = await call(http, device, END_HOLD, token=token, method="POST", json_body=body)
    assert status == 400
    assert isinstance(answer["error"], str)
    assert device.emergency_holds == {1: 60}


async def test_emergency_body_not_json(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A body that is not JSON is a flat 400 too."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    for path in (HOLD, END_HOLD):
        status, answer = await call(http, device, path, token=token, method="POST", data=b"{")
        assert (status, set(answer)) == (400, {"error"})


@pytest.mark.parametrize("profile", [Profile.ANDROID_PANEL, Profile.CAMDROID_MONITOR])
async def test_no_emergency_elsewhere(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Only the Camdroid panel has the emergency endpoints."""
    device, token = await started(simulator_factory, http, profile)
    body = {"locks": [{"lock_number": 1, "unlock_time": 60}]}
    assert await call(http, device, HOLD, token=token, method="POST", json_body=body) == (
        404,
        NOT_FOUND[profile],
    )
    assert (
        await call(http, device, END_HOLD, token=token, method="POST", json_body={"locks": [1]})
    )[0] == 404


# --- snapshot ------------------------------------------------------------------------


async def test_camdroid_snapshot_is_jpeg(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The Camdroid panel serves a real 64x48 JPEG and counts it."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    status, content_type, body = await fetch(http, device, PHOTO, token)
    assert (status, content_type) == (200, "image/jpeg")
    assert body == device.snapshot_jpeg == SNAPSHOT_JPEG
    assert body[:2] == b"\xff\xd8"
    assert body[-2:] == b"\xff\xd9"
    # The SOF0 frame header names the size: height 48, width 64.
    sof = body.index(b"\xff\xc0")
    assert (int.from_bytes(body[sof + 5 : sof + 7]), int.from_bytes(body[sof + 7 : sof + 9])) == (
        48,
        64,
    )
    assert device.snapshots == 1
    assert device.counters()["snapshots"] == 1


async def test_android_snapshot_is_base64_text(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The Android panel answers base64 text of a JPEG (inferred encoding)."""
    device, token = await started(simulator_factory, http, Profile.ANDROID_PANEL)
    status, content_type, body = await fetch(http, device, PHOTO, token)
    assert (status, content_type) == (200, "text/plain")
    assert base64.b64decode(body, validate=True) == SNAPSHOT_JPEG


@pytest.mark.parametrize(
    ("kind", "content_type", "check"),
    [
        ("jpeg", "image/jpeg", lambda body: body == SNAPSHOT_JPEG),
        ("webp", "image/webp", lambda body: body[:4] == b"RIFF" and body[8:12] == b"WEBP"),
        ("base64", "text/plain", lambda body: base64.b64decode(body) == SNAPSHOT_JPEG),
        ("base64_webp", "text/plain", lambda body: base64.b64decode(body) == SNAPSHOT_WEBP),
        ("html", "text/html", lambda body: body.startswith(b"<!DOCTYPE html>")),
        ("huge", "image/jpeg", lambda body: len(body) == HUGE_SIZE > 5 * 1024 * 1024),
    ],
)
async def test_snapshot_formats(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    kind: str,
    content_type: str,
    check: Any,
) -> None:
    """Every snapshot format, for the client's sniffing and size limit."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    device.snapshot_format = kind
    status, got_type, body = await fetch(http, device, PHOTO, token)
    assert (status, got_type) == (200, content_type)
    assert check(body)
    if kind == "huge":
        assert body[:2] == b"\xff\xd8"
        assert body[-2:] == b"\xff\xd9"


async def test_webp_is_real(simulator_factory: SimulatorFactory) -> None:
    """The embedded WebP is a complete RIFF container of the size it declares."""
    assert int.from_bytes(SNAPSHOT_WEBP[4:8], "little") == len(SNAPSHOT_WEBP) - 8
    assert SNAPSHOT_WEBP[12:15] == b"VP8"


async def test_snapshot_delay(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """``snapshot_delay`` postpones the answer; a client timeout shorter than it fires."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    device.snapshot_delay = 0.3
    loop = asyncio.get_running_loop()
    began = loop.time()
    async with asyncio.timeout(10):
        status, _, _ = await fetch(http, device, PHOTO, token)
    assert status == 200
    assert loop.time() - began >= 0.25
    device.snapshot_delay = 30.0
    with pytest.raises(TimeoutError):
        async with http.get(
            f"{device.url}{PHOTO}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=0.2),
        ):
            pass  # pragma: no cover - never answered in time


async def test_stop_wakes_delayed_snapshot(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Stopping the device ends a long snapshot delay at once."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    device.snapshot_delay = 3600.0
    pending = asyncio.ensure_future(fetch(http, device, PHOTO, token))
    async with asyncio.timeout(10):
        while not device.snapshots:  # noqa: ASYNC110 - bounded by the timeout
            await asyncio.sleep(0.01)
        await device.stop()
        status, content_type, _ = await pending
    assert (status, content_type) == (200, "image/jpeg")


async def test_monitor_has_no_snapshot(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A monitor answers 404 to the snapshot and RTSP paths."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_MONITOR)
    assert (await call(http, device, PHOTO, token=token))[0] == 404
    assert (await call(http, device, RTSP, token=token))[0] == 404
    assert device.snapshots == 0


# --- RTSP -------------------------------------------------------------------------


async def test_camdroid_rtsp_in_clear(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The Camdroid panel answers its RTSP password in clear."""
    device, token = await started(simulator_factory, http, Profile.CAMDROID_PANEL)
    assert await call(http, device, RTSP, token=token) == (
        200,
        {"username": "user", "password": "rtsp-Pan3l-Secret", "is_audio_enabled": False},
    )
    assert (device.rtsp_username, device.rtsp_password, device.rtsp_masked) == (
        "user",
        "rtsp-Pan3l-Secret",
        False,
    )


async def test_android_rtsp_masked(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The Android panel holds a password but answers the mask."""
    device, token = await started(simulator_factory, http, Profile.ANDROID_PANEL)
    assert await call(http, device, RTSP, token=token) == (
        200,
        {"username": "user", "password": "******", "is_audio_enabled": False},
    )
    assert device.rtsp_password == "rtsp-Andr0id-Secret"
    assert device.rtsp_masked is True
    device.rtsp_masked = False
    device.rtsp_password = "rtsp-Changed-Secret"
    device.rtsp_username = "viewer"
    assert await call(http, device, RTSP, token=token) == (
        200,
        {"username": "viewer", "password": "rtsp-Changed-Secret", "is_audio_enabled": False},
    )
    assert {"rtsp-Andr0id-Secret", "rtsp-Changed-Secret"} <= device.secrets()
