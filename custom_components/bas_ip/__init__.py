"""The BAS-IP Intercom integration."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from .client import BasIpDeviceMismatchError, BasIpError
from .coordinator import BasIpConfigEntry, BasIpCoordinator, translate_error
from .helpers import create_client
from .issues import (
    async_check_default_credentials,
    async_create_device_mismatch_issue,
    async_delete_issues,
)

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]


async def async_setup_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> bool:
    """Connect to the device, read it once and set up its entities."""
    client = create_client(hass, entry.data, expected_serial=entry.unique_id)
    try:
        device_info = await client.get_device_info()
    except BasIpError as err:
        if isinstance(err, BasIpDeviceMismatchError):
            async_create_device_mismatch_issue(hass, entry, err)
        raise translate_error(err, entry, transient=ConfigEntryNotReady) from err

    coordinator = BasIpCoordinator(hass, entry, client, device_info)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator

    async_check_default_credentials(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> bool:
    """Unload the entities; the shared HTTP session stays with Home Assistant."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> None:
    """Withdraw the repair issues of a removed entry."""
    async_delete_issues(hass, entry)
