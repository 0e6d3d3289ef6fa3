"""Webhooks of Android panels (firmware 3.25.8 and later): the entries and their events.

docs/device-api.md, "Push channels". The entries and their rules are in
:mod:`.webhook_entry`, the sending in :mod:`.webhook_delivery`. Every item
the log keeps is offered to :meth:`Webhooks.offer`; each active webhook
subscribed to its ``log.<key>`` gets a delivery. Inferred: ``event_id``
counts the events offered to at least one active webhook (from 1, per
device), ``created_at`` is the device time of the offer, and a test
delivery has ``event_type`` ``test``, ``event_id`` 0 and ``data`` ``{}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
import math
from typing import Any

from simulator.clock import DeviceClock

from .webhook_delivery import Sender, Stats
from .webhook_entry import Webhook, make_webhook
from .webhook_wire import EVENT_TYPE_PREFIX, TEST_EVENT_TYPE, Delivery, delivery_body


class Webhooks:
    """The device's webhooks and what it sends to them."""

    def __init__(self, clock: DeviceClock, known_keys: Iterable[str]) -> None:
        """No webhooks yet; ``known_keys`` are the log keys a webhook may subscribe to."""
        self._clock = clock
        self._known = frozenset(known_keys)
        self._hooks: dict[int, Webhook] = {}
        self._next_uid = 1
        self._event_id = 0
        self._secrets: set[str] = set()
        self.sender = Sender(clock, self._hooks.get)

    # --- entries (the device API) ----------------------------------------------

    def get(self, uid: int) -> Webhook | None:
        """Find entry ``uid``."""
        return self._hooks.get(uid)

    def create(self, body: Any) -> int:
        """Add an entry from a POST body (raises :class:`SettingsError`); answer its uid."""
        hook = make_webhook(self._next_uid, body, self._known)
        self._keep(hook)
        self._next_uid += 1
        return hook.uid

    def replace(self, uid: int, body: Any) -> None:
        """Write a PUT body over existing entry ``uid`` (raises :class:`SettingsError`)."""
        self._keep(make_webhook(uid, body, self._known, self._hooks[uid].secret))

    def _keep(self, hook: Webhook) -> None:
        self._hooks[hook.uid] = hook
        if hook.secret:
            self._secrets.add(hook.secret)

    def delete(self, uid: int) -> None:
        """Remove existing entry ``uid``; what was pending for it is not sent."""
        del self._hooks[uid]
        self.sender.forget(uid)

    def page(self, limit: int, page_number: int) -> dict[str, Any]:
        """Build one page of ``GET /webhooks``, oldest entry first."""
        hooks = sorted(self._hooks.values(), key=lambda hook: hook.uid)
        start = (page_number - 1) * limit
        return {
            "list_items": [hook.answer() for hook in hooks[start : start + limit]],
            "list_options": {
                "pagination": {
                    "total_items": len(hooks),
                    "items_limit": limit,
                    "total_pages": math.ceil(len(hooks) / limit),
                    "current_page": page_number,
                }
            },
        }

    # --- events ------------------------------------------------------------------

    def offer(self, item: dict[str, Any]) -> None:
        """Queue a delivery of a logged ``item`` to each active webhook subscribed to its key."""
        if not self._hooks or self.sender.closed:
            return
        event_type = EVENT_TYPE_PREFIX + str(item["name"]["key"])
        targets = [h for h in self._hooks.values() if h.active and event_type in h.event_types]
        if not targets:
            return
        self._event_id += 1
        body = delivery_body(
            item, created_at=self._clock.now_ms(), event_id=self._event_id, event_type=event_type
        )
        for hook in targets:
            self.sender.enqueue(Delivery(hook.uid, self._event_id, event_type, body))

    async def test(self, uid: int) -> int | None:
        """Send existing entry ``uid`` a test delivery now: the receiver's status, or ``None``."""
        hook = self._hooks[uid]
        body = delivery_body(
            {}, created_at=self._clock.now_ms(), event_id=0, event_type=TEST_EVENT_TYPE
        )
        return await self.sender.test(hook, Delivery(uid, 0, TEST_EVENT_TYPE, body))

    # --- controls (Python API) -----------------------------------------------------

    def stats(self) -> dict[int, dict[str, Any]]:
        """Build the delivery stats of each entry, by uid.

        ``attempts``, ``delivered``, ``failed``, ``dropped``, ``last_status``
        (an HTTP status, ``"timeout"`` or ``"error"``) and ``pending``.
        """
        sender = self.sender
        return {
            uid: asdict(sender.stats.get(uid, Stats())) | {"pending": sender.pending.get(uid, 0)}
            for uid in sorted(self._hooks)
        }

    def describe(self) -> list[dict[str, Any]]:
        """Describe every entry without its secret or header values, stats included."""
        stats = self.stats()
        return [
            hook.describe() | {"stats": stats[uid]} for uid, hook in sorted(self._hooks.items())
        ]

    def records(self) -> list[dict[str, Any]]:
        """List the last 100 attempts, oldest first: uid, event id and type, attempt, status."""
        return list(self.sender.records)

    @property
    def faults(self) -> dict[str, Any]:
        """The current fault settings (drop, delay, duplicate, reorder, signing, retries...)."""
        return asdict(self.sender.faults)

    def set_faults(self, **changes: Any) -> dict[str, Any]:
        """Change the named fault settings (``None``: unchanged; raises ``ValueError``)."""
        return self.sender.set_faults(**changes)

    def clear_faults(self) -> dict[str, Any]:
        """Back to the device's own behaviour: no faults, ``body`` signing, 3 retries 1 s apart."""
        return self.sender.reset_faults()

    async def idle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - the tests' bound
        """Return once no delivery is queued, held or in flight; else ``TimeoutError``."""
        await self.sender.idle(timeout)

    def open(self) -> None:
        """Send again after :meth:`close` (the device started again)."""
        self.sender.closed = False

    async def close(self) -> None:
        """Stop sending: cancel the workers, drop what is pending, close the client session."""
        await self.sender.close()

    def secrets(self) -> set[str]:
        """Every webhook secret ever held, for the log guard."""
        return set(self._secrets)

    def summary(self) -> list[dict[str, Any]]:
        """Describe the entries for the device state (no secrets, no stats)."""
        return [hook.describe() for _, hook in sorted(self._hooks.items())]
