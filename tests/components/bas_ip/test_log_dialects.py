"""The event channel on every documented log dialect and firmware variant.

Each case is a simulator profile with the vendor's documented log behaviour
(``simulator.LOG_DIALECT_CASES``): Android panels (``sort_type``, oldest
first by default), Android 1.8.0 (logins not logged), Camdroid panels
(``order_by``), Camdroid API 1.0.0 (``sort_field``), a device that ignores
every sort parameter, and one that answers newest first by default. The
same rules hold on each: no replay at set-up, a ring exactly once within
the poll interval, access events with method and owner, bursts across
pages, an outage (a stale ring dropped, a fresh one delivered) and a
restart in between.
"""

from __future__ import annotations

from collections.abc import Iterator
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.const import CONF_PUSH, DOMAIN
from custom_components.bas_ip.event import BasIpLogEvent
from devtools.clocks import ha_clock
from simulator import LOG_DIALECT_CASES, DeviceSimulator, Fault, Profile
from tests.conftest import SimulatorFactory, entry_data

from .conftest import advance, state_of
from .event_helpers import LOG_PATH, FiredEvents, entity_id, record_fired, records

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

# Longer than the longest default event interval (4 s on a device whose
# newest items are on its last page), so one step always reaches a poll.
STEP = 5
CASES = [
    pytest.param(profile, variant, id=f"{profile}-{variant or 'default'}")
    for profile, variant in LOG_DIALECT_CASES
]


@pytest.fixture
def fired() -> Iterator[FiredEvents]:
    """Every event the log event entities fire."""
    with record_fired() as recorded:
        yield recorded


async def _device(
    simulator_factory: SimulatorFactory, profile: Profile, variant: str | None
) -> DeviceSimulator:
    return await simulator_factory(profile, clock=ha_clock, log_variant=variant)


async def _set_up(hass: HomeAssistant, device: DeviceSimulator) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"BAS-IP {device.profile_data.info['device_name']}",
        unique_id=device.serial,
        data=entry_data(device),
        # The log's dialects are the subject: push (test_push*.py) stays off.
        options={CONF_PUSH: False},
        entry_id="01JBASIPDIALECTENTRY00000",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _doorbell(device: DeviceSimulator) -> str:
    return entity_id(device, "event", "doorbell")


def _access(device: DeviceSimulator) -> str:
    return entity_id(device, "event", "access")


@pytest.mark.parametrize(("profile", "variant"), CASES)
async def test_every_dialect_rings_once_and_names_who_opened(
    hass: HomeAssistant,
    *,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    profile: Profile,
    variant: str | None,
) -> None:
    """No replay at set-up; a ring once; card, QR and code with method and owner; a burst."""
    device = await _device(simulator_factory, profile, variant)
    assert len(device.log_items) > 10  # history fills more than one page
    await _set_up(hass, device)
    for _ in range(3):
        await advance(hass, freezer, STEP)
    assert fired == []

    device.ring("101")
    await advance(hass, freezer, STEP)
    assert [(f.event_type, f.data["number"]) for f in fired.of(_doorbell(device))] == [
        ("ring", "101")
    ]
    for _ in range(3):
        await advance(hass, freezer, STEP)
    assert len(fired) == 1

    if device.profile_data.max_lock is not None:
        device.card_granted(card="04CA11AB1E0001", lock=1, owner="Anna", apartment="1-1-101")
        device.qr_granted(owner="Courier")
        device.code_granted(code="7777#", owner="Cleaner")
        await advance(hass, freezer, STEP)
        access = fired.of(_access(device))
        assert [(f.data["method"], f.data["owner"]) for f in access] == [
            ("card", "Anna"),
            ("qr", "Courier"),
            ("code", "Cleaner"),
        ]
        assert access[0].data["apartment"] == "1-1-101"

    # A burst across pages: every item once, in order.
    before = len(fired)
    device.log_burst(60, key="lock_was_opened_by_exit_btn")
    await advance(hass, freezer, STEP)
    await advance(hass, freezer, STEP)
    assert len(fired) - before == 60


@pytest.mark.parametrize(("profile", "variant"), CASES)
async def test_every_dialect_outage_and_restart(
    hass: HomeAssistant,
    *,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    fired: FiredEvents,
    profile: Profile,
    variant: str | None,
) -> None:
    """An outage: a 10-minute-old ring is dropped, a fresh one fires; a restart replays nothing."""
    device = await _device(simulator_factory, profile, variant)
    entry = await _set_up(hass, device)
    await advance(hass, freezer, STEP)

    device.set_fault(Fault.DROP_CONNECTION, paths=[LOG_PATH])
    await advance(hass, freezer, STEP)
    device.ring("201")  # rings while the log cannot be read...
    for _ in range(120):  # ...and is 10 minutes old when it can
        await advance(hass, freezer, STEP)
    device.clear_faults()
    device.ring("202")
    await advance(hass, freezer, STEP)
    await advance(hass, freezer, STEP)
    assert [f.data["number"] for f in fired.of(_doorbell(device))] == ["202"]
    # The reader's own sign-in after the outage is in the log, never an event.
    assert device.logins >= 1
    assert fired.of(entity_id(device, "event", "device_event")) == []

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    device.ring("203")
    for _ in range(3):
        await advance(hass, freezer, STEP)
    assert [f.data["number"] for f in fired.of(_doorbell(device))] == ["202", "203"]


async def test_unreadable_log_raises_a_repair_issue_and_keeps_sip(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A log in no readable order: one warning, a repair issue naming what was tried, SIP on."""
    device = await _device(simulator_factory, Profile.CAMDROID_PANEL, "scrambled")
    entry = await _set_up(hass, device)
    for _ in range(5):
        await advance(hass, freezer, STEP)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"log_order_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert "order_by" in issue.translation_placeholders["tried"]
    warnings = records(caplog, level=logging.WARNING, contains="cannot be read in order")
    assert len(warnings) == 1
    assert state_of(hass, _doorbell(device)).state == STATE_UNAVAILABLE
    sip = entity_id(device, "sensor", "sip_registration")
    assert hass.states.get(sip) is None or state_of(hass, sip).state != STATE_UNAVAILABLE
    # Not probed at every poll: once more after the retry interval only.
    requests = device.requests[LOG_PATH]
    for _ in range(10):
        await advance(hass, freezer, STEP)
    assert device.requests[LOG_PATH] == requests


async def test_cursor_is_stored_before_the_event_fires(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A crash right after a ring fires cannot replay it: the cursor was written first."""
    device = await _device(simulator_factory, Profile.CAMDROID_PANEL, None)
    entry = await _set_up(hass, device)
    await advance(hass, freezer, STEP)
    key = f"{DOMAIN}.{entry.entry_id}.events"
    stored_at_fire: list[Any] = []
    original = BasIpLogEvent._trigger_event

    def spy(
        self: BasIpLogEvent, event_type: str, event_attributes: dict[str, Any] | None = None
    ) -> None:
        stored_at_fire.append(hass_storage[key]["data"]["total"])
        original(self, event_type, event_attributes)

    device.ring("301")
    with patch.object(BasIpLogEvent, "_trigger_event", spy):
        await advance(hass, freezer, STEP)
    # The stored total already counts the ring when its event fires.
    assert stored_at_fire == [len(device.log_items)]
