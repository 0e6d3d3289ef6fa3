"""Write-side checks, as the device makes them, pinned to the simulator's limits."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from custom_components.bas_ip.client import (
    BasIpIncompleteError,
    BasIpValidationError,
    SipSettingsUpdate,
    SipTransport,
    validation as client_validation,
)
from custom_components.bas_ip.client.models import StunServer
from custom_components.bas_ip.client.validation import validate_sip_write
from simulator import validation as simulator_validation
from simulator.validation import SettingsError, validate_settings

SIP_PASSWORD = "Sip-Write-Secret-77"
VALID: dict[str, Any] = {
    "proxy": "sip:sip.bas-ip.com",
    "realm": "sip.bas-ip.com",
    "user": "101",
    "password": SIP_PASSWORD,
    "stun": {"ip": "stun.l.google.com", "port": 19302},
    "registration_interval": 50,
    "h264": 102,
    "transport": "udp",
}


def changed(**changes: Any) -> dict[str, Any]:
    """A copy of the valid body with ``changes``."""
    body = copy.deepcopy(VALID)
    body.update(changes)
    return body


def refused_field(body: dict[str, Any], *, android: bool = False) -> str | None:
    """The field the client refuses, or ``None`` when it accepts the body."""
    refusal: BasIpValidationError | None = None
    try:
        validate_sip_write(body, android=android)
    except BasIpValidationError as err:
        refusal = err
    if refusal is None:
        return None
    assert SIP_PASSWORD not in str(refusal)
    return refusal.field


def test_valid_body_passes() -> None:
    """The seed page's example is a valid write, on every family."""
    assert refused_field(VALID) is None
    assert refused_field(VALID, android=True) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"user": ""}, "user"),
        ({"user": "  "}, "user"),
        ({"user": "1" * 32}, "user"),
        ({"user": 101}, "user"),
        ({"password": ""}, "password"),
        ({"password": "p" * 32}, "password"),
        ({"password": None}, "password"),
        ({"registration_interval": 29}, "registration_interval"),
        ({"registration_interval": 901}, "registration_interval"),
        ({"registration_interval": True}, "registration_interval"),
        ({"registration_interval": "50"}, "registration_interval"),
        ({"transport": "sctp"}, "transport"),
        ({"transport": "UDP"}, "transport"),
        ({"stun": "stun.example.com"}, "stun"),
        ({"stun": {"ip": "", "port": 3478}}, "stun.ip"),
        ({"stun": {"ip": "stun.example.com", "port": 0}}, "stun.port"),
        ({"stun": {"ip": "stun.example.com", "port": 65536}}, "stun.port"),
        ({"stun": {"ip": "stun.example.com", "port": "3478"}}, "stun.port"),
        ({"realm": 5}, "realm"),
        ({"proxy": None}, "proxy"),
    ],
)
def test_refused(changes: dict[str, Any], field: str) -> None:
    """Each rule names its field; the value is never in the text."""
    assert refused_field(changed(**changes)) == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "12345"}, "password"),
        ({"proxy": "sip.bas-ip.com"}, "proxy"),
        ({"proxy": ""}, "proxy"),
    ],
)
def test_android_rules(changes: dict[str, Any], field: str) -> None:
    """Android panels: password 6..31 characters, ``proxy`` starting with ``sip:``."""
    body = changed(**changes)
    assert refused_field(body, android=True) == field
    assert refused_field(body, android=False) is None


def test_android_detected_by_the_password_mask() -> None:
    """An Android panel answers the GET with ``WebPass`` instead of the password."""
    assert client_validation.is_android_answer({"password": "WebPass"})
    assert not client_validation.is_android_answer({"password": "secret"})
    assert not client_validation.is_android_answer({})


def test_update_merges_only_given_fields() -> None:
    """``None`` leaves a field as the device has it; extras are kept."""
    current = {**VALID, "host_to_id": True}
    update = SipSettingsUpdate(
        transport=SipTransport.TLS,
        stun=StunServer(host="10.0.0.1", port=3478),
        registration_interval=120,
    )
    body = update.apply(current)
    assert body["transport"] == "tls"
    assert body["stun"] == {"ip": "10.0.0.1", "port": 3478}
    assert body["registration_interval"] == 120
    assert body["user"] == "101"
    assert body["host_to_id"] is True
    assert current["transport"] == "udp"  # not modified


# --- pinned to the simulator ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "SIP_TEXT_MAX_LENGTH",
        "REGISTRATION_INTERVAL_MIN",
        "REGISTRATION_INTERVAL_MAX",
        "PORT_MIN",
        "PORT_MAX",
        "TRANSPORTS",
    ],
)
def test_limits_match_the_simulator(name: str) -> None:
    """Client and simulator are written apart on purpose; their limits must not drift."""
    assert getattr(client_validation, name) == getattr(simulator_validation, name)


def _simulator_refuses(body: dict[str, Any]) -> bool:
    try:
        validate_settings(VALID, body)
    except SettingsError:
        return True
    return False


@pytest.mark.parametrize(
    "changes",
    [
        {"user": "1" * 31},
        {"user": "1" * 32},
        {"password": "p"},
        {"password": "p" * 31},
        {"password": "p" * 32},
        {"registration_interval": 30},
        {"registration_interval": 29},
        {"registration_interval": 900},
        {"registration_interval": 901},
        {"registration_interval": 45.0},
        {"transport": "tls"},
        {"transport": "TLS"},
        {"stun": {"ip": "stun.example.com", "port": 1}},
        {"stun": {"ip": "stun.example.com", "port": 0}},
        {"stun": {"ip": "stun.example.com", "port": 65535}},
        {"stun": {"ip": "stun.example.com", "port": 65536}},
    ],
)
def test_client_and_simulator_agree(changes: dict[str, Any]) -> None:
    """At every boundary both accept or both refuse."""
    body = changed(**changes)
    assert (refused_field(body) is not None) == _simulator_refuses(body)


def test_stun_parts_are_merged_against_the_device() -> None:
    """A STUN host or port alone keeps the other part the device returned."""
    current = {**VALID, "stun": {"ip": "stun.example", "port": 3478}}
    assert SipSettingsUpdate(stun_port=19302).apply(current)["stun"] == {
        "ip": "stun.example",
        "port": 19302,
    }
    assert SipSettingsUpdate(stun_host="10.0.0.2").apply(current)["stun"] == {
        "ip": "10.0.0.2",
        "port": 3478,
    }


@pytest.mark.parametrize(
    ("update", "missing"), [({"stun_port": 3478}, "stun.ip"), ({"stun_host": "h"}, "stun.port")]
)
def test_a_stun_part_without_a_device_stun_server_is_incomplete(
    update: dict[str, Any], missing: str
) -> None:
    """The device has no STUN server: the part given cannot be completed."""
    current = {key: value for key, value in VALID.items() if key != "stun"}
    with pytest.raises(BasIpIncompleteError) as caught:
        SipSettingsUpdate(**update).apply(current)
    assert caught.value.field == missing
