"""Harness for the fault matrix: the integration on a simulated device over real HTTP.

Time is Home Assistant's frozen clock: a poll is ``freezer.tick`` plus
``async_fire_time_changed``, and the simulator's token clock follows it. The
event loop's clock is frozen too (freezegun patches ``time.monotonic``), so
request timeouts fire when the test moves time on, not after real seconds.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from datetime import timedelta
import json
import logging
from typing import Any, Final
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.bas_ip.const import DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.bas_ip.event import BasIpLogEvent
from devtools.clocks import ha_clock
from devtools.waits import wait_until
from simulator import DeviceSimulator, Profile
from tests.conftest import POLLED, SECRET_GUARD, SimulatorFactory, _is_bus_echo, entry_data

POLL: Final = timedelta(seconds=DEFAULT_SCAN_INTERVAL)
# The coordinators' names in HA's "Error fetching ..." lines (entry title "BAS-IP AQ-07L").
COORDINATOR: Final = "bas_ip BAS-IP AQ-07L"
EVENT_COORDINATOR: Final = f"{COORDINATOR} events"
# Entities fed by /api/v1/sip/status (the SIP switch shows the status too);
# every other SIP entity reads the settings.
STATUS_KEYS: Final = frozenset(
    {"sip_registered", "registration_status", "last_registration_attempt", "sip_enabled"}
)
_SETTINGS_KEYS: Final = frozenset(
    {
        "sip_settings",
        "sip_user",
        "sip_realm",
        "sip_proxy",
        "sip_transport",
        "registration_interval",
        "stun_server",
    }
)
# Entities fed by the event channel (the device's event log).
EVENT_KEYS: Final = frozenset({"doorbell", "access", "device_event", "last_log_event"})
# Entities fed by the door-status read of each SIP refresh.
DOOR_KEYS: Final = frozenset({"door", "door_open_too_long"})
# Every entity each profile gets (the harness enables the disabled-by-default ones).
ENTITY_KEYS: Final = {
    Profile.CAMDROID_MONITOR: STATUS_KEYS
    | _SETTINGS_KEYS
    | EVENT_KEYS
    | {"h264_payload_type", "restart"},
    Profile.CAMDROID_PANEL: STATUS_KEYS
    | _SETTINGS_KEYS
    | EVENT_KEYS
    | DOOR_KEYS
    | {"open_door_1", "open_door_2", "restart", "camera", "last_visitor", "active_guest_passes"},
    Profile.ANDROID_PANEL: STATUS_KEYS
    | _SETTINGS_KEYS
    | EVENT_KEYS
    | {"open_door_1", "restart", "camera", "last_visitor", "active_guest_passes"},
}
# The last-visitor image is fed by the event channel too (it needs a camera).
EVENT_CHANNEL_KEYS: Final = EVENT_KEYS | {"last_visitor"}


@dataclass(frozen=True, slots=True)
class Fired:
    """One event a log event entity fired: its key, the type and the data."""

    key: str
    event_type: str
    data: dict[str, Any]


# Every event the log event entities fired in the running test, in order.
_FIRED: list[tuple[str, Fired]] = []


@pytest.fixture(autouse=True)
def record_fired_events() -> Generator[None]:
    """Record each event a log event entity fires.

    Counted at ``_trigger_event``, not from state changes: under frozen time
    two events of one poll have the same timestamp state, and a repeated
    identical state is no state change.
    """
    _FIRED.clear()
    original = BasIpLogEvent._trigger_event

    def spy(
        self: BasIpLogEvent, event_type: str, event_attributes: dict[str, Any] | None = None
    ) -> None:
        unique_id = str(self.unique_id)
        key = unique_id.removeprefix(f"{self.runtime.device_info.serial_number}_")
        _FIRED.append((unique_id, Fired(key, event_type, dict(event_attributes or {}))))
        original(self, event_type, event_attributes)

    with patch.object(BasIpLogEvent, "_trigger_event", spy):
        yield
    _FIRED.clear()


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/bas_ip."""


@pytest.fixture(autouse=True)
def auto_enable_all_entities(enable_all_entities: None) -> None:
    """Create the entities that are disabled by default too: every value is watched."""


class FaultHarness:
    """One config entry on one simulated device, with the measurements of a row."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        caplog: pytest.LogCaptureFixture,
        device: DeviceSimulator,
        entry: MockConfigEntry,
    ) -> None:
        """Keep the pieces; :meth:`setup` starts the entry."""
        self.hass = hass
        self.freezer = freezer
        self.caplog = caplog
        self.device = device
        self.entry = entry
        self.history: list[State] = []
        self._log_list: list[logging.LogRecord] = []
        self._log_start = 0
        self._fired_start = 0

    async def setup(self, *, observe_setup: bool = False) -> None:
        """Set the entry up and start recording every state its entities write.

        ``observe_setup`` starts the observation window before the set-up
        (its log lines count); otherwise it starts once the entry is loaded.
        """
        if observe_setup:
            self.mark()
        self.entry.add_to_hass(self.hass)
        await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done(wait_background_tasks=True)

        @callback
        def record(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            if new_state is not None and new_state.entity_id in self.entity_ids:
                self.history.append(new_state)

        self.entry.async_on_unload(self.hass.bus.async_listen(EVENT_STATE_CHANGED, record))
        if not observe_setup:
            self.mark()

    # --- time ------------------------------------------------------------------

    async def poll(self, count: int = 1) -> None:
        """Let ``count`` polling intervals pass, each refresh running to its end."""
        for _ in range(count):
            self.freezer.tick(POLL)
            async_fire_time_changed(self.hass)
            await self.hass.async_block_till_done(wait_background_tasks=True)

    async def poll_until_requests_hang(self, paths: Iterable[str]) -> None:
        """Start a poll whose requests the device holds; return once they arrived."""
        wanted = {path: self.device.requests[path] + 1 for path in paths}
        self.freezer.tick(POLL)
        async_fire_time_changed(self.hass)
        await wait_until(
            lambda: all(self.device.requests[path] >= n for path, n in wanted.items()),
            "the poll reaching the device",
        )

    async def advance(self, seconds: float) -> None:
        """Move time on (e.g. past a request timeout) and let everything settle."""
        self.freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    # --- observations ----------------------------------------------------------

    @property
    def registry_entries(self) -> list[er.RegistryEntry]:
        """The entry's entities."""
        return er.async_entries_for_config_entry(er.async_get(self.hass), self.entry.entry_id)

    @property
    def entity_ids(self) -> list[str]:
        """Entity ids of every entity of the entry."""
        return [item.entity_id for item in self.registry_entries]

    @property
    def keys(self) -> set[str]:
        """Entity keys (unique id without the serial) of every entity of the entry."""
        return {
            item.unique_id.removeprefix(f"{self.entry.unique_id}_")
            for item in self.registry_entries
        }

    def ids(self, keys: Iterable[str]) -> list[str]:
        """Entity ids of the entry's entities whose key is one of ``keys``."""
        wanted = set(keys)
        return [
            item.entity_id
            for item in self.registry_entries
            if item.unique_id.removeprefix(f"{self.entry.unique_id}_") in wanted
        ]

    def ids_except(self, keys: Iterable[str]) -> list[str]:
        """Entity ids of the entry's entities whose key is not one of ``keys``."""
        unwanted = set(keys)
        return [
            item.entity_id
            for item in self.registry_entries
            if item.unique_id.removeprefix(f"{self.entry.unique_id}_") not in unwanted
        ]

    @property
    def fired(self) -> list[tuple[str, str]]:
        """(entity key, event type) of every log event fired since :meth:`mark`."""
        prefix = f"{self.entry.unique_id}_"
        return [
            (fired.key, fired.event_type)
            for unique_id, fired in _FIRED[self._fired_start :]
            if unique_id.startswith(prefix)
        ]

    @property
    def fired_data(self) -> list[dict[str, Any]]:
        """The data of every log event fired since :meth:`mark`."""
        prefix = f"{self.entry.unique_id}_"
        return [
            fired.data
            for unique_id, fired in _FIRED[self._fired_start :]
            if unique_id.startswith(prefix)
        ]

    def entity_ids_of(self, *, status: bool) -> list[str]:
        """Entities fed by the status endpoint (``status=True``) or by the settings."""
        return [
            item.entity_id
            for item in self.registry_entries
            if (item.unique_id.removeprefix(f"{self.entry.unique_id}_") in STATUS_KEYS) is status
        ]

    def state(self, entity_id: str) -> State:
        """Current state of an entity (it must exist)."""
        state = self.hass.states.get(entity_id)
        assert state is not None, f"{entity_id} has no state"
        return state

    def unavailable(self, entity_ids: Iterable[str] | None = None) -> list[str]:
        """Which of the entities (default: all) are unavailable now."""
        ids = self.entity_ids if entity_ids is None else list(entity_ids)
        return [entity_id for entity_id in ids if self.state(entity_id).state == STATE_UNAVAILABLE]

    def went_unavailable(self) -> list[str]:
        """Entities that were written as unavailable since :meth:`mark`."""
        return sorted({s.entity_id for s in self.history if s.state == STATE_UNAVAILABLE})

    def mark(self) -> None:
        """Start a new observation window for logs and state history."""
        self._log_list = self.caplog.records
        self._log_start = len(self._log_list)
        self._fired_start = len(_FIRED)
        self.history.clear()

    @property
    def records(self) -> list[logging.LogRecord]:
        """Log records since :meth:`mark` (caplog starts a new list per test phase)."""
        current = self.caplog.records
        return current[self._log_start :] if current is self._log_list else list(current)

    def problems(self) -> list[str]:
        """Log lines at WARNING and above since :meth:`mark`.

        asyncio's debug-mode "Executing <task> took N seconds" warnings are
        left out: they measure the frozen clock jumping during time travel. So
        are the notices that a custom integration is loaded and that
        libturbojpeg or a fast zlib is missing: they say nothing about the
        fault and appear only when a row sets up the entry.
        """
        return [
            r.getMessage()
            for r in self.records
            if r.levelno >= logging.WARNING
            and not _is_time_travel_artifact(r)
            and not _is_custom_integration_notice(r)
        ]

    def problem_lines(self) -> list[tuple[str, str, str]]:
        """(logger, level, message) of every line :meth:`problems` counts; none has a traceback."""
        lines = []
        for record in self.records:
            if (
                record.levelno < logging.WARNING
                or _is_time_travel_artifact(record)
                or _is_custom_integration_notice(record)
            ):
                continue
            message = record.getMessage()
            assert record.exc_info is None, f"traceback logged with {message!r}"
            assert record.exc_text is None, f"traceback logged with {message!r}"
            assert "Traceback" not in message
            lines.append((record.name, record.levelname, message))
        return lines

    def tracebacks(self) -> list[str]:
        """Records a user sees (INFO and above) since :meth:`mark` that carry a traceback.

        Home Assistant 2026 adds a DEBUG "Full error" traceback to every
        failed coordinator refresh: its own debug output, not a line of ours.
        """
        return [
            record.getMessage()
            for record in self.records
            if record.levelno >= logging.INFO
            and (
                record.exc_info is not None
                or record.exc_text is not None
                or "Traceback" in record.getMessage()
            )
            and not _is_custom_integration_notice(record)
        ]

    def fetch_error(self, reason: str) -> tuple[str, str, str]:
        """The one line Home Assistant's SIP coordinator logs when polling starts failing."""
        return ("custom_components.bas_ip", "ERROR", f"Error fetching {COORDINATOR} data: {reason}")

    def event_fetch_error(self, reason: str) -> tuple[str, str, str]:
        """The one line the event coordinator logs when reading the log starts failing."""
        return (
            "custom_components.bas_ip",
            "ERROR",
            f"Error fetching {EVENT_COORDINATOR} data: {reason}",
        )

    def assert_outcome(
        self,
        *,
        unavailable: Iterable[str],
        lines: list[tuple[str, str, str]],
        reauth: bool,
        fired: list[tuple[str, str]] | None = None,
    ) -> None:
        """The exact outcome of a row.

        These entities down, these lines (the two coordinators poll side by
        side, so compared as a multiset), reauth or not, exactly these log
        events fired since :meth:`mark` (default: none), no secret anywhere.
        """
        assert sorted(self.unavailable()) == sorted(unavailable)
        assert sorted(self.problem_lines()) == sorted(lines)
        assert len(self.reauth_flows()) == (1 if reauth else 0)
        assert self.fired == (fired or [])
        self.assert_no_secrets()

    def recoveries(self) -> list[str]:
        """The coordinator's "recovered" lines since :meth:`mark`."""
        return [r.getMessage() for r in self.records if "data recovered" in r.getMessage()]

    def reauth_flows(self) -> list[Any]:
        """Reauthentication flows in progress for this integration."""
        return [
            flow
            for flow in self.hass.config_entries.flow.async_progress_by_handler(DOMAIN)
            if flow["context"]["source"] == SOURCE_REAUTH
        ]

    @property
    def login_attempts(self) -> int:
        """Logins the device accepted plus those it rejected."""
        return self.device.logins + self.device.login_failures

    def assert_no_secrets(self) -> None:
        """No secret in logs, states or the entry reason; no card number or code in a log line.

        Card numbers and codes are event data by design: the access event
        entity's state attributes may carry them, and so may Home Assistant's
        DEBUG echo of that state on its bus (the session guard allows the
        same). Everywhere else, and secrets everywhere, nothing.
        """
        SECRET_GUARD.learn_devices()
        identifiers = sorted(SECRET_GUARD.identifiers, key=len, reverse=True)

        def without_identifiers(text: str) -> str:
            for identifier in identifiers:
                text = text.replace(identifier, "<identifier>")
            return text

        texts = [str(self.entry.reason)]
        for record in self.caplog.records:
            text = f"{record.getMessage()} {record.exc_text or ''}"
            if _is_bus_echo(record.name, record.levelname, text):
                text = without_identifiers(text)
            texts.append(text)
        access = set(self.ids(["access"]))
        for state in [*self.history, *self.hass.states.async_all()]:
            text = json.dumps(state.as_dict(), default=str)
            texts.append(without_identifiers(text) if state.entity_id in access else text)
        leaked = sum(SECRET_GUARD.find(text) is not None for text in texts)
        assert leaked == 0, f"{leaked} log line(s) or state(s) contain a secret or identifier"

    def values_shown(self) -> set[str]:
        """Every state and attribute value written since :meth:`mark`, as text."""
        return {json.dumps(state.as_dict(), default=str) for state in self.history} | {
            json.dumps(self.state(entity_id).as_dict(), default=str)
            for entity_id in self.entity_ids
        }


def _is_time_travel_artifact(record: logging.LogRecord) -> bool:
    return record.name == "asyncio" and record.getMessage().startswith("Executing <")


def _is_custom_integration_notice(record: logging.LogRecord) -> bool:
    if record.name == "homeassistant.loader" and "custom integration" in record.getMessage():
        return True
    # Notices of libraries first loaded on a machine without libturbojpeg or
    # a fast zlib: about the test machine, not the fault.
    message = record.getMessage()
    return (
        record.name == "homeassistant.components.camera.img_util" and "libturbojpeg" in message
    ) or (record.name == "aiohttp_fast_zlib" and "falling back to zlib" in message)


@pytest.fixture
def fault_profile() -> Profile:
    """Profile of the device under test; parametrize to change it."""
    return Profile.CAMDROID_MONITOR


@pytest.fixture
def fault_device_options() -> dict[str, Any]:
    """Extra simulator arguments; parametrize to change them."""
    return {}


@pytest.fixture
async def device(
    simulator_factory: SimulatorFactory,
    fault_profile: Profile,
    fault_device_options: dict[str, Any],
) -> DeviceSimulator:
    """The simulated device, on Home Assistant's clock."""
    return await simulator_factory(fault_profile, clock=ha_clock, **fault_device_options)


@pytest.fixture
async def harness(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    device: DeviceSimulator,
) -> FaultHarness:
    """The integration set up on the device, healthy, before any fault."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="BAS-IP AQ-07L",
        unique_id=device.serial,
        data=entry_data(device),
        options=POLLED,
    )
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    await harness.setup()
    assert harness.keys == ENTITY_KEYS[device.profile]
    assert harness.unavailable() == []
    # The history the device logged before set-up is never fired.
    assert _FIRED == []
    return harness
