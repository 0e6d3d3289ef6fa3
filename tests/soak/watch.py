"""What the soak watches besides events: unhandled errors, leaks and memory.

- unhandled exceptions: calls of the event loop's exception handler and log
  records that carry a traceback (how Home Assistant reports an unexpected
  error in a job, a task or the coordinator);
- leaks: TCP connections to the devices, integration objects alive after
  unload, entities left unavailable;
- memory: ``tracemalloc`` snapshots that leave out what logging, the test
  harness and the simulated devices keep.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import tracemalloc
from typing import Any, Final

import aiohttp
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, storage

from custom_components.bas_ip.client import BasIpClient
from custom_components.bas_ip.coordinator import BasIpDeviceCoordinator
from custom_components.bas_ip.event_coordinator import BasIpEventCoordinator

from .fleet import Fleet

# psutil (a Home Assistant dependency) ships no type information.
psutil: Any = importlib.import_module("psutil")

_TIME_TRAVEL_NOISE: Final = "Executing <"


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


def traced_snapshot() -> tracemalloc.Snapshot:
    """Traced memory, leaving out what logging, the suite's log guard and the storage mock keep."""
    forget_storage_writes()
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


def forget_storage_writes() -> None:
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


def kib(snapshot: tracemalloc.Snapshot) -> float:
    return sum(stat.size for stat in snapshot.statistics("filename")) / 1024


class NoCapture(logging.Filter):
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


def device_connections(ports: set[int]) -> int:
    """TCP connections of this process to the devices (client side)."""
    return sum(
        1
        for conn in psutil.Process().net_connections(kind="tcp")
        if conn.raddr and conn.raddr.port in ports
    )


def alive_after_unload() -> dict[str, int]:
    """Integration objects (and HTTP responses) still alive once every entry is unloaded."""
    kinds: tuple[type, ...] = (
        BasIpDeviceCoordinator,
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


def unavailable_entities(hass: HomeAssistant, fleet: Fleet) -> list[str]:
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
