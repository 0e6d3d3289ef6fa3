"""Visitor history: each ring's picture kept, linked from its event, served to users only.

Against the simulator over HTTP, under frozen time (issue 20, "Tests").
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bas_ip.visitors import picture_url
from devtools.waits import REAL_TIMEOUT, wait_real, wait_until
from simulator import DeviceSimulator, Profile

from .conftest import advance, state_of
from .event_helpers import EVENT_POLL, FiredEvents, entity_id, record_fired
from .visitor_helpers import browse, last_visit, other_jpeg, picture_files, titles, visit_ids

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

STORE_KEY = "bas_ip.01JBASIPTESTENTRY000000000.visitors"


@pytest.fixture
def simulator_profile() -> Profile:
    """A door panel with a camera (the monitor of the default profile has none)."""
    return Profile.CAMDROID_PANEL


@pytest.fixture(autouse=True)
async def media_source(hass: HomeAssistant) -> None:
    """The media source, set up before any HTTP client freezes the routes."""
    assert await async_setup_component(hass, "media_source", {})


@pytest.fixture
def fired() -> Iterator[FiredEvents]:
    """Every event the log event entities fire."""
    with record_fired() as recorded:
        yield recorded


def rings(fired: FiredEvents, simulator: DeviceSimulator) -> list[dict[str, Any]]:
    """The data of each ring the doorbell fired."""
    doorbell = entity_id(simulator, "event", "doorbell")
    return [event.data for event in fired.of(doorbell) if event.event_type == "ring"]


async def fetch(client_factory: ClientSessionGenerator, path: str) -> tuple[int, bytes]:
    """GET a path of Home Assistant: status and body."""
    client = await client_factory()
    response = await client.get(path)
    return response.status, await response.read()


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL])
async def test_ring_keeps_its_picture(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    """A ring: its picture on disk, its event linking to it, one device request in all."""
    simulator.ring("101")
    await advance(hass, freezer, EVENT_POLL)

    [ring] = rings(fired, simulator)
    visit = last_visit(init_integration)
    entry_id = init_integration.entry_id
    assert ring["snapshot"] == f"media-source://bas_ip/{entry_id}/{visit.id}"
    assert ring["snapshot_url"].startswith(f"{picture_url(entry_id, visit.id)}?authSig=")
    assert (visit.number, visit.device_ms, visit.picture) == ("101", ring["device_timestamp"], True)
    # The one request of the ring, shared with the "Last visitor" image.
    assert simulator.snapshots == 1
    assert picture_files(hass, init_integration) == {visit.id: simulator.snapshot_jpeg}
    assert await fetch(hass_client, picture_url(entry_id, visit.id)) == (
        200,
        simulator.snapshot_jpeg,
    )
    image = state_of(hass, entity_id(simulator, "image", "last_visitor"))
    assert image.state != "unknown"

    # The index is stored, batched, without the card numbers of the log.
    await advance(hass, freezer, 2)
    [stored] = hass_storage[STORE_KEY]["data"]["visits"]
    assert (stored["id"], stored["number"], stored["picture"]) == (visit.id, "101", True)


async def test_event_fires_before_the_picture_and_without_one(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    hass_client: ClientSessionGenerator,
) -> None:
    """A slow snapshot that then fails: the event fired at once; the ring kept, no picture."""
    simulator.snapshot_delay = 2.0
    simulator.snapshot_format = "html"
    simulator.ring("101")
    freezer.tick(EVENT_POLL)
    async_fire_time_changed(hass)
    await wait_until(lambda: bool(rings(fired, simulator)), "the ring event")
    await wait_until(lambda: simulator.snapshots == 1, "the snapshot requested")
    # Fired while the device still takes the picture, linking to the visit.
    visit = last_visit(init_integration)
    assert visit.picture is None
    [ring] = rings(fired, simulator)
    assert ring["snapshot"].endswith(f"/{visit.id}")

    # A request for the picture waits for it; it fails: 404.
    client = await hass_client()
    request = hass.async_create_task(client.get(picture_url(init_integration.entry_id, visit.id)))
    freezer.tick(2.5)
    assert await wait_real(asyncio.wait({request}), REAL_TIMEOUT)
    assert request.result().status == 404
    assert last_visit(init_integration).picture is False
    assert simulator.snapshots == 1
    assert picture_files(hass, init_integration) == {}

    day = await browse(hass, f"{init_integration.entry_id}/2026-03-01")
    assert titles(day) == ["04:00 — ring (no picture)"]
    assert day["children"][0]["can_play"] is False
    assert day["children"][0]["thumbnail"] is None


async def test_two_rings_a_second_apart_keep_two_pictures(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    hass_client: ClientSessionGenerator,
) -> None:
    """Two rings 1 s apart: two visits, each event its own; a later one replaces neither."""
    simulator.ring("101")
    freezer.tick(1)
    simulator.ring("102")
    await advance(hass, freezer, EVENT_POLL)
    first, second = rings(fired, simulator)
    ids = visit_ids(init_integration)
    assert len(ids) == 2
    assert [first["snapshot"].rsplit("/", 1)[1], second["snapshot"].rsplit("/", 1)[1]] == ids
    assert first["snapshot_url"] != second["snapshot_url"]
    # Both polled at once: one request, the same picture kept for each.
    assert simulator.snapshots == 1
    assert picture_files(hass, init_integration) == dict.fromkeys(ids, simulator.snapshot_jpeg)

    # Another visitor later: a new picture; the earlier links still show theirs.
    earlier = simulator.snapshot_jpeg
    simulator.snapshot_jpeg = other_jpeg()
    simulator.ring("103")
    await advance(hass, freezer, EVENT_POLL)
    third = rings(fired, simulator)[-1]
    assert simulator.snapshots == 2
    assert await fetch(hass_client, first["snapshot_url"]) == (200, earlier)
    assert await fetch(hass_client, second["snapshot_url"]) == (200, earlier)
    assert await fetch(hass_client, third["snapshot_url"]) == (200, simulator.snapshot_jpeg)


async def test_pictures_only_for_authenticated_users(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """No token, no picture; a signed path works for its own picture only."""
    simulator.ring()
    simulator.ring("102")
    await advance(hass, freezer, EVENT_POLL)
    first, second = visit_ids(init_integration)
    entry_id = init_integration.entry_id
    path = picture_url(entry_id, first)

    assert (await fetch(hass_client_no_auth, path))[0] == 401
    assert await fetch(hass_client, path) == (200, simulator.snapshot_jpeg)
    # The signed path of one picture opens no other.
    signed = rings(fired, simulator)[0]["snapshot_url"]
    assert (await fetch(hass_client_no_auth, signed))[0] == 200
    query = signed.split("?", 1)[1]
    assert (await fetch(hass_client_no_auth, f"{picture_url(entry_id, second)}?{query}"))[0] == 401
    # Unknown visits, entries and names: not found, never a file outside the history.
    assert (await fetch(hass_client, picture_url(entry_id, "0" * 24)))[0] == 404
    assert (await fetch(hass_client, picture_url("unknown", first)))[0] == 404
    assert (await fetch(hass_client, f"/api/bas_ip/visitors/{entry_id}/..%2Findex.jpg"))[0] in (
        400,
        404,
    )


async def test_disk_io_never_on_the_event_loop(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Writing, reading and deleting pictures happen in the executor (asyncio debug would warn)."""
    from custom_components.bas_ip.visitors import files, history

    loop_thread = asyncio.get_running_loop()._thread_id  # type: ignore[attr-defined]
    threads: list[tuple[str, int | None]] = []

    def spy(name: str) -> Any:
        original = getattr(files, name)

        def run(*args: Any) -> Any:
            import threading

            threads.append((name, threading.get_ident()))
            return original(*args)

        return run

    with pytest.MonkeyPatch.context() as patch:
        for name in ("write_picture", "read_picture", "delete_pictures"):
            patch.setattr(history, name, spy(name))
        for number in range(3):
            simulator.ring(str(100 + number))
            await advance(hass, freezer, EVENT_POLL)
        visit = last_visit(init_integration)
        await fetch(hass_client, picture_url(init_integration.entry_id, visit.id))
        history_ = init_integration.runtime_data.visitors
        assert history_ is not None
        history_.max_rings = 1
        assert await history_.async_clean_up() == 2
    assert {name for name, _ in threads} == {"write_picture", "read_picture", "delete_pictures"}
    assert all(thread != loop_thread for _, thread in threads)
