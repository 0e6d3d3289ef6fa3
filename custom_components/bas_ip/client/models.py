"""Typed, immutable models of what a BAS-IP device answers, and their parsers.

Parsers accept any decoded JSON value. They return a model or raise
:class:`BasIpResponseError` naming the offending field; nothing else
(no ``KeyError``, ``TypeError`` or ``ValueError``) escapes them. Unknown extra
fields are ignored, missing optional fields become ``None``.

The SIP password is read past and never stored: no model has a field for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
import re
from typing import Any, Self

from .exceptions import BasIpResponseError

SIP_USER_MAX_LENGTH = 31
REGISTRATION_INTERVAL_MIN = 30
REGISTRATION_INTERVAL_MAX = 900
H264_PAYLOAD_MIN = 99
H264_PAYLOAD_MAX = 127
PORT_MIN = 0
PORT_MAX = 65535

_API_VERSION = re.compile(r"^\s*v?(\d{1,9})(?!\d)")


class SipTransport(StrEnum):
    """Transport the device uses to reach its SIP server."""

    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class SipRegistrationStatus(StrEnum):
    """Registration state as reported by ``/api/v1/sip/status``."""

    OK = "OK"
    """Registered on the SIP server."""
    OFFLINE = "OFFLINE"
    """SIP is disabled on the device."""
    ERROR = "ERROR"
    """SIP is enabled but registration fails."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceInfo:
    """What ``/api/info`` tells about the device, plus its MAC address."""

    serial_number: str
    api_version: str
    firmware_version: str | None = None
    framework_version: str | None = None
    frontend_version: str | None = None
    device_type: str | None = None
    device_name: str | None = None
    device_model: str | None = None
    mac_address: str | None = None

    @property
    def api_major_version(self) -> int:
        """Major number of ``api_version`` (``"1.6.0"`` → ``1``)."""
        match = _API_VERSION.match(self.api_version)
        # The parser has already checked the pattern, so a match exists.
        return int(match.group(1)) if match else 0

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the body of ``GET /api/info``."""
        body = _object(data, "info")
        serial = _str(body, "device_serial_number", required=True, non_empty=True)
        api_version = _str(body, "api_version", required=True, non_empty=True)
        assert serial is not None
        assert api_version is not None
        if not _API_VERSION.match(api_version):
            raise _invalid("api_version", "is not a version number")
        return cls(
            serial_number=serial,
            api_version=api_version,
            firmware_version=_str(body, "firmware_version"),
            framework_version=_str(body, "framework_version"),
            frontend_version=_str(body, "frontend_version"),
            device_type=_str(body, "device_type"),
            device_name=_str(body, "device_name"),
            device_model=_str(body, "device_model"),
        )


def parse_mac_address(data: Any) -> str:
    """Parse the body of ``GET /api/v1/network/mac`` into ``AA:BB:CC:DD:EE:FF``."""
    body = _object(data, "mac")
    mac = _str(body, "mac_address", required=True, non_empty=True)
    assert mac is not None
    digits = re.sub(r"[^0-9A-Fa-f]", "", mac)
    if len(digits) != 12 or not re.fullmatch(r"[0-9A-Fa-f:.\-]+", mac):
        raise _invalid("mac_address", "is not a MAC address")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


@dataclass(frozen=True, slots=True, kw_only=True)
class StunServer:
    """STUN server the device uses to find its public address."""

    host: str
    port: int

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the ``stun`` object of the SIP settings."""
        body = _object(data, "stun")
        host = _str(body, "ip", required=True, prefix="stun.")
        port = _int(body, "port", required=True, low=PORT_MIN, high=PORT_MAX, prefix="stun.")
        assert host is not None
        assert port is not None
        return cls(host=host, port=port)


@dataclass(frozen=True, slots=True, kw_only=True)
class SipSettings:
    """SIP account settings, without the SIP password."""

    user: str
    realm: str
    transport: SipTransport
    registration_interval: int
    proxy: str | None = None
    stun: StunServer | None = None
    h264_payload_type: int | None = None
    outbound: str | None = None
    user_id: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the body of ``GET /api/v1/device/sip/settings``.

        ``password`` is deliberately never read: the integration has no use
        for it, so it must not live on in memory (or in diagnostics).
        """
        body = _object(data, "sip_settings")
        user = _str(body, "user", required=True, non_empty=True, max_length=SIP_USER_MAX_LENGTH)
        realm = _str(body, "realm", required=True)
        transport_raw = _str(body, "transport", required=True)
        interval = _int(
            body,
            "registration_interval",
            required=True,
            low=REGISTRATION_INTERVAL_MIN,
            high=REGISTRATION_INTERVAL_MAX,
        )
        assert user is not None
        assert realm is not None
        assert transport_raw is not None
        assert interval is not None
        try:
            transport = SipTransport(transport_raw.strip().lower())
        except ValueError:
            raise _invalid("transport", "is not one of udp, tcp, tls") from None
        stun_raw = body.get("stun")
        return cls(
            user=user,
            realm=realm,
            transport=transport,
            registration_interval=interval,
            proxy=_str(body, "proxy"),
            stun=None if stun_raw is None else StunServer.from_dict(stun_raw),
            h264_payload_type=_int(body, "h264", low=H264_PAYLOAD_MIN, high=H264_PAYLOAD_MAX),
            outbound=_str(body, "outbound"),
            user_id=_str(body, "user_id"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SipStatus:
    """SIP registration state."""

    status: SipRegistrationStatus
    last_attempt: datetime | None = None

    @property
    def registered(self) -> bool:
        """Whether the device is registered on its SIP server."""
        return self.status is SipRegistrationStatus.OK

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the body of ``GET /api/v1/sip/status``."""
        body = _object(data, "sip_status")
        raw = _str(body, "sip_status", required=True)
        assert raw is not None
        try:
            status = SipRegistrationStatus(raw.strip().upper())
        except ValueError:
            raise _invalid("sip_status", "is not one of OK, OFFLINE, ERROR") from None
        # (inferred) Older firmware sends null, 0 or nothing before a first attempt.
        seconds = _number(body, "register_last_attempt", low=0, high=253402300799)
        last_attempt = datetime.fromtimestamp(seconds, tz=UTC) if seconds else None
        return cls(status=status, last_attempt=last_attempt)


@dataclass(frozen=True, slots=True, kw_only=True)
class SipEnabled:
    """Whether SIP is switched on (``/api/v1/device/sip/enable``)."""

    enabled: bool

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the body of ``GET /api/v1/device/sip/enable``."""
        body = _object(data, "sip_enable")
        value = body.get("sip_enable")
        if not isinstance(value, bool):
            raise _invalid("sip_enable", "must be a boolean")
        return cls(enabled=value)


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginResult:
    """Outcome of a login; the token itself stays inside the client."""

    account_type: str | None


def parse_login(data: Any) -> tuple[str, LoginResult]:
    """Parse the body of ``GET /api/v1/login`` into ``(token, result)``."""
    body = _object(data, "login")
    token = _str(body, "token", required=True, non_empty=True)
    assert token is not None
    if any(ch.isspace() for ch in token) or not token.isprintable():
        raise _invalid("token", "is not a usable token")
    return token, LoginResult(account_type=_str(body, "account_type"))


# --- field readers ---------------------------------------------------------


def _invalid(field: str, problem: str) -> BasIpResponseError:
    return BasIpResponseError(f"Invalid device response: field '{field}' {problem}", field=field)


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _invalid(what, "must be a JSON object")
    return data


def _str(
    body: dict[str, Any],
    field: str,
    *,
    required: bool = False,
    non_empty: bool = False,
    max_length: int | None = None,
    prefix: str = "",
) -> str | None:
    name = prefix + field
    value = body.get(field)
    if value is None:
        if required:
            raise _invalid(name, "is missing")
        return None
    if not isinstance(value, str):
        raise _invalid(name, "must be a string")
    if non_empty and not value.strip():
        raise _invalid(name, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise _invalid(name, f"must be at most {max_length} characters")
    return value


def _number(
    body: dict[str, Any],
    field: str,
    *,
    required: bool = False,
    low: float,
    high: float,
    prefix: str = "",
) -> float | None:
    name = prefix + field
    value = body.get(field)
    if value is None:
        if required:
            raise _invalid(name, "is missing")
        return None
    # bool is an int subclass in Python but never a valid number here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(name, "must be a number")
    if not low <= value <= high:  # also rejects NaN
        raise _invalid(name, f"must be between {low} and {high}")
    return value


def _int(
    body: dict[str, Any],
    field: str,
    *,
    required: bool = False,
    low: int,
    high: int,
    prefix: str = "",
) -> int | None:
    value = _number(body, field, required=required, low=low, high=high, prefix=prefix)
    if value is None:
        return None
    if isinstance(value, float) and not value.is_integer():
        raise _invalid(prefix + field, "must be a whole number")
    return int(value)
