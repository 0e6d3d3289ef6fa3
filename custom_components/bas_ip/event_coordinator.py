"""The event channel: a light poller of the device's event log.

It reads the newest page of the log (more pages only after a burst) and
nothing else, beside the SIP coordinator and independent of it. The client's
:class:`EventLogReader` decides what is new: no replay, exactly once, device
time only. This coordinator keeps the reader's cursor (with the log's layout,
so that a restart costs no new probe) in Home Assistant's storage, written
before a poll's events are handed out, so that a reload, a restart or a
crash resumes where it stopped without a replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .client import (
    BasIpClient,
    BasIpError,
    BasIpUnsupportedDeviceError,
    EventLogReader,
    IntercomEvent,
    LogItem,
    LogOrderError,
)
from .const import (
    CONF_EVENT_INTERVAL,
    CONF_EVENTS_ENABLED,
    DEFAULT_EVENT_INTERVAL,
    DEFAULT_EVENTS_ENABLED,
    DOMAIN,
    LOGGER,
)
from .errors import translate_error
from .issues import async_create_log_order_issue, async_delete_log_order_issue
from .runtime import BasIpConfigEntry

STORAGE_VERSION = 1
# A device whose newest items are on its last page costs two requests a poll
# (the last page and the one before it): its default interval doubles, so
# the request budget holds (README, "How data is updated").
TWO_PAGE_EVENT_INTERVAL = 2 * DEFAULT_EVENT_INTERVAL
# How often a device whose log cannot be read in order is probed again.
UNREADABLE_RETRY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventBatch:
    """What one poll of the log found."""

    seq: int
    """Increases with every successful poll: an entity handles each batch once."""
    events: tuple[IntercomEvent, ...]
    """New events, oldest first."""
    newest: LogItem | None
    """The newest item the log holds, new or not."""


class EventBatchFollower:
    """Hands each successful poll's events to one entity, once.

    A coordinator update that is not a new successful poll (a failure, a
    listener added) carries the last batch again; its ``seq`` tells them
    apart.
    """

    __slots__ = ("_events", "_handled_seq")

    def __init__(self, events: BasIpEventCoordinator) -> None:
        """Nothing handled yet."""
        self._events = events
        self._handled_seq = 0

    def start(self) -> EventBatch | None:
        """Follow from after the current poll; its batch (``None`` before any poll)."""
        batch: EventBatch | None = self._events.data
        if batch is not None:
            self._handled_seq = batch.seq
        return batch

    def take_new(self) -> tuple[IntercomEvent, ...] | None:
        """Take the events of a poll not handled yet, or ``None`` when there is none."""
        batch: EventBatch | None = self._events.data
        if batch is None or not self._events.last_update_success or batch.seq <= self._handled_seq:
            return None
        self._handled_seq = batch.seq
        return batch.events


def _cursor_store(hass: HomeAssistant, entry: BasIpConfigEntry) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.events")


class BasIpEventCoordinator(DataUpdateCoordinator[EventBatch]):
    """Polls the event log of one device."""

    config_entry: BasIpConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BasIpConfigEntry,
        client: BasIpClient,
        *,
        device_type: str | None,
    ) -> None:
        """Poll at the options' event interval, or not at all when events are off."""
        self.enabled: bool = entry.options.get(CONF_EVENTS_ENABLED, DEFAULT_EVENTS_ENABLED)
        self._explicit_interval = CONF_EVENT_INTERVAL in entry.options
        self._interval = timedelta(
            seconds=entry.options.get(CONF_EVENT_INTERVAL, DEFAULT_EVENT_INTERVAL)
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title} events",
            update_interval=self._interval if self.enabled else None,
        )
        self.client = client
        self._device_type = device_type
        self._store = _cursor_store(hass, entry)
        self._saved_cursor: dict[str, Any] | None = None
        self.log_order_error: LogOrderError | None = None
        """Set while no readable order of the log is known (a repair issue is up)."""
        self._reader: EventLogReader | None = None
        self._seq = 0
        self._newest: LogItem | None = None
        self.supported: bool | None = None
        """``None`` until the log has answered once; ``False`` where it has no log (404)."""
        self.delivering_setup_batch = False
        """True while the entry sets up: entities then take the set-up poll's events."""

    async def async_load_cursor(self) -> None:
        """Resume from the cursor stored by the last run, if any."""
        cursor = await self._store.async_load()
        self._saved_cursor = cursor
        self._reader = EventLogReader(self.client, device_type=self._device_type, cursor=cursor)

    async def async_save_cursor(self) -> None:
        """Write the cursor now (unload): a restart must not replay a delivered event."""
        if self._reader is not None:
            await self._store.async_save(self._reader.cursor)

    @staticmethod
    async def async_remove_store(hass: HomeAssistant, entry: BasIpConfigEntry) -> None:
        """Forget the stored cursor of a removed entry."""
        await _cursor_store(hass, entry).async_remove()

    @property
    def reader(self) -> EventLogReader | None:
        """The log reader (diagnostics read its field reports)."""
        return self._reader

    @property
    def default_interval_seconds(self) -> int:
        """The event interval that keeps this device within the request budget."""
        layout = self._reader.layout if self._reader is not None else None
        if layout is not None and layout.pages_per_poll > 1:
            return TWO_PAGE_EVENT_INTERVAL
        return DEFAULT_EVENT_INTERVAL

    def _apply_default_interval(self) -> None:
        """Follow the device's default interval while the user has not chosen one."""
        if self._explicit_interval or not self.enabled:
            return
        interval = timedelta(seconds=self.default_interval_seconds)
        if interval != self._interval:
            self._interval = interval
            self.update_interval = interval

    async def _async_save_if_changed(self) -> None:
        """Store the cursor before the poll's events are handed out."""
        assert self._reader is not None
        cursor = self._reader.cursor
        if cursor != self._saved_cursor:
            await self._store.async_save(cursor)
            self._saved_cursor = cursor

    @callback
    def async_set_options(self, *, enabled: bool, interval_seconds: int) -> None:
        """Apply the event options in place, without a reload."""
        interval = timedelta(seconds=interval_seconds)
        self._explicit_interval = True
        if enabled == self.enabled and interval == self._interval:
            return
        was_enabled = self.enabled
        self.enabled = enabled
        self._interval = interval
        if self.supported is False:
            # A device without an event log is never asked for one.
            return
        self.update_interval = interval if enabled else None
        if not enabled:
            # No log request at all from now on (the poll already scheduled
            # included); entities go unavailable.
            self._unschedule_refresh()
            self.async_update_listeners()
            return
        if not was_enabled and self._reader is not None:
            # What was logged while events were off is delivered under the
            # outage rule (stale rings dropped), like after any interruption.
            self._reader.mark_interrupted()
        # A refresh now re-arms the timer with the new interval.
        self.config_entry.async_create_background_task(
            self.hass, self.async_request_refresh(), name=f"{self.name} options change"
        )

    async def _async_update_data(self) -> EventBatch:
        """Read what the device logged since the last poll."""
        if self._reader is None:
            await self.async_load_cursor()
        assert self._reader is not None
        try:
            poll = await self._reader.poll()
        except LogOrderError as err:
            self._log_unreadable(err)
            raise translate_error(err, self.config_entry, permanent=UpdateFailed) from err
        except BasIpUnsupportedDeviceError as err:
            if self.supported is None:
                # No event log on this device (404 at set-up): stop asking for
                # it. Not an error: its event entities are just not created.
                self.supported = False
                self.update_interval = None
                LOGGER.info("%s: the device has no event log; no event entities", self.name)
                return EventBatch(seq=self._seq, events=(), newest=None)
            raise translate_error(err, self.config_entry, permanent=UpdateFailed) from err
        except BasIpError as err:
            raise translate_error(err, self.config_entry, permanent=UpdateFailed) from err
        self.supported = True
        if self.log_order_error is not None:
            self.log_order_error = None
            self.update_interval = self._interval if self.enabled else None
            async_delete_log_order_issue(self.hass, self.config_entry)
        self._apply_default_interval()
        if poll.overflowed:
            LOGGER.warning(
                "%s: some log items were lost before they could be read (more arrived "
                "at once than %d pages hold, or the device rotated them out)",
                self.name,
                self._reader.max_pages,
            )
        if poll.stale_rings:
            LOGGER.debug("%s: %d ring(s) older than 60 s not reported", self.name, poll.stale_rings)
        await self._async_save_if_changed()
        self._seq += 1
        if poll.newest is not None:
            self._newest = poll.newest
        return EventBatch(seq=self._seq, events=poll.events, newest=self._newest)

    def _log_unreadable(self, err: LogOrderError) -> None:
        """One warning and a repair issue; the SIP part goes on, the log is probed again later."""
        if self.log_order_error is None:
            LOGGER.warning(
                "%s: the event log of this device cannot be read in order; doorbell and "
                "access events are unavailable (%s)",
                self.name,
                err,
            )
            async_create_log_order_issue(self.hass, self.config_entry, err)
        self.log_order_error = err
        if self.enabled:
            self.update_interval = UNREADABLE_RETRY
