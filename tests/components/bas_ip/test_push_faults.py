"""Push faults: every bad delivery fires nothing, every event fires exactly once.

Deliveries here are forged by the test as the panel would send them (the
body it documents, signed with HMAC-SHA256) or taken from the simulated
panel itself; each case ends with the reconciling poll, and counts what the
entry's event stream handed out.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
import hashlib
import hmac
import json
import logging
from typing import Any

from aiohttp import ClientSession
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.client import EventKind, IntercomEvent
from custom_components.bas_ip.const import CONF_WEBHOOK_ID, CONF_WEBHOOK_SECRET
from devtools.waits import real_sleep, wait_until, wall_clock
from simulator import DeviceSimulator, Fault, Profile

from .conftest import RECONCILE, advance, state_of

pytestmark = pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])

type Post = Callable[[bytes, dict[str, str]], Awaitable[int]]


def _handed_out(entry: MockConfigEntry) -> list[IntercomEvent]:
    handed: list[IntercomEvent] = []
    entry.runtime_data.stream.async_subscribe(handed.append)
    return handed


def _rings(events: list[IntercomEvent]) -> int:
    return sum(1 for event in events if event.kind is EventKind.DOORBELL)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds")


def signed(
    secret: str, item: dict[str, Any], *, event_id: int, device_ms: int, body: bytes | None = None
) -> tuple[bytes, dict[str, str]]:
    """A delivery as the panel sends it (the body signed, the documented headers)."""
    raw = body
    if raw is None:
        raw = json.dumps(
            {
                "data": item,
                "created_at": device_ms,
                "event_id": event_id,
                "event_type": f"log.{item['name']['key']}",
            },
            separators=(",", ":"),
        ).encode()
    signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Webhook-Signature": signature,
        "X-Webhook-Timestamp": _iso(device_ms),
        "X-Webhook-Attempt": "1",
    }
    return raw, headers


@pytest.fixture
async def post(push_entry: MockConfigEntry, internal_url: str) -> AsyncIterator[Post]:
    """Post to the entry's webhook over real HTTP, as the panel does; answer the status."""
    url = f"{internal_url}/api/webhook/{push_entry.data[CONF_WEBHOOK_ID]}"
    sessions: list[ClientSession] = []

    async def send(body: bytes, headers: dict[str, str]) -> int:
        if not sessions:
            sessions.append(ClientSession())
        async with sessions[0].post(url, data=body, headers=headers) as response:
            return response.status

    yield send
    for session in sessions:
        await session.close()


@pytest.fixture
def unpushed_ring(simulator: DeviceSimulator) -> dict[str, Any]:
    """A ring the panel logged but did not deliver (its delivery dropped)."""
    simulator.webhooks.set_faults(drop=1)
    return simulator.ring("201")


@pytest.mark.parametrize("fault", ["bad_signature", "stale_timestamp", "oversized", "garbage"])
async def test_bad_delivery_fires_nothing_and_the_poll_fires_once(
    hass: HomeAssistant,
    *,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    post: Post,
    unpushed_ring: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """Refused with an error status; the ring comes from the log, once."""
    handed = _handed_out(push_entry)
    secret = push_entry.data[CONF_WEBHOOK_SECRET]
    now = simulator.device_now_ms()
    body = None
    if fault == "bad_signature":
        secret, expected = "another-secret-of-forty-characters-000000", 401
    elif fault == "stale_timestamp":
        now, expected = now - 600_000, 400
    elif fault == "oversized":
        body, expected = b"{" + b" " * 70_000 + b"}", 413
    else:
        body, expected = b"not json at all", 400
    raw, headers = signed(secret, unpushed_ring, event_id=7, device_ms=now, body=body)
    for _ in range(3):
        assert await post(raw, headers) == expected
    await hass.async_block_till_done()
    assert handed == []
    assert caplog.text.count("refused a webhook delivery") == 1
    await advance(hass, freezer, RECONCILE)
    assert _rings(handed) == 1


async def test_replayed_event_id_fires_once(
    hass: HomeAssistant,
    *,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    post: Post,
    unpushed_ring: dict[str, Any],
) -> None:
    """A valid delivery, then the same again (a retry or a replay): one ring, no error."""
    handed = _handed_out(push_entry)
    raw, headers = signed(
        push_entry.data[CONF_WEBHOOK_SECRET],
        unpushed_ring,
        event_id=7,
        device_ms=simulator.device_now_ms(),
    )
    assert [await post(raw, headers) for _ in range(3)] == [200, 200, 200]
    await advance(hass, freezer, RECONCILE)
    assert _rings(handed) == 1


async def test_a_pushed_ring_survives_a_restart_without_a_second_fire(
    hass: HomeAssistant,
    *,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    post: Post,
    unpushed_ring: dict[str, Any],
) -> None:
    """Pushed, then Home Assistant restarts before any poll and the device retries."""
    raw, headers = signed(
        push_entry.data[CONF_WEBHOOK_SECRET],
        unpushed_ring,
        event_id=7,
        device_ms=simulator.device_now_ms(),
    )
    handed = _handed_out(push_entry)
    assert await post(raw, headers) == 200
    assert _rings(handed) == 1

    assert await hass.config_entries.async_reload(push_entry.entry_id)
    await hass.async_block_till_done()
    handed = _handed_out(push_entry)
    # The device's retry of the same delivery arrives after the restart.
    assert await post(raw, headers) == 200
    await advance(hass, freezer, RECONCILE)
    assert _rings(handed) == 0


async def test_a_ring_while_home_assistant_is_away_fires_once(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unloaded, the device's deliveries are lost; the set-up poll fires the ring once."""
    doorbell = "event.bas_ip_aa_07fb_doorbell"
    fired: list[str] = []

    def changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if (
            event.data["entity_id"] == doorbell
            and new is not None
            and new.attributes.get("number") == "202"
            and new.state != "unavailable"
        ):
            fired.append(new.state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    attempts = sum(stats["attempts"] for stats in simulator.webhooks.stats().values())
    assert await hass.config_entries.async_unload(push_entry.entry_id)
    simulator.ring("202")
    await wait_until(
        lambda: sum(s["attempts"] for s in simulator.webhooks.stats().values()) > attempts,
        "the delivery while away",
    )
    assert await hass.config_entries.async_setup(push_entry.entry_id)
    await hass.async_block_till_done()
    handed = _handed_out(push_entry)
    await advance(hass, freezer, RECONCILE)
    await advance(hass, freezer, RECONCILE)
    # Fired once, by the set-up poll; nothing after.
    assert len(fired) == 1
    assert _rings(handed) == 0


async def test_a_stale_pushed_ring_is_not_reported(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    post: Post,
    unpushed_ring: dict[str, Any],
) -> None:
    """A ring delivered more than a minute after it was logged (retried late): dropped."""
    handed = _handed_out(push_entry)
    late = simulator.device_now_ms() + 61_000
    raw, headers = signed(
        push_entry.data[CONF_WEBHOOK_SECRET], unpushed_ring, event_id=9, device_ms=late
    )
    # Within the timestamp window, but the ring itself is 61 s old.
    assert await post(raw, headers) == 200
    assert handed == []
    assert push_entry.runtime_data.stream.stale_pushed_rings == 1


async def test_a_flood_of_forged_requests_fires_nothing(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    post: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """1 000 forged requests: all refused, one log line, the loop keeps turning, push works."""
    caplog.set_level(logging.WARNING)
    handed = _handed_out(push_entry)
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            started = wall_clock()
            await real_sleep(0.01)
            lags.append(wall_clock() - started - 0.01)

    task = hass.async_create_background_task(ticker(), "loop lag ticker")
    forged = b'{"data": {}, "event_id": 1, "created_at": 1, "event_type": "log.outgoing_call"}'
    headers = {"X-Webhook-Signature": "0" * 64, "X-Webhook-Timestamp": _iso(0)}
    statuses: set[int] = set()
    for _ in range(20):
        for status in await _gather(post, forged, headers, 50):
            statuses.add(status)
    task.cancel()
    assert statuses == {401}
    assert handed == []
    assert caplog.text.count("refused a webhook delivery") == 1
    assert push_entry.runtime_data.push is not None
    assert push_entry.runtime_data.push.health.rejected_by_reason["bad_signature"] == 1000
    # Generous for a loaded 2-core machine: never a stall of the loop.
    assert lags
    assert max(lags) < 1.0
    simulator.ring("203")
    await wait_until(lambda: _rings(handed) == 1, "a real ring after the flood")


async def _gather(post: Post, body: bytes, headers: dict[str, str], count: int) -> list[int]:
    return list(await asyncio.gather(*(post(body, headers) for _ in range(count))))


@pytest.fixture
def door_wired(simulator: DeviceSimulator) -> None:
    """The panel's door input is wired to a door contact (before set-up)."""
    simulator.door_sensor = True


async def test_the_door_sensor_follows_a_pushed_door_event(
    hass: HomeAssistant, door_wired: None, simulator: DeviceSimulator, push_entry: MockConfigEntry
) -> None:
    """A panel with its door input wired: the pushed "door was opened" turns the sensor on."""
    entry = push_entry
    door = "binary_sensor.bas_ip_aa_07fb_door"
    assert state_of(hass, door).state == "off"
    simulator.doors.set_door(True)
    await wait_until(lambda: state_of(hass, door).state == "on", "the pushed door event")
    assert entry.runtime_data.push is not None


async def test_a_ring_delivered_two_minutes_late_is_not_reported(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The body keeps its created_at on every attempt; the attempt's timestamp shows the delay."""
    simulator.webhooks.set_faults(reorder=True)  # held until a second delivery
    simulator.set_fault(Fault.HTML_500, paths=["/api/v1/log/items"])
    simulator.ring("301")
    handed = _handed_out(push_entry)
    await advance(hass, freezer, RECONCILE)
    await advance(hass, freezer, RECONCILE)
    delivered = sum(s["delivered"] for s in simulator.webhooks.stats().values())
    simulator.webhooks.set_faults(reorder=False)
    simulator.exit_button()  # releases the held ring, 2 minutes late, then its own
    await wait_until(
        lambda: sum(s["delivered"] for s in simulator.webhooks.stats().values()) >= delivered + 2,
        "the late deliveries",
    )
    await hass.async_block_till_done()
    assert _rings(handed) == 0
    assert push_entry.runtime_data.stream.stale_pushed_rings == 1


async def test_a_delivery_arriving_in_pieces_is_read_whole(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    internal_url: str,
    unpushed_ring: dict[str, Any],
) -> None:
    """A chunked body that arrives in small pieces still verifies and fires once."""
    handed = _handed_out(push_entry)
    raw, headers = signed(
        push_entry.data[CONF_WEBHOOK_SECRET],
        unpushed_ring,
        event_id=11,
        device_ms=simulator.device_now_ms(),
    )

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(raw), 16):
            yield raw[start : start + 16]
            await asyncio.sleep(0)

    url = f"{internal_url}/api/webhook/{push_entry.data[CONF_WEBHOOK_ID]}"
    async with (
        ClientSession() as session,
        session.post(url, data=pieces(), headers=headers) as answer,
    ):
        assert answer.status == 200
    assert _rings(handed) == 1
