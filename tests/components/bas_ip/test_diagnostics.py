"""Diagnostics: complete, and free of secrets and of the device address."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from simulator import DeviceSimulator, Profile
from tests.conftest import SimulatorFactory
from tests.const import PASSWORD, SIP_PASSWORDS, md5_hex

# A fixed device clock keeps the last registration attempt stable.
DEVICE_TIME = 1772366400.0  # 2026-03-01T12:00:00+00:00


@pytest.fixture
async def simulator(
    simulator_factory: SimulatorFactory, simulator_profile: Profile
) -> DeviceSimulator:
    """The device, on a clock that stands still."""
    return await simulator_factory(simulator_profile, clock=lambda: DEVICE_TIME)


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Entry data, options, device info and data, with secrets and host redacted."""
    # Set up without frozen time (init_integration freezes it), which Home
    # Assistant's own diagnostics code does not survive.
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    assert diagnostics == snapshot

    text = json.dumps(diagnostics)
    for secret in (PASSWORD, md5_hex(PASSWORD), *SIP_PASSWORDS, *simulator.issued_tokens):
        assert secret not in text
    assert simulator.address not in text
    assert diagnostics["entry"]["data"]["password"] == "**REDACTED**"
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"
