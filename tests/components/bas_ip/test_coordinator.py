"""Polling behaviour over time, against a simulated device."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.client import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
)
from custom_components.bas_ip.const import CONF_EVENT_INTERVAL, CONF_SCAN_INTERVAL, DOMAIN
from custom_components.bas_ip.coordinator import _most_important
from custom_components.bas_ip.errors import translate_error
from simulator import DeviceSimulator, Fault, Profile
from tests.const import NEW_PASSWORD

from .conftest import EVENTS_OFF, POLL, advance, state_of


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """The SIP coordinator alone: no event channel."""
    return EVENTS_OFF


SETTINGS_PATH = "/api/v1/device/sip/settings"
STATUS_PATH = "/api/v1/sip/status"
REGISTERED = "binary_sensor.bas_ip_aq_07l_sip_registered"
USER = "sensor.bas_ip_aq_07l_sip_user"
STATUS = "sensor.bas_ip_aq_07l_sip_registration_status"


def coordinator_records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    """Messages the integration's coordinator logged at exactly ``level``."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "custom_components.bas_ip" and record.levelno == level
    ]


@pytest.mark.usefixtures("init_integration")
async def test_refresh_is_two_requests_in_steady_state(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Each poll reads settings and status once, over the token already held."""
    simulator.reset_counters()
    for _ in range(5):
        await advance(hass, freezer, POLL)
    assert dict(simulator.requests) == {SETTINGS_PATH: 5, STATUS_PATH: 5}
    assert simulator.logins == 0


@pytest.mark.usefixtures("init_integration")
async def test_unavailable_and_back_logs_once_each_way(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outage makes entities unavailable; one line when it starts, one when it ends."""
    caplog.clear()
    simulator.set_fault(Fault.DROP_CONNECTION)
    for _ in range(4):
        await advance(hass, freezer, POLL)
        assert state_of(hass, USER).state == STATE_UNAVAILABLE
        assert state_of(hass, REGISTERED).state == STATE_UNAVAILABLE
    errors = coordinator_records(caplog, logging.ERROR)
    assert len(errors) == 1
    assert "Cannot connect to the BAS-IP device" in errors[0]

    simulator.clear_faults()
    for _ in range(3):
        await advance(hass, freezer, POLL)
        assert state_of(hass, USER).state == "101"
    assert len(coordinator_records(caplog, logging.ERROR)) == 1
    recovered = coordinator_records(caplog, logging.INFO)
    assert len(recovered) == 1
    assert "recovered" in recovered[0]
    assert coordinator_records(caplog, logging.WARNING) == []


async def test_token_expiry_is_invisible(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When the two-hour token runs out, exactly one login renews it; nothing goes unavailable."""
    seen: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: seen.append(event.data["new_state"].state if event.data["new_state"] else ""),
    )
    simulator.reset_counters()
    # 2 h 10 min of polling: the token the set-up obtained expires once.
    for _ in range(130 * 60 // POLL):
        await advance(hass, freezer, POLL)
    assert simulator.logins == 1
    assert simulator.login_failures == 0
    assert STATE_UNAVAILABLE not in seen
    assert init_integration.runtime_data.coordinator.last_update_success


async def test_auth_failure_starts_reauth_and_stops_logging_in(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A password changed on the device: one rejected login, reauth, then silence."""
    simulator.reset_counters()
    simulator.set_password(NEW_PASSWORD)
    await advance(hass, freezer, POLL)
    assert state_of(hass, USER).state == STATE_UNAVAILABLE
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    # Settings and status both got a 401; only one of them tried to log in.
    assert simulator.logins == 0
    assert simulator.login_failures == 1

    simulator.reset_counters()
    for _ in range(20):
        await advance(hass, freezer, POLL)
    assert simulator.logins == 0
    assert simulator.login_failures == 0
    assert sum(simulator.requests.values()) == 0
    assert len(hass.config_entries.flow.async_progress_by_handler(DOMAIN)) == 1


async def test_other_device_at_address_while_running(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Another device taking the address: no data, no credentials, an issue; then recovery."""
    serial = simulator.serial
    issue_id = f"device_mismatch_{init_integration.entry_id}"
    simulator.set_serial("ffffffff-0000-0000-0000-000000000000")
    simulator.update_sip_settings(user="999")
    simulator.reset_counters()
    for _ in range(3):
        await advance(hass, freezer, POLL)
        assert state_of(hass, USER).state == STATE_UNAVAILABLE
    assert simulator.logins == 0
    assert simulator.login_failures == 0
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    simulator.set_serial(serial)
    simulator.update_sip_settings(user="101")
    await advance(hass, freezer, POLL)
    assert state_of(hass, USER).state == "101"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.usefixtures("init_integration")
async def test_status_endpoint_disappearing(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A status 404 later on makes only the registration entities unavailable.

    It is logged once when it starts and once when it ends, not per refresh.
    """
    simulator.status_endpoint_missing = True
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert state_of(hass, REGISTERED).state == STATE_UNAVAILABLE
    assert state_of(hass, STATUS).state == STATE_UNAVAILABLE
    assert state_of(hass, USER).state == "101"
    assert caplog.text.count("SIP status endpoint no longer answers") == 1

    simulator.status_endpoint_missing = False
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert state_of(hass, REGISTERED).state == "on"
    assert state_of(hass, STATUS).state == "registered"
    assert caplog.text.count("SIP status endpoint answers again") == 1


async def test_device_without_status_endpoint(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No status endpoint: settings shown, registration entities absent, not asked again."""
    simulator.status_endpoint_missing = True
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, USER).state == "101"
    assert hass.states.get(REGISTERED) is None
    assert hass.states.get(STATUS) is None
    assert hass.states.get("sensor.bas_ip_aq_07l_last_registration_attempt") is None

    simulator.reset_counters()
    for _ in range(3):
        await advance(hass, freezer, POLL)
    assert dict(simulator.requests) == {SETTINGS_PATH: 3}


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault.PERMISSION_DENIED, "may not read its SIP settings"),
        (Fault.NOT_FOUND, "does not offer the BAS-IP web API v1"),
        (Fault.HTML_500, "answered with data that cannot be read"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_device_errors_while_running(
    hass: HomeAssistant,
    *,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    message: str,
) -> None:
    """Errors of the settings endpoint make the entities unavailable with a clear log line."""
    caplog.clear()
    simulator.set_fault(fault, paths=[SETTINGS_PATH])
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert state_of(hass, USER).state == STATE_UNAVAILABLE
    errors = coordinator_records(caplog, logging.ERROR)
    assert len(errors) == 1
    assert message in errors[0]

    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    assert state_of(hass, USER).state == "101"


@pytest.mark.usefixtures("init_integration")
async def test_unexpected_error_is_logged_with_traceback(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in a refresh is not swallowed: logged with its traceback, entities unavailable."""
    with patch(
        "custom_components.bas_ip.client.BasIpClient.get_sip_status",
        side_effect=RuntimeError("boom"),
    ):
        await advance(hass, freezer, POLL)
    assert state_of(hass, USER).state == STATE_UNAVAILABLE
    assert "Unexpected error fetching" in caplog.text
    assert "RuntimeError: boom" in caplog.text


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_android_panel_without_last_attempt(hass: HomeAssistant) -> None:
    """A device that reports no last registration attempt shows it as unknown."""
    assert state_of(hass, "sensor.bas_ip_aa_07fb_last_registration_attempt").state == "unknown"


@pytest.mark.parametrize(
    ("errors", "winner"),
    [
        (
            [BasIpConnectionError("down"), BasIpAuthenticationError("401")],
            BasIpAuthenticationError,
        ),
        (
            [BasIpAuthenticationError("401"), BasIpDeviceMismatchError("a", "b")],
            BasIpDeviceMismatchError,
        ),
        ([BasIpResponseError("bad"), BasIpConnectionError("down")], BasIpConnectionError),
        ([BasIpResponseError("bad"), BasIpError("other")], BasIpResponseError),
    ],
)
def test_most_important_error_wins(errors: list[BasIpError], winner: type[BasIpError]) -> None:
    """When settings and status both fail, the error that needs the user most is reported."""
    assert type(_most_important(errors)) is winner


@pytest.mark.parametrize(
    ("transient", "expected"),
    [(UpdateFailed, UpdateFailed), (ConfigEntryNotReady, ConfigEntryNotReady)],
)
def test_unclassified_client_error_is_transient(
    mock_config_entry: MockConfigEntry,
    transient: type[UpdateFailed | ConfigEntryNotReady],
    expected: type[Exception],
) -> None:
    """A client error of no known kind is reported as a translated, passing failure."""
    error = translate_error(BasIpError("odd"), mock_config_entry, transient=transient)
    assert type(error) is expected
    assert error.translation_key == "update_failed"
    assert error.translation_placeholders == {"host": mock_config_entry.data["host"]}


@pytest.mark.parametrize(
    ("error", "running", "at_setup", "key"),
    [
        (
            BasIpAuthenticationError("x"),
            ConfigEntryAuthFailed,
            ConfigEntryAuthFailed,
            "invalid_auth",
        ),
        (BasIpPermissionError("x"), UpdateFailed, ConfigEntryError, "permission_denied"),
        (BasIpUnsupportedDeviceError("x"), UpdateFailed, ConfigEntryError, "unsupported_device"),
        (BasIpCertificateError("x"), UpdateFailed, ConfigEntryNotReady, "invalid_certificate"),
        (BasIpConnectionError("x"), UpdateFailed, ConfigEntryNotReady, "cannot_connect"),
        (BasIpResponseError("x"), UpdateFailed, ConfigEntryNotReady, "invalid_response"),
        (BasIpDeviceMismatchError("a", "b"), UpdateFailed, ConfigEntryNotReady, "device_mismatch"),
    ],
)
def test_client_errors_map_to_translated_exceptions(
    mock_config_entry: MockConfigEntry,
    error: BasIpError,
    running: type[Exception],
    at_setup: type[Exception],
    key: str,
) -> None:
    """Each client error becomes the Home Assistant exception that says what to do."""
    while_running = translate_error(error, mock_config_entry, permanent=UpdateFailed)
    during_setup = translate_error(error, mock_config_entry, transient=ConfigEntryNotReady)
    assert (type(while_running), type(during_setup)) == (running, at_setup)
    assert while_running.translation_key == during_setup.translation_key == key
    assert while_running.translation_domain == DOMAIN


async def test_same_interval_in_options_changes_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """Saving the options without changing them triggers no extra poll."""
    simulator.reset_counters()
    unchanged = {CONF_SCAN_INTERVAL: 30, **EVENTS_OFF, CONF_EVENT_INTERVAL: 2}
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    await hass.config_entries.options.async_configure(result["flow_id"], unchanged)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sum(simulator.requests.values()) == 0
    assert init_integration.options == unchanged
