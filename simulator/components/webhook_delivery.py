"""How the device sends its webhooks: retries, one worker per webhook, faults.

docs/device-api.md, "Push channels". A delivery is one logged item for one
webhook; each webhook has its own queue and worker task, so deliveries go in
order and never hold up the device's request handling. An attempt POSTs the
delivery's body (the same bytes every time) with ``X-Webhook-Timestamp`` (the
**device** clock), ``X-Webhook-Attempt`` and, when the webhook has a secret,
``X-Webhook-Signature``, fresh per attempt (:mod:`.webhook_wire`). Retries,
their delay, the outcome names and test deliveries are inferred. Only the
webhook's uid, the event id, the attempt and the outcome are ever logged:
never the URL (it may carry a token), a body or a secret.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
import logging
from typing import TYPE_CHECKING, Any, Final

import aiohttp

from simulator.clock import DeviceClock

from .webhook_wire import SIGNING_SCHEMES, Delivery, corrupt, iso_timestamp, sign

if TYPE_CHECKING:
    from .webhook_entry import Webhook

_LOGGER = logging.getLogger(__name__)

MAX_RETRIES_LIMIT: Final = 5
RECORDS_KEPT: Final = 100

Outcome = int | str
"""An attempt's outcome: the receiver's HTTP status, ``"timeout"``, ``"error"`` or ``"dropped"``."""


@dataclass(slots=True, kw_only=True)
class Faults:
    """How the device misbehaves when it sends (for tests); the defaults are its own settings."""

    drop: int = 0
    """The next ``drop`` deliveries are not sent at all (no attempt, no retry)."""
    delay: float = 0.0
    """Seconds each attempt waits before it is sent."""
    duplicate: bool = False
    """Each delivery is sent twice (the same event id; the copy starts at attempt 1)."""
    reorder: bool = False
    """Deliveries are held in pairs and sent in reverse order."""
    corrupt_signature: bool = False
    """Signatures are well-formed but wrong."""
    signing: str = "body"
    """What the signature covers: one of :data:`SIGNING_SCHEMES`."""
    max_retries: int = 3
    """Retries after a failed first attempt (the device setting, 0..5)."""
    retry_delay: float = 1.0
    """Seconds between a failed attempt and its retry."""

    def __post_init__(self) -> None:
        """Refuse settings no device has."""
        if self.signing not in SIGNING_SCHEMES:
            raise ValueError(f"signing must be one of {', '.join(SIGNING_SCHEMES)}")
        if not 0 <= self.max_retries <= MAX_RETRIES_LIMIT:
            raise ValueError(f"max_retries must be 0..{MAX_RETRIES_LIMIT}")
        if min(self.drop, self.delay, self.retry_delay) < 0:
            raise ValueError("drop, delay and retry_delay must be >= 0")


@dataclass(slots=True)
class Stats:
    """What one webhook's deliveries came to (test deliveries count as attempts only)."""

    attempts: int = 0
    delivered: int = 0
    failed: int = 0
    dropped: int = 0
    last_status: Outcome | None = None


class Sender:
    """The device's outbound side: queues, workers, one client session, stats, records."""

    def __init__(self, clock: DeviceClock, lookup: Callable[[int], Webhook | None]) -> None:
        """Send with device time from ``clock``; ``lookup`` gives a webhook's current settings."""
        self._clock = clock
        self._lookup = lookup
        self.faults = Faults()
        self.records: deque[dict[str, Any]] = deque(maxlen=RECORDS_KEPT)
        """The last attempts: uid, event id and type, attempt, outcome (attempt 0: dropped)."""
        self.stats: dict[int, Stats] = {}
        self.pending: Counter[int] = Counter()
        """Deliveries queued, held or in flight, by webhook uid."""
        self._queues: dict[int, asyncio.Queue[Delivery]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._held: dict[int, Delivery] = {}
        self._session: aiohttp.ClientSession | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.closed = False

    # --- queueing ----------------------------------------------------------------

    def enqueue(self, delivery: Delivery) -> None:
        """Queue ``delivery`` for its webhook's worker, as the faults say."""
        if self.closed:
            return
        faults = self.faults
        if faults.drop > 0:
            faults.drop -= 1
            self._stats(delivery.uid).dropped += 1
            self._record(delivery, 0, "dropped")
            return
        for copy in (delivery, delivery) if faults.duplicate else (delivery,):
            self._count(copy.uid, 1)
            if not faults.reorder:
                self._put(copy)
            elif (held := self._held.pop(copy.uid, None)) is None:
                self._held[copy.uid] = copy
            else:
                self._put(copy)
                self._put(held)

    def release_held(self) -> None:
        """Queue every delivery held for reordering (reordering was switched off)."""
        while self._held:
            self._put(self._held.popitem()[1])

    def _put(self, delivery: Delivery) -> None:
        self._queues.setdefault(delivery.uid, asyncio.Queue()).put_nowait(delivery)
        self._start_worker(delivery.uid)

    def _start_worker(self, uid: int) -> None:
        worker = self._workers.get(uid)
        if worker is not None and not worker.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # Started by the next enqueue or idle() in a running loop.
        work = self._work(uid, self._queues[uid])
        self._workers[uid] = loop.create_task(work, name=f"webhook-{uid}")

    def _count(self, uid: int, n: int) -> None:
        """Add ``n`` pending deliveries of ``uid`` (ignored once ``uid`` is forgotten)."""
        if n > 0 or uid in self.pending:
            self.pending[uid] += n
            if self.pending[uid] <= 0:
                del self.pending[uid]
        self._settle()

    def _settle(self) -> None:
        if self.pending:
            self._idle.clear()
        else:
            self._idle.set()

    def _stats(self, uid: int) -> Stats:
        return self.stats.setdefault(uid, Stats())

    def _record(self, delivery: Delivery, attempt: int, outcome: Outcome) -> None:
        self.records.append(
            {
                "uid": delivery.uid,
                "event_id": delivery.event_id,
                "event_type": delivery.event_type,
                "attempt": attempt,
                "status": outcome,
            }
        )

    # --- sending -----------------------------------------------------------------

    async def _work(self, uid: int, queue: asyncio.Queue[Delivery]) -> None:
        while True:
            delivery = await queue.get()
            try:
                await self._deliver(delivery)
            finally:
                self._count(uid, -1)

    async def _deliver(self, delivery: Delivery) -> None:
        """Send until a 2xx answer or the retries run out; a deleted webhook ends it."""
        attempt = 1
        while (hook := self._lookup(delivery.uid)) is not None:
            outcome = await self.attempt(hook, delivery, attempt)
            stats = self._stats(delivery.uid)
            if isinstance(outcome, int) and 200 <= outcome < 300:
                stats.delivered += 1
                return
            if attempt > self.faults.max_retries:
                stats.failed += 1
                return
            attempt += 1
            await asyncio.sleep(self.faults.retry_delay)

    async def attempt(self, hook: Webhook, delivery: Delivery, attempt: int) -> Outcome:
        """POST ``delivery`` once (after the fault delay), signed now; counted and recorded."""
        faults = self.faults
        if faults.delay > 0:
            await asyncio.sleep(faults.delay)
        timestamp = iso_timestamp(self._clock.now_ms())
        headers = {
            **hook.extra_headers,
            "Content-Type": "application/json",
            "X-Webhook-Timestamp": timestamp,
            "X-Webhook-Attempt": str(attempt),
        }
        if hook.secret:
            signature = sign(hook.secret, timestamp, delivery.body, faults.signing)
            wrong = faults.corrupt_signature
            headers["X-Webhook-Signature"] = corrupt(signature) if wrong else signature
        outcome = await self._post(hook, delivery.body, headers)
        stats = self._stats(delivery.uid)
        stats.attempts += 1
        stats.last_status = outcome
        self._record(delivery, attempt, outcome)
        _LOGGER.debug(
            "Webhook %s event %s attempt %s -> %s", hook.uid, delivery.event_id, attempt, outcome
        )
        return outcome

    async def _post(self, hook: Webhook, body: bytes, headers: dict[str, str]) -> Outcome:
        if self.closed:
            return "error"
        if self._session is None:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=hook.timeout / 1000)
        try:
            async with self._session.post(
                hook.url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                return response.status
        except TimeoutError:
            return "timeout"
        except Exception:  # a device's HTTP client reports any failure alike
            return "error"

    async def test(self, hook: Webhook, delivery: Delivery) -> int | None:
        """Send one test attempt now, past the queue (no drop, duplicate, reorder or retry)."""
        self._count(hook.uid, 1)
        try:
            outcome = await self.attempt(hook, delivery, 1)
        finally:
            self._count(hook.uid, -1)
        return outcome if isinstance(outcome, int) else None

    # --- faults, waiting, shutdown -------------------------------------------------

    def set_faults(self, **changes: Any) -> dict[str, Any]:
        """Change the named fault settings (``None``: unchanged); answer all of them."""
        given = {name: value for name, value in changes.items() if value is not None}
        self.faults = replace(self.faults, **given)
        if not self.faults.reorder:
            self.release_held()
        return asdict(self.faults)

    def reset_faults(self) -> dict[str, Any]:
        """Back to no faults and the device's own retry settings; answer them."""
        self.faults = Faults()
        self.release_held()
        return asdict(self.faults)

    def forget(self, uid: int) -> None:
        """Stop sending to a deleted webhook: its worker, queue, held delivery and stats go."""
        worker = self._workers.pop(uid, None)
        if worker is not None:
            worker.cancel()
        self._queues.pop(uid, None)
        self._held.pop(uid, None)
        self.stats.pop(uid, None)
        self.pending.pop(uid, None)
        self._settle()

    async def idle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - the tests' bound
        """Return once nothing is queued, held or in flight; ``TimeoutError`` after ``timeout``."""
        for uid in self._queues:
            self._start_worker(uid)
        async with asyncio.timeout(timeout):
            await self._idle.wait()

    async def close(self) -> None:
        """Cancel every worker, forget what was pending and close the client session."""
        self.closed = True
        workers = list(self._workers.values())
        self._workers.clear()
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._queues.clear()
        self._held.clear()
        self.pending.clear()
        self._settle()
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
