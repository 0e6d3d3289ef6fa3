"""Image "Last visitor": a snapshot at each ring, none otherwise."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from simulator import DeviceSimulator, Profile

from .conftest import POLL, advance, state_of
from .test_button import assert_no_traceback, platform_entities
from .test_camera import assert_jpeg
from .test_entities import neutral_attributes

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

PANEL = "image.bas_ip_av_03bd_last_visitor"
ANDROID = "image.bas_ip_aa_07fb_last_visitor"
# One event poll (every 2 s) and a margin.
EVENT_POLL = 3


@pytest.fixture
def image_only() -> Generator[None]:
    """Set up the image platform alone."""
    with patch("custom_components.bas_ip.PLATFORMS", [Platform.IMAGE]):
        yield


async def fetch(hass_client: ClientSessionGenerator, entity_id: str) -> bytes:
    """The image as the frontend gets it."""
    client = await hass_client()
    response = await client.get(f"/api/image_proxy/{entity_id}")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    content: bytes = await response.read()
    return content


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("image_only", "init_integration")
async def test_image(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A last-visitor image on panels, empty until someone rings."""
    entities = platform_entities(hass, entity_registry, init_integration)
    for entity in entities.values():
        entity["attributes"] = neutral_attributes(entity["attributes"])
    assert entities == snapshot
    assert simulator.snapshots == 0


@pytest.mark.usefixtures("init_integration")
async def test_no_image_on_monitor(entity_registry: er.EntityRegistry) -> None:
    """A monitor has no camera, so no last-visitor image."""
    assert not [entity for entity in entity_registry.entities.values() if entity.domain == "image"]


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_ring_takes_one_snapshot(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No ring, no request; a ring: one snapshot, stamped with the time of the ring."""
    for _ in range(3):
        await advance(hass, freezer, POLL)
    # Other log traffic (an access by card) takes no picture either.
    simulator.card_granted()
    await advance(hass, freezer, EVENT_POLL)
    assert simulator.snapshots == 0
    assert state_of(hass, PANEL).state == STATE_UNKNOWN

    simulator.ring()
    freezer.tick(timedelta(seconds=EVENT_POLL))
    rung_at = dt_util.utcnow()
    await advance(hass, freezer, 0)
    assert simulator.snapshots == 1
    assert state_of(hass, PANEL).state == rung_at.isoformat()
    content = await fetch(hass_client, PANEL)
    assert content == simulator.snapshot_jpeg

    # Nobody rings: no more requests, the image stays.
    for _ in range(3):
        await advance(hass, freezer, POLL)
    assert simulator.snapshots == 1
    assert state_of(hass, PANEL).state == rung_at.isoformat()


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_each_ring_replaces_the_image(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A later ring gives a new picture (here a WebP one, served as JPEG); a missed call none."""
    simulator.ring()
    await advance(hass, freezer, EVENT_POLL)
    first = state_of(hass, ANDROID).state
    assert await fetch(hass_client, ANDROID) == simulator.snapshot_jpeg

    simulator.missed_call()
    await advance(hass, freezer, EVENT_POLL)
    assert simulator.snapshots == 1

    simulator.snapshot_format = "webp"
    simulator.ring()
    await advance(hass, freezer, EVENT_POLL)
    assert simulator.snapshots == 2
    assert state_of(hass, ANDROID).state > first
    content = await fetch(hass_client, ANDROID)
    assert_jpeg(content)
    assert content != simulator.snapshot_jpeg


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_failed_snapshot_keeps_the_last_image(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A ring whose snapshot fails: the previous image stays; one warning, no traceback."""
    simulator.ring()
    await advance(hass, freezer, EVENT_POLL)
    first = state_of(hass, PANEL).state

    simulator.snapshot_format = "html"
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        simulator.ring()
        await advance(hass, freezer, EVENT_POLL)
    assert simulator.snapshots == 2
    assert state_of(hass, PANEL).state == first
    assert await fetch(hass_client, PANEL) == simulator.snapshot_jpeg
    warnings = [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.bas_ip") and record.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert warnings[0].exc_info is None
    assert_no_traceback(caplog)
