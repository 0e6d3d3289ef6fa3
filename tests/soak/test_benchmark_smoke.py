"""The benchmark's code path in a tiny configuration (no timing is asserted).

``scripts/benchmark`` runs the same code at full size; here it runs with one
device and a few iterations, and the tests check that every published key is
there with a sane type, plus the figures that do not depend on speed: two
requests per refresh, issued concurrently, and one login per token lifetime.
The real-time part (ring latency, snapshots) runs in its own test, on Home
Assistant's real clock, with two rings and two snapshots.
"""

from __future__ import annotations

import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from benchmarks.harness import (
    FROZEN_KEYS,
    REALTIME_KEYS,
    REQUIRED_KEYS,
    BenchConfig,
    Benchmark,
    table,
)
from simulator import LOG_DIALECT_CASES
from tests.conftest import SimulatorFactory, register_tokens
from tests.const import PASSWORD, USERNAME


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/bas_ip."""


async def test_benchmark_tiny(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator_factory: SimulatorFactory,
) -> None:
    """One device, two set-ups, two measured polls, one token lifetime of polling."""
    config = BenchConfig(
        device_counts=(1,), setup_repeats=2, cpu_polls=2, day_seconds=7200, idle_minutes=1
    )
    benchmark = Benchmark(
        hass, freezer, config, start_device=simulator_factory, credentials=(USERNAME, PASSWORD)
    )
    result = await benchmark.run()
    register_tokens(result.issued_tokens)
    figures = json.loads(json.dumps(result.as_json()))

    assert set(FROZEN_KEYS) <= set(figures)
    for key in ("setup_ms_median", "setup_ms_p95", "core_share_100_devices"):
        assert isinstance(figures[key], int | float)
        # Measured, so never exactly zero (a figure that is not computed is).
        assert figures[key] > 0, key
    assert figures["setup_ms_p95"] >= figures["setup_ms_median"]
    cpu = figures["loop_cpu_ms_per_refresh"]
    assert set(cpu) == {"1"}
    assert isinstance(cpu["1"], int | float)
    assert cpu["1"] > 0
    assert isinstance(figures["memory_kib_per_device"], int | float)
    assert figures["memory_kib_per_device"] > 0
    assert isinstance(figures["python"], str)
    assert figures["python"].count(".") == 2
    assert isinstance(figures["homeassistant"], str)
    assert figures["homeassistant"][:4].isdigit()
    # Behaviour, not speed: these hold on any machine.
    assert figures["requests_per_refresh"] == 2
    assert figures["requests_concurrent"] is True
    assert figures["logins_per_day"] == 12
    # The new keys: present with the right type (their values are speed).
    assert isinstance(figures["requests_per_minute_idle"], int | float)
    assert figures["requests_per_minute_idle"] > 0
    assert isinstance(figures["idle_fewer_than_other_integration"], int | float)
    assert isinstance(figures["idle_token_renewals"], int)
    assert figures["idle_token_lifetime_s"] == 240.0
    # Every documented log dialect and variant is measured, each a count.
    by_profile = figures["requests_per_minute_idle_by_profile"]
    assert set(by_profile) == {
        profile.value if variant is None else f"{profile.value}/{variant}"
        for profile, variant in LOG_DIALECT_CASES
    }
    assert all(isinstance(value, int | float) and value > 0 for value in by_profile.values())
    by_path = figures["requests_per_minute_idle_by_path"]
    assert all(isinstance(value, int | float) for value in by_path.values())
    # Push: an Android panel at default options, push healthy throughout (the
    # measurement fails otherwise); the count includes the one-minute window's
    # token renewal, so it is a count, not the 10-minute figure.
    push = figures["requests_per_minute_idle_push"]
    assert isinstance(push, int | float)
    assert push > 0
    push_paths = figures["requests_per_minute_idle_push_by_path"]
    assert push_paths["/api/v1/log/items"] < by_path["/api/v1/log/items"]
    assert isinstance(figures["idle_push_fewer_than_other_integration"], int | float)
    event_cpu = figures["event_poll_cpu_ms"]
    assert set(event_cpu) == {"1"}
    assert isinstance(event_cpu["1"], int | float)
    assert event_cpu["1"] > 0
    # One log read per idle event poll (a count, not a speed).
    assert figures["requests_per_event_poll_by_count"] == {"1": 1}
    assert "requests per refresh" in table(figures)
    assert "event poll" in table(figures)
    assert "idle, push" in table(figures)


async def test_benchmark_realtime_tiny(
    hass: HomeAssistant, simulator_factory: SimulatorFactory
) -> None:
    """Real time: two rings at a 1 s event interval, two short snapshots, 10 views, two pushed."""
    config = BenchConfig(ring_intervals=(1,), rings=2, snapshot_delay=0.2, snapshot_samples=2)
    benchmark = Benchmark(
        hass, None, config, start_device=simulator_factory, credentials=(USERNAME, PASSWORD)
    )
    result = await benchmark.run_realtime()
    register_tokens(result.issued_tokens)
    figures = json.loads(json.dumps(result.as_json()))

    assert set(REALTIME_KEYS) <= set(figures)
    assert set(REQUIRED_KEYS) == set(FROZEN_KEYS) | set(REALTIME_KEYS)
    latency = figures["ring_latency_ms"]
    assert set(latency) == {"1"}
    assert set(latency["1"]) == {"p50", "p95", "max", "rings"}
    for key in ("p50", "p95", "max"):
        assert isinstance(latency["1"][key], int | float)
        assert latency["1"][key] > 0
    assert latency["1"]["rings"] == 2
    pushed = figures["ring_latency_ms_push"]
    assert set(pushed) == {"p50", "p95", "max", "rings", "deliveries"}
    assert all(isinstance(pushed[key], int | float) for key in ("p50", "p95", "max"))
    assert pushed["rings"] == 2
    assert pushed["deliveries"] >= 2
    snapshot = figures["snapshot_ms"]
    assert set(snapshot) == {"p50", "p95"}
    assert all(isinstance(value, int | float) and value > 0 for value in snapshot.values())
    assert figures["snapshot_samples"] == 2
    assert figures["snapshot_via"] in {"camera.async_get_image", "snapshots.async_jpeg"}
    assert isinstance(figures["snapshot_requests_for_10_concurrent_views"], int)
    assert "ring latency" in table(figures)
    assert "ring latency ms, push" in table(figures)
