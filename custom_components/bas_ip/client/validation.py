"""Checks on SIP settings writes, made as the device makes them, before sending.

The rules are the seed page's schema (docs/device-api.md, "SIP settings"):
``user`` and ``password`` non-empty and at most 31 characters,
``registration_interval`` 30..900, ``transport`` udp/tcp/tls, a STUN server
with a host and a port 1..65535. Android panels (they answer the GET with the
password mask ``WebPass``) also want a password of 6..31 characters and a
``proxy`` starting with ``sip:``. The simulator applies the same limits
(``simulator/validation.py``); ``tests/client/test_validation.py`` pins them
together. Errors name the field, never the value.
"""

from __future__ import annotations

from typing import Any, Final

from .exceptions import BasIpValidationError

SIP_TEXT_MAX_LENGTH: Final = 31
ANDROID_PASSWORD_MIN_LENGTH: Final = 6
REGISTRATION_INTERVAL_MIN: Final = 30
REGISTRATION_INTERVAL_MAX: Final = 900
PORT_MIN: Final = 1
PORT_MAX: Final = 65535
TRANSPORTS: Final = ("udp", "tcp", "tls")
ANDROID_PASSWORD_MASK: Final = "WebPass"
ANDROID_PROXY_PREFIX: Final = "sip:"


def _refuse(field: str, problem: str) -> BasIpValidationError:
    return BasIpValidationError(f"Invalid value for '{field}': {problem}", field=field)


def is_android_answer(current: dict[str, Any]) -> bool:
    """Whether the GET answer is an Android panel's: the password is the mask."""
    return current.get("password") == ANDROID_PASSWORD_MASK


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_text(field: str, value: Any, *, min_length: int = 1) -> None:
    """Check for a string of ``min_length``..31 characters (blank is empty)."""
    if not isinstance(value, str):
        raise _refuse(field, "must be a string")
    if not value.strip():
        raise _refuse(field, "must not be empty")
    if len(value) > SIP_TEXT_MAX_LENGTH:
        raise _refuse(field, f"must be at most {SIP_TEXT_MAX_LENGTH} characters")
    if len(value) < min_length:
        raise _refuse(field, f"must be at least {min_length} characters")


def check_int_range(field: str, value: Any, low: int, high: int) -> None:
    """Check for a whole number within ``low``..``high`` (a bool is not a number)."""
    if not _is_int(value) or not low <= value <= high:
        raise _refuse(field, f"must be a whole number from {low} to {high}")


def validate_sip_write(body: dict[str, Any], *, android: bool) -> None:
    """Raise :class:`BasIpValidationError` if the device would refuse ``body``."""
    check_text("user", body.get("user"))
    check_text(
        "password",
        body.get("password"),
        min_length=ANDROID_PASSWORD_MIN_LENGTH if android else 1,
    )
    for name in ("realm", "proxy"):
        if name in body and not isinstance(body[name], str):
            raise _refuse(name, "must be a string")
    if android and not str(body.get("proxy", "")).startswith(ANDROID_PROXY_PREFIX):
        raise _refuse("proxy", f"must start with {ANDROID_PROXY_PREFIX!r}")
    interval = body.get("registration_interval")
    # A number, as the device takes it (Android monitors answer 120.0).
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or not REGISTRATION_INTERVAL_MIN <= interval <= REGISTRATION_INTERVAL_MAX
    ):
        raise _refuse(
            "registration_interval",
            f"must be a number from {REGISTRATION_INTERVAL_MIN} to {REGISTRATION_INTERVAL_MAX}",
        )
    if body.get("transport") not in TRANSPORTS:
        raise _refuse("transport", "must be one of udp, tcp, tls")
    stun = body.get("stun")
    if stun is not None:
        if not isinstance(stun, dict):
            raise _refuse("stun", "must be an object")
        ip = stun.get("ip")
        if not isinstance(ip, str) or not ip.strip():
            raise _refuse("stun.ip", "must not be empty")
        check_int_range("stun.port", stun.get("port"), PORT_MIN, PORT_MAX)
