"""The BAS-IP Intercom integration."""

from __future__ import annotations

import asyncio
from dataclasses import replace

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
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    DoorStatus,
    RtspSettings,
)
from .const import CONF_PUSH, CONF_WEBHOOK_ID, DEFAULT_PUSH, DOMAIN
from .coordinator import BasIpDeviceCoordinator
from .errors import translate_error
from .event_coordinator import BasIpEventCoordinator
from .event_stream import BasIpEventStream, event_store
from .guest_passes import async_setup_guest_passes, guest_store
from .guest_services import async_setup_guest_services
from .guest_view import GuestPassQrView
from .helpers import create_client
from .issues import (
    async_check_default_credentials,
    async_create_device_mismatch_issue,
    async_delete_issues,
)
from .push import PUSH_DATA_KEYS, BasIpPush, async_remove_webhook, ensure_push_credentials
from .runtime import BasIpCapabilities, BasIpConfigEntry, BasIpRuntimeData
from .services import async_setup_services
from .snapshots import SnapshotSource
from .visitors import async_register_views, async_remove_history, async_setup_history

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
    async_setup_guest_services(hass)
    async_register_views(hass)
    hass.http.register_view(GuestPassQrView())
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


async def _probe_webhooks(client: BasIpClient) -> bool:
    """Whether the device keeps webhooks (Android panels from firmware 3.25.8)."""
    try:
        await client.webhooks.list()
    except (BasIpUnsupportedDeviceError, BasIpPermissionError, BasIpResponseError):
        return False
    return True


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
            webhooks_task = group.create_task(_probe_webhooks(client))
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
        webhooks=webhooks_task.result(),
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

    coordinator = BasIpDeviceCoordinator(hass, entry, client, door_sensor=capabilities.door_sensor)
    await coordinator.async_config_entry_first_refresh()

    stream = BasIpEventStream(hass, entry.entry_id, device_type=device_info.device_type)
    events = BasIpEventCoordinator(hass, entry, client, stream, device_type=device_info.device_type)
    await events.async_load_cursor()
    if events.enabled:
        # Not a set-up condition: a log that fails now only leaves the event
        # entities unavailable until it answers.
        await events.async_refresh()
    capabilities = replace(
        capabilities,
        sip_status=bool(coordinator.status_supported),
        event_log=events.supported is not False,
    )
    entry.runtime_data = BasIpRuntimeData(
        client=client,
        device_info=device_info,
        capabilities=capabilities,
        coordinator=coordinator,
        events=events,
        stream=stream,
        push=await _async_setup_push(
            hass, entry, client, capabilities, events, device_type=device_info.device_type
        ),
        snapshots=SnapshotSource(hass, client) if capabilities.camera else None,
    )
    async_check_default_credentials(hass, entry)
    entry.runtime_data.guest_passes = await async_setup_guest_passes(
        hass,
        entry.entry_id,
        client,
        info=device_info,
        zone_offset_ms=lambda: events.reader.zone_offset_ms if events.reader else 0,
    )
    # Before the platforms: it records each ring before the doorbell fires.
    entry.runtime_data.visitors = await async_setup_history(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # The entities exist now: they take the events the set-up poll found
    # (logged while Home Assistant was away), then every later one.
    stream.async_start()
    if (push := entry.runtime_data.push) is not None:
        await push.async_start()
    return True


async def _async_setup_push(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    client: BasIpClient,
    capabilities: BasIpCapabilities,
    events: BasIpEventCoordinator,
    *,
    device_type: str | None,
) -> BasIpPush | None:
    """Prepare push where the device has webhooks and it is on; otherwise remove ours."""
    if not capabilities.webhooks:
        return None
    wanted = (
        capabilities.event_log and events.enabled and entry.options.get(CONF_PUSH, DEFAULT_PUSH)
    )
    if not wanted:
        if entry.data.get(CONF_WEBHOOK_ID) and await async_remove_webhook(client, entry):
            # Turned off: our webhook is gone from the device, and its secret with it.
            data = {k: v for k, v in entry.data.items() if k not in PUSH_DATA_KEYS}
            hass.config_entries.async_update_entry(entry, data=data)
        return None
    ensure_push_credentials(hass, entry)
    return BasIpPush(
        hass, entry, client, events=events, stream=events.stream, device_type=device_type
    )


async def async_unload_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> bool:
    """Stop receiving pushes, unload the entities, keep the event cursor for the next run."""
    runtime = entry.runtime_data
    if runtime.push is not None:
        await runtime.push.async_stop()
    if runtime.guest_passes is not None:
        runtime.guest_passes.async_stop()
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await runtime.stream.async_save()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: BasIpConfigEntry) -> None:
    """Remove our webhook from the device; withdraw the issues, the cursor, the visitor history."""
    async_delete_issues(hass, entry)
    if entry.data.get(CONF_WEBHOOK_ID):
        client = create_client(hass, entry.data, expected_serial=entry.unique_id)
        await async_remove_webhook(client, entry)
    await event_store(hass, entry.entry_id).async_remove()
    await guest_store(hass, entry.entry_id).async_remove()
    await async_remove_history(hass, entry.entry_id)
