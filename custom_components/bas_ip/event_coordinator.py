"""The event channel: a light poller of the device's event log.

It reads the newest page of the log (more pages only after a burst) and
nothing else, beside the SIP coordinator and independent of it. The client's
:class:`EventLogReader` decides what is new: no replay, exactly once, device
time only. The coordinator keeps state (availability, the newest item); it
hands each poll's events to the entry's :class:`~.event_stream.BasIpEventStream`,
which stores the reader's cursor (with the log's layout, so that a restart
costs no new probe) before they fire, and drops what push delivered already.
While push is healthy the poll only reconciles, at ``reconcile_interval``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from homeassistant.core import HomeAssistant, callback
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
from .event_stream import BasIpEventStream
from .issues import async_create_log_order_issue, async_delete_log_order_issue
from .runtime import BasIpConfigEntry

# A device whose newest items are on its last page costs two requests a poll
# (the last page and the one before it): its default interval doubles, so
# the request budget holds (README, "How data is updated").
TWO_PAGE_EVENT_INTERVAL = 2 * DEFAULT_EVENT_INTERVAL
# How often a device whose log cannot be read in order is probed again.
UNREADABLE_RETRY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventLogState:
    """What the log showed last: the coordinator keeps state, the stream hands out events."""

    newest: LogItem | None
    """The newest item the log holds (polled or pushed), new or not."""


class BasIpEventCoordinator(DataUpdateCoordinator[EventLogState]):
    """Polls the event log of one device and feeds its events to the event stream."""

    config_entry: BasIpConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BasIpConfigEntry,
        client: BasIpClient,
        stream: BasIpEventStream,
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
        self.stream = stream
        self.log_order_error: LogOrderError | None = None
        """Set while no readable order of the log is known (a repair issue is up)."""
        self._reader: EventLogReader | None = None
        self._newest: LogItem | None = None
        self._to_fire: tuple[IntercomEvent, ...] = ()
        self.supported: bool | None = None
        """``None`` until the log has answered once; ``False`` where it has no log (404)."""
        self.reconcile_interval: timedelta | None = None
        """Set while push delivers the events: the poll only reconciles, this often."""

    async def async_load_cursor(self) -> None:
        """Resume from the cursor stored by the last run, if any."""
        cursor = await self.stream.async_load()
        reader = EventLogReader(self.client, device_type=self._device_type, cursor=cursor)
        self._reader = reader
        self.stream.bind_cursor(lambda: reader.cursor)

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

    @property
    def poll_interval(self) -> timedelta:
        """The interval the poll runs at now: the reconciliation interval while push is healthy."""
        if self.reconcile_interval is not None:
            return max(self.reconcile_interval, self._interval)
        return self._interval

    def _apply_default_interval(self) -> None:
        """Follow the device's default interval while the user has not chosen one."""
        if not self._explicit_interval and self.enabled:
            self._interval = timedelta(seconds=self.default_interval_seconds)
        if self.enabled and self.log_order_error is None and self.supported is not False:
            self.update_interval = self.poll_interval

    @callback
    def async_set_reconcile(self, interval: timedelta | None) -> None:
        """Slow the poll to ``interval`` while push is healthy; ``None``: back to the normal one."""
        if interval == self.reconcile_interval:
            return
        self.reconcile_interval = interval
        self._apply_default_interval()
        if interval is None and self.enabled and self.supported:
            # Push stopped: catch up now rather than at the slow poll's next turn.
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), name=f"{self.name} back to polling"
            )

    @callback
    def async_note_pushed(self, item: LogItem) -> None:
        """Show a pushed item as the log's newest, without touching the poll's timer."""
        if self._newest is None or item.timestamp >= self._newest.timestamp:
            self._newest = item
            self.data = EventLogState(newest=item)
            self.async_update_listeners()

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
        self.update_interval = self.poll_interval if enabled else None
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

    async def _async_update_data(self) -> EventLogState:
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
                return EventLogState(newest=None)
            raise translate_error(err, self.config_entry, permanent=UpdateFailed) from err
        except BasIpError as err:
            raise translate_error(err, self.config_entry, permanent=UpdateFailed) from err
        self.supported = True
        if self.log_order_error is not None:
            self.log_order_error = None
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
        if poll.newest is not None:
            self._newest = poll.newest
        # The stream stores the cursor before anything fires; the events fire
        # once this poll counts as a success (async_update_listeners).
        self._to_fire = await self.stream.async_take_polled(poll.events)
        return EventLogState(newest=self._newest)

    @callback
    def async_update_listeners(self) -> None:
        """Fire the last poll's new events first, then let the entities write their state."""
        to_fire, self._to_fire = self._to_fire, ()
        self.stream.async_dispatch(to_fire)
        super().async_update_listeners()

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
