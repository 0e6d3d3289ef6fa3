"""Logbook: rings and accesses read naturally, translated, without identifiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.loader import async_get_integration
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.bas_ip.const import DOMAIN, EVENT_LOGBOOK
from custom_components.bas_ip.visitors.texts import async_load_texts
from simulator import DeviceSimulator, Profile

from .conftest import advance
from .event_helpers import EVENT_POLL, entity_id

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

CARD = "04C0FFEE00B1A5"
Describe = Callable[[Event], dict[str, Any]]


@pytest.fixture
def simulator_profile() -> Profile:
    """An Android panel: it logs rings, missed calls and accesses."""
    return Profile.ANDROID_PANEL


async def describer(hass: HomeAssistant) -> Describe:
    """The integration's logbook platform, as the logbook loads it."""
    platform = (await async_get_integration(hass, DOMAIN)).get_platform("logbook")
    described: dict[tuple[str, str], Describe] = {}
    platform.async_describe_events(
        hass, lambda domain, name, describe: described.__setitem__((domain, name), describe)
    )
    return described[(DOMAIN, EVENT_LOGBOOK)]


async def log_traffic(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: DeviceSimulator
) -> list[Event]:
    """Ring, miss, open and refuse at the panel; the logbook events they fire."""
    events: list[Event] = async_capture_events(hass, EVENT_LOGBOOK)
    simulator.ring("101")
    simulator.missed_call("101")
    simulator.card_granted(CARD, lock=2)
    simulator.card_denied()
    simulator.exit_button()
    simulator.card_granted(CARD, lock=0, owner=None)
    await advance(hass, freezer, EVENT_POLL)
    return events


async def test_logbook_messages(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Each ring and access in words, on its entity, named after the intercom."""
    events = await log_traffic(hass, freezer, simulator)
    describe = await describer(hass)
    described = [describe(event) for event in events]
    assert [entry[LOGBOOK_ENTRY_MESSAGE] for entry in described] == [
        "Doorbell: ring (flat 101)",
        "Doorbell: missed call (flat 101)",
        "Access granted: Card, Olena Shevchuk, door 2",
        "Access denied: Card",
        "Access granted: Exit button, door 1",
        "Access granted: Card, all doors",
    ]
    doorbell = entity_id(simulator, "event", "doorbell")
    access = entity_id(simulator, "event", "access")
    assert [entry[LOGBOOK_ENTRY_ENTITY_ID] for entry in described] == [doorbell] * 2 + [access] * 4
    assert {entry[LOGBOOK_ENTRY_NAME] for entry in described} == {"BAS-IP AA-07FB"}

    # The logbook's copy holds no identifier: no card number, no apartment.
    for event in events:
        assert CARD not in repr(event.data)
        assert "identifier" not in event.data
        assert "apartment" not in event.data
    assert all(CARD not in repr(entry) for entry in described)

    # Renamed by the user: the logbook follows.
    [device] = dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    device_registry.async_update_device(device.id, name_by_user="Front gate")
    assert describe(events[0])[LOGBOOK_ENTRY_NAME] == "Front gate"


@pytest.mark.parametrize(
    ("language", "ring", "granted"),
    [
        (
            "ru",
            "Дверной звонок: вызов (кв. 101)",
            "Доступ разрешён: Карта, Olena Shevchuk, дверь 2",
        ),
        (
            "uk",
            "Дверний дзвінок: виклик (кв. 101)",
            "Доступ дозволено: Картка, Olena Shevchuk, двері 2",
        ),
    ],
)
async def test_logbook_translated(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    language: str,
    ring: str,
    granted: str,
) -> None:
    """In Home Assistant's language."""
    hass.config.language = language
    await async_load_texts(hass)
    events = await log_traffic(hass, freezer, simulator)
    describe = await describer(hass)
    assert describe(events[0])[LOGBOOK_ENTRY_MESSAGE] == ring
    assert describe(events[2])[LOGBOOK_ENTRY_MESSAGE] == granted


async def test_logbook_without_entity(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An event stored before its entity was removed still reads, named after the maker."""
    describe = await describer(hass)
    data: dict[str, Any] = {"kind": "access", "type": "granted", "method": None}
    event: Event = Event(EVENT_LOGBOOK, data)
    assert describe(event) == {
        LOGBOOK_ENTRY_NAME: "BAS-IP",
        LOGBOOK_ENTRY_MESSAGE: "Access granted",
        LOGBOOK_ENTRY_ENTITY_ID: None,
    }
