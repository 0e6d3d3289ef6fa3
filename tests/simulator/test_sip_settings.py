"""SIP settings changes, validated exactly per the seed page's schema."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from simulator import Profile
from tests.conftest import SimulatorFactory, register_secret

from .util import call, login

PATH = "/api/v1/device/sip/settings"

# (change, parameter named in the error, reason)
INVALID_CHANGES: list[tuple[dict[str, Any], str, str]] = [
    ({"user": ""}, "user", "must not be empty"),
    ({"user": "1" * 32}, "user", "must be at most 31 characters"),
    ({"user": 101}, "user", "must be a string"),
    ({"password": ""}, "password", "must not be empty"),
    ({"password": "p" * 32}, "password", "must be at most 31 characters"),
    ({"password": None}, "password", "must be a string"),
    ({"registration_interval": 29}, "registration_interval", "must be between 30 and 900"),
    ({"registration_interval": 901}, "registration_interval", "must be between 30 and 900"),
    ({"registration_interval": "60"}, "registration_interval", "must be a number"),
    ({"registration_interval": True}, "registration_interval", "must be a number"),
    ({"h264": 98}, "h264", "must be between 99 and 127"),
    ({"h264": 128}, "h264", "must be between 99 and 127"),
    ({"h264": 102.5}, "h264", "must be an integer"),
    ({"h264": False}, "h264", "must be an integer"),
    ({"transport": "sctp"}, "transport", "must be one of udp, tcp, tls"),
    ({"transport": "UDP"}, "transport", "must be one of udp, tcp, tls"),
    ({"transport": 1}, "transport", "must be one of udp, tcp, tls"),
    ({"realm": ""}, "realm", "must be an IPv4 address or DNS name"),
    ({"realm": "bad host"}, "realm", "must be an IPv4 address or DNS name"),
    ({"realm": "192.168.1.300"}, "realm", "must be an IPv4 address or DNS name"),
    ({"realm": ["sip.example.com"]}, "realm", "must be a string"),
    ({"proxy": "sip:bad_host"}, "proxy", "must be an IPv4 address or DNS name"),
    ({"proxy": "sip:sip.example.com:70000"}, "proxy", "must be an IPv4 address or DNS name"),
    ({"proxy": "sip:sip.example.com:"}, "proxy", "must be an IPv4 address or DNS name"),
    ({"proxy": 5060}, "proxy", "must be a string"),
    # A trailing newline must not slip through a "$"-anchored pattern.
    ({"realm": "sip.example.com\n"}, "realm", "must be an IPv4 address or DNS name"),
    ({"realm": "10.0.0.1\n"}, "realm", "must be an IPv4 address or DNS name"),
    ({"proxy": "sip:pbx.example.com:5060\n"}, "proxy", "must be an IPv4 address or DNS name"),
    (
        {"stun": {"ip": "stun.example.com\n", "port": 3478}},
        "stun.ip",
        "must be an IPv4 address or DNS name",
    ),
    ({"stun": "stun.example.com"}, "stun", "must be an object"),
    ({"stun": {"port": 3478}}, "stun.ip", "is required"),
    ({"stun": {"ip": "stun.example.com"}}, "stun.port", "is required"),
    ({"stun": {"ip": "x..y", "port": 3478}}, "stun.ip", "must be an IPv4 address or DNS name"),
    ({"stun": {"ip": "stun.example.com", "port": 0}}, "stun.port", "must be between 1 and 65535"),
    ({"stun": {"ip": "stun.example.com", "port": "3478"}}, "stun.port", "must be an integer"),
    ({"stun": {"ip": "a.b", "port": 1, "extra": 1}}, "stun.extra", "is not allowed"),
    ({"unknown_field": 1}, "unknown_field", "is not allowed"),
]

VALID_CHANGES: list[dict[str, Any]] = [
    {"user": "1" * 31},
    {"password": "p" * 31},
    {"registration_interval": 30},
    {"registration_interval": 900},
    {"registration_interval": 45.5},
    {"h264": 99},
    {"h264": 127},
    {"transport": "tls"},
    {"realm": "10.0.0.1"},
    {"realm": "sip.example.com."},
    {"proxy": ""},
    {"proxy": "10.0.0.1"},
    {"proxy": "sip:10.0.0.1:5060"},
    {"proxy": "SIPS:pbx.example.com:5061"},
    {"stun": {"ip": "192.0.2.1", "port": 65535}},
    {},
]


def data_of(profile: Profile, body: dict[str, Any]) -> Any:
    """The validation details of an error body of either shape."""
    if profile is Profile.ANDROID_PANEL:
        assert body["error"] == "Data validation error"
        return body["data"]
    assert body["error"]["code"] == "not_valid"
    assert body["error"]["message"] == "Data validation error"
    return body["error"]["data"]


@pytest.mark.parametrize(("change", "param", "reason"), INVALID_CHANGES)
async def test_post_rejects_invalid(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    change: dict[str, Any],
    param: str,
    reason: str,
) -> None:
    """Each invalid value answers 400 not_valid naming the parameter; nothing changes."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    token = await login(http, device)
    before = device.sip_settings
    status, body = await call(http, device, PATH, token=token, method="POST", json_body=change)
    assert status == 400
    assert data_of(Profile.CAMDROID_MONITOR, body)[param] == reason
    assert device.sip_settings == before


@pytest.mark.parametrize(("change", "param", "reason"), INVALID_CHANGES)
async def test_python_api_rejects_invalid(
    simulator_factory: SimulatorFactory, change: dict[str, Any], param: str, reason: str
) -> None:
    """``update_sip_settings`` applies the same rules and names param and reason."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    before = device.sip_settings
    with pytest.raises(ValueError, match=f"^{re.escape(param)}: {re.escape(reason)}$"):
        device.update_sip_settings(**change)
    assert device.sip_settings == before


@pytest.mark.parametrize("change", VALID_CHANGES)
async def test_post_accepts_valid(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, change: dict[str, Any]
) -> None:
    """Valid partial changes are applied and the new settings come back."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    token = await login(http, device)
    expected = {**device.sip_settings, **change}
    status, body = await call(http, device, PATH, token=token, method="POST", json_body=change)
    assert status == 200
    assert body == expected
    assert device.sip_settings == expected


async def test_all_errors_reported_together(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Every rejected parameter is named in ``data``."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    status, body = await call(
        http,
        device,
        PATH,
        token=token,
        method="POST",
        json_body={"user": "", "h264": 102, "transport": "x"},
    )
    assert status == 400
    # The panel has no h264 parameter.
    assert data_of(Profile.CAMDROID_PANEL, body) == {
        "user": "must not be empty",
        "h264": "is not allowed",
        "transport": "must be one of udp, tcp, tls",
    }


@pytest.mark.parametrize(
    ("raw", "reason"), [(b"[1, 2]", "must be an object"), (b"{oops", "must be JSON")]
)
async def test_post_body_must_be_json_object(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, raw: bytes, reason: str
) -> None:
    """A body that is not a JSON object is not_valid on ``body``."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    token = await login(http, device)
    status, body = await call(http, device, PATH, token=token, method="POST", data=raw)
    assert status == 400
    assert data_of(Profile.CAMDROID_MONITOR, body) == {"body": reason}


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        ({"user_id": ""}, True),
        ({"user_id": "u" * 40}, True),
        ({"user_id": 7}, False),
        ({"outbound": ""}, True),
        ({"outbound": "sip:outbound.example.com:5060"}, True),
        ({"outbound": "outbound.example.com\n"}, False),
    ],
)
async def test_panel_fields(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    change: dict[str, Any],
    accepted: bool,
) -> None:
    """``user_id`` is any string (the docs constrain only user and password)."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    token = await login(http, device)
    before = device.sip_settings
    status, body = await call(http, device, PATH, token=token, method="POST", json_body=change)
    if accepted:
        assert status == 200
        assert device.sip_settings == {**before, **change}
    else:
        assert status == 400
        assert set(data_of(Profile.CAMDROID_PANEL, body)) == set(change)
        assert device.sip_settings == before


async def test_android_mask_keeps_password(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Posting the GET body back (with the WebPass mask) keeps the stored password."""
    device = await simulator_factory(Profile.ANDROID_PANEL)
    token = await login(http, device)
    stored = device.sip_settings["password"]
    _, current = await call(http, device, PATH, token=token)
    assert current["password"] == "WebPass"
    current["user"] = "2002"
    status, body = await call(http, device, PATH, token=token, method="POST", json_body=current)
    assert status == 200
    assert body["user"] == "2002"
    assert body["password"] == "WebPass"
    assert device.sip_settings["password"] == stored
    device.update_sip_settings(password="WebPass", user="2003")
    assert device.sip_settings["password"] == stored
    register_secret("new-sip-pass")
    device.update_sip_settings(password="new-sip-pass")
    assert device.sip_settings["password"] == "new-sip-pass"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"multicast": "no"}, "must be of type boolean"),
        ({"timeout": "30"}, "must be of type number"),
        ({"net": 1}, "must be of type string"),
        ({"enable": 1}, "must be of type boolean"),
    ],
)
async def test_android_extra_fields_keep_their_type(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    change: dict[str, Any],
    reason: str,
) -> None:
    """Android's extra fields are accepted with their JSON type only (flat error body)."""
    device = await simulator_factory(Profile.ANDROID_PANEL)
    token = await login(http, device)
    status, body = await call(http, device, PATH, token=token, method="POST", json_body=change)
    assert status == 400
    assert data_of(Profile.ANDROID_PANEL, body) == {next(iter(change)): reason}
    device.update_sip_settings(timeout=45.0, multicast=True)
    assert device.sip_settings["timeout"] == 45.0


async def test_sip_settings_property_is_a_copy(simulator_factory: SimulatorFactory) -> None:
    """Changing the returned dict does not change the device."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    settings = device.sip_settings
    settings["stun"]["port"] = 1
    settings["user"] = "999"
    assert device.sip_settings["stun"]["port"] == 19302
    assert device.sip_settings["user"] == "101"


async def test_settings_method_not_allowed(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Only GET and POST are served."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    token = await login(http, device)
    status, _ = await call(http, device, PATH, token=token, method="DELETE")
    assert status == 405


@pytest.mark.parametrize(
    ("change", "param", "reason"),
    [
        ({"password": "12345"}, "password", "must be at least 6 characters"),
        ({"proxy": "192.0.2.50:5060"}, "proxy", "must start with sip:"),
    ],
)
async def test_android_panel_rules(
    simulator_factory: SimulatorFactory, change: dict[str, Any], param: str, reason: str
) -> None:
    """Android panels also want a 6-character password and a proxy with ``sip:``."""
    device = await simulator_factory(Profile.ANDROID_PANEL)
    before = device.sip_settings
    async with aiohttp.ClientSession() as http:
        token = await login(http, device)
        status, body = await call(http, device, PATH, token=token, method="POST", json_body=change)
    assert status == 400
    assert body["data"] == {param: reason}
    assert device.sip_settings == before


async def test_camdroid_has_no_android_rules(simulator_factory: SimulatorFactory) -> None:
    """The same values are fine on a Camdroid panel."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    async with aiohttp.ClientSession() as http:
        token = await login(http, device)
        status, _ = await call(
            http, device, PATH, token=token, method="POST", json_body={"proxy": "192.0.2.50:5060"}
        )
    assert status == 200
    assert device.sip_settings["proxy"] == "192.0.2.50:5060"
