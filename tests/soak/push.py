"""Push in the soak: every other Android panel delivers its events through its webhook.

Home Assistant's HTTP app is served on 127.0.0.1 as the internal URL
(``devtools.served_http``), so each push device's webhook reaches the real
webhook handler over real HTTP; the fleet waits for push to be healthy at
set-up (:mod:`.fleet`). :class:`PushFaults` adds seeded webhook faults on
those devices, drawn from their own random sequence alongside the device
faults: deliveries dropped, sent twice, held and sent in reverse order, or
signed wrong. Under each, every event must still fire exactly once: what push
loses, the poll brings (the reconciling poll finds it, push counts as stopped
and the poll runs at its normal interval again).

Deliveries are real HTTP in the same loop, outside Home Assistant's task
tracking: :meth:`PushFaults.drain` waits (bounded, real time) until each push
device has sent what it can before the run goes on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
import contextlib
from contextvars import ContextVar
import random
from typing import Any, Final
from unittest.mock import patch

from custom_components.bas_ip.client import LogItem
from custom_components.bas_ip.event_stream import BasIpEventStream
from custom_components.bas_ip.push_health import PushHealth, PushState
from devtools.waits import wait_until

from .faults import SILENT_FAULTS
from .fleet import Fleet, uses_push
from .report import SoakReport

PUSH_FAULT_KINDS: Final = ("drop", "duplicate", "reorder", "bad_signature")
# Under these a delivery may not come at all, or only late (held until the
# next one): a ring logged then relies on the poll.
LOSSY_PUSH_FAULTS: Final = frozenset({"drop", "reorder", "bad_signature"})
_SETTINGS: Final[dict[str, dict[str, Any]]] = {
    "drop": {"drop": 1_000_000},
    "duplicate": {"duplicate": True},
    "reorder": {"reorder": True},
    "bad_signature": {"corrupt_signature": True},
}
WEBHOOKS_PATH: Final = "/api/v1/webhooks"

PUSHED: ContextVar[bool] = ContextVar("soak_pushed", default=False)
"""True while a delivery's events are handed out (the entities fire in that call)."""


class PushFaults:
    """Seeded random webhook faults on the fleet's push devices; what push did."""

    def __init__(self, fleet: Fleet, rng: random.Random) -> None:
        """Every push device sends as the device does; ``rng`` is this injector's own."""
        self.fleet = fleet
        self.rng = rng
        self.injected: Counter[str] = Counter()
        # device index -> the webhook fault it has now (one at a time)
        self.active: dict[int, str] = {}
        self.stops = 0
        # Events logged on a push device under each webhook fault.
        self.exposed: Counter[str] = Counter()

    def step(self, fault_rate: float, heal_rate: float) -> None:
        """For each push device: maybe a new webhook fault, maybe healing, else as it was."""
        for index in self.fleet.push_indices:
            draw = self.rng.random()
            if draw < fault_rate:
                self.heal(index)
                self.inject(index, self.rng.choice(PUSH_FAULT_KINDS))
            elif draw < fault_rate + heal_rate:
                self.heal(index)

    def inject(self, index: int, kind: str) -> None:
        """Apply webhook fault ``kind`` to device ``index``."""
        self.injected[kind] += 1
        self.active[index] = kind
        self.fleet.devices[index].webhooks.set_faults(**_SETTINGS[kind])

    def heal(self, index: int) -> None:
        """Back to the device's own sending (held deliveries go out), retrying at once."""
        if self.active.pop(index, None) is None:
            return
        webhooks = self.fleet.devices[index].webhooks
        webhooks.clear_faults()
        webhooks.set_faults(retry_delay=0)

    def heal_all(self) -> None:
        """Heal every push device."""
        for index in list(self.active):
            self.heal(index)

    def note_logged(self, index: int, count: int = 1) -> None:
        """Count ``count`` events logged on device ``index`` under its webhook fault, if any."""
        if (kind := self.active.get(index)) is not None:
            self.exposed[kind] += count

    def delivers(self, index: int, device_fault: str) -> bool:
        """Whether an event logged now on device ``index`` is pushed to Home Assistant at once."""
        return (
            uses_push(index)
            and device_fault not in SILENT_FAULTS
            and self.active.get(index) not in LOSSY_PUSH_FAULTS
        )

    def reconciling(self, index: int) -> bool:
        """Whether device ``index``'s log is polled only to reconcile (push healthy)."""
        push = self.fleet.entries[index].runtime_data.push
        return push is not None and push.health.state is PushState.HEALTHY

    async def drain(self) -> None:
        """Wait until each push device has sent what it sends now (a held delivery waits)."""

        def sent() -> bool:
            for index in self.fleet.push_indices:
                held = 1 if self.active.get(index) == "reorder" else 0
                if sum(self.fleet.devices[index].webhooks.sender.pending.values()) > held:
                    return False
            return True

        await wait_until(sent, "webhook deliveries sent")

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Mark the events a delivery fires (:data:`PUSHED`); count push stopping, for the block."""
        from_push = BasIpEventStream.async_from_push
        failed = PushHealth.async_failed
        faults = self

        async def marked(
            stream: BasIpEventStream, event_id: int, item: LogItem, *, created_at_ms: int
        ) -> bool:
            token = PUSHED.set(True)
            try:
                return await from_push(stream, event_id, item, created_at_ms=created_at_ms)
            finally:
                PUSHED.reset(token)

        def counted_failed(health: PushHealth) -> None:
            if health.state is not PushState.STOPPED:
                faults.stops += 1
            failed(health)

        with (
            patch.object(BasIpEventStream, "async_from_push", marked),
            patch.object(PushHealth, "async_failed", counted_failed),
        ):
            yield

    def fill(self, report: SoakReport) -> None:
        """What push did, into ``report`` (before the entries are unloaded)."""
        states: Counter[str] = Counter()
        rejected: Counter[str] = Counter()
        for index in self.fleet.push_indices:
            push = self.fleet.entries[index].runtime_data.push
            assert push is not None
            states[push.health.state.value] += 1
            rejected.update(push.health.rejected_by_reason)
            report.push_deliveries += push.health.delivered
            stats = self.fleet.devices[index].webhooks.stats().values()
            report.push_dropped += sum(entry["dropped"] for entry in stats)
        report.push_devices = len(self.fleet.push_indices)
        report.push_faults_injected = dict(sorted(self.injected.items()))
        report.events_under_push_faults = dict(sorted(self.exposed.items()))
        report.push_rejected = dict(sorted(rejected.items()))
        report.push_states_at_end = dict(sorted(states.items()))
        report.push_stops = self.stops


def webhook_requests(requests: dict[str, int]) -> tuple[int, int]:
    """Count the device requests on its webhooks, and the test calls among them."""
    hooks = {path: n for path, n in requests.items() if path.startswith(WEBHOOKS_PATH)}
    return sum(hooks.values()), sum(n for path, n in hooks.items() if path.endswith("/test"))
