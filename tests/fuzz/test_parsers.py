"""Fuzz every parser: it returns a model that satisfies the schema, or raises
``BasIpResponseError`` naming a field — nothing else, whatever the device sends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from itertools import takewhile
import json
import re
from typing import Any, Final

from hypothesis import example, given, strategies as st
import pytest

from custom_components.bas_ip.client.client import _decode_json
from custom_components.bas_ip.client.exceptions import BasIpResponseError
from custom_components.bas_ip.client.models import (
    BasIpDeviceInfo,
    SipEnabled,
    SipRegistrationStatus,
    SipSettings,
    SipStatus,
    SipTransport,
    StunServer,
    parse_login,
    parse_mac_address,
)
from tests.const import SECRETS

from .profiles import FUZZ_SETTINGS, expect, record
from .strategies import (
    BYTE_EDITS,
    DEVICE_INFO,
    JSON_VALUES,
    LOGIN,
    MAC_ADDRESS,
    SCHEMAS,
    SIP_ENABLED,
    SIP_SETTINGS,
    SIP_STATUS,
    STUN,
    Schema,
    attempt,
    mutate_bytes,
    near_valid,
)

PARSERS: Final[dict[str, Callable[[Any], Any]]] = {
    DEVICE_INFO.name: BasIpDeviceInfo.from_dict,
    MAC_ADDRESS.name: parse_mac_address,
    STUN.name: StunServer.from_dict,
    SIP_SETTINGS.name: SipSettings.from_dict,
    SIP_STATUS.name: SipStatus.from_dict,
    SIP_ENABLED.name: SipEnabled.from_dict,
    LOGIN.name: parse_login,
}
expect(*PARSERS)
# The name a parser gives the whole body when it is not a JSON object.
BODY_FIELDS: Final = {
    DEVICE_INFO.name: "info",
    MAC_ADDRESS.name: "mac",
    STUN.name: "stun",
    SIP_SETTINGS.name: "sip_settings",
    SIP_STATUS.name: "sip_status",
    SIP_ENABLED.name: "sip_enable",
    LOGIN.name: "login",
}
_ERROR_TEXT: Final = re.compile(r"Invalid device response: field '([a-z0-9_.]+)' [ -~]{1,80}")
_MAC: Final = re.compile(r"(?:[0-9A-F]{2}:){5}[0-9A-F]{2}")
_OPTIONAL_INFO_FIELDS: Final = (
    "firmware_version",
    "framework_version",
    "frontend_version",
    "device_type",
    "device_name",
    "device_model",
)

schemas = pytest.mark.parametrize("schema", SCHEMAS, ids=[s.name for s in SCHEMAS])


# --- invariants --------------------------------------------------------------


def check_model(schema: Schema, result: Any, body: Any) -> None:
    """The parsed value satisfies the schema and carries the body's values."""
    match schema.name:
        case DEVICE_INFO.name:
            assert isinstance(result, BasIpDeviceInfo)
            assert result.serial_number == body["device_serial_number"]
            assert result.serial_number.strip()
            assert result.api_version == body["api_version"]
            # The client compares the major version right after parsing.
            assert type(result.api_major_version) is int
            # Independent oracle: the leading (Unicode) decimal digits, after
            # blanks and an optional "v".
            rest = body["api_version"].lstrip().removeprefix("v")
            digits = "".join(takewhile(str.isdecimal, rest))
            assert result.api_major_version == int(digits)
            for name in _OPTIONAL_INFO_FIELDS:
                assert getattr(result, name) == body.get(name)
            assert result.mac_address is None
        case MAC_ADDRESS.name:
            assert isinstance(result, str)
            assert _MAC.fullmatch(result)
            digits = re.sub(r"[^0-9A-Fa-f]", "", body["mac_address"]).upper()
            assert result.replace(":", "") == digits
        case STUN.name:
            _check_stun(result, body)
        case SIP_SETTINGS.name:
            assert isinstance(result, SipSettings)
            # Blank or missing means "no SIP account": None, never "".
            for name in ("user", "realm", "proxy"):
                raw = body.get(name)
                expected = raw if isinstance(raw, str) and raw.strip() else None
                assert getattr(result, name) == expected, name
            assert result.user is None or 1 <= len(result.user) <= 31
            assert isinstance(result.transport, SipTransport)
            assert result.transport.value == body["transport"].strip().lower()
            assert type(result.registration_interval) is int
            assert 30 <= result.registration_interval <= 900
            assert result.registration_interval == body["registration_interval"]
            if result.h264_payload_type is None:
                assert body.get("h264") is None
            else:
                assert type(result.h264_payload_type) is int
                assert 99 <= result.h264_payload_type <= 127
                assert result.h264_payload_type == body["h264"]
            for attribute in ("outbound", "user_id"):
                value = getattr(result, attribute)
                assert value is None or isinstance(value, str)
                assert value == body.get(attribute)
            if body.get("stun") is None:
                assert result.stun is None
            else:
                _check_stun(result.stun, body["stun"])
            # The SIP password is read past, never kept.
            assert not hasattr(result, "password")
            password = body.get("password")
            if isinstance(password, str) and password:
                others = [v for k, v in body.items() if k != "password" and isinstance(v, str)]
                if not any(password in other for other in others):
                    assert password not in repr(result)
        case SIP_STATUS.name:
            assert isinstance(result, SipStatus)
            assert isinstance(result.status, SipRegistrationStatus)
            assert result.status.value == body["sip_status"].strip().upper()
            assert result.registered is (result.status is SipRegistrationStatus.OK)
            seconds = body.get("register_last_attempt")
            if not seconds:
                assert result.last_attempt is None
            else:
                assert isinstance(result.last_attempt, datetime)
                assert result.last_attempt.tzinfo is UTC
                assert abs(result.last_attempt.timestamp() - seconds) < 1e-3
        case SIP_ENABLED.name:
            assert isinstance(result, SipEnabled)
            assert result.enabled is body["sip_enable"]
        case LOGIN.name:
            token, login = result
            assert token == body["token"]
            assert token.strip()
            assert token.isprintable()
            assert not any(ch.isspace() for ch in token)
            assert login.account_type == body.get("account_type")
        case _:
            pytest.fail(f"no invariants for {schema.name}")


def _check_stun(result: Any, body: Any) -> None:
    assert isinstance(result, StunServer)
    assert isinstance(result.host, str)
    assert result.host == body["ip"]
    assert type(result.port) is int
    assert 0 <= result.port <= 65535
    assert result.port == body["port"]


def check_rejection(schema: Schema, err: BasIpResponseError, body: Any) -> None:
    """The error names a field the body really breaks and repeats none of its text."""
    text = str(err)
    match = _ERROR_TEXT.fullmatch(text)
    assert match, f"unexpected error text {text!r}"
    assert match.group(1) == err.field
    assert err.status is None
    assert not any(secret in text for secret in SECRETS)
    if not isinstance(body, dict):
        assert err.field == BODY_FIELDS[schema.name]
        return
    allowed = schema.error_fields(body)
    assert any(
        err.field == name or (name.endswith("*") and err.field.startswith(name[:-1]))
        for name in allowed
        if err.field is not None
    ), f"{err.field!r} reported, but the invalid fields are {sorted(allowed)}"


def run_parser(schema: Schema, body: Any) -> bool:
    """Parse ``body``; check the outcome against the schema; True when parsed."""
    result, err = attempt(PARSERS[schema.name], body)
    record(schema.name, parsed=err is None)
    if err is not None:
        check_rejection(schema, err, body)
        if isinstance(body, dict):
            assert schema.verdict(body) is not True, f"valid body rejected: {err}"
        return False
    assert isinstance(body, dict), "a body that is not an object was accepted"
    assert schema.verdict(body) is not False, "a body breaking the schema was accepted"
    check_model(schema, result, body)
    return True


# --- tests -------------------------------------------------------------------


@schemas
@FUZZ_SETTINGS
@given(data=st.data())
def test_valid_bodies_parse(schema: Schema, data: st.DataObject) -> None:
    """Every body the schema allows is parsed, values intact."""
    body = data.draw(schema.valid, label="body")
    assert schema.verdict(body) is True
    assert run_parser(schema, body)


@schemas
@FUZZ_SETTINGS
@given(data=st.data())
def test_near_valid_bodies(schema: Schema, data: st.DataObject) -> None:
    """A valid body with one field replaced by anything: parsed or rejected, by the schema."""
    body, _field = data.draw(near_valid(schema), label="mutated body")
    run_parser(schema, body)


@schemas
@FUZZ_SETTINGS
@given(body=JSON_VALUES)
@example(body=None)
@example(body=[{"device_serial_number": "x", "api_version": "1"}])
@example(body={"device_serial_number": "x", "api_version": "1" * 5000})
@example(body={"user": "u", "realm": "r", "transport": "udp", "registration_interval": 10**400})
@example(body={"sip_status": "OK", "register_last_attempt": float("nan")})
@example(body={"stun": {"ip": "h", "port": float("inf")}})
def test_arbitrary_json(schema: Schema, body: Any) -> None:
    """Any JSON value at all: a valid model or BasIpResponseError, nothing else."""
    run_parser(schema, body)


@schemas
@FUZZ_SETTINGS
@given(data=st.data())
def test_bytes_through_decoder(schema: Schema, data: st.DataObject) -> None:
    """Raw bytes through the client's decoder and the parser: model or BasIpResponseError."""
    source = data.draw(st.sampled_from(["binary", "valid", "near_valid", "json"]), label="source")
    if source == "binary":
        body = data.draw(st.binary(max_size=300), label="bytes")
    else:
        value: Any
        if source == "valid":
            value = data.draw(schema.valid)
        elif source == "near_valid":
            value = data.draw(near_valid(schema))[0]
        else:
            value = data.draw(JSON_VALUES)
        encoding = data.draw(st.sampled_from(["utf-8", "utf-16", "utf-32"]), label="encoding")
        ascii_only = data.draw(st.booleans(), label="ensure_ascii")
        try:
            text = json.dumps(value, ensure_ascii=ascii_only)
            raw = text.encode(encoding)
        except (ValueError, UnicodeEncodeError):
            # Huge ints or lone surrogates cannot be serialised this way; send bytes as is.
            raw = repr(value).encode("utf-8", "surrogatepass")
        body = mutate_bytes(raw, data.draw(BYTE_EDITS, label="edits"))
    decoded, err = attempt(lambda raw: _decode_json(raw, 200), body)
    if err is not None:
        record(f"{schema.name} <- bytes", parsed=False)
        assert err.status == 200
        assert err.field is None
        return
    parsed = run_parser(schema, decoded)
    record(f"{schema.name} <- bytes", parsed=parsed)


def test_long_major_version_is_not_a_crash() -> None:
    """A device reporting an absurd API version gets an answer, not a ValueError."""
    body = {"device_serial_number": "x", "api_version": "1" * 5000}
    info, err = attempt(BasIpDeviceInfo.from_dict, body)
    if err is not None:
        assert err.field == "api_version"
    else:
        assert info is not None
        assert type(info.api_major_version) is int


def test_unicode_digits_in_version() -> None:
    """``\\d`` matches Arabic-Indic digits; the major number must still be an int."""
    info = BasIpDeviceInfo.from_dict({"device_serial_number": "x", "api_version": "\u0663.1"})
    assert info.api_major_version == 3
