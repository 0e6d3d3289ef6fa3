"""The event log, its device clock and the injection helpers, over real HTTP."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from simulator import DeviceSimulator, Profile
from simulator.eventlog import english_name
from tests.conftest import SimulatorFactory
from tests.const import PASSWORD, md5_hex

from .util import call, keys, log_page, login

V1_PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]
NOW = 1_700_000_000.0
HOUR_MS = 3_600_000
RING_KEYS = {
    Profile.CAMDROID_PANEL: ("outgoing_call", "outgoing_call_missed"),
    Profile.ANDROID_PANEL: ("outgoing_call", "outgoing_call_missed"),
    # A monitor is called (inferred: incoming_call, incoming_call_missed).
    Profile.CAMDROID_MONITOR: ("incoming_call", "incoming_call_missed"),
}


class Clock:
    """A host clock moved by hand."""

    def __init__(self) -> None:
        """Start at ``NOW``."""
        self.now = NOW

    def __call__(self) -> float:
        """The current time."""
        return self.now


async def fresh(
    factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile, **kwargs: Any
) -> tuple[DeviceSimulator, str]:
    """A device with an empty log (after its login) and a token."""
    device = await factory(profile, **kwargs)
    token = await login(http, device)
    device.clear_log()
    return device, token


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_history_at_start(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Yesterday's rings, card uses, door events and a login, 1 day .. 1 hour old."""
    device = await simulator_factory(profile, clock=Clock())
    now_ms = device.device_now_ms()
    items = list(device.log_items)
    assert 10 <= len(items) <= 15
    stamps = [item["timestamp"] for item in items]
    assert stamps == sorted(stamps)
    assert now_ms - 24 * HOUR_MS <= stamps[0]
    assert stamps[-1] <= now_ms - HOUR_MS
    found = set(keys(items))
    ring, missed = RING_KEYS[profile]
    assert {ring, missed, "successful_login_api_call", "device_booted"} <= found
    if profile is Profile.CAMDROID_MONITOR:
        assert "access_granted_by_call_host" in found
    else:
        assert {"access_granted_by_valid_identifier", "access_denied_by_unknown_card"} <= found
        cards = {item["info"]["model"]["card"] for item in items if "card" in item["info"]["model"]}
        assert cards
        assert cards <= device.secrets()
    door = "door_was_opened" if profile is Profile.ANDROID_PANEL else "door_sensor_was_opened"
    assert (door in found) is (profile is not Profile.CAMDROID_MONITOR)
    # The login adds one item stamped now.
    token = await login(http, device)
    status, body = await log_page(http, device, token, limit=50)
    assert status == 200
    assert body["list_items"][0]["name"]["key"] == "successful_login_api_call"
    assert body["list_items"][0]["timestamp"] == now_ms
    assert body["list_option"]["pagination"]["total_items"] == len(items) + 1


async def test_history_can_be_left_out(simulator_factory: SimulatorFactory) -> None:
    """``history=False`` starts with an empty log."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, history=False)
    assert device.log_items == []


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_page_shape_and_newest_first(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """The answer has the documented envelope; items come newest first by insertion."""
    device, token = await fresh(simulator_factory, http, profile)
    first = device.ring("101")
    second = device.card_granted("04AB12CD34EF56", lock=2)
    status, body = await log_page(http, device, token)
    assert status == 200
    assert body == {
        "list_option": {"pagination": {"total_items": 2, "items_limit": 10, "total_pages": 1}},
        "list_items": [second, first],
    }
    ring_key = RING_KEYS[profile][0]
    assert first == {
        "timestamp": first["timestamp"],
        "category": "info",
        "priority": "low",
        "name": {
            "key": ring_key,
            "localized": english_name(ring_key),
            "english": english_name(ring_key),
        },
        "info": {"model": {"number": "101"}},
    }
    assert second["info"]["model"] == {"card": "04AB12CD34EF56", "lock": 2}


async def test_pagination(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """Pages of 10/20/30/50, newest first; a page past the end is empty."""
    device, token = await fresh(simulator_factory, http, Profile.CAMDROID_PANEL)
    for index in range(45):
        device.log_event("tamper_event", info={"n": index})
    expected_pages = {10: 5, 20: 3, 30: 2, 50: 1}
    for limit, pages in expected_pages.items():
        seen: list[int] = []
        for page in range(1, pages + 2):
            status, body = await log_page(http, device, token, limit=limit, page=page)
            assert status == 200
            assert body["list_option"]["pagination"] == {
                "total_items": 45,
                "items_limit": limit,
                "total_pages": pages,
            }
            seen += [item["info"]["model"]["n"] for item in body["list_items"]]
        assert seen == list(range(44, -1, -1))


async def test_defaults_and_empty_log(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """No query means limit 10, page 1 (inferred); an empty log has 0 pages (inferred)."""
    device, token = await fresh(simulator_factory, http, Profile.CAMDROID_MONITOR)
    assert await call(http, device, "/api/v1/log/items", token=token) == (
        200,
        {
            "list_option": {"pagination": {"total_items": 0, "items_limit": 10, "total_pages": 0}},
            "list_items": [],
        },
    )


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("limit=5&page_number=1", {"limit"}),
        ("limit=100&page_number=1", {"limit"}),
        ("limit=abc&page_number=1", {"limit"}),
        ("limit=0", {"limit"}),
        ("limit=10&page_number=0", {"page_number"}),
        ("limit=10&page_number=-1", {"page_number"}),
        ("limit=10&page_number=x", {"page_number"}),
        ("limit=15&page_number=0", {"limit", "page_number"}),
    ],
)
async def test_bad_query_is_not_valid(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    query: str,
    params: set[str],
) -> None:
    """A limit outside 10/20/30/50 or a page below 1 is a 400 naming the parameter."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    status, body = await call(http, device, f"/api/v1/log/items?{query}", token=token)
    assert status == 400
    if profile is Profile.ANDROID_PANEL:
        assert set(body["data"]) == params
    else:
        assert body["error"]["code"] == "not_valid"
        assert set(body["error"]["data"]) == params


async def test_old_firmware_has_no_log(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Old firmware answers 404."""
    device = await simulator_factory(Profile.OLD_FIRMWARE)
    assert (await call(http, device, "/api/v1/log/items?limit=10"))[0] == 404


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_logins_are_logged(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Each login logs successful_login_api_call, a bad one incorrect_login_api_call."""
    device, token = await fresh(simulator_factory, http, profile)
    await login(http, device)
    await call(http, device, "/api/v1/login?username=admin&password=" + md5_hex("nope"))
    assert keys(device.log_items) == ["successful_login_api_call", "incorrect_login_api_call"]
    assert all(item["info"]["model"] == {} for item in device.log_items)
    assert token in device.secrets()


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_helpers_log_documented_keys(
    simulator_factory: SimulatorFactory, profile: Profile
) -> None:
    """Each helper logs its key with the identifier under info.model."""
    device = await simulator_factory(profile, history=False)
    ring, missed = RING_KEYS[profile]
    items = [
        device.ring("102"),
        device.missed_call("103"),
        device.card_granted("04CAFE00000001", lock=2),
        device.card_denied("04CAFE00000002"),
        device.code_granted("5555#", lock=1),
        device.code_denied("1111#"),
        device.exit_button(lock=2),
    ]
    assert [(item["name"]["key"], item["info"]["model"]) for item in items] == [
        (ring, {"number": "102"}),
        (missed, {"number": "103"}),
        ("access_granted_by_valid_identifier", {"card": "04CAFE00000001", "lock": 2}),
        ("access_denied_by_unknown_card", {"card": "04CAFE00000002"}),
        ("access_granted_by_master_code", {"code": "5555#", "lock": 1}),
        ("access_denied_by_not_valid_input_code", {"code": "1111#"}),
        ("lock_was_opened_by_exit_btn", {"lock": 2}),
    ]
    assert [item["category"] for item in items[2:6]] == ["info", "warning", "info", "warning"]
    assert {"04CAFE00000001", "04CAFE00000002", "5555#", "1111#"} <= device.secrets()
    assert device.log_items == items


async def test_log_event_generic(simulator_factory: SimulatorFactory) -> None:
    """Any key and category pass; an explicit timestamp is kept; names are readable."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, history=False, clock=Clock())
    item = device.log_event("brand_new_event", category="alarm", timestamp_ms=5)
    assert item["timestamp"] == 5
    assert item["priority"] == "low"
    assert item["name"]["english"] == "Brand new event"
    assert device.log_event("sip_registration_lost", category="warning")["priority"] == "medium"
    assert device.log_event("x", info={"card": ""})["timestamp"] == int(NOW * 1000)


async def test_burst(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """A burst lands in one millisecond, in order, and pages newest first."""
    device, token = await fresh(simulator_factory, http, Profile.CAMDROID_PANEL)
    burst = device.log_burst(25)
    assert len(burst) == 25
    assert len({item["timestamp"] for item in burst}) == 1
    assert keys(burst) == ["access_granted_by_valid_identifier"] * 25
    _, body = await log_page(http, device, token, limit=50)
    assert body["list_items"] == burst[::-1]
    assert keys(device.log_burst(2, key="tamper_event")) == ["tamper_event"] * 2


async def test_device_clock_skew_and_jump(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The device clock runs off the host by the offset; a jump back keeps insertion order."""
    clock = Clock()
    device, token = await fresh(simulator_factory, http, Profile.ANDROID_PANEL, clock=clock)
    assert device.clock_offset == 0.0
    assert device.device_now_ms() == int(NOW * 1000)
    device.skew_clock(3 * 3600)
    assert device.clock_offset == 10800.0
    ahead = device.ring()
    assert ahead["timestamp"] == int((NOW + 10800) * 1000)
    device.jump_clock(-7200)
    assert device.clock_offset == 3600.0
    behind = device.ring()
    assert behind["timestamp"] == int((NOW + 3600) * 1000)
    clock.now += 1
    device.clock_offset = -60
    assert device.device_now_ms() == int((NOW + 1 - 60) * 1000)
    _, body = await log_page(http, device, token)
    # Newest first by insertion, not by timestamp (inferred).
    assert body["list_items"] == [behind, ahead]


async def test_clear_log_keeps_the_clock(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """After a clear the log is empty; new items are stamped from the device clock."""
    clock = Clock()
    device, token = await fresh(simulator_factory, http, Profile.CAMDROID_PANEL, clock=clock)
    device.ring()
    device.clear_log()
    assert device.log_items == []
    clock.now += 10
    assert device.ring()["timestamp"] == int((NOW + 10) * 1000)
    _, body = await log_page(http, device, token)
    assert body["list_option"]["pagination"]["total_items"] == 1


async def test_secrets(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """secrets() holds passwords and digests, SIP and RTSP passwords, tokens, identifiers."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    device.update_sip_settings(password="sip-N3w-Secret")
    device.set_password("An0ther-Door#Pass")
    found = device.secrets()
    assert {
        PASSWORD,
        md5_hex(PASSWORD),
        md5_hex(PASSWORD).upper(),
        "An0ther-Door#Pass",
        "sip-Pan3l-Secret",
        "sip-N3w-Secret",
        "rtsp-Pan3l-Secret",
        token,
        "04A1B2C3D4E5F6",
    } <= found
    assert "" not in found
    assert "WebPass" not in found


async def test_factory_password_only_as_digest(simulator_factory: SimulatorFactory) -> None:
    """The six-digit factory password is left out in plain text, its digest is kept."""
    device = await simulator_factory(Profile.ANDROID_PANEL, password="123456")
    found = device.secrets()
    assert "123456" not in found
    assert md5_hex("123456") in found
    assert "rtsp-Andr0id-Secret" in found
    # The Android SIP mask posted back keeps the stored password; it is no secret.
    device.update_sip_settings(password="WebPass")
    assert "WebPass" not in device.secrets()


async def test_no_identifier_or_secret_in_log_lines(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The simulator logs method, path and status only: no card, code, token or password."""
    caplog.set_level(logging.DEBUG, logger="simulator")
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    device.card_granted("04F00D00C0FFEE")
    device.code_granted("9876#")
    await log_page(http, device, token)
    await call(http, device, "/api/v1/device/settings/rtsp", token=token)
    await call(http, device, "/_simulator/log")
    texts = [
        record.getMessage() for record in caplog.records if record.name.startswith("simulator")
    ]
    assert any("/api/v1/log/items -> 200" in text for text in texts)
    for secret in device.secrets():
        assert not any(secret in text for text in texts), secret
