"""The visitor history of one entry: every ring, its picture and what became of it.

:class:`VisitorHistory` subscribes to the entry's event stream before the
entities do, so it meets each ring first. A ring is recorded at once; its
picture comes from the entry's shared :class:`~..snapshots.SnapshotSource`
with the same freshness the "Last visitor" image asks for, so both are
served by the ring's one device request. The picture is written in the
executor; the index (``.storage/bas_ip.<entry id>.visitors``) is saved with
Home Assistant's store, batched. A later missed call or door opening settles
the ring's outcome.

Nothing here waits for a picture before the doorbell event fires: the event
links to the visit by its id, which the ring alone determines.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.components.http.auth import async_sign_path
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from custom_components.bas_ip.client import BasIpError, EventKind, IntercomEvent
from custom_components.bas_ip.const import (
    DOMAIN,
    EVENT_MISSED,
    EVENT_RING,
    LOGGER,
    RING_SNAPSHOT_MAX_AGE,
)
from custom_components.bas_ip.event_stream import BasIpEventStream
from custom_components.bas_ip.runtime import BasIpConfigEntry
from custom_components.bas_ip.snapshots import SnapshotSource

from .files import (
    delete_pictures,
    history_dir,
    read_picture,
    remove_history,
    sweep,
    write_picture,
)
from .model import Visit, prune, settle_missed, settle_opened, visit_id

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 1.0
CLEAN_UP_INTERVAL: Final = timedelta(days=1)
# How long a request for a picture still being taken waits for it (seconds):
# a notification sent at the ring fetches the picture before it exists.
PICTURE_WAIT: Final = 15.0
# How long the signed ``snapshot_url`` of a ring event stays usable.
SNAPSHOT_URL_VALID: Final = timedelta(days=1)
PICTURE_URL: Final = "/api/bas_ip/visitors/{entry_id}/{visit_id}.jpg"
MEDIA_SOURCE_PREFIX: Final = f"media-source://{DOMAIN}"


def visitor_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Build the store of one entry's visit index."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.visitors")


def picture_url(entry_id: str, visit: str) -> str:
    """Return the path Home Assistant serves a visit's picture at (authenticated)."""
    return PICTURE_URL.format(entry_id=entry_id, visit_id=visit)


def media_id(entry_id: str, visit: str) -> str:
    """Return the media-source id of a visit."""
    return f"{MEDIA_SOURCE_PREFIX}/{entry_id}/{visit}"


async def async_remove_history(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's visit index and pictures."""
    await visitor_store(hass, entry_id).async_remove()
    await hass.async_add_executor_job(remove_history, history_dir(hass, entry_id))


class VisitorHistory:
    """Every ring of one device kept with its picture, within the retention."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BasIpConfigEntry,
        *,
        snapshots: SnapshotSource,
        logs_missed: bool,
        days: int,
        max_rings: int,
    ) -> None:
        """Nothing loaded, nothing subscribed."""
        self.hass = hass
        self.entry = entry
        self.directory = history_dir(hass, entry.entry_id)
        self.logs_missed = logs_missed
        self.days = days
        self.max_rings = max_rings
        self._store = visitor_store(hass, entry.entry_id)
        self._snapshots = snapshots
        self._visits: dict[str, Visit] = {}
        self._taking: dict[str, asyncio.Task[None]] = {}
        self._fetching: dict[str, asyncio.Task[bytes]] = {}
        self._closed = False

    @property
    def visits(self) -> list[Visit]:
        """The visits kept, in the order they rang."""
        return list(self._visits.values())

    def visit(self, visit: str) -> Visit | None:
        """Return one visit, ``None`` when it is not (or no longer) kept."""
        return self._visits.get(visit)

    async def async_load(self) -> None:
        """Read the index, drop pictures it does not name, apply the retention."""
        stored = await self._store.async_load() or {}
        loaded = (Visit.from_dict(raw) for raw in stored.get("visits", ()))
        self._visits = {visit.id: visit for visit in loaded if visit is not None}
        try:
            present = await self.hass.async_add_executor_job(
                sweep, self.directory, set(self._visits)
            )
        except OSError as err:
            LOGGER.warning("Visitor history: cannot read %s: %s", self.directory, err)
            present = set()
        for visit in self._visits.values():
            # A picture interrupted by a restart is there, or it is not.
            visit.picture = visit.id in present
        await self.async_clean_up()

    @callback
    def async_start(self, stream: BasIpEventStream) -> None:
        """Follow the entry's events and clean up once a day, until the entry unloads."""
        self.entry.async_on_unload(stream.async_subscribe(self._handle_event))
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._async_daily, CLEAN_UP_INTERVAL, name=f"{DOMAIN} visitor clean-up"
            )
        )

    async def async_unload(self) -> None:
        """Write the index now (pictures being taken are cancelled with the entry)."""
        self._closed = True
        await self._store.async_save(_index(tuple(self._visits.values())))

    @callback
    def links(self, event: IntercomEvent) -> dict[str, str]:
        """Return the ring's ``snapshot`` (media-source id) and ``snapshot_url`` (signed path)."""
        visit = visit_id(event)
        url = async_sign_path(
            self.hass,
            picture_url(self.entry.entry_id, visit),
            SNAPSHOT_URL_VALID,
            use_content_user=True,
        )
        return {"snapshot": media_id(self.entry.entry_id, visit), "snapshot_url": url}

    async def async_picture(self, visit: str) -> bytes | None:
        """Return a visit's picture, waiting a while for one being taken; ``None``: none."""
        if (kept := self._visits.get(visit)) is None:
            return None
        if (task := self._taking.get(visit)) is not None:
            await asyncio.wait({task}, timeout=PICTURE_WAIT)
        if not kept.picture:
            return None
        return await self.hass.async_add_executor_job(read_picture, self.directory, visit)

    async def async_ring_jpeg(self, event: IntercomEvent) -> bytes:
        """Return a ring's snapshot from the one request made for it; raise its error.

        The "Last visitor" image asks here, so that a ring costs one request
        even when the snapshot fails (a failure is not kept for reuse).
        """
        if (fetch := self._fetching.get(visit_id(event))) is None:
            return await self._snapshots.async_jpeg(max_age=RING_SNAPSHOT_MAX_AGE)
        return await asyncio.shield(fetch)

    @callback
    def async_set_retention(self, *, days: int, max_rings: int) -> None:
        """Apply new retention options now."""
        self.days, self.max_rings = days, max_rings
        self.entry.async_create_background_task(
            self.hass, self.async_clean_up(), name=f"{DOMAIN} visitor clean-up"
        )

    async def async_clean_up(self, now: datetime | None = None) -> int:
        """Remove the visits the retention no longer keeps; return how many.

        The index forgets them first, then their pictures are deleted (a
        picture left by a crash in between is swept at the next start).
        """
        kept, removed = prune(
            self._visits.values(),
            now=now or dt_util.utcnow(),
            days=self.days,
            max_rings=self.max_rings,
        )
        if not removed:
            return 0
        self._visits = {visit.id: visit for visit in kept}
        self._save()
        await self.hass.async_add_executor_job(
            delete_pictures, self.directory, [visit.id for visit in removed]
        )
        LOGGER.debug("Visitor history of %s: %d rings removed", self.entry.title, len(removed))
        return len(removed)

    async def _async_daily(self, now: datetime) -> None:
        await self.async_clean_up(now)

    @callback
    def _handle_event(self, event: IntercomEvent) -> None:
        """Record a ring; settle a ring's outcome from a missed call or an opened door."""
        settled: Visit | None = None
        if event.kind is EventKind.DOORBELL and event.type == EVENT_RING:
            self._ring(event)
        elif event.kind is EventKind.DOORBELL and event.type == EVENT_MISSED:
            settled = settle_missed(self._visits.values(), event)
        elif event.kind is EventKind.ACCESS and event.type == "granted":
            settled = settle_opened(self._visits.values(), event)
        if settled is not None:
            self._save()

    def _ring(self, event: IntercomEvent) -> None:
        visit = Visit(
            id=visit_id(event),
            rung_at=dt_util.utcnow(),
            device_ms=event.item.timestamp,
            number=event.data.get("number"),
        )
        if visit.id in self._visits:
            return
        self._visits[visit.id] = visit
        self._fetching[visit.id] = self.entry.async_create_background_task(
            self.hass,
            self._snapshots.async_jpeg(max_age=RING_SNAPSHOT_MAX_AGE),
            name=f"{DOMAIN} visitor snapshot",
        )
        self._taking[visit.id] = self.entry.async_create_background_task(
            self.hass, self._async_take(visit), name=f"{DOMAIN} visitor picture"
        )
        if len(self._visits) > self.max_rings:
            self.entry.async_create_background_task(
                self.hass, self.async_clean_up(), name=f"{DOMAIN} visitor clean-up"
            )
        self._save()

    async def _async_take(self, visit: Visit) -> None:
        """Take the ring's picture (shared with the "Last visitor" image) and store it."""
        try:
            jpeg = await self._fetching[visit.id]
            await self.hass.async_add_executor_job(write_picture, self.directory, visit.id, jpeg)
        except BasIpError as err:
            # The image entity warns about the same failed snapshot.
            LOGGER.debug("Visitor history of %s: no picture: %s", self.entry.title, err)
            visit.picture = False
        except OSError as err:
            LOGGER.warning("Visitor history: cannot store a picture in %s: %s", self.directory, err)
            visit.picture = False
        else:
            visit.picture = True
            if visit.id not in self._visits:
                # Removed by the retention meanwhile.
                await self.hass.async_add_executor_job(delete_pictures, self.directory, [visit.id])
        finally:
            self._taking.pop(visit.id, None)
            self._fetching.pop(visit.id, None)
        self._save()

    def _save(self) -> None:
        """Save the index soon, batched (the store renders it in the executor)."""
        if self._closed:
            return
        visits = tuple(self._visits.values())
        self._store.async_delay_save(lambda: _index(visits), SAVE_DELAY)


def _index(visits: tuple[Visit, ...]) -> dict[str, Any]:
    return {"visits": [visit.as_dict() for visit in visits]}
