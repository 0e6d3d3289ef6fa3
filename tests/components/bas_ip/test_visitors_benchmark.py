"""The benchmark's visitor history figure, run small: its keys, counts and the table row.

Real time (no frozen clock): the burst is measured as ``scripts/benchmark``
measures it, with a few rings. Nothing here asserts on speed.
"""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant

from benchmarks.base import BenchConfig
from benchmarks.report import REALTIME_KEYS, table
from benchmarks.visitors import VisitorMeasures
from tests.conftest import SimulatorFactory
from tests.const import PASSWORD, USERNAME


async def test_visitor_history_burst(
    hass: HomeAssistant, simulator_factory: SimulatorFactory
) -> None:
    """Five rings at once: five pictures from one snapshot request; figures of the right type."""
    measures = VisitorMeasures(
        hass, None, BenchConfig(), start_device=simulator_factory, credentials=(USERNAME, PASSWORD)
    )
    await measures._measure_visitor_history(rings=5)
    figures = json.loads(json.dumps(measures.result.as_json()))
    assert isinstance(figures["visitor_history_ms_per_ring"], int | float)
    burst = figures["visitor_history_burst"]
    assert (burst["rings"], burst["pictures"], burst["snapshot_requests"]) == (5, 5, 1)
    for key in (
        "loop_cpu_ms_per_ring",
        "loop_cpu_ms_per_ring_history_off",
        "loop_lag_ms_p95",
        "loop_lag_ms_max",
    ):
        assert isinstance(burst[key], int | float)
    assert "visitor_history_ms_per_ring" in REALTIME_KEYS
    assert "visitor history, loop ms/ring (5 at once)" in table(figures)
