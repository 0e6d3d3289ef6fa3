"""Visitor history over an entry's life: restart, options, history off, entry removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.const import CONF_HISTORY_DAYS, CONF_HISTORY_MAX_RINGS
from simulator import DeviceSimulator, Profile

from .conftest import advance, state_of
from .event_helpers import EVENT_POLL, entity_id
from .visitor_helpers import history_of, picture_files, visit_ids

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

STORE_KEY = "bas_ip.01JBASIPTESTENTRY000000000.visitors"


@pytest.fixture
def simulator_profile() -> Profile:
    """A door panel with a camera."""
    return Profile.CAMDROID_PANEL


def history_dir(hass: HomeAssistant, entry: MockConfigEntry) -> Path:
    """Where the README says the pictures are."""
    return Path(hass.config.config_dir) / "bas_ip" / "visitors" / str(entry.entry_id)


async def test_history_survives_a_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reloaded, the history is there; a file the index does not name is swept away."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    kept = visit_ids(init_integration)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    stray = history_dir(hass, init_integration) / f"{'f' * 24}.jpg"
    stray.write_bytes(b"left by a crash")
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert visit_ids(init_integration) == kept
    assert history_of(init_integration).visits[0].picture is True
    assert set(picture_files(hass, init_integration)) == set(kept)


async def test_removing_the_entry_removes_its_history(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Entry removed: its pictures and its index are gone."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, 2)
    assert STORE_KEY in hass_storage
    assert history_dir(hass, init_integration).is_dir()
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not history_dir(hass, init_integration).exists()
    assert STORE_KEY not in hass_storage


@pytest.mark.parametrize("entry_options", [{CONF_HISTORY_DAYS: 0}])
async def test_history_off_keeps_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """0 days: what was kept is deleted at set-up; rings keep no picture, link none."""
    kept = history_dir(hass, mock_config_entry)
    kept.mkdir(parents=True)
    (kept / f"{'a' * 24}.jpg").write_bytes(b"an old ring")
    hass_storage[STORE_KEY] = {"version": 1, "key": STORE_KEY, "data": {"visits": []}}
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert not kept.exists()
    assert STORE_KEY not in hass_storage
    assert mock_config_entry.runtime_data.visitors is None

    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    doorbell = state_of(hass, entity_id(simulator, "event", "doorbell"))
    assert doorbell.attributes["event_type"] == "ring"
    assert "snapshot" not in doorbell.attributes
    assert not kept.exists()
    # The "Last visitor" image still takes its one picture.
    assert simulator.snapshots == 1


async def test_options_apply_in_place_or_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Fewer rings: applied at once, no reload; 0 days: a reload turns the history off."""
    for number in ("101", "102", "103"):
        simulator.ring(number)
        await advance(hass, freezer, EVENT_POLL)
    history = history_of(init_integration)
    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    with patch.object(hass.config_entries, "async_schedule_reload") as reload:
        await hass.config_entries.options.async_configure(
            flow["flow_id"], {CONF_HISTORY_DAYS: 30, CONF_HISTORY_MAX_RINGS: 1}
        )
        await hass.async_block_till_done(wait_background_tasks=True)
    assert reload.call_count == 0
    assert history_of(init_integration) is history
    assert [v.number for v in history.visits] == ["103"]
    assert len(picture_files(hass, init_integration)) == 1

    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    await hass.config_entries.options.async_configure(flow["flow_id"], {CONF_HISTORY_DAYS: 0})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert init_integration.runtime_data.visitors is None
    assert not history_dir(hass, init_integration).exists()


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_MONITOR])
async def test_options_without_a_camera(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A monitor (no camera): no history options offered."""
    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    schema = flow["data_schema"]
    assert schema is not None
    fields = {str(key) for key in schema.schema}
    assert CONF_HISTORY_DAYS not in fields
    assert CONF_HISTORY_MAX_RINGS not in fields
