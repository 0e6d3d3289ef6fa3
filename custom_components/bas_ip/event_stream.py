"""One device's events, exactly once, from two sources: the log poll and push.

The event coordinator's poll and the webhook receiver both hand their events
to :class:`BasIpEventStream`. It drops what the other source already
delivered (:class:`~.client.PushPollMerger`), stores the log cursor with that
memory *before* anything fires (so that a restart never fires an event
twice), then calls each subscriber once per event, oldest first.

Events found before the entities exist (the set-up poll reads what was
logged while Home Assistant was away) are held until :meth:`async_start`,
which the set-up calls once the platforms have added their entities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .client import EventKind, IntercomEvent, LogItem, PushPollMerger, classify
from .const import DOMAIN

STORAGE_VERSION: Final = 1
# A pushed ring older than this on the device's clock is not reported (the
# poll's stale-ring rule, for deliveries retried after an outage).
RING_MAX_AGE_MS: Final = 60_000

type EventCallback = Callable[[IntercomEvent], None]


def event_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Build the store of one entry's log cursor and push memory."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.events")


class BasIpEventStream:
    """Hands each of one device's events to the subscribers, once."""

    def __init__(self, hass: HomeAssistant, entry_id: str, *, device_type: str | None) -> None:
        """Nothing loaded, nothing subscribed, events held until :meth:`async_start`."""
        self._store = event_store(hass, entry_id)
        self._device_type = device_type
        self._subscribers: list[tuple[EventCallback, bool]] = []
        self._held: list[IntercomEvent] | None = []
        self._saved: dict[str, Any] | None = None
        self._cursor_fn: Callable[[], dict[str, Any]] = dict
        self.merger = PushPollMerger()
        self.pushed_keys: frozenset[str] = frozenset()
        """The log keys the device pushes (empty while push is off or unhealthy)."""
        self.stale_pushed_rings = 0

    async def async_load(self) -> dict[str, Any] | None:
        """Load the stored memory; return the stored log cursor (``None``: first run)."""
        stored = await self._store.async_load()
        self._saved = stored
        if not isinstance(stored, dict):
            return None
        self.merger = PushPollMerger(stored.get("push"))
        return {key: value for key, value in stored.items() if key != "push"}

    def bind_cursor(self, cursor_fn: Callable[[], dict[str, Any]]) -> None:
        """Read the log reader's cursor through ``cursor_fn`` each time the store is written."""
        self._cursor_fn = cursor_fn

    async def async_save(self) -> None:
        """Store the cursor and the push memory, when they changed."""
        data = {**self._cursor_fn(), "push": self.merger.state}
        if data != self._saved:
            await self._store.async_save(data)
            self._saved = data

    async def async_remove(self) -> None:
        """Forget what the store holds (the entry was removed)."""
        await self._store.async_remove()

    @callback
    def async_subscribe(self, handler: EventCallback, *, backlog: bool = True) -> CALLBACK_TYPE:
        """Call ``handler`` with every event from now on; return the unsubscribe callback.

        ``backlog=False``: not with the events held since set-up (a state that
        the set-up read fresher from the device, like the door contact).
        """
        subscription = (handler, backlog)
        self._subscribers.append(subscription)

        @callback
        def unsubscribe() -> None:
            if subscription in self._subscribers:
                self._subscribers.remove(subscription)

        return unsubscribe

    @callback
    def async_start(self) -> None:
        """Hand out the events held since set-up; later ones go out at once."""
        held, self._held = self._held, None
        for event in held or ():
            for handler, backlog in tuple(self._subscribers):
                if backlog:
                    handler(event)

    async def async_take_polled(self, events: Iterable[IntercomEvent]) -> tuple[IntercomEvent, ...]:
        """Take a poll's new events and store the cursor; return those no delivery fired.

        The poll hands them to :meth:`async_dispatch` once it has recorded its
        success, so that the entities are available when they fire.
        """
        new = self.merger.take_polled(events, pushed_keys=self.pushed_keys)
        await self.async_save()
        return new

    @callback
    def async_dispatch(self, events: Iterable[IntercomEvent]) -> None:
        """Hand events out (held until :meth:`async_start` during set-up)."""
        self._dispatch(events)

    async def async_from_push(self, event_id: int, item: LogItem, *, created_at_ms: int) -> bool:
        """Take one delivered log item; fire it unless it was fired already or is stale."""
        if not self.merger.take_pushed(event_id, item):
            return False
        event = classify(item, device_type=self._device_type)
        await self.async_save()
        if event.kind is EventKind.OWN_TRAFFIC:
            return False
        if self._is_stale_ring(event, created_at_ms):
            self.stale_pushed_rings += 1
            return False
        self._dispatch((event,))
        return True

    @staticmethod
    def _is_stale_ring(event: IntercomEvent, created_at_ms: int) -> bool:
        """Tell a ring delivered over a minute after it was logged (both on the device's clock)."""
        if event.kind is not EventKind.DOORBELL or event.type != "ring":
            return False
        return created_at_ms - event.item.timestamp > RING_MAX_AGE_MS

    def _dispatch(self, events: Iterable[IntercomEvent]) -> None:
        if self._held is not None:
            self._held.extend(events)
            return
        for event in events:
            for handler, _ in tuple(self._subscribers):
                handler(event)
