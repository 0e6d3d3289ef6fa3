"""Media source "BAS-IP visitors": intercom, day, ring; titles with time and outcome.

Rings on the simulator at 04:00 local time (12:00 UTC, Home Assistant's test
time zone is US/Pacific). The outcome of a ring comes from what the device
logs within three minutes: a door opened, a missed call; on a device that
logs missed calls, none of them means the call was answered.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import Unresolvable, async_resolve_media
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.visitors import picture_url
from simulator import DeviceSimulator, Profile

from .conftest import advance
from .event_helpers import EVENT_POLL
from .visitor_helpers import ROOT, browse, history_of, titles, visit_ids

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

CARD_OWNER = "Olena Shevchuk"


@pytest.fixture(autouse=True)
async def media_source(hass: HomeAssistant) -> None:
    """The media source integration (it discovers ours once the entry is loaded)."""
    assert await async_setup_component(hass, "media_source", {})


async def ring_then(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: DeviceSimulator, *then: str
) -> None:
    """Ring, let ``then`` happen a few seconds later (in the same poll), 5 minutes pass."""
    simulator.ring("101")
    freezer.tick(1)
    for what in then:
        getattr(simulator, what)()
    await advance(hass, freezer, EVENT_POLL)
    await advance(hass, freezer, 296)


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
async def test_browse_intercom_days_rings(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One folder per intercom, one per day, rings newest first, titled with their outcome."""
    await ring_then(hass, freezer, simulator, "card_granted")
    await ring_then(hass, freezer, simulator, "missed_call")
    await ring_then(hass, freezer, simulator, "exit_button")
    await ring_then(hass, freezer, simulator)  # nothing: answered (missed calls are logged)
    # 05:00 UTC the next day is still 21:00 on the 1st in Home Assistant's time zone.
    freezer.move_to("2026-03-02T05:00:00+00:00")
    await ring_then(hass, freezer, simulator, "missed_call")
    freezer.tick(timedelta(days=1))
    await ring_then(hass, freezer, simulator, "missed_call", "card_granted")

    root = await browse(hass)
    assert root["title"] == "BAS-IP visitors"
    assert titles(root) == [init_integration.title]
    entry_id = init_integration.entry_id
    assert root["children"][0]["media_content_id"] == f"{ROOT}/{entry_id}"

    intercom = await browse(hass, entry_id)
    assert titles(intercom) == ["2026-03-02", "2026-03-01"]
    assert all(day["can_expand"] and not day["can_play"] for day in intercom["children"])

    first_day = await browse(hass, f"{entry_id}/2026-03-01")
    assert titles(first_day) == [
        "21:00 — missed",
        "04:15 — answered",
        "04:10 — opened: Exit button, door 1",
        "04:05 — missed",
        "04:00 — opened: Card, Olena Shevchuk, door 1",
    ]
    # Opened after a missed call: opened.
    second_day = await browse(hass, f"{entry_id}/2026-03-02")
    assert titles(second_day) == ["21:05 — opened: Card, Olena Shevchuk, door 1"]

    ids = visit_ids(init_integration)
    ring = first_day["children"][-1]
    assert ring["media_content_id"] == f"{ROOT}/{entry_id}/{ids[0]}"
    assert ring["media_class"] == "image"
    assert ring["can_play"] is True
    assert ring["thumbnail"] == picture_url(entry_id, ids[0])
    # The ring's own item, as the doorbell event's ``snapshot`` names it.
    item = await browse(hass, f"{entry_id}/{ids[0]}")
    assert item["title"] == ring["title"]

    resolved = await async_resolve_media(hass, f"{ROOT}/{entry_id}/{ids[0]}", None)
    assert (resolved.url, resolved.mime_type) == (picture_url(entry_id, ids[0]), "image/jpeg")
    # The history keeps the owner's name and how the door opened, never the card.
    visit = history_of(init_integration).visit(ids[0])
    assert visit is not None
    assert (visit.method, visit.owner, visit.lock) == ("card", CARD_OWNER, 1)


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_outcome_unknown_where_missed_calls_are_not_logged(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A Camdroid panel logs no missed calls: a ring nothing followed stays a ring."""
    await ring_then(hass, freezer, simulator)
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    # A door opened more than three minutes later is not this ring's outcome.
    await advance(hass, freezer, 200)
    simulator.exit_button()
    await advance(hass, freezer, EVENT_POLL)
    day = await browse(hass, f"{init_integration.entry_id}/2026-03-01")
    assert titles(day) == ["04:05 — ring", "04:00 — ring"]


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
async def test_outcome_pending_within_the_window(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Within three minutes nothing is concluded; an opening comes later in the window."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)
    day = f"{init_integration.entry_id}/2026-03-01"
    assert titles(await browse(hass, day)) == ["04:00 — ring"]
    await advance(hass, freezer, 120)
    await init_integration.runtime_data.client.open_lock(1)
    await advance(hass, freezer, EVENT_POLL)
    assert titles(await browse(hass, day)) == ["04:00 — opened: App or web, door 1"]


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_unknown_items(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unknown intercoms and rings: a browse error; nothing to resolve."""
    entry_id = init_integration.entry_id
    simulator.ring()
    await advance(hass, freezer, EVENT_POLL)
    for identifier in ("unknown", f"{entry_id}/0000-00-00x", f"{entry_id}/{'0' * 24}"):
        with pytest.raises(BrowseError):
            await browse(hass, identifier)
    for identifier in ("unknown/x", f"{entry_id}/{'0' * 24}"):
        with pytest.raises(Unresolvable):
            await async_resolve_media(hass, f"{ROOT}/{identifier}", None)


@pytest.mark.usefixtures("init_integration")
async def test_no_history_without_a_camera(hass: HomeAssistant) -> None:
    """A monitor (no camera) keeps no history: the source lists no intercom."""
    assert titles(await browse(hass)) == []
