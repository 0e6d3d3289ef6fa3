"""The device coordinator: one refresh reads SIP settings, SIP status and the door contact."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .budget import DoorReadBudget
from .client import (
    BasIpAuthenticationError,
    BasIpClient,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpUnsupportedDeviceError,
    DoorStatus,
    SipSettings,
    SipStatus,
)
from .const import CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL, DOMAIN, LOGGER
from .errors import translate_error
from .issues import async_create_device_mismatch_issue, async_delete_device_mismatch_issue
from .runtime import BasIpConfigEntry


@dataclass(frozen=True, slots=True, kw_only=True)
class BasIpDeviceData:
    """What one refresh found on the device."""

    settings: SipSettings
    status: SipStatus | None
    """``None`` when the device has no SIP status endpoint."""
    door: DoorStatus | None = None
    """``None`` without a door sensor, or while it does not answer."""
    door_read: bool = True
    """Whether ``door`` was read in this refresh (not carried over from the last)."""


# Which failure wins when several calls of a refresh fail: the one that needs
# the user most (another device at the address, then rejected credentials).
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


class BasIpDeviceCoordinator(DataUpdateCoordinator[BasIpDeviceData]):
    """Reads SIP settings, SIP status and the door contact of one device."""

    config_entry: BasIpConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BasIpConfigEntry,
        client: BasIpClient,
        *,
        door_sensor: bool = False,
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
        # Unknown until the device has answered once; a device without the
        # status endpoint is then not asked again (its entities are not created).
        self.status_supported: bool | None = None
        # Only a device with a door sensor is asked for the door contact: one
        # more request per refresh, nowhere else.
        self.door_sensor = door_sensor
        self._door_budget = DoorReadBudget()

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

    async def _async_update_data(self) -> BasIpDeviceData:
        """Fetch settings, status and door concurrently over the one shared token."""
        carried_door = self._door_carried_over() if self.door_sensor else None
        read_door = self.door_sensor and carried_door is None
        calls: dict[str, Awaitable[Any]] = {"settings": self.client.get_sip_settings()}
        if self.status_supported is not False:
            calls["status"] = self.client.get_sip_status()
        if read_door:
            calls["door"] = self.client.get_door_status()
        results = dict(
            zip(calls, await asyncio.gather(*calls.values(), return_exceptions=True), strict=True)
        )
        settings_result = results["settings"]
        status_result = results.get("status")
        door_result = results.get("door", carried_door)

        for result in results.values():
            if isinstance(result, BaseException) and not isinstance(result, BasIpError):
                raise result
        status_missing = isinstance(status_result, BasIpUnsupportedDeviceError)
        # The door contact never fails a refresh: without it only the door
        # entities go unavailable.
        errors = [
            result
            for result in (settings_result, status_result)
            if isinstance(result, BasIpError) and not (status_missing and result is status_result)
        ]
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
        door = door_result if isinstance(door_result, DoorStatus) else None
        if (
            self.door_sensor
            and self.data is not None
            and (self.data.door is None) != (door is None)
        ):
            LOGGER.info(
                "%s: door sensor %s",
                self.name,
                "no longer answers" if door is None else "answers again",
            )
        async_delete_device_mismatch_issue(self.hass, self.config_entry)
        return BasIpDeviceData(
            settings=settings_result,
            status=status_result if isinstance(status_result, SipStatus) else None,
            door=door,
            door_read=read_door,
        )

    def _door_carried_over(self) -> DoorStatus | None:
        """Keep the last door status when the budget leaves this door read out (else ``None``)."""
        have = self.data is not None and self.data.door is not None
        if not self._door_budget.skip_read(self.client.auth_requests, have_reading=have):
            return None
        assert self.data is not None
        return self.data.door
