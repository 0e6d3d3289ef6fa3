"""SIP: account settings, registration status, on/off switch, and writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Self

from ..exceptions import BasIpIncompleteError
from ._fields import invalid, read_int, read_number, read_object, read_str

SIP_USER_MAX_LENGTH = 31
REGISTRATION_INTERVAL_MIN = 30
REGISTRATION_INTERVAL_MAX = 900
H264_PAYLOAD_MIN = 99
H264_PAYLOAD_MAX = 127
# Reading is lenient (a device may report port 0 for "unset"); writes need
# 1..65535, see validation.py.
PORT_MIN = 0
PORT_MAX = 65535


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
class StunServer:
    """STUN server the device uses to find its public address."""

    host: str
    port: int

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the ``stun`` object of the SIP settings."""
        body = read_object(data, "stun")
        host = read_str(body, "ip", required=True, prefix="stun.")
        port = read_int(body, "port", required=True, low=PORT_MIN, high=PORT_MAX, prefix="stun.")
        assert host is not None
        assert port is not None
        return cls(host=host, port=port)


def _blank_to_none(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


@dataclass(frozen=True, slots=True, kw_only=True)
class SipSettings:
    """SIP account settings, without the SIP password.

    ``user``, ``realm`` and ``proxy`` are ``None`` when the device has no SIP
    account configured (empty, blank or missing): such a panel is still used
    for its doors and camera.
    """

    user: str | None
    realm: str | None
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
        body = read_object(data, "sip_settings")
        user = read_str(body, "user", max_length=SIP_USER_MAX_LENGTH)
        realm = read_str(body, "realm")
        transport_raw = read_str(body, "transport", required=True)
        interval = read_int(
            body,
            "registration_interval",
            required=True,
            low=REGISTRATION_INTERVAL_MIN,
            high=REGISTRATION_INTERVAL_MAX,
        )
        assert transport_raw is not None
        assert interval is not None
        try:
            transport = SipTransport(transport_raw.strip().lower())
        except ValueError:
            raise invalid("transport", "is not one of udp, tcp, tls") from None
        stun_raw = body.get("stun")
        return cls(
            user=_blank_to_none(user),
            realm=_blank_to_none(realm),
            transport=transport,
            registration_interval=interval,
            proxy=_blank_to_none(read_str(body, "proxy")),
            stun=None if stun_raw is None else StunServer.from_dict(stun_raw),
            h264_payload_type=read_int(body, "h264", low=H264_PAYLOAD_MIN, high=H264_PAYLOAD_MAX),
            outbound=read_str(body, "outbound"),
            user_id=read_str(body, "user_id"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SipSettingsUpdate:
    """Fields to change in a SIP settings write; ``None`` leaves a field as it is.

    The SIP password is not part of it: it is given to the write call itself
    and never kept.
    """

    user: str | None = None
    realm: str | None = None
    proxy: str | None = None
    transport: SipTransport | None = None
    registration_interval: int | None = None
    stun: StunServer | None = None
    """A whole STUN server; or give one part as ``stun_host`` / ``stun_port``."""
    stun_host: str | None = None
    """The STUN host alone: the port stays the device's."""
    stun_port: int | None = None
    """The STUN port alone: the host stays the device's."""

    def apply(self, current: dict[str, Any]) -> dict[str, Any]:
        """Merge these changes into a copy of the device's settings object.

        The STUN server is merged here, once, against what the device just
        returned: a part left out keeps the device's. A part given for a
        device that has no STUN server raises :class:`BasIpValidationError`
        naming the missing part (``stun.ip`` or ``stun.port``).
        """
        body = dict(current)
        for name in ("user", "realm", "proxy", "registration_interval"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        if self.transport is not None:
            body["transport"] = str(self.transport)
        if (stun := self._merged_stun(current.get("stun"))) is not None:
            body["stun"] = stun
        return body

    def _merged_stun(self, current: Any) -> dict[str, Any] | None:
        host = self.stun.host if self.stun is not None else self.stun_host
        port = self.stun.port if self.stun is not None else self.stun_port
        if host is None and port is None:
            return None
        known = current if isinstance(current, dict) else {}
        host = host if host is not None else known.get("ip")
        port = port if port is not None else known.get("port")
        for field, value in (("stun.ip", host), ("stun.port", port)):
            if value is None or value == "":
                raise BasIpIncompleteError(
                    f"Missing value for '{field}': the device has no STUN server to complete",
                    field=field,
                )
        return {"ip": host, "port": port}


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
        body = read_object(data, "sip_status")
        raw = read_str(body, "sip_status", required=True)
        assert raw is not None
        try:
            status = SipRegistrationStatus(raw.strip().upper())
        except ValueError:
            raise invalid("sip_status", "is not one of OK, OFFLINE, ERROR") from None
        # (inferred) Older firmware sends null, 0 or nothing before a first attempt.
        seconds = read_number(body, "register_last_attempt", low=0, high=253402300799)
        last_attempt = datetime.fromtimestamp(seconds, tz=UTC) if seconds else None
        return cls(status=status, last_attempt=last_attempt)


@dataclass(frozen=True, slots=True, kw_only=True)
class SipEnabled:
    """Whether SIP is switched on (``/api/v1/device/sip/enable``)."""

    enabled: bool

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the body of ``GET /api/v1/device/sip/enable``."""
        body = read_object(data, "sip_enable")
        value = body.get("sip_enable")
        if not isinstance(value, bool):
            raise invalid("sip_enable", "must be a boolean")
        return cls(enabled=value)
