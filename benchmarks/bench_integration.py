"""The benchmark as a pytest run (driven by ``scripts/benchmark``).

Environment: ``BENCH_OUTPUT`` (JSON path, default ``benchmark.json``),
``BENCH_DEVICE_COUNTS`` (default ``1,10,100``), ``BENCH_SETUP_REPEATS``
(default 30), ``BENCH_CPU_POLLS`` (default 20), ``BENCH_RINGS`` (rings per
event interval, and pushed, default 20), ``BENCH_SNAPSHOTS`` (default 20),
``BENCH_IDLE_MINUTES`` (default 10).

The real-time measurements (ring latency polled and pushed, snapshots) run
first, on Home Assistant's real clock; then time is frozen for the others.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from .harness import BenchConfig, Benchmark, table


def _config() -> BenchConfig:
    counts = os.environ.get("BENCH_DEVICE_COUNTS", "1,10,100")
    return BenchConfig(
        device_counts=tuple(int(part) for part in counts.split(",") if part.strip()),
        setup_repeats=int(os.environ.get("BENCH_SETUP_REPEATS", "30")),
        cpu_polls=int(os.environ.get("BENCH_CPU_POLLS", "20")),
        rings=int(os.environ.get("BENCH_RINGS", "20")),
        snapshot_samples=int(os.environ.get("BENCH_SNAPSHOTS", "20")),
        idle_minutes=int(os.environ.get("BENCH_IDLE_MINUTES", "10")),
    )


async def test_benchmark(
    hass: HomeAssistant,
    socket_enabled: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run every measurement, print the table, write the JSON."""
    config = _config()
    # Real time first: once frozen, the loop's clock no longer moves by itself.
    realtime = await Benchmark(hass, None, config).run_realtime()
    with freeze_time() as freezer:
        assert isinstance(freezer, FrozenDateTimeFactory)
        frozen = await Benchmark(hass, freezer, config).run()
    figures = {**frozen.as_json(), **realtime.as_json()}
    output = Path(os.environ.get("BENCH_OUTPUT", "benchmark.json"))
    text = json.dumps(figures, indent=2) + "\n"
    await hass.async_add_executor_job(output.write_text, text, "utf-8")
    with capsys.disabled():
        print(f"\n{table(figures)}\n\nwritten to {output}")
