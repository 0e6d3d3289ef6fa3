"""The event log's content: history, item shapes, injection helpers, clock, secrets.

How the log pages and sorts (dialects, variants, capacity, the Date header,
data clear) is in ``test_log_dialects.py``.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from simulator import DeviceSimulator, Profile
from simulator.log import english_name
from simulator.log.history import HISTORY_CARDS, HISTORY_CODE, HISTORY_UNKNOWN_CARD
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
# How each profile's own dialect asks for newest first.
NEWEST_FIRST = {
    Profile.CAMDROID_PANEL: {"order_by": "timestamp desc"},
    Profile.CAMDROID_MONITOR: {"order_by": "timestamp desc"},
    Profile.ANDROID_PANEL: {"sort_type": "desc"},
}
QR = "5d0c9a4e-2b7f-4c1a-9e3d-8f6a1b2c3d4e"
FACE = "a1b2c3d4-face-4e5f-8a9b-0c1d2e3f4a5b"


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


def models(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The ``info.model`` of each item logged with ``key``."""
    return [item["info"]["model"] for item in items if item["name"]["key"] == key]


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
    door = "door_was_opened" if profile is Profile.ANDROID_PANEL else "door_sensor_was_opened"
    assert (door in found) is (profile is not Profile.CAMDROID_MONITOR)
    # The login adds one item stamped now, the newest.
    token = await login(http, device)
    status, body = await log_page(http, device, token, limit=50, sort=NEWEST_FIRST[profile])
    assert status == 200
    assert body["list_items"][0]["name"]["key"] == "successful_login_api_call"
    assert body["list_items"][0]["timestamp"] == now_ms
    assert body["list_option"]["pagination"]["total_items"] == len(items) + 1


@pytest.mark.parametrize("profile", [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL])
async def test_history_access_in_real_shape(
    simulator_factory: SimulatorFactory, profile: Profile
) -> None:
    """A panel's history has card and code uses in the real model; their numbers are learned."""
    device = await simulator_factory(profile)
    granted = models(device.log_items, "access_granted_by_valid_identifier")
    assert [model["number"] for model in granted] == list(HISTORY_CARDS)
    assert all(model["type"] == "card" and model["owner"] for model in granted)
    assert all(
        set(model) == {"lock", "owner", "number", "apartment_address", "type"} for model in granted
    )
    assert models(device.log_items, "access_denied_by_unknown_card") == [
        {"lock": 1, "number": HISTORY_UNKNOWN_CARD, "type": "card"}
    ]
    assert models(device.log_items, "access_granted_by_master_code") == [
        {"lock": 1, "number": HISTORY_CODE, "type": "input_code"}
    ]
    assert device.identifiers == {*HISTORY_CARDS, HISTORY_UNKNOWN_CARD, HISTORY_CODE}
    assert device.identifiers <= device.secrets()
    # The called apartments of the history's rings are no identifiers.
    rings = models(device.log_items, RING_KEYS[profile][0])
    assert {model["number"] for model in rings} == {"101"}
    assert "101" not in device.identifiers


async def test_history_can_be_left_out(simulator_factory: SimulatorFactory) -> None:
    """``history=False`` starts with an empty log."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, history=False)
    assert device.log_items == []
    assert device.identifiers == frozenset()


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_real_item_shape(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Every profile answers the real shape: name.text, info.text and info.model."""
    device, token = await fresh(simulator_factory, http, profile)
    ring = device.ring("101")
    card = device.card_granted("04AB12CD34EF56", lock=2, owner="Ann Lee", apartment="2-1-15")
    status, body = await log_page(http, device, token)
    assert status == 200
    assert body["list_items"] == [ring, card]
    ring_key = RING_KEYS[profile][0]
    assert ring == {
        "timestamp": ring["timestamp"],
        "category": "info",
        "priority": "low",
        "name": {"key": ring_key, "text": english_name(ring_key)},
        "info": {"text": "apartment 101", "model": {"number": "101"}},
    }
    assert card["name"] == {
        "key": "access_granted_by_valid_identifier",
        "text": "Access granted by valid identifier",
    }
    assert card["info"] == {
        # The description names the owner, never the card number.
        "text": "Card, owner Ann Lee, apartment 2-1-15, lock 2",
        "model": {
            "lock": 2,
            "owner": "Ann Lee",
            "number": "04AB12CD34EF56",
            "apartment_address": "2-1-15",
            "type": "card",
        },
    }


async def test_legacy_item_shape(simulator_factory: SimulatorFactory) -> None:
    """The ``legacy_shape`` variant answers name.english/localized and card/code models."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, log_variant="legacy_shape")
    history = device.log_items
    assert all(set(item["name"]) == {"key", "localized", "english"} for item in history)
    assert all(set(item["info"]) == {"model"} for item in history)
    assert models(history, "access_granted_by_master_code") == [{"code": HISTORY_CODE, "lock": 1}]
    device.clear_log()
    items = [
        device.ring("102"),
        device.card_granted("04CAFE00000001", lock=2),
        device.card_denied("04CAFE00000002"),
        device.code_granted("5555#"),
        device.qr_granted(QR),
    ]
    assert items[0]["name"] == {
        "key": "outgoing_call",
        "localized": "Outgoing call",
        "english": "Outgoing call",
    }
    assert [item["info"] for item in items] == [
        {"model": {"number": "102"}},
        {"model": {"card": "04CAFE00000001", "lock": 2}},
        {"model": {"card": "04CAFE00000002"}},
        {"model": {"code": "5555#", "lock": 1}},
        # QR codes had no legacy field: the model stays as the device has it.
        {
            "model": {
                "lock": 1,
                "owner": "Olena Shevchuk",
                "number": QR,
                "apartment_address": "1-1-101",
                "type": "qr",
            }
        },
    ]
    assert {"04CAFE00000001", "04CAFE00000002", "5555#", QR} <= device.identifiers


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_helpers_log_documented_keys(
    simulator_factory: SimulatorFactory, profile: Profile
) -> None:
    """Each helper logs its key and the real model; identifiers are learned, apartments not."""
    device = await simulator_factory(profile, history=False)
    ring, missed = RING_KEYS[profile]
    items = [
        device.ring("102"),
        device.missed_call("103"),
        device.card_granted("04CAFE00000001", lock=2),
        device.card_denied("04CAFE00000002"),
        device.code_granted("5555#", lock=1),
        device.code_denied("1111#", lock=2),
        device.qr_granted(QR, lock=0, owner="Guest", apartment=None),
        device.qr_denied(),
        device.face_granted(FACE, owner="Ann Lee"),
        device.exit_button(lock=2),
    ]
    owner = {"owner": "Olena Shevchuk", "apartment_address": "1-1-101"}
    assert [(item["name"]["key"], item["info"]["model"]) for item in items] == [
        (ring, {"number": "102"}),
        (missed, {"number": "103"}),
        (
            "access_granted_by_valid_identifier",
            {"lock": 2, "number": "04CAFE00000001", "type": "card", **owner},
        ),
        ("access_denied_by_unknown_card", {"number": "04CAFE00000002", "type": "card"}),
        ("access_granted_by_master_code", {"lock": 1, "number": "5555#", "type": "input_code"}),
        (
            "access_denied_by_not_valid_input_code",
            {"lock": 2, "number": "1111#", "type": "input_code"},
        ),
        (
            "access_granted_by_valid_identifier",
            {"lock": 0, "owner": "Guest", "number": QR, "type": "qr"},
        ),
        (
            "access_denied_by_unknown_qr_code",
            {"number": "c0ffee00-0bad-4bad-8bad-00000000dead", "type": "qr"},
        ),
        (
            "access_granted_by_valid_identifier",
            {**owner, "lock": 1, "owner": "Ann Lee", "number": FACE, "type": "face_id"},
        ),
        ("lock_was_opened_by_exit_btn", {"lock": 2}),
    ]
    assert [item["category"] for item in items[2:9]] == [
        "info",
        "warning",
        "info",
        "warning",
        "info",
        "warning",
        "info",
    ]
    assert device.identifiers == {
        "04CAFE00000001",
        "04CAFE00000002",
        "5555#",
        "1111#",
        QR,
        "c0ffee00-0bad-4bad-8bad-00000000dead",
        FACE,
    }
    assert device.identifiers <= device.secrets()
    assert not {"102", "103", "Olena Shevchuk"} & device.secrets()
    assert device.log_items == items


async def test_log_event_generic(simulator_factory: SimulatorFactory) -> None:
    """Any key and category pass; an explicit timestamp is kept; names are readable."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, history=False, clock=Clock())
    item = device.log_event("brand_new_event", category="alarm", timestamp_ms=5)
    assert item["timestamp"] == 5
    assert item["priority"] == "low"
    assert item["name"] == {"key": "brand_new_event", "text": "Brand new event"}
    assert item["info"] == {"text": "Brand new event", "model": {}}
    assert device.log_event("sip_registration_lost", category="warning")["priority"] == "medium"
    assert device.log_event("x", info={"card": ""})["timestamp"] == int(NOW * 1000)
    # Legacy identifiers given by hand are learned too, empty ones are not.
    device.log_event("access_granted_by_valid_identifier", info={"card": "04AAAA0000BBBB"})
    assert device.identifiers == {"04AAAA0000BBBB"}


async def test_burst(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """A burst lands in one millisecond, in insertion order."""
    device, token = await fresh(simulator_factory, http, Profile.CAMDROID_PANEL)
    burst = device.log_burst(25)
    assert len(burst) == 25
    assert len({item["timestamp"] for item in burst}) == 1
    assert keys(burst) == ["access_granted_by_valid_identifier"] * 25
    _, body = await log_page(http, device, token, limit=50)
    assert body["list_items"] == burst
    _, body = await log_page(http, device, token, limit=50, sort={"order_by": "timestamp desc"})
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
    # Sorted by insertion, not by timestamp (inferred), both ways.
    _, body = await log_page(http, device, token, sort={"sort_type": "desc"})
    assert body["list_items"] == [behind, ahead]
    _, body = await log_page(http, device, token, sort={"sort_type": "asc"})
    assert body["list_items"] == [ahead, behind]


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
async def test_markerless_variant_logs_no_login(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """``android_1_8``: logins work and are counted, but leave no item in the log."""
    device = await simulator_factory(profile, log_variant="android_1_8")
    assert "successful_login_api_call" not in keys(device.log_items)
    before = list(device.log_items)
    token = await login(http, device)
    await call(http, device, "/api/v1/login?username=admin&password=" + md5_hex("nope"))
    assert (device.logins, device.login_failures) == (1, 1)
    assert device.log_items == before
    ring = device.ring("101")
    _, body = await log_page(http, device, token, limit=50)
    assert body["list_items"] == [*before, ring]
    assert device.state()["log_variant"] == "android_1_8"
    assert device.state()["log"]["logs_logins"] is False


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
    device.qr_granted(QR)
    await log_page(http, device, token)
    await call(http, device, "/api/v1/device/settings/rtsp", token=token)
    await call(http, device, "/_simulator/log")
    texts = [
        record.getMessage() for record in caplog.records if record.name.startswith("simulator")
    ]
    assert any("/api/v1/log/items -> 200" in text for text in texts)
    for secret in device.secrets():
        assert not any(secret in text for text in texts), secret
