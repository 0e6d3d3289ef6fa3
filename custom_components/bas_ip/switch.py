"""Switch: SIP on or off.

Its state is the SIP registration status the coordinator reads anyway
(``OFFLINE`` means SIP is switched off), so it costs no request per refresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import BasIpClient, SipRegistrationStatus
from .coordinator import BasIpDeviceData
from .entity import BasIpStatusEntity
from .errors import device_action
from .runtime import BasIpConfigEntry

# The coordinator reads the state; a switch only writes.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BasIpSwitchEntityDescription(SwitchEntityDescription):
    """A switch: where its state comes from and how it is set."""

    is_on_fn: Callable[[BasIpDeviceData], bool | None]
    set_fn: Callable[[BasIpClient, bool], Awaitable[None]]


def _sip_enabled(data: BasIpDeviceData) -> bool | None:
    if data.status is None:
        return None
    return data.status.status is not SipRegistrationStatus.OFFLINE


SWITCHES: tuple[BasIpSwitchEntityDescription, ...] = (
    BasIpSwitchEntityDescription(
        key="sip_enabled",
        translation_key="sip_enabled",
        entity_category=EntityCategory.CONFIG,
        is_on_fn=_sip_enabled,
        set_fn=lambda client, enabled: client.set_sip_enabled(enabled),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the SIP switch where the device reports its SIP status."""
    runtime = entry.runtime_data
    if not runtime.capabilities.sip_status:
        # Without the status endpoint the switch would have no state.
        return
    async_add_entities(
        BasIpSwitch(runtime=runtime, description=description) for description in SWITCHES
    )


class BasIpSwitch(BasIpStatusEntity, SwitchEntity):
    """A switch of a BAS-IP device."""

    entity_description: BasIpSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The state as the last refresh found it."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on, then read the device again."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off, then read the device again."""
        await self._async_set(False)

    @device_action
    async def _async_set(self, on: bool) -> None:
        await self.entity_description.set_fn(self.runtime.client, on)
        await self.coordinator.async_request_refresh()
