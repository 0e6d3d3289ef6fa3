"""The soak run: a fleet polled for a long (simulated) time under random faults.

Measured:
- unhandled exceptions, leaks and memory (:mod:`.watch`): the event loop's
  exception handler and log records with a traceback; client sessions the
  integration opened itself, connections left acquired in Home Assistant's
  connectors, TCP connections to the devices still open after the entries
  were unloaded and the devices stopped, and ``ResourceWarning``; the
  ``tracemalloc`` traced size after warm-up, at the middle and at the end;
- login discipline: logins per device, bounded by the events that really
  invalidate a token;
- the event channel (:mod:`.events`): events injected into the devices' logs
  at random (rings, card uses, bursts) against the events the event entities
  fired, per device and type; they must match exactly, on the devices that
  poll and on those that push (:mod:`.push`: every other Android panel, with
  seeded webhook faults of its own).

The device faults and their injector are in :mod:`.faults`, the run's size
and its report in :mod:`.report`.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import random
import tracemalloc
import warnings

from _pytest.logging import LogCaptureHandler
import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import DATA_CLIENTSESSION, DATA_CONNECTOR

from devtools.served_http import served_internal_url
from devtools.waits import wait_until, wall_clock

from .events import EventTally
from .faults import FaultInjector, RefreshCounter
from .fleet import Fleet
from .push import PushFaults, webhook_requests
from .report import SoakConfig, SoakReport
from .watch import (
    NoCapture,
    UnhandledWatch,
    alive_after_unload,
    device_connections,
    forget_storage_writes,
    kib,
    traced_snapshot,
    unavailable_entities,
)

# Polls after healing: a device that failed is back after one; a reconciling
# poll (push healthy, every 60 s) is due within three 30 s polls.
HEAL_POLLS = 3


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
    no_capture = NoCapture()
    capture = [handler for handler in root.handlers if isinstance(handler, LogCaptureHandler)]
    for handler in capture:
        handler.addFilter(no_capture)
    counter = RefreshCounter()
    injector = FaultInjector(fleet, random.Random(config.seed))
    # Its own random sequence: the faults stay those of the same seed without events.
    push = PushFaults(fleet, random.Random(config.seed + 2))
    tally = EventTally(fleet, random.Random(config.seed + 1), config, push)
    started = wall_clock()
    simulated_start = hass.loop.time()
    event_polls_at_mid = 0
    tracing = tracemalloc.is_tracing()
    try:
        async with served_internal_url(hass):
            with (
                warnings.catch_warnings(record=True) as caught,
                counter.installed(),
                tally.installed(),
                push.installed(),
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
                warm = traced_snapshot()
                report.memory_after_warmup_kib = kib(warm)
                logins_before = [device.logins for device in fleet.devices]
                before_scheduled = counter.total
                for poll in range(config.polls):
                    if poll == config.polls // 2:
                        report.memory_mid_kib = kib(traced_snapshot())
                        event_polls_at_mid = sum(tally.polls.values())
                    await injector.step(config.fault_rate, config.heal_rate)
                    push.step(config.push_fault_rate, config.push_heal_rate)
                    tally.step(injector.active)
                    await fleet.poll()
                    await push.drain()
                    forget_storage_writes()
                    report.open_device_connections_peak = max(
                        report.open_device_connections_peak, device_connections(ports)
                    )
                report.scheduled_refreshes = counter.total - before_scheduled
                await injector.heal_all()
                push.heal_all()
                # A device that reported ConfigEntryError/UpdateFailed is back after a
                # poll; what its log gathered meanwhile is delivered then (by a
                # reconciling poll on a device whose push is healthy).
                await fleet.poll(HEAL_POLLS)
                await push.drain()
                tally.fill(report)
                push.fill(report)
                report.event_polls_second_half = report.event_polls - event_polls_at_mid
                end = traced_snapshot()
                report.memory_at_end_kib = kib(end)
                report.memory_top_growth = [
                    f"{stat.traceback[0].filename.rsplit('site-packages/', 1)[-1]}"
                    f"{':' + str(stat.traceback[0].lineno) if config.memory_detail else ''}: "
                    f"{stat.size_diff / 1024:+.0f} KiB ({stat.count_diff:+d})"
                    for stat in end.compare_to(
                        warm, "lineno" if config.memory_detail else "filename"
                    )[: 25 if config.memory_detail else 6]
                ]
                del warm, end
                unavailable = unavailable_entities(hass, fleet)
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
                    len(connector._acquired)
                    for connector in hass.data.get(DATA_CONNECTOR, {}).values()
                )
                await fleet.stop_devices()
                # Let the client side see the servers close (bounded, real time).
                with contextlib.suppress(AssertionError):
                    await wait_until(
                        lambda: device_connections(ports) == 0,
                        "device connections closing",
                        timeout=10,
                    )
                report.open_device_connections_at_end = device_connections(ports)
                shared = set(map(id, hass.data.get(DATA_CLIENTSESSION, {}).values()))
                gc.collect()
                report.objects_alive_after_unload = alive_after_unload()
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
    report.webhook_requests, report.webhook_tests = webhook_requests(counters["requests"])
    report.logins = counters["logins"]
    report.login_failures = counters["login_failures"]
    report.unhandled_exceptions = len(watch.examples)
    report.unhandled_examples = watch.examples[:5]
    report.memory_growth_kib = report.memory_at_end_kib - report.memory_after_warmup_kib
    report.memory_growth_second_half_kib = report.memory_at_end_kib - report.memory_mid_kib
    report.simulated_hours = (hass.loop.time() - simulated_start) / 3600
    report.wall_seconds = wall_clock() - started
    return report
