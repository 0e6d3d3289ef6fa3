"""Helpers shared by the event-channel tests: entity ids, fired events, log records."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
import logging
from typing import Any
from unittest.mock import patch

import pytest

from custom_components.bas_ip.event import BasIpLogEvent
from simulator import DeviceSimulator

# One event poll at the default 2 s interval: the coordinator arms its timer
# at a fraction of a second past the whole second, so 2 s of frozen time may
# end just short of the poll; 3 s always reaches exactly one poll (the next
# one is armed from the time the poll ran).
EVENT_POLL = 3
LOG_PATH = "/api/v1/log/items"
INTEGRATION_LOGGER = "custom_components.bas_ip"


def entity_id(device: DeviceSimulator, platform: str, key: str) -> str:
    """The entity id of ``key`` on the simulated device (named after its model)."""
    model = str(device.profile_data.info["device_name"]).lower().replace("-", "_")
    return f"{platform}.bas_ip_{model}_{key}"


@dataclass(frozen=True, slots=True)
class Fired:
    """One event an event entity fired."""

    entity_id: str
    event_type: str
    data: dict[str, Any]


class FiredEvents(list[Fired]):
    """Every event fired by the integration's log event entities, in order."""

    def of(self, entity: str) -> list[Fired]:
        """The events of one entity."""
        return [fired for fired in self if fired.entity_id == entity]

    def types(self, entity: str) -> list[str]:
        """The event types of one entity, in order."""
        return [fired.event_type for fired in self.of(entity)]


@contextmanager
def record_fired() -> Iterator[FiredEvents]:
    """Record each event a log event entity fires (use it in a ``fired`` fixture).

    Counted at ``_trigger_event`` rather than from state changes: under frozen
    time two events of one poll have the same timestamp state, and a repeated
    identical state is no state change.
    """
    recorded = FiredEvents()
    original = BasIpLogEvent._trigger_event

    def spy(
        self: BasIpLogEvent, event_type: str, event_attributes: dict[str, Any] | None = None
    ) -> None:
        recorded.append(Fired(str(self.entity_id), event_type, dict(event_attributes or {})))
        original(self, event_type, event_attributes)

    with patch.object(BasIpLogEvent, "_trigger_event", spy):
        yield recorded


def records(
    caplog: pytest.LogCaptureFixture, *, level: int | None = None, contains: str = ""
) -> list[logging.LogRecord]:
    """Records of the integration's loggers, at ``level`` (or any), containing ``contains``."""
    return [
        record
        for record in caplog.records
        if record.name.startswith(INTEGRATION_LOGGER)
        and (level is None or record.levelno == level)
        and contains in record.getMessage()
    ]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records a user sees (INFO and above) of Home Assistant or the integration with a traceback.

    Home Assistant 2026 adds a DEBUG "Full error" traceback to every failed
    coordinator refresh, and the test HTTP server's access log can fail under
    frozen time: neither is ours to judge.
    """
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.INFO
        and record.name.startswith((INTEGRATION_LOGGER, "homeassistant"))
        and (record.exc_info or record.exc_text or "Traceback" in record.getMessage())
    ]
