"""The benchmark's code path in a tiny configuration (no timing is asserted).

``scripts/benchmark`` runs the same code at full size; here it runs with one
device and a few iterations, and the test checks that every published key is
there with a sane type, plus the figures that do not depend on speed: two
requests per refresh, issued concurrently, and one login per token lifetime.
"""

from __future__ import annotations

import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from benchmarks.harness import REQUIRED_KEYS, BenchConfig, Benchmark, table
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
    config = BenchConfig(device_counts=(1,), setup_repeats=2, cpu_polls=2, day_seconds=7200)
    benchmark = Benchmark(
        hass, freezer, config, start_device=simulator_factory, credentials=(USERNAME, PASSWORD)
    )
    result = await benchmark.run()
    register_tokens(result.issued_tokens)
    figures = json.loads(json.dumps(result.as_json()))

    assert set(REQUIRED_KEYS) <= set(figures)
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
    assert "requests per refresh" in table(figures)
