"""One table from client errors to what Home Assistant makes of them.

The same table serves the config flow (which field shows the error), set-up
and polling (reauthentication, retry or give up) and actions (a translated
``HomeAssistantError`` or ``ServiceValidationError``), so an error class is
named once.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from functools import wraps
from typing import Any, Concatenate, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from .client import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
    LogOrderError,
)
from .const import DOMAIN


class ErrorKind(Enum):
    """What an error asks of Home Assistant."""

    AUTH = "auth"
    """The credentials do not work: ask the user (reauthentication)."""
    PERMANENT = "permanent"
    """The device cannot work as configured."""
    TRANSIENT = "transient"
    """May pass by itself: retry."""
    INPUT = "input"
    """A value the user gave was refused."""


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """How one client error class reaches Home Assistant."""

    error: type[BasIpError]
    key: str
    """Translation key, under ``exceptions`` and ``config.error``."""
    kind: ErrorKind
    field: str
    """The config flow field the error is shown on."""
    action_key: str | None = None
    """Translation key for an action, where ``key`` speaks of set-up only."""


# The first matching class wins: subclasses come before their bases.
ERROR_RULES: tuple[ErrorRule, ...] = (
    # Retried like an unreachable device (with a repair issue): only the
    # unauthenticated info endpoint is read until the expected device is back.
    ErrorRule(BasIpDeviceMismatchError, "device_mismatch", ErrorKind.TRANSIENT, "base"),
    # Polled again every 10 minutes, with a repair issue (event_coordinator).
    ErrorRule(LogOrderError, "log_unreadable", ErrorKind.TRANSIENT, "base"),
    ErrorRule(BasIpAuthenticationError, "invalid_auth", ErrorKind.AUTH, CONF_PASSWORD),
    ErrorRule(
        BasIpPermissionError,
        "permission_denied",
        ErrorKind.PERMANENT,
        CONF_USERNAME,
        action_key="action_permission_denied",
    ),
    ErrorRule(BasIpUnsupportedDeviceError, "unsupported_device", ErrorKind.PERMANENT, "base"),
    ErrorRule(BasIpCertificateError, "invalid_certificate", ErrorKind.TRANSIENT, CONF_VERIFY_SSL),
    ErrorRule(BasIpConnectionError, "cannot_connect", ErrorKind.TRANSIENT, CONF_HOST),
    ErrorRule(BasIpValidationError, "invalid_value", ErrorKind.INPUT, "base"),
    ErrorRule(BasIpResponseError, "invalid_response", ErrorKind.TRANSIENT, "base"),
)
_FALLBACK = ErrorRule(BasIpError, "update_failed", ErrorKind.TRANSIENT, "base")


def error_rule(err: BasIpError) -> ErrorRule:
    """Find the rule for ``err``."""
    return next((rule for rule in ERROR_RULES if isinstance(err, rule.error)), _FALLBACK)


def _placeholders(err: BasIpError, entry: ConfigEntry) -> dict[str, str]:
    placeholders = {"host": str(entry.data[CONF_HOST])}
    if isinstance(err, BasIpDeviceMismatchError):
        placeholders |= {
            "expected_serial": err.expected_serial,
            "actual_serial": err.actual_serial,
        }
    if isinstance(err, BasIpValidationError):
        # The field's name only: a refused value may be a password.
        placeholders["field"] = err.field or "?"
    return placeholders


def translate_error(
    err: BasIpError,
    entry: ConfigEntry,
    *,
    transient: type[UpdateFailed | ConfigEntryNotReady] = UpdateFailed,
    permanent: type[UpdateFailed | ConfigEntryError] = ConfigEntryError,
) -> HomeAssistantError:
    """Translate ``err`` into the exception set-up or polling raises.

    Authentication → reauthentication. A device that cannot work as configured
    (no permission, no API v1) → ``permanent`` (``ConfigEntryError`` during
    set-up; ``UpdateFailed`` once running, so that polling goes on and
    recovers by itself if the cause goes away). Anything that may pass by
    itself → ``transient`` (``UpdateFailed`` while polling,
    ``ConfigEntryNotReady`` during set-up).
    """
    rule = error_rule(err)
    raised: type[HomeAssistantError] = {
        ErrorKind.AUTH: ConfigEntryAuthFailed,
        ErrorKind.PERMANENT: permanent,
        ErrorKind.INPUT: permanent,
        ErrorKind.TRANSIENT: transient,
    }[rule.kind]
    return raised(
        translation_domain=DOMAIN,
        translation_key=rule.key,
        translation_placeholders=_placeholders(err, entry),
    )


def flow_error(err: BasIpError) -> dict[str, str]:
    """Build the config flow's ``errors``: the field the error belongs on, and its key."""
    rule = error_rule(err)
    return {rule.field: rule.key}


def action_error(err: BasIpError, entry: ConfigEntry) -> HomeAssistantError:
    """Translate ``err`` into the exception an action (a press, a switch, a service call) raises.

    A refused value is the caller's to fix (``ServiceValidationError``);
    anything else is a failure of the device or the connection.
    """
    rule = error_rule(err)
    raised = ServiceValidationError if rule.kind is ErrorKind.INPUT else HomeAssistantError
    return raised(
        translation_domain=DOMAIN,
        translation_key=rule.action_key or rule.key,
        translation_placeholders=_placeholders(err, entry),
    )


class _HasConfigEntry(Protocol):
    @property
    def action_config_entry(self) -> ConfigEntry: ...


def device_action[SelfT: _HasConfigEntry, **P, R](
    func: Callable[Concatenate[SelfT, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[SelfT, P], Coroutine[Any, Any, R]]:
    """Turn a client error of an entity's action into a translated exception."""

    @wraps(func)
    async def wrapper(self: SelfT, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await func(self, *args, **kwargs)
        except BasIpError as err:
            raise action_error(err, self.action_config_entry) from err

    return wrapper
