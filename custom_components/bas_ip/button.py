"""Buttons: release a door lock, restart the device.

A lock release is momentary and the device reports no "locked" state, so it
is a button (as core does for UniFi Access and Ring Intercom), not a lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client.models import LOCK_MAX
from .entity import BasIpDeviceEntity
from .errors import device_action
from .runtime import BasIpCapabilities, BasIpConfigEntry, BasIpRuntimeData

# One request per press; presses of different buttons may run side by side.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BasIpButtonEntityDescription(ButtonEntityDescription):
    """A button and what a press sends."""

    press_fn: Callable[[BasIpRuntimeData], Awaitable[None]]
    exists_fn: Callable[[BasIpCapabilities], bool] = lambda _: True


def _open_lock(lock: int) -> Callable[[BasIpRuntimeData], Awaitable[None]]:
    async def press(runtime: BasIpRuntimeData) -> None:
        await runtime.client.open_lock(lock)

    return press


async def _restart(runtime: BasIpRuntimeData) -> None:
    await runtime.client.reboot()
    # The device drops off now; a refresh lets the entities show it at once
    # instead of at the next poll. Polling and the event channel notice the
    # device coming back by themselves.
    coordinator = runtime.coordinator
    coordinator.config_entry.async_create_background_task(
        coordinator.hass, coordinator.async_request_refresh(), name=f"{coordinator.name} restart"
    )


OPEN_DOOR = BasIpButtonEntityDescription(
    key="open_door",
    translation_key="open_door",
    press_fn=_open_lock(1),
)

RESTART = BasIpButtonEntityDescription(
    key="restart",
    device_class=ButtonDeviceClass.RESTART,
    entity_category=EntityCategory.CONFIG,
    press_fn=_restart,
)


def _has_lock(lock: int) -> Callable[[BasIpCapabilities], bool]:
    return lambda capabilities: capabilities.locks >= lock


# "Open door", "Open door 2", ...: one per lock the device reports.
BUTTONS: tuple[BasIpButtonEntityDescription, ...] = (
    *(
        replace(
            OPEN_DOOR,
            key=f"open_door_{lock}",
            translation_key="open_door" if lock == 1 else "open_door_lock",
            translation_placeholders=None if lock == 1 else {"lock": str(lock)},
            press_fn=_open_lock(lock),
            exists_fn=_has_lock(lock),
        )
        for lock in range(1, LOCK_MAX + 1)
    ),
    RESTART,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the lock release buttons the device has, and the restart button."""
    runtime = entry.runtime_data
    async_add_entities(
        BasIpButton(runtime=runtime, description=description)
        for description in BUTTONS
        if description.exists_fn(runtime.capabilities)
    )


class BasIpButton(BasIpDeviceEntity, ButtonEntity):
    """A button of a BAS-IP device."""

    entity_description: BasIpButtonEntityDescription

    @device_action
    async def async_press(self) -> None:
        """Send the button's one request."""
        await self.entity_description.press_fn(self.runtime)
