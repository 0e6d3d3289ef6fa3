"""Soak: a fleet of simulated devices polled under seeded random faults.

The default suite runs a small fleet (10 devices x 50 polls); ``scripts/soak``
runs 100 devices x 110 polls (over 10 000 refreshes) through the same test
with ``SOAK_DEVICES``/``SOAK_POLLS`` and writes the report to ``SOAK_REPORT``.
Events are on (default options): rings, card uses and bursts are logged at
random on the devices alongside the faults, and every one must fire once.
Every other Android panel pushes its events (Home Assistant served over
HTTP, webhook faults of its own); the rest poll.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from tests.conftest import SimulatorFactory

from .events import BURST_READS
from .faults import FAILING_FAULTS, FAULT_KINDS, PATH_DOOR, PATH_LOG
from .fleet import Fleet
from .push import PUSH_FAULT_KINDS
from .report import SoakConfig
from .soak import run_soak

# Whole run (warm-up to end, faults included): caches fill up as faults come.
MEMORY_GROWTH_BOUND_KIB_PER_DEVICE = 64.0
MEMORY_GROWTH_BOUND_KIB_FIXED = 1024.0
# Second half (middle to end): near zero. 0.1 KiB per refresh (SIP refresh
# or event poll) is less than one leaked small object per refresh; the fixed
# part is cache noise.
SECOND_HALF_BOUND_KIB_FIXED = 128.0
SECOND_HALF_BOUND_KIB_PER_REFRESH = 0.1
# Requests one set-up may make per device (info twice, login, MAC, first refresh).
SETUP_REQUESTS_PER_DEVICE = 6
# Webhook calls beside the test calls: the probe at set-up on every device
# with webhooks; on those that push, reading them again and writing ours.
WEBHOOK_WRITES_PER_PUSH_DEVICE = 2
# While push is stopped, the device's test call runs every 5 minutes.
RETEST_MINUTES = 5


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/bas_ip."""


async def test_soak(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator_factory: SimulatorFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Faults bite, no unhandled exception, no leak, bounded requests and logins,
    memory flat in the second half, full recovery, every injected event fired once."""
    config = SoakConfig.from_env(devices=10, polls=50)
    report = await run_soak(hass, Fleet(hass, freezer, simulator_factory), config)
    if path := os.environ.get("SOAK_REPORT"):
        text = json.dumps(report.as_dict(), indent=2) + "\n"
        await hass.async_add_executor_job(Path(path).write_text, text, "utf-8")
    with capsys.disabled():
        print("\nsoak report:\n  " + "\n  ".join(report.lines()))

    # Every scheduled poll refreshed every device exactly once (set-up, warm-up
    # and the polls after healing are not counted here).
    assert report.scheduled_refreshes == config.devices * config.polls
    # The faults bite: every kind was injected, and each one either failed
    # every refresh made under it or (tokens, slowness, changes) none.
    assert set(report.faults_injected) == set(FAULT_KINDS)
    for kind in FAULT_KINDS:
        outcomes = report.refreshes_by_fault.get(kind, {})
        expected = "failed" if kind in FAILING_FAULTS else "ok"
        assert set(outcomes) == {expected}, (kind, outcomes)
        assert outcomes[expected] >= report.faults_injected[kind], (kind, outcomes)
    assert set(report.refreshes_by_fault["none"]) == {"ok"}
    # Each expired token cost a login (and nothing else did, beyond set-up and swaps).
    assert report.logins >= config.devices + report.faults_injected["expire_tokens"]
    # Requests stay bounded: two per SIP refresh (plus the door contact on a
    # device with a door sensor), plus logins, one identity check per failed
    # refresh or event poll, and set-up; the event log one page per poll,
    # more only to catch up after a burst (or a ring after an outage).
    failed = sum(o.get("failed", 0) for o in report.refreshes_by_fault.values())
    failed_event_polls = report.event_poll_outcomes.get("failed", 0)
    log_requests = report.requests_by_path.get(PATH_LOG, 0)
    door_requests = report.requests_by_path.get(PATH_DOOR, 0)
    assert door_requests <= report.refreshes + config.devices
    assert log_requests <= (
        report.event_polls + BURST_READS * report.bursts_injected + failed_event_polls
    ), (log_requests, report.event_polls, report.bursts_injected)
    # Webhooks: set up once per device, tested once at set-up and every few
    # minutes while push is stopped.
    hook_calls = report.webhook_requests - report.webhook_tests
    assert hook_calls <= (config.devices + WEBHOOK_WRITES_PER_PUSH_DEVICE * report.push_devices), (
        report.requests_by_path
    )
    retests = int(report.simulated_hours * 60 / RETEST_MINUTES) + 1
    assert report.webhook_tests <= report.push_devices * (1 + retests), report.webhook_tests
    assert report.requests - log_requests - door_requests - report.webhook_requests <= (
        2 * report.refreshes
        + report.logins
        + report.login_failures
        + failed
        + failed_event_polls
        + SETUP_REQUESTS_PER_DEVICE * config.devices
    ), report.requests_by_path
    # The event channel: every event injected into a device's log fired once
    # on that device's entities, of its type; none replayed, none dropped.
    # Rings are logged only where the log answers, so each is read while it
    # is young: a ring dropped as older than 60 s here is a defect.
    assert report.events_injected > 0
    assert report.bursts_injected > 0
    assert report.events_fired_by_type == report.events_injected_by_type
    assert report.events_fired == report.events_injected
    assert report.event_mismatch_devices == 0, report.event_mismatch_examples
    assert report.stale_rings == 0
    # Push: half the Android panels pushed, events fired by push, webhook
    # faults of every kind were injected and bit where events were logged
    # under them; every push device still matched exactly above.
    assert report.push_devices >= 1
    assert report.events_fired_by_push > 0
    assert report.push_deliveries >= report.events_fired_by_push
    assert set(report.push_faults_injected) == set(PUSH_FAULT_KINDS)
    exposed = report.events_under_push_faults
    assert (report.push_rejected.get("bad_signature", 0) > 0) == bool(exposed.get("bad_signature"))
    assert (report.push_dropped > 0) == bool(exposed.get("drop")), report.push_dropped
    assert set(report.push_rejected) <= {"bad_signature"}, report.push_rejected
    assert report.event_overflows == 0
    assert report.event_poll_outcomes.get("ok", 0) >= config.devices * config.polls // 2
    assert report.unhandled_exceptions == 0, report.unhandled_examples
    assert report.login_failures == 0
    assert report.max_logins_over_bound == 0
    # The event reader logs in itself at most once per recovery of the log.
    assert report.reader_logins_over_recoveries == 0
    assert report.foreign_client_sessions == 0
    assert report.acquired_connections_at_end == 0
    assert report.open_device_connections_at_end == 0
    assert report.resource_warnings == 0
    assert report.objects_alive_after_unload == {
        "BasIpDeviceCoordinator": 0,
        "BasIpEventCoordinator": 0,
        "BasIpClient": 0,
        "ClientResponse": 0,
    }
    assert report.entities_unavailable_after_heal == 0, report.unavailable_examples
    bound = MEMORY_GROWTH_BOUND_KIB_FIXED + MEMORY_GROWTH_BOUND_KIB_PER_DEVICE * config.devices
    assert report.memory_growth_kib < bound
    # An event poll is a refresh of its own (a request, a page parsed, the
    # entities written): counted alongside the SIP refreshes.
    second_half = (
        config.devices * (config.polls - config.polls // 2) + report.event_polls_second_half
    )
    assert report.memory_growth_second_half_kib < (
        SECOND_HALF_BOUND_KIB_FIXED + SECOND_HALF_BOUND_KIB_PER_REFRESH * second_half
    ), report.memory_top_growth
