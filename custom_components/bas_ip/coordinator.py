"""Polling coordinator: one refresh reads the SIP settings and the SIP status."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .client import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpClient,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    DeviceInfo,
    SipSettings,
    SipStatus,
)
from .const import CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL, DOMAIN, LOGGER
from .issues import async_create_device_mismatch_issue, async_delete_device_mismatch_issue

type BasIpConfigEntry = ConfigEntry[BasIpCoordinator]


@dataclass(frozen=True, slots=True, kw_only=True)
class BasIpData:
    """What one refresh found on the device."""

    settings: SipSettings
    status: SipStatus | None
    """``None`` when the device has no SIP status endpoint."""


# How each client error reaches Home Assistant: its translation key and
# whether it needs the user (reauth), cannot work as configured (permanent) or
# may pass by itself (transient). The first matching class wins.
_AUTH, _PERMANENT, _TRANSIENT = "auth", "permanent", "transient"
_ERROR_TRANSLATIONS: tuple[tuple[type[BasIpError], str, str], ...] = (
    # Retried like an unreachable device (with a repair issue): only the
    # unauthenticated info endpoint is read until the expected device is back.
    (BasIpDeviceMismatchError, "device_mismatch", _TRANSIENT),
    (BasIpAuthenticationError, "invalid_auth", _AUTH),
    (BasIpPermissionError, "permission_denied", _PERMANENT),
    (BasIpUnsupportedDeviceError, "unsupported_device", _PERMANENT),
    (BasIpCertificateError, "invalid_certificate", _TRANSIENT),
    (BasIpConnectionError, "cannot_connect", _TRANSIENT),
    (BasIpResponseError, "invalid_response", _TRANSIENT),
)


def translate_error(
    err: BasIpError,
    entry: ConfigEntry,
    *,
    transient: type[UpdateFailed | ConfigEntryNotReady] = UpdateFailed,
    permanent: type[UpdateFailed | ConfigEntryError] = ConfigEntryError,
) -> HomeAssistantError:
    """Map a client error to the Home Assistant exception that says what to do.

    Authentication → reauthentication. A device that cannot work as configured
    (no permission, no API v1) → ``permanent``
    (``ConfigEntryError`` during set-up; ``UpdateFailed`` once running, so that
    polling goes on and recovers by itself if the cause goes away). Anything
    that may pass by itself → ``transient`` (``UpdateFailed`` while polling,
    ``ConfigEntryNotReady`` during set-up).
    """
    placeholders = {"host": entry.data[CONF_HOST]}
    if isinstance(err, BasIpDeviceMismatchError):
        placeholders |= {
            "expected_serial": err.expected_serial,
            "actual_serial": err.actual_serial,
        }
    key, kind = next(
        ((key, kind) for cls, key, kind in _ERROR_TRANSLATIONS if isinstance(err, cls)),
        ("update_failed", _TRANSIENT),
    )
    raised: type[HomeAssistantError] = {
        _AUTH: ConfigEntryAuthFailed,
        _PERMANENT: permanent,
        _TRANSIENT: transient,
    }[kind]
    return raised(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


# Which failure wins when both calls of a refresh fail: the one that needs the
# user most (another device at the address, then rejected credentials).
_ERROR_PRIORITY: tuple[type[BasIpError], ...] = (
    BasIpDeviceMismatchError,
    BasIpAuthenticationError,
    BasIpPermissionError,
    BasIpUnsupportedDeviceError,
    BasIpConnectionError,
)


def _most_important(errors: list[BasIpError]) -> BasIpError:
    for kind in _ERROR_PRIORITY:
        for err in errors:
            if isinstance(err, kind):
                return err
    return errors[0]


class BasIpCoordinator(DataUpdateCoordinator[BasIpData]):
    """Reads SIP settings and SIP status of one device."""

    config_entry: BasIpConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BasIpConfigEntry,
        client: BasIpClient,
        device_info: DeviceInfo,
    ) -> None:
        """Poll at the interval chosen in the options."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=timedelta(
                seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
        )
        self.client = client
        self.device_info = device_info
        # Unknown until the device has answered once; a device without the
        # status endpoint is then not asked again (its entities are not created).
        self.status_supported: bool | None = None

    @callback
    def async_set_scan_interval(self, seconds: int) -> None:
        """Poll at a new interval from now on, without reloading the entry."""
        interval = timedelta(seconds=seconds)
        if interval == self.update_interval:
            return
        self.update_interval = interval
        # A refresh now re-arms the timer with the new interval; otherwise the
        # poll already scheduled with the old interval would come first.
        self.config_entry.async_create_background_task(
            self.hass, self.async_request_refresh(), name=f"{self.name} interval change"
        )

    async def _async_update_data(self) -> BasIpData:
        """Fetch settings and status concurrently over the one shared token."""
        settings_result: SipSettings | BaseException
        status_result: SipStatus | BaseException | None = None
        if self.status_supported is False:
            (settings_result,) = await asyncio.gather(
                self.client.get_sip_settings(), return_exceptions=True
            )
        else:
            settings_result, status_result = await asyncio.gather(
                self.client.get_sip_settings(),
                self.client.get_sip_status(),
                return_exceptions=True,
            )

        errors: list[BasIpError] = []
        for result in (settings_result, status_result):
            if isinstance(result, BasIpError):
                errors.append(result)
            elif isinstance(result, BaseException):
                raise result
        status_missing = isinstance(status_result, BasIpUnsupportedDeviceError)
        if status_missing and len(errors) == 1:
            # Only the status endpoint is missing: the settings still count.
            errors.clear()
        if errors:
            err = _most_important(errors)
            if isinstance(err, BasIpDeviceMismatchError):
                async_create_device_mismatch_issue(self.hass, self.config_entry, err)
            # The first refresh is part of set-up: a device that cannot work
            # as configured fails it for good. Later the entities just go
            # unavailable until the cause is gone.
            permanent = ConfigEntryError if self.data is None else UpdateFailed
            raise translate_error(err, self.config_entry, permanent=permanent) from err

        assert isinstance(settings_result, SipSettings)
        if self.status_supported is None:
            self.status_supported = not status_missing
        elif self.data is not None and (self.data.status is None) != status_missing:
            # Once when the registration entities go unavailable, once when back.
            LOGGER.info(
                "%s: SIP status endpoint %s",
                self.name,
                "no longer answers" if status_missing else "answers again",
            )
        async_delete_device_mismatch_issue(self.hass, self.config_entry)
        return BasIpData(
            settings=settings_result,
            status=status_result if isinstance(status_result, SipStatus) else None,
        )
