"""Fixtures for the BAS-IP integration tests: a real simulated device over HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
import json
import logging
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    load_fixture,
)

from custom_components.bas_ip.const import (
    CONF_EVENTS_ENABLED,
    CONF_PUSH,
    CONF_WEBHOOK_SECRET,
    DOMAIN,
)
from custom_components.bas_ip.push_health import PushState
from devtools.clocks import ha_clock
from devtools.waits import wait_until
from simulator import DeviceSimulator, Profile
from tests.conftest import SimulatorFactory, entry_data, register_secret


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/bas_ip."""


@pytest.fixture(autouse=True)
def config_dir_in_tmp(hass: HomeAssistant, tmp_path: Path) -> None:
    """Keep what the integration writes in the config dir (visitor pictures) in the test's own."""
    hass.config.config_dir = str(tmp_path)


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


# --- push (tests/components/bas_ip/test_push*.py) ---------------------------

# One reconciling poll of a push-healthy entry (60 s) and a margin.
RECONCILE = 61


@pytest.fixture
async def internal_url(
    hass: HomeAssistant, socket_enabled: None, aiohttp_client: Callable[..., Awaitable[Any]]
) -> str:
    """Serve Home Assistant's HTTP app on 127.0.0.1 and make it the internal URL.

    The components that add HTTP views are set up first: a served app's
    routes are frozen.
    """
    for domain in ("http", "webhook", "camera", "image", "diagnostics", DOMAIN):
        assert await async_setup_component(hass, domain, {})
    # Home Assistant keeps aiohttp's access log at WARNING (its lines name the
    # path, and a webhook's path is its secret id): so does this server.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    client = await aiohttp_client(hass.http.app)
    url = f"http://127.0.0.1:{client.server.port}"
    await hass.config.async_update(internal_url=url)
    return url


@pytest.fixture
async def push_entry(
    hass: HomeAssistant,
    internal_url: str,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """An entry with push on (the default) for the Android panel, set up and healthy."""
    simulator.webhooks.set_faults(retry_delay=0)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="BAS-IP AA-07FB",
        unique_id=simulator.serial,
        data=entry_data(simulator),
        entry_id="01JBASIPPUSHENTRY00000000",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # The webhook secret must never be logged. (The webhook id is in the
    # path Home Assistant's own webhook and HTTP code log at debug level; the
    # integration keeps it out of its own logs and its diagnostics.)
    register_secret(entry.data[CONF_WEBHOOK_SECRET])
    await wait_until(lambda: _push_state(entry) is PushState.HEALTHY, "push healthy")
    return entry


def _push_state(entry: MockConfigEntry) -> PushState | None:
    push = entry.runtime_data.push
    return None if push is None else push.health.state
