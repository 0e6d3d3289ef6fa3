"""Config flow: user set-up, reauthentication, reconfiguration, options."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_SSL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.bas_ip.const import (
    CONF_EVENT_INTERVAL,
    CONF_EVENTS_ENABLED,
    CONF_HISTORY_DAYS,
    CONF_HISTORY_MAX_RINGS,
    CONF_PUSH,
    CONF_SCAN_INTERVAL,
    DOMAIN,
)
from devtools.clocks import ha_clock
from simulator import DeviceSimulator, Fault, Profile, self_signed_context
from tests.conftest import SimulatorFactory, entry_data
from tests.const import FACTORY_PASSWORD, NEW_PASSWORD, PASSWORD, USERNAME, WRONG_PASSWORD
from tests.tls import tolerate_refused_tls_handshakes

from .conftest import POLL, advance

SETTINGS_PATH = "/api/v1/device/sip/settings"
STATUS_PATH = "/api/v1/sip/status"


def suggested_values(result: ConfigFlowResult) -> dict[str, Any]:
    """What the re-shown form pre-fills, per field."""
    schema = result["data_schema"]
    assert schema is not None
    return {
        str(key): (key.description or {}).get("suggested_value")
        for key in schema.schema
        if (key.description or {}).get("suggested_value") is not None
    }


async def start_user_flow(hass: HomeAssistant) -> ConfigFlowResult:
    """Open the user step."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


async def test_user_flow_creates_entry(hass: HomeAssistant, simulator: DeviceSimulator) -> None:
    """The happy path: the device is read and the entry stores the connection."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "BAS-IP AQ-07L"
    assert result["data"] == entry_data(simulator)
    assert result["result"].unique_id == simulator.serial
    assert result["result"].options == {}


async def test_user_flow_defaults(hass: HomeAssistant) -> None:
    """Username defaults to admin, plain HTTP, certificate verification on."""
    result = await start_user_flow(hass)
    schema = result["data_schema"]
    assert schema is not None
    defaults = {str(key): key.default() for key in schema.schema if callable(key.default)}
    assert defaults == {CONF_SSL: False, CONF_VERIFY_SSL: True, CONF_USERNAME: "admin"}


async def _stop(device: DeviceSimulator) -> None:
    await device.stop()


async def _wrong_password(device: DeviceSimulator) -> None:
    device.set_password(NEW_PASSWORD)


async def _permission_denied(device: DeviceSimulator) -> None:
    device.set_fault(Fault.PERMISSION_DENIED, paths=[SETTINGS_PATH])


async def _garbage(device: DeviceSimulator) -> None:
    device.set_fault(Fault.INVALID_JSON, paths=[SETTINGS_PATH])


@pytest.mark.parametrize(
    ("break_device", "errors"),
    [
        (_stop, {CONF_HOST: "cannot_connect"}),
        (_wrong_password, {CONF_PASSWORD: "invalid_auth"}),
        (_permission_denied, {CONF_USERNAME: "permission_denied"}),
        (_garbage, {"base": "invalid_response"}),
    ],
)
async def test_user_flow_error_then_recovery(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    break_device: Callable[[DeviceSimulator], Awaitable[None]],
    errors: dict[str, str],
) -> None:
    """Each failure lands on its field; the input is kept; a retry succeeds."""
    broken = await simulator_factory(clock=ha_clock)
    await break_device(broken)
    result = await start_user_flow(hass)
    user_input = entry_data(broken)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert suggested_values(result) == user_input

    working = await simulator_factory(clock=ha_clock)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], entry_data(working))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_HOST] == working.address


async def test_user_flow_self_signed_certificate_then_verification_off(
    hass: HomeAssistant, simulator_factory: SimulatorFactory
) -> None:
    """A refused certificate is named on the verify field; turning it off succeeds."""
    device = await simulator_factory(clock=ha_clock, ssl_context=self_signed_context())
    result = await start_user_flow(hass)
    user_input = entry_data(device, ssl=True, verify_ssl=True)
    async with tolerate_refused_tls_handshakes(hass):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_VERIFY_SSL: "invalid_certificate"}
    assert suggested_values(result) == user_input
    assert device.requests == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**user_input, CONF_VERIFY_SSL: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_VERIFY_SSL] is False


async def test_user_flow_invalid_address(hass: HomeAssistant, simulator: DeviceSimulator) -> None:
    """An address that is no host name at all is a connection error on the host field."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator, host="http://user@host/path?x=1")
    )
    assert result["errors"] == {CONF_HOST: "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("simulator_profile", [Profile.OLD_FIRMWARE])
async def test_user_flow_unsupported_device(
    hass: HomeAssistant, simulator: DeviceSimulator
) -> None:
    """Old firmware is named as unsupported, before any login."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator)
    )
    assert result["errors"] == {"base": "unsupported_device"}
    assert simulator.logins == 0


async def test_user_flow_unexpected_error(
    hass: HomeAssistant, simulator: DeviceSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug is logged with its traceback and shown as unknown; the user can retry."""
    result = await start_user_flow(hass)
    with patch(
        "custom_components.bas_ip.client.BasIpClient.get_sip_settings",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], entry_data(simulator)
        )
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while connecting to the device" in caplog.text
    assert "RuntimeError: boom" in caplog.text
    assert suggested_values(result) == entry_data(simulator)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_already_configured_follows_new_address(
    hass: HomeAssistant, simulator: DeviceSimulator
) -> None:
    """The same device again is not added twice; a new address is stored."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=simulator.serial,
        data=entry_data(simulator, host="127.0.0.1:1"),
    )
    entry.add_to_hass(hass)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == simulator.address
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    await hass.async_block_till_done()


async def test_reauth_flow(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """A wrong password is rejected on its field; the right one reloads the entry."""
    simulator.set_password(NEW_PASSWORD)
    result = await init_integration.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    # Home Assistant may add placeholders of its own (such as "name").
    assert {
        CONF_USERNAME: USERNAME,
        CONF_HOST: simulator.address,
        "title": init_integration.title,
    }.items() <= result["description_placeholders"].items()

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.data[CONF_PASSWORD] == NEW_PASSWORD
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("break_device", "error"),
    [
        (_stop, "cannot_connect"),
        (_permission_denied, "permission_denied"),
        (_garbage, "invalid_response"),
    ],
)
async def test_reauth_flow_error_then_recovery(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator_factory: SimulatorFactory,
    break_device: Callable[[DeviceSimulator], Awaitable[None]],
    error: str,
) -> None:
    """Errors of fields the reauth form lacks are shown on the form; a retry succeeds."""
    broken = await simulator_factory(serial=init_integration.unique_id, clock=ha_clock)
    await break_device(broken)
    hass.config_entries.async_update_entry(
        init_integration, data=entry_data(broken, password=NEW_PASSWORD)
    )
    result = await init_integration.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": error}

    working = await simulator_factory(serial=init_integration.unique_id, clock=ha_clock)
    hass.config_entries.async_update_entry(
        init_integration, data=entry_data(working, password=NEW_PASSWORD)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.data == entry_data(working)
    await hass.async_block_till_done()


async def test_reauth_flow_other_device(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """Reauthentication never sends the password to a device that replaced ours."""
    simulator.set_serial("ffffffff-0000-0000-0000-000000000000")
    simulator.reset_counters()
    result = await init_integration.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "different_device"
    assert simulator.logins == 0
    assert simulator.login_failures == 0


async def test_reconfigure_flow(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    simulator_factory: SimulatorFactory,
) -> None:
    """The device moved and got a new password: both are stored, the entry reloads."""
    moved = await simulator_factory(serial=simulator.serial, password=NEW_PASSWORD, clock=ha_clock)
    result = await init_integration.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    # The stored password is never sent back to the browser.
    assert suggested_values(result) == {
        key: value for key, value in init_integration.data.items() if key != CONF_PASSWORD
    }

    # Still the old password: rejected on its field, input kept.
    result = await hass.config_entries.flow.async_configure(result["flow_id"], entry_data(moved))
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    assert suggested_values(result) == entry_data(moved)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(moved, password=NEW_PASSWORD)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.data == entry_data(moved, password=NEW_PASSWORD)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert moved.logins >= 1


async def test_reconfigure_flow_other_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator_factory: SimulatorFactory,
) -> None:
    """An address answering as another device aborts without sending credentials."""
    other = await simulator_factory(Profile.CAMDROID_PANEL)
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], entry_data(other))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "different_device"
    assert other.logins == 0
    assert init_integration.data[CONF_HOST] != other.address


async def test_reconfigure_away_from_factory_password(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """After the password was changed on the device, reconfiguring withdraws the issue."""
    device = await simulator_factory(password=FACTORY_PASSWORD, clock=ha_clock)
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=device.serial, data=entry_data(device, password=FACTORY_PASSWORD)
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issue_id = f"default_credentials_{entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    device.set_password(NEW_PASSWORD)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(device, password=NEW_PASSWORD)
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_options_flow_applies_interval_without_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new interval takes effect at once and the entry is not reloaded."""
    coordinator = init_integration.runtime_data.coordinator
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"

    with patch.object(hass.config_entries, "async_reload") as reload:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: 300}
        )
        # The new interval is armed by an immediate refresh in the background.
        await hass.async_block_till_done(wait_background_tasks=True)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {
        CONF_SCAN_INTERVAL: 300,
        CONF_EVENTS_ENABLED: True,
        CONF_EVENT_INTERVAL: 2,
    }
    assert reload.call_count == 0
    assert coordinator is init_integration.runtime_data.coordinator
    assert coordinator.update_interval == timedelta(seconds=300)

    # From now on the SIP settings are read every 300 s, not every 30 s (the
    # event channel keeps its own interval).
    simulator.reset_counters()
    for _ in range(9):
        await advance(hass, freezer, POLL)
    assert simulator.requests[SETTINGS_PATH] == 0
    assert simulator.requests[STATUS_PATH] == 0
    await advance(hass, freezer, 31)
    assert simulator.requests[SETTINGS_PATH] == 1


@pytest.mark.parametrize("value", [9, 3601])
async def test_options_flow_rejects_out_of_range(
    hass: HomeAssistant, init_integration: MockConfigEntry, value: int
) -> None:
    """Only 10 to 3600 seconds are accepted."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    with pytest.raises(vol.Invalid):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: value}
        )


async def test_options_flow_while_not_loaded(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Options of an entry that is not loaded are stored for its next set-up."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 45}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        CONF_SCAN_INTERVAL: 45,
        CONF_EVENTS_ENABLED: True,
        CONF_EVENT_INTERVAL: 2,
        # Offered while the entry is not loaded (whether the device has
        # webhooks is not known), on by default.
        CONF_PUSH: True,
        # So is the visitor history (whether the device has a camera is not known).
        CONF_HISTORY_DAYS: 30,
        CONF_HISTORY_MAX_RINGS: 500,
    }
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.runtime_data.coordinator.update_interval == timedelta(seconds=45)
