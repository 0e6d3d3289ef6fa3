"""Push: the panel's webhooks deliver events at once; the poll only reconciles.

Home Assistant's HTTP app is served on 127.0.0.1 (the test client's server)
and given as the internal URL, so the simulated Android panel (webhooks from
firmware 3.25.8) delivers to the real webhook handler over real HTTP.

The event loop's clock is frozen: the simulator's retry delays are set to 0,
and deliveries are waited for in real time, bounded.
"""

from __future__ import annotations

from datetime import timedelta
import json
import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bas_ip.client import EventKind, IntercomEvent
from custom_components.bas_ip.const import (
    CONF_PUSH,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
    DOMAIN,
)
from custom_components.bas_ip.diagnostics import async_get_config_entry_diagnostics
from custom_components.bas_ip.push import webhook_description
from custom_components.bas_ip.push_health import PushState
from devtools.clocks import ha_clock
from devtools.waits import wait_until
from simulator import DeviceSimulator, Profile
from tests.conftest import SimulatorFactory, entry_data, register_secret

from .conftest import RECONCILE, advance, state_of

pytestmark = pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])

# The Android panel's log is oldest first: two pages a poll, every 4 s by default.
NORMAL_POLL = 5
DOORBELL = "event.bas_ip_aa_07fb_doorbell"
ACCESS = "event.bas_ip_aa_07fb_access"


def _state(entry: MockConfigEntry) -> PushState | None:
    push = entry.runtime_data.push
    return None if push is None else push.health.state


def _fired(entry: MockConfigEntry, kind: EventKind) -> list[str]:
    """Record the types of the events of ``kind`` the entry's stream hands out from now on.

    The entities fire what the stream hands out (one state per event); under
    frozen time two equal events would not change a state twice, so counts
    are taken here.
    """
    fired: list[str] = []

    def handed_out(event: IntercomEvent) -> None:
        if event.kind is kind:
            fired.append(event.type)

    entry.runtime_data.stream.async_subscribe(handed_out)
    return fired


def _delivered(device: DeviceSimulator) -> int:
    return sum(stats["delivered"] for stats in device.webhooks.stats().values())


async def test_set_up_writes_one_webhook_and_slows_the_poll(
    hass: HomeAssistant, push_entry: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """One webhook of ours, tested; the log poll reconciles once a minute."""
    hooks = simulator.webhooks.describe()
    assert [hook["description"] for hook in hooks] == [webhook_description(push_entry.entry_id)]
    assert hooks[0]["has_secret"] is True
    assert hooks[0]["status"] == "active"
    assert "log.outgoing_call" in hooks[0]["event_types"]
    assert len(push_entry.data[CONF_WEBHOOK_SECRET]) >= 32
    events = push_entry.runtime_data.events
    assert events.update_interval == timedelta(seconds=60)
    assert not ir.async_get(hass).async_get_issue(DOMAIN, f"push_stopped_{push_entry.entry_id}")


async def test_ring_is_pushed_at_once_and_not_polled_again(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Push first, then the reconciling poll reads the same item: one ring."""
    rings = _fired(push_entry, EventKind.DOORBELL)
    simulator.ring("101")
    # No time passes: only push can bring it.
    await wait_until(lambda: rings == ["ring"], "the pushed ring")
    await advance(hass, freezer, RECONCILE)
    await advance(hass, freezer, RECONCILE)
    assert rings == ["ring"]
    assert state_of(hass, DOORBELL).attributes["number"] == "101"


async def test_poll_first_then_a_late_push_fires_once(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The poll reads an item whose delivery comes later: the delivery fires nothing."""
    granted = _fired(push_entry, EventKind.ACCESS)
    simulator.webhooks.set_faults(reorder=True)  # held until a second delivery
    simulator.card_granted("0012345678", owner="Anna")
    await advance(hass, freezer, RECONCILE)
    assert granted == ["granted"]
    delivered = _delivered(simulator)
    simulator.webhooks.set_faults(reorder=False)
    simulator.exit_button()  # releases the held delivery, then its own
    await wait_until(lambda: _delivered(simulator) >= delivered + 2, "both deliveries")
    await hass.async_block_till_done()
    # The exit button's own (pushed) event; the card's late delivery fired nothing.
    assert granted == ["granted", "granted"]
    assert state_of(hass, ACCESS).attributes["method"] == "exit_button"
    assert _state(push_entry) is PushState.HEALTHY


async def test_retries_and_duplicates_fire_once(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The same event_id delivered twice fires one event."""
    rings = _fired(push_entry, EventKind.DOORBELL)
    simulator.webhooks.set_faults(duplicate=True)
    simulator.ring("102")
    await wait_until(lambda: _delivered(simulator) >= 2, "the ring and its duplicate")
    await hass.async_block_till_done()
    await advance(hass, freezer, RECONCILE)
    assert rings == ["ring"]


async def test_push_stops_polling_takes_over_and_push_comes_back(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Deliveries dropped: the poll fires the ring once, a repair issue, the normal interval."""
    rings = _fired(push_entry, EventKind.DOORBELL)
    issue_id = f"push_stopped_{push_entry.entry_id}"
    simulator.webhooks.set_faults(drop=1000)
    simulator.ring("103")
    await advance(hass, freezer, RECONCILE)
    assert rings == ["ring"]
    # The delivery is overdue after the grace period: polling takes over.
    await advance(hass, freezer, 32)
    assert _state(push_entry) is PushState.STOPPED
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    events = push_entry.runtime_data.events
    assert events.update_interval is not None
    assert events.update_interval < timedelta(seconds=60)
    simulator.ring("104")
    await advance(hass, freezer, NORMAL_POLL)
    assert rings == ["ring", "ring"]
    assert caplog.text.count("push events stopped arriving") == 1

    # Deliveries work again: the next test call (every 5 minutes) finds it.
    simulator.webhooks.clear_faults()
    simulator.webhooks.set_faults(retry_delay=0)
    await advance(hass, freezer, 300)
    await wait_until(lambda: _state(push_entry) is PushState.HEALTHY, "push healthy again")
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert events.update_interval == timedelta(seconds=60)
    assert rings == ["ring", "ring"]


async def test_turning_push_off_removes_only_our_webhook(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
) -> None:
    """The option off removes our webhook and keeps someone else's; polling as before."""
    theirs = simulator.webhooks.create(
        {
            "url": "http://192.0.2.9/hook",
            "secret": "someone-elses-secret",
            "status": "active",
            "event_types": ["log.outgoing_call"],
            "description": "the building's access system",
        }
    )
    flow = await hass.config_entries.options.async_init(push_entry.entry_id)
    await hass.config_entries.options.async_configure(flow["flow_id"], {CONF_PUSH: False})
    await hass.async_block_till_done()
    assert push_entry.state is ConfigEntryState.LOADED
    hooks = simulator.webhooks.describe()
    assert [hook["uid"] for hook in hooks] == [theirs]
    assert push_entry.runtime_data.push is None
    assert CONF_WEBHOOK_SECRET not in push_entry.data


async def test_removing_the_entry_removes_our_webhook(
    hass: HomeAssistant, push_entry: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """Deleting the entry deletes its webhook from the device."""
    assert await hass.config_entries.async_remove(push_entry.entry_id)
    await hass.async_block_till_done()
    assert simulator.webhooks.describe() == []


async def test_no_internal_url_keeps_polling_with_an_issue(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a URL the device could reach: a repair issue, no webhook, polling."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="BAS-IP AA-07FB",
        unique_id=simulator.serial,
        data=entry_data(simulator),
    )
    entry.add_to_hass(hass)
    # Home Assistant's own answer where neither an internal URL nor a local
    # address is known.
    with patch("custom_components.bas_ip.push.get_url", side_effect=NoURLAvailableError):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"push_no_url_{entry.entry_id}")
    assert simulator.webhooks.describe() == []
    rings = _fired(entry, EventKind.DOORBELL)
    simulator.ring("105")
    await advance(hass, freezer, NORMAL_POLL)
    assert rings == ["ring"]


async def test_forged_deliveries_fire_nothing(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A corrupted signature is refused; at most one log line a minute."""
    rings = _fired(push_entry, EventKind.DOORBELL)
    client = await hass_client_no_auth()
    path = f"/api/webhook/{push_entry.data[CONF_WEBHOOK_ID]}"
    caplog.set_level(logging.WARNING)
    statuses = set()
    for _ in range(50):
        response = await client.post(
            path, data=b'{"event_id": 1}', headers={"X-Webhook-Signature": "0" * 64}
        )
        statuses.add(response.status)
    assert statuses == {401}
    assert rings == []
    assert caplog.text.count("refused a webhook delivery") == 1


async def test_another_devices_delivery_is_refused(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator_factory: SimulatorFactory,
    internal_url: str,
) -> None:
    """A delivery signed by another device (another secret) fires nothing."""
    other = await simulator_factory(Profile.ANDROID_PANEL, clock=ha_clock, serial="other-serial")
    other.webhooks.set_faults(retry_delay=0, max_retries=0)
    register_secret("x" * 40)
    other.webhooks.create(
        {
            "url": f"{internal_url}/api/webhook/{push_entry.data[CONF_WEBHOOK_ID]}",
            "secret": "x" * 40,
            "status": "active",
            "event_types": ["log.outgoing_call"],
        }
    )
    rings = _fired(push_entry, EventKind.DOORBELL)
    other.ring("999")
    await wait_until(
        lambda: any(s["failed"] for s in other.webhooks.stats().values()), "the refused delivery"
    )
    assert rings == []
    assert push_entry.runtime_data.push is not None
    assert push_entry.runtime_data.push.health.rejected_by_reason["bad_signature"] == 1


async def test_diagnostics_show_push_without_its_secrets(
    hass: HomeAssistant, push_entry: MockConfigEntry
) -> None:
    """Push's state is in the diagnostics; its secret and webhook id are not."""
    diagnostics = await async_get_config_entry_diagnostics(hass, push_entry)
    text = json.dumps(diagnostics, default=str)
    assert diagnostics["push"]["state"] == "healthy"
    assert diagnostics["capabilities"]["webhooks"] is True
    assert push_entry.data[CONF_WEBHOOK_SECRET] not in text
    assert push_entry.data[CONF_WEBHOOK_ID] not in text
