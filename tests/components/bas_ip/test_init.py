"""Setting up and unloading config entries."""

from __future__ import annotations

import asyncio

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.client import BasIpClient, RtspSettings
from custom_components.bas_ip.const import DOMAIN
from simulator import DeviceSimulator, Fault, Profile, self_signed_context
from tests.conftest import SimulatorFactory, entry_data
from tests.const import FACTORY_PASSWORD, WRONG_PASSWORD
from tests.tls import tolerate_refused_tls_handshakes

from .conftest import state_of


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """The entry loads with its entities and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert state_of(hass, "binary_sensor.bas_ip_aq_07l_sip_registered").state == "on"

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    unloaded = hass.config_entries.async_get_entry(init_integration.entry_id)
    assert unloaded is not None
    assert unloaded.state is ConfigEntryState.NOT_LOADED
    assert state_of(hass, "binary_sensor.bas_ip_aq_07l_sip_registered").state == "unavailable"


async def test_setup_retries_when_unreachable(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """An unreachable device is retried later, not failed for good."""
    await simulator.stop()
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert "Cannot connect to the BAS-IP device" in (mock_config_entry.reason or "")


async def test_setup_retries_on_unreadable_settings(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """A device answering garbage during the first refresh is retried."""
    simulator.set_fault(Fault.HTML_500, paths=["/api/v1/device/sip/settings"])
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
async def test_setup_probe_failure_cancels_the_other_questions(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One capability question failing ends the set-up; the others stop asking."""
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def unanswered(client: BasIpClient) -> RtspSettings:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("never answered")

    monkeypatch.setattr(BasIpClient, "get_rtsp_settings", unanswered)
    simulator.set_fault(Fault.HTML_500, paths=["/api/v1/access/door/status"])
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert started.is_set()
    assert cancelled.is_set()


async def test_setup_rejected_credentials_start_reauth(
    hass: HomeAssistant, simulator: DeviceSimulator
) -> None:
    """Rejected credentials fail set-up and ask the user for a new password."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=simulator.serial,
        data=entry_data(simulator, password=WRONG_PASSWORD),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert simulator.login_failures == 1


@pytest.mark.parametrize("simulator_profile", [Profile.OLD_FIRMWARE])
async def test_setup_old_firmware_is_an_error(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """API v0 firmware cannot work: set-up fails without retrying."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert "does not offer the BAS-IP web API v1" in (mock_config_entry.reason or "")


async def test_setup_permission_denied_is_an_error(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """An account that may not read the SIP settings fails set-up for good."""
    simulator.set_fault(Fault.PERMISSION_DENIED, paths=["/api/v1/device/sip/settings"])
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert "may not read its SIP settings" in (mock_config_entry.reason or "")


async def test_setup_other_device_at_address(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Another device at the address gets no credentials and raises a repair issue."""
    entry = MockConfigEntry(domain=DOMAIN, unique_id="another-serial", data=entry_data(simulator))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert simulator.logins == 0
    assert simulator.login_failures == 0
    issue = issue_registry.async_get_issue(DOMAIN, f"device_mismatch_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["actual_serial"] == simulator.serial
    assert issue.translation_placeholders["expected_serial"] == "another-serial"

    # Removing the entry withdraws its issues.
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"device_mismatch_{entry.entry_id}") is None


async def test_https_without_verification(
    hass: HomeAssistant, simulator_factory: SimulatorFactory
) -> None:
    """A self-signed HTTPS device works with verification off, and only then."""
    device = await simulator_factory(ssl_context=self_signed_context())
    unverified = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.serial,
        data=entry_data(device, ssl=True, verify_ssl=False),
    )
    unverified.add_to_hass(hass)
    await hass.config_entries.async_setup(unverified.entry_id)
    await hass.async_block_till_done()
    assert unverified.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(unverified.entry_id)

    verified = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.serial + "-verified",
        data=entry_data(device, ssl=True, verify_ssl=True),
    )
    verified.add_to_hass(hass)
    async with tolerate_refused_tls_handshakes(hass) as refused:
        await hass.config_entries.async_setup(verified.entry_id)
        await hass.async_block_till_done()
    assert refused, "the client should have refused the self-signed certificate"
    assert verified.state is ConfigEntryState.SETUP_RETRY
    assert "certificate" in str(verified.reason)
    assert device.logins == 1  # only the unverified entry ever logged in


async def test_factory_credentials_issue(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The factory password raises an issue that goes with other credentials."""
    device = await simulator_factory(password=FACTORY_PASSWORD)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.serial,
        data=entry_data(device, password=FACTORY_PASSWORD),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issue_id = f"default_credentials_{entry.entry_id}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable is False
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_key == "default_credentials"

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
