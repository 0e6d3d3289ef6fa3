"""Visitor history retention: by age (days, 0 = off) and by count, daily and at each ring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.const import CONF_HISTORY_DAYS, CONF_HISTORY_MAX_RINGS
from custom_components.bas_ip.visitors import Visit
from custom_components.bas_ip.visitors.model import prune
from simulator import DeviceSimulator, Profile

from .conftest import advance
from .event_helpers import EVENT_POLL
from .visitor_helpers import history_of, picture_files, visit_ids

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)
STORE_KEY = "bas_ip.01JBASIPTESTENTRY000000000.visitors"


@pytest.fixture
def simulator_profile() -> Profile:
    """A door panel with a camera."""
    return Profile.CAMDROID_PANEL


def visit(days_ago: float, number: int = 0) -> Visit:
    """A visit rung ``days_ago`` days before ``NOW``."""
    return Visit(
        id=f"{number:024x}",
        rung_at=NOW - timedelta(days=days_ago),
        device_ms=number,
        picture=True,
    )


def test_prune_by_age() -> None:
    """Rings older than ``days`` go; younger ones stay, oldest first."""
    visits = [visit(40, 1), visit(30.5, 2), visit(29, 3), visit(0, 4)]
    kept, removed = prune(reversed(visits), now=NOW, days=30, max_rings=500)
    assert [v.device_ms for v in kept] == [3, 4]
    assert [v.device_ms for v in removed] == [1, 2]


def test_prune_by_count() -> None:
    """At most ``max_rings``: the newest stay."""
    visits = [visit(3, 1), visit(2, 2), visit(1, 3)]
    kept, removed = prune(visits, now=NOW, days=30, max_rings=2)
    assert [v.device_ms for v in kept] == [2, 3]
    assert [v.device_ms for v in removed] == [1]


def test_prune_off_keeps_nothing() -> None:
    """0 days: the history is off, nothing is kept."""
    kept, removed = prune([visit(0, 1)], now=NOW, days=0, max_rings=500)
    assert (kept, [v.device_ms for v in removed]) == ([], [1])


async def test_daily_clean_up_by_age(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Once a day, rings older than 30 days go, their pictures first."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    old = visit_ids(init_integration)
    await advance(hass, freezer, 20 * 86400)
    simulator.ring("102")
    await advance(hass, freezer, EVENT_POLL)
    assert len(picture_files(hass, init_integration)) == 2

    # The day the first ring turns 30 days old ends: the daily clean-up runs.
    await advance(hass, freezer, 10 * 86400 + 60)
    kept = visit_ids(init_integration)
    assert len(kept) == 1
    assert kept != old
    assert set(picture_files(hass, init_integration)) == set(kept)
    await advance(hass, freezer, 2)
    assert [v["id"] for v in hass_storage[STORE_KEY]["data"]["visits"]] == kept


@pytest.mark.parametrize("entry_options", [{CONF_HISTORY_MAX_RINGS: 2}])
async def test_count_enforced_at_each_ring(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two rings kept at most: the third removes the first, picture and all."""
    for number in ("101", "102", "103"):
        simulator.ring(number)
        await advance(hass, freezer, EVENT_POLL)
    history = history_of(init_integration)
    assert [v.number for v in history.visits] == ["102", "103"]
    assert set(picture_files(hass, init_integration)) == set(visit_ids(init_integration))


async def test_clean_up_function(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """``async_clean_up``: returns how many rings it removed; nothing twice."""
    for number in ("101", "102"):
        simulator.ring(number)
        await advance(hass, freezer, EVENT_POLL)
    history = history_of(init_integration)
    later = history.visits[-1].rung_at + timedelta(days=30, seconds=-1)
    assert await history.async_clean_up(later) == 1
    assert await history.async_clean_up(later) == 0
    assert await history.async_clean_up(later + timedelta(days=1)) == 1
    assert history.visits == []
    assert picture_files(hass, init_integration) == {}


@pytest.mark.parametrize("entry_options", [{CONF_HISTORY_DAYS: 1}])
async def test_retention_applied_at_set_up(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A history loaded after a long stop: what is too old goes at once."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    freezer.tick(timedelta(days=2))
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert visit_ids(init_integration) == []
    assert picture_files(hass, init_integration) == {}
