"""Validation of SIP settings exactly as the device's POST applies it.

The rules follow the schema on the seed page (docs/device-api.md): ``user``
and ``password`` non-empty and at most 31 characters, ``registration_interval``
30…900, ``h264`` an integer 99…127, ``transport`` one of udp/tcp/tls, hosts an
IPv4 address or a DNS name. Reasons never repeat the submitted value, so an
error body cannot echo a password back.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from typing import Any, Final

SIP_TEXT_MAX_LENGTH: Final = 31
REGISTRATION_INTERVAL_MIN: Final = 30
REGISTRATION_INTERVAL_MAX: Final = 900
H264_MIN: Final = 99
H264_MAX: Final = 127
PORT_MIN: Final = 1
PORT_MAX: Final = 65535
TRANSPORTS: Final = ("udp", "tcp", "tls")

# ``\Z``, not ``$``: ``$`` also matches before a trailing newline, which
# would let "host\n" pass as a host.
_DNS_NAME = re.compile(
    r"^(?=.{1,253}\.?\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?\Z"
)
_DOTTED_DIGITS = re.compile(r"^[0-9.]+\Z")
_SIP_URI = re.compile(r"^(?:sips?:)?(?P<host>[^:]+)(?::(?P<port>[0-9]{1,5}))?\Z", re.IGNORECASE)

HOST_REASON: Final = "must be an IPv4 address or DNS name"


class SettingsError(ValueError):
    """Settings failed validation; ``errors`` maps each parameter to its reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        """Keep every reason; the message names the first one."""
        param, reason = next(iter(errors.items()))
        super().__init__(f"{param}: {reason}")
        self.errors = errors


def is_host(value: str) -> bool:
    """Whether ``value`` is an IPv4 address or a DNS name."""
    if _DOTTED_DIGITS.match(value):
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            return False
        return True
    return _DNS_NAME.match(value) is not None


def _is_sip_address(value: str) -> bool:
    """``[sip:]host[:port]``, the form ``proxy`` and ``outbound`` take."""
    match = _SIP_URI.match(value)
    if match is None or not is_host(match["host"]):
        return False
    port = match["port"]
    return port is None or PORT_MIN <= int(port) <= PORT_MAX


def _is_int(value: Any) -> bool:
    # bool is an int subclass in Python but never a number in JSON.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or isinstance(value, float)


def _check_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if not value:
        return "must not be empty"
    if len(value) > SIP_TEXT_MAX_LENGTH:
        return f"must be at most {SIP_TEXT_MAX_LENGTH} characters"
    return None


def _check_string(value: Any) -> str | None:
    # The docs give ``user_id`` no constraint beyond being a string.
    return None if isinstance(value, str) else "must be a string"


def _check_optional_sip_address(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    # An empty proxy/outbound means "not used".
    if value and not _is_sip_address(value):
        return HOST_REASON
    return None


def _check_host(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    return None if is_host(value) else HOST_REASON


def _check_interval(value: Any) -> str | None:
    if not _is_number(value):
        return "must be a number"
    if not REGISTRATION_INTERVAL_MIN <= value <= REGISTRATION_INTERVAL_MAX:
        return f"must be between {REGISTRATION_INTERVAL_MIN} and {REGISTRATION_INTERVAL_MAX}"
    return None


def _check_h264(value: Any) -> str | None:
    if not _is_int(value):
        return "must be an integer"
    if not H264_MIN <= value <= H264_MAX:
        return f"must be between {H264_MIN} and {H264_MAX}"
    return None


def _check_transport(value: Any) -> str | None:
    if value not in TRANSPORTS:  # also rejects non-strings
        return "must be one of udp, tcp, tls"
    return None


def _check_stun(value: Any, errors: dict[str, str]) -> None:
    if not isinstance(value, dict):
        errors["stun"] = "must be an object"
        return
    for key in value:
        if key not in ("ip", "port"):
            errors[f"stun.{key}"] = "is not allowed"
    if "ip" not in value:
        errors["stun.ip"] = "is required"
    elif reason := _check_host(value["ip"]):
        errors["stun.ip"] = reason
    port: Any = value.get("port")
    if "port" not in value:
        errors["stun.port"] = "is required"
    elif not _is_int(port):
        errors["stun.port"] = "must be an integer"
    elif not PORT_MIN <= port <= PORT_MAX:
        errors["stun.port"] = f"must be between {PORT_MIN} and {PORT_MAX}"


_CHECKS: Final = {
    "proxy": _check_optional_sip_address,
    "outbound": _check_optional_sip_address,
    "realm": _check_host,
    "user": _check_text,
    "password": _check_text,
    "user_id": _check_string,
    "registration_interval": _check_interval,
    "h264": _check_h264,
    "transport": _check_transport,
}


ANDROID_PASSWORD_MIN: Final = 6


def _check_change(key: str, value: Any, current: dict[str, Any], errors: dict[str, str]) -> None:
    """Record in ``errors`` why ``key`` may not take ``value``, if it may not."""
    if key not in current:
        errors[key] = "is not allowed"
    elif key == "stun":
        _check_stun(value, errors)
    elif (check := _CHECKS.get(key)) is not None:
        if reason := check(value):
            errors[key] = reason
    elif _json_type(value) != _json_type(current[key]):
        errors[key] = f"must be of type {_json_type(current[key])}"


def _check_android(changes: dict[Any, Any], errors: dict[str, str]) -> None:
    """Android's own rules: a password of 6+ characters, a proxy starting with ``sip:``."""
    password = changes.get("password")
    short = isinstance(password, str) and len(password) < ANDROID_PASSWORD_MIN
    if short and "password" not in errors:
        errors["password"] = f"must be at least {ANDROID_PASSWORD_MIN} characters"
    proxy = changes.get("proxy")
    if isinstance(proxy, str) and "proxy" not in errors and not proxy.startswith("sip:"):
        errors["proxy"] = "must start with sip:"


def validate_settings(
    current: dict[str, Any], changes: Any, *, android: bool = False
) -> dict[str, Any]:
    """Return ``current`` updated by ``changes``, or raise :class:`SettingsError`.

    Only parameters the device family has are accepted; a family's extra
    fields (Android) keep the JSON type they have. ``current`` is not modified.
    Android panels also want a password of at least 6 characters and a
    ``proxy`` that starts with ``sip:``.
    """
    if not isinstance(changes, dict):
        raise SettingsError({"body": "must be an object"})
    errors: dict[str, str] = {}
    for key, value in changes.items():
        _check_change(str(key), value, current, errors)
    if android:
        _check_android(changes, errors)
    if errors:
        raise SettingsError(errors)
    updated = copy.deepcopy(current)
    updated.update(copy.deepcopy(changes))
    return updated


_JSON_TYPES: Final = {bool: "boolean", int: "number", float: "number", str: "string"}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), "object")
