"""The device itself: ``/api/info``, the MAC address and the login answer."""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any, Self

from ._fields import invalid, read_object, read_str

_API_VERSION = re.compile(r"^\s*v?(\d{1,9})(?!\d)")


@dataclass(frozen=True, slots=True, kw_only=True)
class BasIpDeviceInfo:
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
        body = read_object(data, "info")
        serial = read_str(body, "device_serial_number", required=True, non_empty=True)
        api_version = read_str(body, "api_version", required=True, non_empty=True)
        assert serial is not None
        assert api_version is not None
        if not _API_VERSION.match(api_version):
            raise invalid("api_version", "is not a version number")
        return cls(
            serial_number=serial,
            api_version=api_version,
            firmware_version=read_str(body, "firmware_version"),
            framework_version=read_str(body, "framework_version"),
            frontend_version=read_str(body, "frontend_version"),
            device_type=read_str(body, "device_type"),
            device_name=read_str(body, "device_name"),
            device_model=read_str(body, "device_model"),
        )


def parse_mac_address(data: Any) -> str:
    """Parse the body of ``GET /api/v1/network/mac`` into ``AA:BB:CC:DD:EE:FF``."""
    body = read_object(data, "mac")
    mac = read_str(body, "mac_address", required=True, non_empty=True)
    assert mac is not None
    digits = re.sub(r"[^0-9A-Fa-f]", "", mac)
    if len(digits) != 12 or not re.fullmatch(r"[0-9A-Fa-f:.\-]+", mac):
        raise invalid("mac_address", "is not a MAC address")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginResult:
    """Outcome of a login; the token itself stays inside the client."""

    account_type: str | None


def parse_login(data: Any) -> tuple[str, LoginResult]:
    """Parse the body of ``GET /api/v1/login`` into ``(token, result)``."""
    body = read_object(data, "login")
    token = read_str(body, "token", required=True, non_empty=True)
    assert token is not None
    if any(ch.isspace() for ch in token) or not token.isprintable():
        raise invalid("token", "is not a usable token")
    return token, LoginResult(account_type=read_str(body, "account_type"))
