"""The BAS-IP Intercom integration."""

from __future__ import annotations

import asyncio

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .client import (
    BasIpClient,
    BasIpDeviceInfo,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpUnsupportedDeviceError,
    DoorStatus,
    RtspSettings,
)
from .const import DOMAIN
from .coordinator import BasIpCoordinator
from .errors import translate_error
from .event_coordinator import BasIpEventCoordinator
from .helpers import create_client
from .issues import (
    async_check_default_credentials,
    async_create_device_mismatch_issue,
    async_delete_issues,
)
from .runtime import BasIpCapabilities, BasIpConfigEntry, BasIpRuntimeData
from .services import async_setup_services
from .snapshots import SnapshotSource

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.IMAGE,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (they stay while no entry is loaded)."""
    async_setup_services(hass)
    return True


async def _probe_locks(client: BasIpClient, is_monitor: bool) -> tuple[int, bool]:
    """Lock count and whether emergency hold-open exists."""
    if is_monitor:
        # Monitors have no lock of their own to release.
        return 0, False
    try:
        count = await client.get_lock_count()
    except BasIpPermissionError:
        count = None
    if count is None:
        # The device does not say: it has (at least) its own lock.
        return 1, False
    # (inferred) Emergency hold-open is documented only for the families
    # that answer the lock-type call.
    return count, True


async def _probe_door(client: BasIpClient) -> DoorStatus | None:
    """Read the door contact, or ``None`` where there is no door sensor."""
    try:
        return await client.get_door_status()
    except (BasIpUnsupportedDeviceError, BasIpPermissionError):
        return None


async def _probe_rtsp(client: BasIpClient, is_monitor: bool) -> tuple[bool, RtspSettings | None]:
    """Whether there is a camera, and its RTSP settings where they may be read."""
    if is_monitor:
        return False, None
    try:
        return True, await client.get_rtsp_settings()
    except BasIpUnsupportedDeviceError:
        return False, None
    except BasIpPermissionError:
        # A camera without known stream credentials: snapshots still work.
        return True, None


async def _async_probe(client: BasIpClient, info: BasIpDeviceInfo) -> BasIpCapabilities:
    """Ask the device once what it has; a missing endpoint means "not there".

    Any other failure (the device went away mid-set-up) fails the set-up, to
    be retried, rather than leaving out entities the device does have.
    """
    is_monitor = info.device_type == "monitor"

    # A task group: when one question fails, the others are cancelled rather
    # than left talking to the device after the set-up has given up.
    try:
        async with asyncio.TaskGroup() as group:
            lock_task = group.create_task(_probe_locks(client, is_monitor))
            door_task = group.create_task(_probe_door(client))
            rtsp_task = group.create_task(_probe_rtsp(client, is_monitor))
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None
    lock_count, emergency = lock_task.result()
    door_status = door_task.result()
    camera, rtsp_settings = rtsp_task.result()
    return BasIpCapabilities(
        locks=lock_count,
        door_sensor=door_status is not None,
        emergency_hold=emergency,
        camera=camera,
        rtsp=rtsp_settings,
    )


async def async_setup_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> bool:
    """Connect to the device, learn what it has, read it once, set up its entities."""
    client = create_client(hass, entry.data, expected_serial=entry.unique_id)
    try:
        device_info = await client.get_device_info()
        capabilities = await _async_probe(client, device_info)
    except BasIpError as err:
        if isinstance(err, BasIpDeviceMismatchError):
            async_create_device_mismatch_issue(hass, entry, err)
        raise translate_error(err, entry, transient=ConfigEntryNotReady) from err

    coordinator = BasIpCoordinator(hass, entry, client, door_sensor=capabilities.door_sensor)
    await coordinator.async_config_entry_first_refresh()

    events = BasIpEventCoordinator(hass, entry, client, device_type=device_info.device_type)
    await events.async_load_cursor()
    if events.enabled:
        # Not a set-up condition: a log that fails now only leaves the event
        # entities unavailable until it answers.
        await events.async_refresh()

    entry.runtime_data = BasIpRuntimeData(
        client=client,
        device_info=device_info,
        capabilities=capabilities,
        coordinator=coordinator,
        events=events,
        snapshots=SnapshotSource(hass, client) if capabilities.camera else None,
    )
    async_check_default_credentials(hass, entry)
    # Entities added now take the events of the set-up poll (logged while
    # Home Assistant was away); later entities only see later polls.
    events.delivering_setup_batch = True
    try:
        await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    finally:
        events.delivering_setup_batch = False
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> bool:
    """Unload the entities and keep the event cursor for the next run."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.events.async_save_cursor()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> None:
    """Withdraw the repair issues and the stored cursor of a removed entry."""
    async_delete_issues(hass, entry)
    await BasIpEventCoordinator.async_remove_store(hass, entry)
