"""Fixtures for the BAS-IP integration tests: a real simulated device over HTTP."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    load_fixture,
)

from custom_components.bas_ip.const import CONF_EVENTS_ENABLED, CONF_PUSH, DOMAIN
from devtools.clocks import ha_clock
from simulator import DeviceSimulator, Profile
from tests.conftest import SimulatorFactory, entry_data


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/bas_ip."""


def load_json(name: str) -> Any:
    """A JSON fixture of this test package."""
    return json.loads(load_fixture(name))


@pytest.fixture
async def simulator(
    simulator_factory: SimulatorFactory, simulator_profile: Profile
) -> DeviceSimulator:
    """The device under test, on Home Assistant's (freezable) clock."""
    return await simulator_factory(simulator_profile, clock=ha_clock)


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """Options of ``mock_config_entry``; override in a module to change them."""
    return {}


# For tests of the SIP coordinator alone: the event channel's log polls would
# otherwise be part of every request count and outage.
EVENTS_OFF: dict[str, Any] = {CONF_EVENTS_ENABLED: False}


@pytest.fixture
def mock_config_entry(simulator: DeviceSimulator, entry_options: dict[str, Any]) -> MockConfigEntry:
    """An entry for the simulated device."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="BAS-IP AQ-07L",
        unique_id=simulator.serial,
        data=entry_data(simulator),
        # Push needs Home Assistant's HTTP server listening where the device
        # can reach it: the push tests (test_push*.py) start one and turn it on.
        options={CONF_PUSH: False, **entry_options},
        entry_id="01JBASIPTESTENTRY000000000",
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """The entry, set up under frozen time.

    Time is frozen before set-up so that the coordinator's first poll timer
    is armed on the same clock that the tests then move forward.
    """
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


# One polling interval (30 s) plus a margin: the coordinator arms its timer at
# a random fraction of a second past the whole second, so exactly 30 s of
# frozen time may end just short of the poll.
POLL = 31


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move frozen time forward and let every poll it triggers finish.

    Scheduled refreshes run as background tasks that talk real HTTP to the
    simulator, so they are waited for explicitly.
    """
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    """The current state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return state
