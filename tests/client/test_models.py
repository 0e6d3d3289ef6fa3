"""Unit tests of every parser in ``custom_components/bas_ip/client/models.py``.

Device answers live as JSON files in ``fixtures/``. Each parser must return a
model or raise :class:`BasIpResponseError` naming the field; nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
import copy
from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.bas_ip.client import (
    BasIpDeviceInfo,
    BasIpResponseError,
    SipEnabled,
    SipRegistrationStatus,
    SipSettings,
    SipStatus,
    SipTransport,
    StunServer,
)
from custom_components.bas_ip.client.models import LoginResult, parse_login, parse_mac_address
from tests.const import SECRETS

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    """A device answer from ``fixtures/``."""
    return json.loads((FIXTURES / name).read_text())


def with_field(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    """A copy of ``body`` with ``field`` (``a.b`` for nested) set to ``value``."""
    body = copy.deepcopy(body)
    target = body
    *parents, leaf = field.split(".")
    for parent in parents:
        target = target[parent]
    target[leaf] = value
    return body


def without_field(body: dict[str, Any], field: str) -> dict[str, Any]:
    """A copy of ``body`` without ``field``."""
    body = copy.deepcopy(body)
    del body[field]
    return body


def assert_rejects(parse: Callable[[Any], object], data: Any, field: str) -> None:
    """``parse(data)`` raises BasIpResponseError naming ``field`` (and nothing else)."""
    with pytest.raises(BasIpResponseError) as err:
        parse(data)
    assert err.value.field == field
    assert err.value.status is None
    assert f"'{field}'" in str(err.value)


NOT_AN_OBJECT: list[Any] = [None, [], "text", 1, 1.5, True]


# --- BasIpDeviceInfo --------------------------------------------------------------------


def test_device_info_full() -> None:
    """Every known field is read; unknown ones (commit, mcu_version…) are ignored."""
    info = BasIpDeviceInfo.from_dict(load("info_camdroid_monitor.json"))
    assert info == BasIpDeviceInfo(
        serial_number="5c4d3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
        api_version="1.6.0",
        firmware_version="3.9.2",
        framework_version="1.2.0",
        frontend_version="1.2.0",
        device_type="monitor",
        device_name="AQ-07L",
        device_model="aq07l",
    )
    assert info.api_major_version == 1
    assert info.mac_address is None


def test_device_info_minimal() -> None:
    """Only serial and API version are required; a ``v`` prefix is understood."""
    info = BasIpDeviceInfo.from_dict(load("info_minimal.json"))
    assert info.serial_number == "0f0e0d0c-0b0a-4909-8807-060504030201"
    assert info.api_major_version == 1
    assert (
        info.firmware_version,
        info.framework_version,
        info.frontend_version,
        info.device_type,
        info.device_name,
        info.device_model,
    ) == (None,) * 6


def test_device_info_old_firmware() -> None:
    """API 0.x parses; deciding it is unsupported is the client's job."""
    assert BasIpDeviceInfo.from_dict(load("info_old_firmware.json")).api_major_version == 0


def test_api_major_version_of_unparsed_model() -> None:
    """A model built by hand with a non-version string reports major 0."""
    assert BasIpDeviceInfo(serial_number="x", api_version="unknown").api_major_version == 0


@pytest.mark.parametrize("data", NOT_AN_OBJECT)
def test_device_info_not_an_object(data: Any) -> None:
    """Anything but an object is rejected as a whole."""
    assert_rejects(BasIpDeviceInfo.from_dict, data, "info")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("device_serial_number", None),
        ("device_serial_number", ""),
        ("device_serial_number", "   "),
        ("device_serial_number", 12345),
        ("api_version", None),
        ("api_version", ""),
        ("api_version", 1.6),
        ("api_version", "latest"),
        ("firmware_version", 3),
        ("framework_version", []),
        ("frontend_version", {}),
        ("device_type", True),
        ("device_name", 7),
        ("device_model", 7.5),
    ],
)
def test_device_info_bad_field(field: str, value: Any) -> None:
    """Each field of the wrong type (or empty where required) is named."""
    assert_rejects(
        BasIpDeviceInfo.from_dict,
        with_field(load("info_camdroid_monitor.json"), field, value),
        field,
    )


@pytest.mark.parametrize("field", ["device_serial_number", "api_version"])
def test_device_info_missing_required(field: str) -> None:
    """Missing required fields are named."""
    assert_rejects(
        BasIpDeviceInfo.from_dict, without_field(load("info_camdroid_monitor.json"), field), field
    )


# --- MAC address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["aa-bb-cc-dd-ee-ff", "AA:BB:CC:DD:EE:FF", "aabb.ccdd.eeff", "aabbccddeeff"],
)
def test_mac_normalized(raw: str) -> None:
    """Any common notation becomes ``AA:BB:CC:DD:EE:FF``."""
    assert parse_mac_address({"mac_address": raw, "extra": 1}) == "AA:BB:CC:DD:EE:FF"
    assert parse_mac_address(load("mac.json")) == "AA:BB:CC:DD:EE:FF"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "zz:zz:zz:zz:zz:zz",
        "AA:BB:CC:DD:EE",
        "AA:BB:CC:DD:EE:FF:00",
        "AA BB CC DD EE FF",
        42,
    ],
)
def test_mac_rejected(value: Any) -> None:
    """Missing, empty, short, long or odd MACs are rejected by name."""
    assert_rejects(parse_mac_address, {"mac_address": value}, "mac_address")


@pytest.mark.parametrize("data", NOT_AN_OBJECT)
def test_mac_not_an_object(data: Any) -> None:
    """Anything but an object is rejected."""
    assert_rejects(parse_mac_address, data, "mac")


# --- SIP settings --------------------------------------------------------------------------


def test_sip_settings_seed_example() -> None:
    """The seed page's example parses; the password is not kept anywhere."""
    body = load("sip_settings_seed.json")
    settings = SipSettings.from_dict(body)
    assert settings == SipSettings(
        user="101",
        realm="sip.bas-ip.com",
        transport=SipTransport.UDP,
        registration_interval=50,
        proxy="sip:sip.bas-ip.com",
        stun=StunServer(host="stun.l.google.com", port=19302),
        h264_payload_type=102,
    )
    assert body["password"] not in repr(settings)
    assert not hasattr(settings, "password")


def test_sip_settings_panel() -> None:
    """Panels add outbound and user_id; no h264."""
    settings = SipSettings.from_dict(load("sip_settings_panel.json"))
    assert settings.outbound == "sip:outbound.example.com"
    assert settings.user_id == "entrance-1"
    assert settings.h264_payload_type is None
    assert settings.transport is SipTransport.TCP
    assert not any(secret in repr(settings) for secret in SECRETS)


def test_sip_settings_android_monitor_extras_ignored() -> None:
    """Android extras (host_to_id, multicast…) are ignored; float interval, upper-case transport."""
    settings = SipSettings.from_dict(load("sip_settings_android_monitor.json"))
    assert settings.registration_interval == 120
    assert isinstance(settings.registration_interval, int)
    assert settings.transport is SipTransport.UDP
    assert "WebPass" not in repr(settings)


def test_sip_settings_minimal() -> None:
    """Missing optional fields become ``None``."""
    settings = SipSettings.from_dict(load("sip_settings_minimal.json"))
    assert settings == SipSettings(
        user="7", realm="10.0.0.1", transport=SipTransport.TLS, registration_interval=30
    )
    assert (settings.proxy, settings.stun, settings.h264_payload_type) == (None, None, None)
    assert (settings.outbound, settings.user_id) == (None, None)


def test_sip_settings_null_stun_is_none() -> None:
    """``"stun": null`` is the same as no STUN server."""
    body = with_field(load("sip_settings_seed.json"), "stun", None)
    assert SipSettings.from_dict(body).stun is None


def test_sip_settings_password_is_never_validated() -> None:
    """A broken password field does not matter: it is never read."""
    for value in (None, 5, "", "x" * 100):
        body = with_field(load("sip_settings_seed.json"), "password", value)
        assert SipSettings.from_dict(body).user == "101"


@pytest.mark.parametrize("value", [None, "", " ", "\t"])
@pytest.mark.parametrize("field", ["user", "realm", "proxy"])
def test_sip_settings_unconfigured_account(field: str, value: Any) -> None:
    """An empty SIP account parses: blank or missing user, realm and proxy are ``None``."""
    body = with_field(load("sip_settings_seed.json"), field, value)
    assert getattr(SipSettings.from_dict(body), field) is None
    assert getattr(SipSettings.from_dict(without_field(body, field)), field) is None


def test_sip_settings_empty_account_fixture() -> None:
    """A panel used only for doors and the camera: every SIP text empty."""
    settings = SipSettings.from_dict(load("sip_settings_empty.json"))
    assert (settings.user, settings.realm, settings.proxy) == (None, None, None)
    assert settings.transport is SipTransport.UDP


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("user", 101),
        ("user", "1" * 32),
        ("realm", 10),
        ("transport", None),
        ("transport", "sctp"),
        ("transport", 1),
        ("registration_interval", None),
        ("registration_interval", "50"),
        ("registration_interval", True),
        ("registration_interval", 29),
        ("registration_interval", 901),
        ("registration_interval", 50.5),
        ("registration_interval", float("nan")),
        ("proxy", 5060),
        ("h264", "102"),
        ("h264", 98),
        ("h264", 128),
        ("h264", 102.5),
        ("h264", False),
        ("outbound", []),
        ("user_id", 5),
        ("stun", "stun.l.google.com"),
        ("stun", []),
        ("stun.ip", None),
        ("stun.ip", 1),
        ("stun.port", None),
        ("stun.port", "19302"),
        ("stun.port", -1),
        ("stun.port", 65536),
        ("stun.port", 1.5),
    ],
)
def test_sip_settings_bad_field(field: str, value: Any) -> None:
    """Each wrong type, bad value or range violation names its field."""
    body = with_field(load("sip_settings_seed.json"), field, value)
    assert_rejects(SipSettings.from_dict, body, field)


def test_sip_settings_bad_field_messages() -> None:
    """Messages say what is wrong without quoting the value."""
    body = with_field(load("sip_settings_seed.json"), "user", "secret-user-" * 3)
    with pytest.raises(BasIpResponseError, match="at most 31 characters") as err:
        SipSettings.from_dict(body)
    assert "secret-user" not in str(err.value)


@pytest.mark.parametrize("data", NOT_AN_OBJECT)
def test_sip_settings_not_an_object(data: Any) -> None:
    """Anything but an object is rejected."""
    assert_rejects(SipSettings.from_dict, data, "sip_settings")


@pytest.mark.parametrize("data", NOT_AN_OBJECT)
def test_stun_not_an_object(data: Any) -> None:
    """The STUN parser on its own rejects non-objects by name."""
    assert_rejects(StunServer.from_dict, data, "stun")


# --- SIP status ------------------------------------------------------------------------------


def test_sip_status_ok() -> None:
    """OK with a unix timestamp."""
    status = SipStatus.from_dict(load("sip_status_ok.json"))
    assert status.status is SipRegistrationStatus.OK
    assert status.registered
    assert status.last_attempt == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_sip_status_offline_null_attempt() -> None:
    """OFFLINE, ``null`` attempt → ``None``."""
    status = SipStatus.from_dict(load("sip_status_offline_null.json"))
    assert status.status is SipRegistrationStatus.OFFLINE
    assert not status.registered
    assert status.last_attempt is None


def test_sip_status_error_lowercase_float() -> None:
    """Status case is normalized; a float timestamp and extra fields are fine."""
    status = SipStatus.from_dict(load("sip_status_error_lowercase.json"))
    assert status.status is SipRegistrationStatus.ERROR
    assert status.last_attempt == datetime.fromtimestamp(1700000123.5, tz=UTC)


@pytest.mark.parametrize("attempt", ["missing", 0])
def test_sip_status_no_attempt(attempt: Any) -> None:
    """A missing or zero attempt (never tried) is ``None``."""
    body = load("sip_status_no_attempt.json")
    if attempt != "missing":
        body["register_last_attempt"] = attempt
    assert SipStatus.from_dict(body).last_attempt is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sip_status", None),
        ("sip_status", "REGISTERED"),
        ("sip_status", 1),
        ("register_last_attempt", "1700000000"),
        ("register_last_attempt", -1),
        ("register_last_attempt", 10**20),
        ("register_last_attempt", float("inf")),
        ("register_last_attempt", True),
    ],
)
def test_sip_status_bad_field(field: str, value: Any) -> None:
    """Bad status or timestamp is named."""
    assert_rejects(SipStatus.from_dict, with_field(load("sip_status_ok.json"), field, value), field)


@pytest.mark.parametrize("data", NOT_AN_OBJECT)
def test_sip_status_not_an_object(data: Any) -> None:
    """Anything but an object is rejected."""
    assert_rejects(SipStatus.from_dict, data, "sip_status")


# --- SIP enable ------------------------------------------------------------------------------


def test_sip_enabled() -> None:
    """True and false; extra fields ignored."""
    assert SipEnabled.from_dict(load("sip_enable_on.json")) == SipEnabled(enabled=True)
    assert SipEnabled.from_dict(load("sip_enable_off.json")) == SipEnabled(enabled=False)


@pytest.mark.parametrize("value", [None, 1, 0, "true", "false", []])
def test_sip_enabled_bad(value: Any) -> None:
    """Only a JSON boolean counts."""
    assert_rejects(SipEnabled.from_dict, {"sip_enable": value}, "sip_enable")


@pytest.mark.parametrize("data", NOT_AN_OBJECT)
def test_sip_enabled_not_an_object(data: Any) -> None:
    """Anything but an object is rejected."""
    assert_rejects(SipEnabled.from_dict, data, "sip_enable")


# --- login ------------------------------------------------------------------------------------


def test_login() -> None:
    """Token and account type; the result object does not carry the token."""
    token, result = parse_login(load("login.json"))
    assert token == "0b4a6c1e-5f3d-4e2a-9c8b-7a6f5e4d3c2b"
    assert result == LoginResult(account_type="admin")
    assert token not in repr(result)


def test_login_without_account_type() -> None:
    """The account type is optional."""
    _, result = parse_login(load("login_no_account_type.json"))
    assert result.account_type is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("token", None),
        ("token", ""),
        ("token", 123),
        ("token", "has space"),
        ("token", "line\nbreak"),
        ("token", "bell\x07"),
        ("account_type", 1),
    ],
)
def test_login_bad_field(field: str, value: Any) -> None:
    """Unusable tokens are rejected without quoting them."""
    with pytest.raises(BasIpResponseError) as err:
        parse_login(with_field(load("login.json"), field, value))
    assert err.value.field == field
    if isinstance(value, str) and value:
        assert value not in str(err.value)


@pytest.mark.parametrize("data", NOT_AN_OBJECT)
def test_login_not_an_object(data: Any) -> None:
    """Anything but an object is rejected."""
    assert_rejects(parse_login, data, "login")


# --- never anything but BasIpResponseError ----------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    [
        "device_serial_number",
        "api_version",
        "device_name",
        "mac_address",
        "user",
        "realm",
        "transport",
        "registration_interval",
        "h264",
        "stun",
        "proxy",
        "outbound",
        "user_id",
        "sip_status",
        "register_last_attempt",
        "sip_enable",
        "token",
        "account_type",
    ]
)
PARSERS: list[Callable[[Any], object]] = [
    BasIpDeviceInfo.from_dict,
    parse_mac_address,
    SipSettings.from_dict,
    StunServer.from_dict,
    SipStatus.from_dict,
    SipEnabled.from_dict,
    parse_login,
]
BASES = [
    load("info_camdroid_monitor.json"),
    {"mac_address": "AA:BB:CC:DD:EE:FF"},
    load("sip_settings_seed.json"),
    {"ip": "stun.example.com", "port": 3478},
    load("sip_status_ok.json"),
    load("sip_enable_on.json"),
    load("login.json"),
]


@settings(max_examples=150, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=len(PARSERS) - 1),
    field=FIELD_NAMES,
    value=JSON_VALUES,
    whole=st.booleans(),
)
def test_parsers_raise_only_response_errors(
    index: int, field: str, value: Any, whole: bool
) -> None:
    """Arbitrary JSON, whole or in one field of a valid answer, never escapes as another error."""
    data = value if whole else {**BASES[index], field: value}
    try:
        PARSERS[index](data)
    except BasIpResponseError as err:
        named_field = err.field
    else:
        named_field = "(parsed)"
    assert named_field
