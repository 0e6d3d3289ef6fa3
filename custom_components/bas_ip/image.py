"""Image "Last visitor": a snapshot taken when someone rings.

It listens to the event channel and asks for a snapshot only when a new
doorbell ring arrives, so it costs no request while nobody rings. The image
is kept in memory; ``image_last_updated`` is the time of the ring.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .client import BasIpError, EventKind, IntercomEvent
from .const import EVENT_RING, LOGGER, RING_SNAPSHOT_MAX_AGE
from .entity import BasIpEventChannelEntity
from .runtime import BasIpConfigEntry, BasIpRuntimeData
from .snapshots import JPEG, SnapshotSource

# The event coordinator does the polling; snapshots are shared.
PARALLEL_UPDATES = 0

LAST_VISITOR = ImageEntityDescription(key="last_visitor", translation_key="last_visitor")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the image on devices with a camera and an event log."""
    runtime = entry.runtime_data
    if runtime.snapshots is None or not runtime.capabilities.event_log:
        return
    async_add_entities([BasIpLastVisitorImage(hass, runtime=runtime, snapshots=runtime.snapshots)])


class BasIpLastVisitorImage(BasIpEventChannelEntity, ImageEntity):
    """The snapshot taken at the last ring."""

    _attr_content_type = JPEG

    def __init__(
        self, hass: HomeAssistant, *, runtime: BasIpRuntimeData, snapshots: SnapshotSource
    ) -> None:
        """No image until the first ring."""
        super().__init__(runtime=runtime, description=LAST_VISITOR)
        ImageEntity.__init__(self, hass)
        self._snapshots = snapshots
        self._image: bytes | None = None
        self._task: asyncio.Task[None] | None = None

    async def async_will_remove_from_hass(self) -> None:
        """Stop a snapshot in flight."""
        if self._task is not None:
            self._task.cancel()
        await super().async_will_remove_from_hass()

    @callback
    def _handle_event(self, event: IntercomEvent) -> None:
        if event.kind is not EventKind.DOORBELL or event.type != EVENT_RING:
            return
        if self._task is not None and not self._task.done():
            return  # rings while the snapshot is taken are the same visitor
        self._task = self.coordinator.config_entry.async_create_background_task(
            self.hass, self._async_take(event, dt_util.utcnow()), name=f"{self.entity_id} snapshot"
        )

    async def _async_take(self, event: IntercomEvent, rung_at: datetime) -> None:
        try:
            if (visitors := self.runtime.visitors) is not None:
                # The visitor history's request for this ring, shared.
                jpeg = await visitors.async_ring_jpeg(event)
            else:
                jpeg = await self._snapshots.async_jpeg(max_age=RING_SNAPSHOT_MAX_AGE)
        except BasIpError as err:
            # The previous visitor's image stays.
            LOGGER.warning("%s: no snapshot of the visitor who rang: %s", self.entity_id, err)
            return
        if self._attr_image_last_updated is not None and rung_at < self._attr_image_last_updated:
            return  # a later ring's snapshot is already shown
        self._image = jpeg
        self._attr_image_last_updated = rung_at
        self.async_write_ha_state()

    async def async_image(self) -> bytes | None:
        """Return the snapshot of the last ring."""
        return self._image
