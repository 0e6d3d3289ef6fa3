"""Soak: a fleet of simulated devices polled under seeded random faults.

The default suite runs a small fleet (10 devices x 50 polls); ``scripts/soak``
runs 100 devices x 110 polls (over 10 000 refreshes) through the same test
with ``SOAK_DEVICES``/``SOAK_POLLS`` and writes the report to ``SOAK_REPORT``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from tests.conftest import SimulatorFactory

from .fleet import Fleet
from .soak import SoakConfig, run_soak

# Generous: a leak of one object per refresh would already exceed it.
MEMORY_GROWTH_BOUND_KIB_PER_DEVICE = 64.0
MEMORY_GROWTH_BOUND_KIB_FIXED = 1024.0


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/bas_ip."""


async def test_soak(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator_factory: SimulatorFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No unhandled exception, no leak, no login storm, bounded memory, full recovery."""
    config = SoakConfig.from_env(devices=10, polls=50)
    report = await run_soak(hass, Fleet(hass, freezer, simulator_factory), config)
    if path := os.environ.get("SOAK_REPORT"):
        text = json.dumps(report.as_dict(), indent=2) + "\n"
        await hass.async_add_executor_job(Path(path).write_text, text, "utf-8")
    with capsys.disabled():
        print("\nsoak report:\n  " + "\n  ".join(report.lines()))

    assert report.refreshes >= 0.9 * config.devices * config.polls
    assert sum(report.faults_injected.values()) > 0
    assert report.refresh_outcomes.get("ok", 0) > 0
    assert report.unhandled_exceptions == 0, report.unhandled_examples
    assert report.login_failures == 0
    assert report.max_logins_over_bound == 0
    assert report.foreign_client_sessions == 0
    assert report.acquired_connections_at_end == 0
    assert report.open_device_connections_at_end == 0
    assert report.resource_warnings == 0
    assert report.objects_alive_after_unload == {
        "BasIpCoordinator": 0,
        "BasIpClient": 0,
        "ClientResponse": 0,
    }
    assert report.entities_unavailable_after_heal == 0, report.unavailable_examples
    bound = MEMORY_GROWTH_BOUND_KIB_FIXED + MEMORY_GROWTH_BOUND_KIB_PER_DEVICE * config.devices
    assert report.memory_growth_kib < bound
