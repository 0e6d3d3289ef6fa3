"""The soak run: a fleet polled for a long (simulated) time under random faults.

Measured:
- unhandled exceptions: calls of the event loop's exception handler and log
  records that carry a traceback (how Home Assistant reports an unexpected
  error in a job, a task or the coordinator);
- leaks: client sessions the integration opened itself, connections left
  acquired in Home Assistant's connectors, TCP connections to the devices
  still open after the entries were unloaded and the devices stopped, and
  ``ResourceWarning`` (unclosed sockets, transports, sessions);
- memory: ``tracemalloc`` traced size after warm-up and at the end, leaving
  out what logging retains (the suite records every log line on purpose);
- login discipline: logins per device, bounded by the events that really
  invalidate a token;
- the event channel: events injected into the devices' logs at random (rings,
  card uses, bursts) against the events the event entities fired, per
  device and type; they must match exactly.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
import contextlib
from dataclasses import asdict, dataclass, field
import gc
import importlib
import logging
import os
import random
import time
import tracemalloc
from typing import Any, Final
from unittest.mock import patch
import warnings

from _pytest.logging import LogCaptureHandler
import aiohttp
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, storage
from homeassistant.helpers.aiohttp_client import DATA_CLIENTSESSION, DATA_CONNECTOR

from custom_components.bas_ip.client import BasIpClient, EventLogReader
from custom_components.bas_ip.client.eventlog import EventPoll
from custom_components.bas_ip.coordinator import BasIpCoordinator
from custom_components.bas_ip.event import BasIpLogEvent
from custom_components.bas_ip.event_coordinator import BasIpEventCoordinator, EventBatch
from devtools.waits import wait_until
from simulator import DeviceSimulator, Fault

from .fleet import Fleet, RefreshCounter

# psutil (a Home Assistant dependency) ships no type information.
psutil: Any = importlib.import_module("psutil")

PATH_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_STATUS: Final = "/api/v1/sip/status"
# Bodies a confused device might answer with (each breaks the schema somehow).
WRONG_BODIES: Final[tuple[Any, ...]] = (
    {},
    [],
    None,
    "OK",
    {"user": 5, "realm": "r", "transport": "udp", "registration_interval": 60},
    {"user": "u", "realm": "r", "transport": "sctp", "registration_interval": 60},
    {"sip_status": "MAYBE"},
    {"sip_status": "OK", "register_last_attempt": "soon"},
)
FAULT_KINDS: Final = (
    "html_500",
    "invalid_json",
    "empty_body",
    "drop_connection",
    "permission_denied",
    "wrong_shape",
    "status_missing",
    "expire_tokens",
    "slow",
    "timeout",
    "refused",
    "swap",
    "registration_flip",
    "settings_change",
)
# Faults after which one extra login per device is legitimate.
TOKEN_EVENTS: Final = frozenset({"expire_tokens", "swap"})
# Faults under which a refresh must fail (the others must leave it working).
FAILING_FAULTS: Final = frozenset(
    {
        "html_500",
        "invalid_json",
        "empty_body",
        "drop_connection",
        "permission_denied",
        "wrong_shape",
        "timeout",
        "refused",
        "swap",
    }
)
_TIME_TRAVEL_NOISE: Final = "Executing <"
PATH_LOG: Final = "/api/v1/log/items"
PATH_DOOR: Final = "/api/v1/access/door/status"
# Faults under which the device's log still answers: a ring logged before
# the next poll is read by it (seconds old). Under the other faults the log
# fails too; a ring logged then could be read only after the outage, older
# than 60 s by the device clock, and be dropped by design, so rings (and
# bursts) are logged only on devices whose log answers.
LOG_HEALTHY_FAULTS: Final = frozenset(
    {
        "none",
        "wrong_shape",
        "status_missing",
        "expire_tokens",
        "slow",
        "registration_flip",
        "settings_change",
    }
)
# Faults under which a device holds its answers. A slow device's log does
# answer, in 2 s, but the poll's one 30 s jump of the frozen clock can fire
# the request's 10 s timeout before the answer: a failure real time would
# not have. A ring logged then would be read a poll later, older than 60 s.
# So no ring is logged while a device holds, or in the step after (a held
# request may still be in flight); real-time tests cover slow devices.
HOLDING_FAULTS: Final = frozenset({"slow", "timeout"})
# What each injected event fires: (entity key, event type).
RING: Final = ("doorbell", "ring")
CARD_GRANTED: Final = ("access", "granted")
CARD_DENIED: Final = ("access", "denied")
# Pages a burst read goes through at most, plus the first page.
_BURST_READS: Final = 6


@dataclass(frozen=True)
class SoakConfig:
    """Size and randomness of a run."""

    devices: int
    polls: int
    seed: int = 20261126
    fault_rate: float = 0.15
    heal_rate: float = 0.35
    warmup_polls: int = 5
    memory_detail: bool = False
    ring_rate: float = 0.05
    card_rate: float = 0.08
    burst_rate: float = 0.01
    burst_sizes: tuple[int, int] = (10, 40)

    @classmethod
    def from_env(cls, devices: int, polls: int) -> SoakConfig:
        """Defaults, overridden by ``SOAK_DEVICES``, ``SOAK_POLLS``, ``SOAK_SEED``."""
        return cls(
            devices=int(os.environ.get("SOAK_DEVICES", devices)),
            polls=int(os.environ.get("SOAK_POLLS", polls)),
            seed=int(os.environ.get("SOAK_SEED", cls.seed)),
            memory_detail=bool(os.environ.get("SOAK_MEMORY_DETAIL")),
        )


@dataclass
class SoakReport:
    """What a run found."""

    devices: int
    polls: int
    seed: int
    refreshes: int = 0
    scheduled_refreshes: int = 0
    refresh_outcomes: dict[str, int] = field(default_factory=dict)
    refreshes_by_fault: dict[str, dict[str, int]] = field(default_factory=dict)
    faults_injected: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    requests_by_path: dict[str, int] = field(default_factory=dict)
    logins: int = 0
    login_failures: int = 0
    max_logins_over_bound: int = 0
    unhandled_exceptions: int = 0
    unhandled_examples: list[str] = field(default_factory=list)
    foreign_client_sessions: int = 0
    acquired_connections_at_end: int = 0
    open_device_connections_peak: int = 0
    open_device_connections_at_end: int = 0
    resource_warnings: int = 0
    objects_alive_after_unload: dict[str, int] = field(default_factory=dict)
    memory_after_warmup_kib: float = 0.0
    memory_at_end_kib: float = 0.0
    memory_mid_kib: float = 0.0
    memory_growth_kib: float = 0.0
    memory_growth_second_half_kib: float = 0.0
    memory_top_growth: list[str] = field(default_factory=list)
    simulated_hours: float = 0.0
    wall_seconds: float = 0.0
    entities_unavailable_after_heal: int = 0
    unavailable_examples: list[str] = field(default_factory=list)
    events_injected: int = 0
    events_fired: int = 0
    events_injected_by_type: dict[str, int] = field(default_factory=dict)
    events_fired_by_type: dict[str, int] = field(default_factory=dict)
    bursts_injected: int = 0
    event_mismatch_devices: int = 0
    event_mismatch_examples: list[str] = field(default_factory=list)
    event_polls: int = 0
    event_poll_outcomes: dict[str, int] = field(default_factory=dict)
    stale_rings: int = 0
    event_overflows: int = 0
    event_polls_second_half: int = 0
    reader_logins: int = 0
    reader_logins_over_recoveries: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return asdict(self)

    def lines(self) -> list[str]:
        """Human-readable summary."""
        return [
            f"devices x polls        {self.devices} x {self.polls} (seed {self.seed})",
            f"refreshes              {self.refreshes} ({self.simulated_hours:.1f} h simulated, "
            f"{self.wall_seconds:.1f} s wall)",
            f"scheduled refreshes    {self.scheduled_refreshes}",
            f"refresh outcomes       {self.refresh_outcomes}",
            f"outcomes by fault      {self.refreshes_by_fault}",
            f"faults injected        {sum(self.faults_injected.values())} {self.faults_injected}",
            f"device requests        {self.requests}",
            f"logins / failures      {self.logins} / {self.login_failures}",
            f"logins over bound      {self.max_logins_over_bound}",
            f"unhandled exceptions   {self.unhandled_exceptions}",
            f"foreign sessions       {self.foreign_client_sessions}",
            f"acquired conns at end  {self.acquired_connections_at_end}",
            f"device conns peak/end  {self.open_device_connections_peak} / "
            f"{self.open_device_connections_at_end}",
            f"ResourceWarnings       {self.resource_warnings}",
            f"alive after unload     {self.objects_alive_after_unload}",
            f"memory warm-up/mid/end {self.memory_after_warmup_kib:.0f} / "
            f"{self.memory_mid_kib:.0f} / {self.memory_at_end_kib:.0f} KiB (growth "
            f"{self.memory_growth_kib:+.0f} KiB, "
            f"second half {self.memory_growth_second_half_kib:+.0f})",
            "memory top growth      " + "\n                         ".join(self.memory_top_growth),
            f"unavailable after heal {self.entities_unavailable_after_heal}",
            f"events injected/fired  {self.events_injected} / {self.events_fired} "
            f"({self.bursts_injected} bursts; mismatched devices {self.event_mismatch_devices})",
            f"events by type         injected {self.events_injected_by_type} "
            f"fired {self.events_fired_by_type}",
            f"event polls            {self.event_polls} {self.event_poll_outcomes} "
            f"(stale rings {self.stale_rings}, overflows {self.event_overflows})",
            f"reader logins          {self.reader_logins} (devices with more than "
            f"recoveries: {self.reader_logins_over_recoveries})",
        ]


class UnhandledWatch(logging.Handler):
    """Counts log records that carry a traceback, and loop exception reports."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        super().__init__(level=logging.WARNING)
        self.examples: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep records with a traceback or of an unexpected-error kind."""
        message = record.getMessage()
        if record.name == "asyncio" and message.startswith(_TIME_TRAVEL_NOISE):
            return  # asyncio debug: the frozen clock jumped during a callback
        if record.name == "homeassistant.components.camera.img_util" and (
            "libturbojpeg" in message
        ):
            return  # the camera component on a machine without libturbojpeg
        if record.exc_info or "Unexpected error" in message or "Error doing job" in message:
            self.examples.append(f"{record.name}: {message[:200]}")

    def loop_handler(self, original: Any) -> Any:
        """A loop exception handler that records, then defers to ``original``."""

        def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            self.examples.append(f"loop: {context.get('message')} {context.get('exception')!r}")
            if original is not None:
                original(loop, context)
            else:
                loop.default_exception_handler(context)

        return handler


def _type_name(fired: tuple[str, str]) -> str:
    return f"{fired[0]}/{fired[1]}"


class EventTally:
    """Events injected into each device's log and events its entities fired.

    Fired events are counted where an event entity fires one
    (``_trigger_event``); event polls, stale rings and overflows where the
    coordinator and the reader report them.
    """

    def __init__(self, fleet: Fleet, rng: random.Random, config: SoakConfig) -> None:
        """Nothing injected yet; ``rng`` is independent of the fault injector's."""
        self.fleet = fleet
        self.rng = rng
        self.config = config
        self.injected: dict[int, Counter[tuple[str, str]]] = {}
        self.fired: dict[int, Counter[tuple[str, str]]] = {}
        self.bursts = 0
        self.polls: Counter[str] = Counter()
        self.stale_rings = 0
        self.overflows = 0
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
            trigger(entity, event_type, event_attributes)

        async def counted_update(coordinator: BasIpEventCoordinator) -> EventBatch:
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

    def step(self, active: dict[int, str]) -> None:
        """For each device: maybe a ring, a card use or a burst in its log.

        Card uses may come at any time (they are delivered after an outage);
        rings and bursts only where the log answers and the last poll of it
        succeeded, so that the next poll reads them while they are young.
        Rings not while the device holds its answers or just did (see
        ``HOLDING_FAULTS``).
        """
        config = self.config
        for index, device in enumerate(self.fleet.devices):
            entry = self.fleet.entries[index]
            fault = active.get(index, "none")
            held = fault in HOLDING_FAULTS or self._last_fault.get(index) in HOLDING_FAULTS
            self._last_fault[index] = fault
            log_ok = fault in LOG_HEALTHY_FAULTS and entry.runtime_data.events.last_update_success
            draw = self.rng.random()
            if draw < config.ring_rate:
                if log_ok and not held:
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
        report.event_overflows = self.overflows
        report.reader_logins = sum(self.reader_logins.values())
        report.reader_logins_over_recoveries = sum(
            1 for index, count in self.reader_logins.items() if count > self.recoveries[index]
        )


def _wall_clock() -> float:
    # freezegun fakes time.perf_counter/monotonic but not clock_gettime.
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def _snapshot() -> tracemalloc.Snapshot:
    """Traced memory, leaving out what logging, the suite's log guard and the storage mock keep."""
    _forget_storage_writes()
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(False, "*/logging/__init__.py"),
            tracemalloc.Filter(False, "*/tests/conftest.py"),
            # The simulated devices run in this process: their logs grow with
            # every event injected, which is the devices' memory, not ours.
            tracemalloc.Filter(False, "*/simulator/*"),
            tracemalloc.Filter(False, "*/_pytest/*"),
            # The measuring tools: coverage's collector (scripts/test runs
            # the small soak under coverage) and the harness's mocks.
            tracemalloc.Filter(False, "*/coverage/*"),
            tracemalloc.Filter(False, "*/unittest/mock.py"),
            tracemalloc.Filter(False, tracemalloc.__file__),
        ]
    )


def _forget_storage_writes() -> None:
    """Drop the call records of the test harness's storage mock.

    Home Assistant's test harness replaces ``Store`` writes with a mock that
    records every call with the data written (here: the event cursor, saved
    after every poll that found something new). Production ``Store`` writes
    the file and keeps nothing, so those records are growth the integration
    does not have.
    """
    for name in ("_async_write_data", "_async_load", "_async_remove"):
        reset = getattr(getattr(storage.Store, name, None), "reset_mock", None)
        if callable(reset):
            reset()


def _kib(snapshot: tracemalloc.Snapshot) -> float:
    return sum(stat.size for stat in snapshot.statistics("filename")) / 1024


class _NoCapture(logging.Filter):
    """Keeps pytest's log capture from retaining records while memory is measured.

    pytest keeps every record it captures, with its arguments: an "Error
    fetching" record holds the exception, its traceback and every frame's
    locals. Production logging formats a record and drops it, so retention
    by the test runner would be growth the integration does not have. The
    soak's own handler still sees every record (for unhandled errors), and
    the suite's secret guard still checks every line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def _device_connections(ports: set[int]) -> int:
    """TCP connections of this process to the devices (client side)."""
    return sum(
        1
        for conn in psutil.Process().net_connections(kind="tcp")
        if conn.raddr and conn.raddr.port in ports
    )


def _alive_after_unload() -> dict[str, int]:
    """Integration objects (and HTTP responses) still alive once every entry is unloaded."""
    kinds: tuple[type, ...] = (
        BasIpCoordinator,
        BasIpEventCoordinator,
        BasIpClient,
        aiohttp.ClientResponse,
    )
    alive = dict.fromkeys((kind.__name__ for kind in kinds), 0)
    for obj in gc.get_objects():
        for kind in kinds:
            if isinstance(obj, kind):
                alive[kind.__name__] += 1
    return alive


def _unavailable_entities(hass: HomeAssistant, fleet: Fleet) -> list[str]:
    """Enabled entities of the fleet that are unavailable (or have no state)."""
    registry = er.async_get(hass)
    found = []
    for entry in fleet.entries:
        for item in er.async_entries_for_config_entry(registry, entry.entry_id):
            if item.disabled_by is not None:
                continue
            state = hass.states.get(item.entity_id)
            if state is None or state.state == STATE_UNAVAILABLE:
                last = entry.runtime_data.last_exception
                found.append(f"{item.entity_id} ({entry.state}, {last!r})")
    return found


class FaultInjector:
    """Seeded random faults on the devices of a fleet."""

    def __init__(self, fleet: Fleet, rng: random.Random) -> None:
        """Every device starts healthy."""
        self.fleet = fleet
        self.rng = rng
        self.injected: Counter[str] = Counter()
        self.token_events: Counter[int] = Counter()
        # device index -> the fault it has now (one at a time)
        self.active: dict[int, str] = {}
        self._stopped: set[int] = set()

    async def step(self, fault_rate: float, heal_rate: float) -> None:
        """For each device: maybe a new fault, maybe healing, else as it was."""
        for index, device in enumerate(self.fleet.devices):
            draw = self.rng.random()
            if draw < fault_rate:
                await self.heal(index)
                await self.inject(index, device, self.rng.choice(FAULT_KINDS))
            elif draw < fault_rate + heal_rate:
                await self.heal(index)

    async def inject(self, index: int, device: DeviceSimulator, kind: str) -> None:
        """Apply one fault of ``kind`` to ``device``."""
        self.injected[kind] += 1
        self.active[index] = kind
        if kind in TOKEN_EVENTS:
            self.token_events[index] += 1
        match kind:
            case "html_500" | "invalid_json" | "empty_body" | "drop_connection":
                device.set_fault(Fault(kind))
            case "permission_denied":
                device.set_fault(Fault.PERMISSION_DENIED)
            case "wrong_shape":
                path = self.rng.choice([PATH_SETTINGS, PATH_STATUS])
                device.set_fault(
                    Fault.WRONG_SHAPE, paths=[path], body=self.rng.choice(WRONG_BODIES)
                )
            case "status_missing":
                device.status_endpoint_missing = True
            case "expire_tokens":
                device.expire_tokens()
            case "slow":
                device.delay = 2.0
            case "timeout":
                device.delay = 3600.0
            case "refused":
                await device.stop()
                self._stopped.add(index)
            case "swap":
                device.set_serial(f"ffffffff-0000-4000-8000-{index:012d}")
            case "registration_flip":
                device.set_registration_ok(not device.registration_ok)
            case "settings_change":
                device.update_sip_settings(registration_interval=self.rng.randint(30, 900))
            case _:
                raise AssertionError(f"unknown fault {kind}")

    async def heal(self, index: int) -> None:
        """Back to a healthy device (its settings may have changed)."""
        device = self.fleet.devices[index]
        self.active.pop(index, None)
        device.clear_faults()
        device.delay = 0.0
        device.status_endpoint_missing = False
        if device.serial != self.fleet.serials[index]:
            device.set_serial(self.fleet.serials[index])
            # Coming back also invalidates the token the other device never knew.
            self.token_events[index] += 1
        if index in self._stopped:
            await device.start()
            self._stopped.discard(index)

    async def heal_all(self) -> None:
        """Heal every device."""
        for index in range(len(self.fleet.devices)):
            await self.heal(index)


async def run_soak(hass: HomeAssistant, fleet: Fleet, config: SoakConfig) -> SoakReport:
    """Set up the fleet, poll it under random faults, heal, tear down, measure."""
    report = SoakReport(devices=config.devices, polls=config.polls, seed=config.seed)
    watch = UnhandledWatch()
    root = logging.getLogger()
    root.addHandler(watch)
    loop = hass.loop
    original_handler = loop.get_exception_handler()
    loop.set_exception_handler(watch.loop_handler(original_handler))
    # The harness runs the loop in debug mode, which records a traceback for
    # every callback: production loops don't, and it would dominate the run.
    debug = loop.get_debug()
    loop.set_debug(False)
    no_capture = _NoCapture()
    capture = [handler for handler in root.handlers if isinstance(handler, LogCaptureHandler)]
    for handler in capture:
        handler.addFilter(no_capture)
    counter = RefreshCounter()
    injector = FaultInjector(fleet, random.Random(config.seed))
    # Its own random sequence: the faults stay those of the same seed without events.
    tally = EventTally(fleet, random.Random(config.seed + 1), config)
    started = _wall_clock()
    simulated_start = hass.loop.time()
    event_polls_at_mid = 0
    tracing = tracemalloc.is_tracing()
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            counter.installed(),
            tally.installed(),
            fleet.tracking(),
        ):
            warnings.simplefilter("always", ResourceWarning)
            await fleet.start(config.devices)
            index_of = {entry.entry_id: index for index, entry in enumerate(fleet.entries)}
            counter.fault_of = lambda entry_id: injector.active.get(index_of[entry_id], "none")
            ports = {device.port for device in fleet.devices}
            if not tracing:
                tracemalloc.start()
            await fleet.poll(config.warmup_polls)
            warm = _snapshot()
            report.memory_after_warmup_kib = _kib(warm)
            logins_before = [device.logins for device in fleet.devices]
            before_scheduled = counter.total
            for poll in range(config.polls):
                if poll == config.polls // 2:
                    report.memory_mid_kib = _kib(_snapshot())
                    event_polls_at_mid = sum(tally.polls.values())
                await injector.step(config.fault_rate, config.heal_rate)
                tally.step(injector.active)
                await fleet.poll()
                _forget_storage_writes()
                report.open_device_connections_peak = max(
                    report.open_device_connections_peak, _device_connections(ports)
                )
            report.scheduled_refreshes = counter.total - before_scheduled
            await injector.heal_all()
            # A device that reported ConfigEntryError/UpdateFailed is back after a
            # poll; what its log gathered meanwhile is delivered then.
            await fleet.poll(2)
            tally.fill(report)
            report.event_polls_second_half = report.event_polls - event_polls_at_mid
            end = _snapshot()
            report.memory_at_end_kib = _kib(end)
            report.memory_top_growth = [
                f"{stat.traceback[0].filename.rsplit('site-packages/', 1)[-1]}"
                f"{':' + str(stat.traceback[0].lineno) if config.memory_detail else ''}: "
                f"{stat.size_diff / 1024:+.0f} KiB ({stat.count_diff:+d})"
                for stat in end.compare_to(warm, "lineno" if config.memory_detail else "filename")[
                    : 25 if config.memory_detail else 6
                ]
            ]
            del warm, end
            unavailable = _unavailable_entities(hass, fleet)
            report.entities_unavailable_after_heal = len(unavailable)
            report.unavailable_examples = unavailable[:5]
            # Beyond set-up: one login per token event, one per recovery of
            # the log that needed the device's now (counted above), and one.
            over = [
                device.logins
                - before
                - injector.token_events[index]
                - tally.reader_logins[index]
                - 1
                for index, (device, before) in enumerate(
                    zip(fleet.devices, logins_before, strict=True)
                )
            ]
            report.max_logins_over_bound = max([0, *over])
            await fleet.unload()
            report.acquired_connections_at_end = sum(
                len(connector._acquired) for connector in hass.data.get(DATA_CONNECTOR, {}).values()
            )
            await fleet.stop_devices()
            # Let the client side see the servers close (bounded, real time).
            with contextlib.suppress(AssertionError):
                await wait_until(
                    lambda: _device_connections(ports) == 0,
                    "device connections closing",
                    timeout=10,
                )
            report.open_device_connections_at_end = _device_connections(ports)
            shared = set(map(id, hass.data.get(DATA_CLIENTSESSION, {}).values()))
            gc.collect()
            report.objects_alive_after_unload = _alive_after_unload()
            report.foreign_client_sessions = sum(
                1
                for obj in gc.get_objects()
                if isinstance(obj, aiohttp.ClientSession)
                and not obj.closed
                and id(obj) not in shared
            )
        report.resource_warnings = sum(
            1 for warning in caught if issubclass(warning.category, ResourceWarning)
        )
    finally:
        if not tracing:
            tracemalloc.stop()
        for handler in capture:
            handler.removeFilter(no_capture)
        loop.set_debug(debug)
        loop.set_exception_handler(original_handler)
        root.removeHandler(watch)
    counters = fleet.counters()
    report.refreshes = counter.total
    report.refresh_outcomes = dict(counter.outcomes)
    report.refreshes_by_fault = {
        kind: dict(sorted(outcomes.items())) for kind, outcomes in sorted(counter.by_fault.items())
    }
    report.faults_injected = dict(sorted(injector.injected.items()))
    report.requests = sum(counters["requests"].values())
    report.requests_by_path = dict(sorted(counters["requests"].items()))
    report.logins = counters["logins"]
    report.login_failures = counters["login_failures"]
    report.unhandled_exceptions = len(watch.examples)
    report.unhandled_examples = watch.examples[:5]
    report.memory_growth_kib = report.memory_at_end_kib - report.memory_after_warmup_kib
    report.memory_growth_second_half_kib = report.memory_at_end_kib - report.memory_mid_kib
    report.simulated_hours = (hass.loop.time() - simulated_start) / 3600
    report.wall_seconds = _wall_clock() - started
    return report
