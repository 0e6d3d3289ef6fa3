"""The soak's event channel: events injected into the devices' logs against events fired.

Rings, card uses and bursts are logged at random on the devices; each must
fire exactly once on that device's event entities, of its type, whether the
poll or push (:mod:`.push`) brought it.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
import contextlib
import random
from typing import Any, Final
from unittest.mock import patch

from homeassistant.util import dt as dt_util

from custom_components.bas_ip.client import BasIpClient, EventLogReader
from custom_components.bas_ip.client.eventlog import EventPoll
from custom_components.bas_ip.event import BasIpLogEvent
from custom_components.bas_ip.event_coordinator import BasIpEventCoordinator, EventLogState

from .faults import HOLDING_FAULTS, LOG_HEALTHY_FAULTS
from .fleet import Fleet, uses_push
from .push import PUSHED, PushFaults
from .report import SoakConfig, SoakReport

# What each injected event fires: (entity key, event type).
RING: Final = ("doorbell", "ring")
CARD_GRANTED: Final = ("access", "granted")
CARD_DENIED: Final = ("access", "denied")
# Pages a burst read goes through at most, plus the first page.
BURST_READS: Final = 6
# A ring fired longer than this after it was logged (simulated time) is late.
RING_LATE_SECONDS: Final = 60.0


def _type_name(fired: tuple[str, str]) -> str:
    return f"{fired[0]}/{fired[1]}"


class EventTally:
    """Events injected into each device's log and events its entities fired.

    Fired events are counted where an event entity fires one
    (``_trigger_event``), and those a webhook delivery fired apart; event
    polls, stale rings and overflows where the coordinator and the reader
    report them (stale rings of push devices apart: push fired them before).
    """

    def __init__(
        self, fleet: Fleet, rng: random.Random, config: SoakConfig, push: PushFaults
    ) -> None:
        """Nothing injected yet; ``rng`` is independent of the fault injectors'."""
        self.fleet = fleet
        self._push = push
        self.rng = rng
        self.config = config
        self.injected: dict[int, Counter[tuple[str, str]]] = {}
        self.fired: dict[int, Counter[tuple[str, str]]] = {}
        self.bursts = 0
        self.polls: Counter[str] = Counter()
        self.stale_rings = 0
        self.stale_rings_pushed = 0
        self.overflows = 0
        self.fired_by_push = 0
        # Per device: when each ring not fired yet was logged (simulated time).
        self._rings: dict[int, deque[float]] = {}
        self.late_rings: Counter[str] = Counter()
        self._last_fault: dict[int, str] = {}
        # Per device: logins the event reader made itself (to learn the
        # device's now after an interruption), and recoveries of its log.
        self.reader_logins: Counter[int] = Counter()
        self.recoveries: Counter[int] = Counter()
        self._poll_failed: set[int] = set()

    def _index_of_serial(self, serial: str | None) -> int | None:
        serials = self.fleet.serials
        return serials.index(serial) if serial in serials else None

    def _index_of(self, unique_id: str) -> int | None:
        for index, serial in enumerate(self.fleet.serials):
            if unique_id.startswith(f"{serial}_"):
                return index
        return None

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Count fired events, event polls, stale rings and overflows for the block."""
        tally = self
        trigger = BasIpLogEvent._trigger_event
        update = BasIpEventCoordinator._async_update_data
        poll = EventLogReader.poll
        login = BasIpClient.login

        def counted_trigger(
            entity: BasIpLogEvent, event_type: str, event_attributes: dict[str, Any] | None = None
        ) -> None:
            index = tally._index_of(str(entity.unique_id))
            key = entity.entity_description.key
            if index is not None:
                tally.fired.setdefault(index, Counter())[(key, event_type)] += 1
                tally._note_fired(index, (key, event_type), pushed=PUSHED.get())
            trigger(entity, event_type, event_attributes)

        async def counted_update(coordinator: BasIpEventCoordinator) -> EventLogState:
            index = tally._index_of_serial(coordinator.config_entry.unique_id)
            try:
                batch = await update(coordinator)
            except Exception:
                tally.polls["failed"] += 1
                if index is not None:
                    tally._poll_failed.add(index)
                raise
            tally.polls["ok"] += 1
            if index in tally._poll_failed:
                tally._poll_failed.discard(index)
                tally.recoveries[index] += 1
            return batch

        async def counted_login(client: BasIpClient) -> None:
            # Only the event reader calls login() in the soak (everything
            # else logs in inside a request, on a 401 or without a token).
            index = tally._index_of_serial(client.expected_serial)
            if index is not None:
                tally.reader_logins[index] += 1
            await login(client)

        async def counted_poll(reader: EventLogReader) -> EventPoll:
            result = await poll(reader)
            # The reader's log source is the entry's client (typed as a protocol).
            index = tally._index_of_serial(getattr(reader._client, "expected_serial", None))
            if index is not None and uses_push(index):
                tally.stale_rings_pushed += result.stale_rings
            else:
                tally.stale_rings += result.stale_rings
            tally.overflows += int(result.overflowed)
            return result

        with (
            patch.object(BasIpLogEvent, "_trigger_event", counted_trigger),
            patch.object(BasIpEventCoordinator, "_async_update_data", counted_update),
            patch.object(EventLogReader, "poll", counted_poll),
            patch.object(BasIpClient, "login", counted_login),
        ):
            yield

    def _add(self, index: int, fired: tuple[str, str], count: int = 1) -> None:
        self.injected.setdefault(index, Counter())[fired] += count
        self._push.note_logged(index, count)
        if fired == RING:
            self._rings.setdefault(index, deque()).append(dt_util.utcnow().timestamp())

    def _note_fired(self, index: int, fired: tuple[str, str], *, pushed: bool) -> None:
        if pushed:
            self.fired_by_push += 1
        logged = self._rings.get(index) if fired == RING else None
        if logged and dt_util.utcnow().timestamp() - logged.popleft() > RING_LATE_SECONDS:
            self.late_rings["push" if pushed else "poll"] += 1

    def step(self, active: dict[int, str]) -> None:
        """For each device: maybe a ring, a card use or a burst in its log.

        Card uses may come at any time (they are delivered after an outage);
        rings and bursts only where the log answers and the last poll of it
        succeeded, so that the next poll reads them while they are young.
        Rings not while the device holds its answers or just did (see
        ``HOLDING_FAULTS``). On a push device, rings also whenever push
        delivers them at once (whatever the log does meanwhile), and through
        the log only while the poll runs at its normal interval (push not
        healthy): a reconciling poll a minute later could find the log failing
        and the ring stale after it.
        """
        config, push = self.config, self._push
        for index, device in enumerate(self.fleet.devices):
            entry = self.fleet.entries[index]
            fault = active.get(index, "none")
            held = fault in HOLDING_FAULTS or self._last_fault.get(index) in HOLDING_FAULTS
            self._last_fault[index] = fault
            log_ok = fault in LOG_HEALTHY_FAULTS and entry.runtime_data.events.last_update_success
            polled = log_ok and not held and not push.reconciling(index)
            draw = self.rng.random()
            if draw < config.ring_rate:
                if polled or push.delivers(index, fault):
                    device.ring(str(self.rng.randint(1, 999)))
                    self._add(index, RING)
            elif draw < config.ring_rate + config.card_rate:
                if self.rng.random() < 0.7:
                    device.card_granted()
                    self._add(index, CARD_GRANTED)
                else:
                    device.card_denied()
                    self._add(index, CARD_DENIED)
            elif draw < config.ring_rate + config.card_rate + config.burst_rate and log_ok:
                size = self.rng.randint(*config.burst_sizes)
                device.log_burst(size)
                self._add(index, CARD_GRANTED, size)
                self.bursts += 1

    def fill(self, report: SoakReport) -> None:
        """Totals and per-device comparison into ``report``."""
        injected: Counter[tuple[str, str]] = Counter()
        fired: Counter[tuple[str, str]] = Counter()
        for counts in self.injected.values():
            injected.update(counts)
        for counts in self.fired.values():
            fired.update(counts)
        report.events_injected = sum(injected.values())
        report.events_fired = sum(fired.values())
        report.events_injected_by_type = {_type_name(k): v for k, v in sorted(injected.items())}
        report.events_fired_by_type = {_type_name(k): v for k, v in sorted(fired.items())}
        report.bursts_injected = self.bursts
        mismatched = [
            f"device {index}: injected {dict(self.injected.get(index, {}))} "
            f"fired {dict(self.fired.get(index, {}))}"
            for index in range(len(self.fleet.devices))
            if +self.injected.get(index, Counter()) != +self.fired.get(index, Counter())
        ]
        report.event_mismatch_devices = len(mismatched)
        report.event_mismatch_examples = mismatched[:5]
        report.event_polls = sum(self.polls.values())
        report.event_poll_outcomes = dict(self.polls)
        report.stale_rings = self.stale_rings
        report.stale_rings_pushed = self.stale_rings_pushed
        report.events_fired_by_push = self.fired_by_push
        report.late_rings = dict(self.late_rings)
        report.event_overflows = self.overflows
        report.reader_logins = sum(self.reader_logins.values())
        report.reader_logins_over_recoveries = sum(
            1 for index, count in self.reader_logins.items() if count > self.recoveries[index]
        )
