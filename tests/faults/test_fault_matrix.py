"""The fault matrix: what a device or the network can do, and what the integration does.

Every row runs the integration inside Home Assistant's test harness against
the simulator over real HTTP and checks the same things: which entities are
available, how many log lines at WARNING and above it wrote (one when a
problem starts, not one per failed poll), whether reauthentication started,
how many logins the device saw, and that no secret reached a log line, a
state or an attribute.
"""

from __future__ import annotations

from typing import Any, Final

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.const import DOMAIN, ISSUE_DEVICE_MISMATCH
from simulator import Fault, Profile, self_signed_context
from tests.conftest import SimulatorFactory
from tests.const import NEW_PASSWORD
from tests.tls import tolerate_refused_tls_handshakes

from .conftest import FaultHarness, entry_data, ha_clock

PATH_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_STATUS: Final = "/api/v1/sip/status"
PATH_LOGIN: Final = "/api/v1/login"
OUTAGE_POLLS: Final = 6


async def assert_recovers(harness: FaultHarness, problems: int = 1) -> None:
    """After the fault is gone, one poll brings every entity back, with one INFO line."""
    harness.mark()
    await harness.poll()
    assert not harness.unavailable()
    assert len(harness.recoveries()) == 1
    assert harness.problems() == []
    harness.assert_no_secrets()


# --- the network -------------------------------------------------------------


async def test_connection_refused(harness: FaultHarness) -> None:
    """The device goes away: unavailable, one error line, no login, no reauth."""
    logins = harness.login_attempts
    await harness.device.stop()
    await harness.poll(OUTAGE_POLLS)

    assert harness.unavailable() == harness.entity_ids
    assert len(harness.problems()) == 1
    assert harness.reauth_flows() == []
    assert harness.login_attempts == logins
    harness.assert_no_secrets()

    await harness.device.start()  # same port: the device is back
    await assert_recovers(harness)


async def test_connection_refused_at_setup(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing listens at the address: set-up is retried, nothing sent.

    Home Assistant logs set-up retries at DEBUG and shows the translated
    reason on the entry, so no line at WARNING or above is expected.
    """
    device = await simulator_factory(Profile.CAMDROID_MONITOR, clock=ha_clock)
    await device.stop()  # the port is now closed
    entry = MockConfigEntry(domain=DOMAIN, unique_id=device.serial, data=entry_data(device))
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    harness.mark()
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "Cannot connect" in str(entry.reason)
    assert harness.problems() == []
    assert harness.login_attempts == 0
    assert sum(device.requests.values()) == 0
    harness.assert_no_secrets()


async def test_timeout(harness: FaultHarness) -> None:
    """A device that never answers: the request times out (simulated time), one line."""
    logins = harness.login_attempts
    harness.device.delay = 3600.0  # longer than any request timeout
    for _ in range(3):
        await harness.poll_until_requests_hang([PATH_SETTINGS, PATH_STATUS])
        # The client's own timeout fires once (frozen) time passes it.
        await harness.advance(11)
        assert harness.unavailable() == harness.entity_ids
    assert len(harness.problems()) == 1
    assert harness.reauth_flows() == []
    assert harness.login_attempts == logins
    harness.assert_no_secrets()

    harness.device.delay = 0.0
    await assert_recovers(harness)


@pytest.mark.parametrize(
    "fault", [Fault.HTML_500, Fault.INVALID_JSON, Fault.EMPTY_BODY, Fault.DROP_CONNECTION]
)
async def test_broken_answers(harness: FaultHarness, fault: Fault) -> None:
    """HTML 500, broken JSON, empty body, dropped connection on every device call."""
    logins = harness.login_attempts
    harness.device.set_fault(fault)
    await harness.poll(OUTAGE_POLLS)

    assert harness.unavailable() == harness.entity_ids
    assert len(harness.problems()) == 1
    assert harness.reauth_flows() == []
    # A broken answer is no reason to log in again.
    assert harness.login_attempts == logins
    harness.assert_no_secrets()

    harness.device.clear_faults()
    await assert_recovers(harness)


async def test_flapping_connection(harness: FaultHarness) -> None:
    """Several outages: one line when it goes, one when it is back, per outage."""
    cycles = 4
    for _ in range(cycles):
        await harness.device.stop()
        await harness.poll(3)
        assert harness.unavailable() == harness.entity_ids
        await harness.device.start()
        await harness.poll(2)
        assert not harness.unavailable()
    assert len(harness.problems()) == cycles
    assert len(harness.recoveries()) == cycles
    assert harness.reauth_flows() == []
    harness.assert_no_secrets()


async def test_tls_failure(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A self-signed certificate while verification is on: nothing is sent, set-up retries."""
    device = await simulator_factory(
        Profile.ANDROID_PANEL, clock=ha_clock, ssl_context=self_signed_context()
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.serial,
        data=entry_data(device, ssl=True, verify_ssl=True),
    )
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    harness.mark()
    async with tolerate_refused_tls_handshakes(hass) as refused:
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        # Retries keep failing the same way, quietly.
        await harness.advance(120)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "HTTPS certificate" in str(entry.reason)
    # The handshake failed before any HTTP request: no credentials left the client.
    assert sum(device.requests.values()) == 0
    assert harness.login_attempts == 0
    assert harness.reauth_flows() == []
    # Retries are logged at DEBUG; the reason is on the entry.
    assert harness.problems() == []
    assert len(refused) >= 1
    harness.assert_no_secrets()


async def test_tls_without_verification_works(
    hass: HomeAssistant, simulator_factory: SimulatorFactory
) -> None:
    """Control for the TLS row: the same device loads when verification is off."""
    device = await simulator_factory(
        Profile.ANDROID_PANEL, clock=ha_clock, ssl_context=self_signed_context()
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.serial,
        data=entry_data(device, ssl=True, verify_ssl=False),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert device.logins == 1


# --- the device's answers ------------------------------------------------------

SETTINGS_FIELD_FAULTS: Final[list[tuple[str, Any]]] = [
    ("user", 1234),
    ("user", "u" * 32),
    ("user", ""),
    ("realm", ["sip.example"]),
    ("transport", "sctp"),
    ("transport", 17),
    ("registration_interval", 10),
    ("registration_interval", 901),
    ("registration_interval", "300"),
    ("proxy", 5060),
    ("stun", "stun.example:3478"),
    ("stun", {"ip": "stun.example", "port": 70000}),
    ("h264", 98),
    ("h264", 128),
    ("h264", "102"),
    ("outbound", {"enabled": True}),
    ("user_id", 42),
]
STATUS_FIELD_FAULTS: Final[list[tuple[str, Any]]] = [
    ("sip_status", "REGISTERED"),
    ("sip_status", 1),
    ("sip_status", None),
    ("register_last_attempt", "yesterday"),
    ("register_last_attempt", -5),
    ("register_last_attempt", 10**20),
]


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


@pytest.mark.parametrize(("field", "value"), SETTINGS_FIELD_FAULTS)
async def test_wrong_shape_settings(harness: FaultHarness, field: str, value: Any) -> None:
    """One SIP-settings field of the wrong type or out of range: never shown, one line."""
    body = {**harness.device.sip_settings, field: value}
    logins = harness.login_attempts
    harness.device.set_fault(Fault.WRONG_SHAPE, paths=[PATH_SETTINGS], body=body)
    await harness.poll(OUTAGE_POLLS)

    # Every entity reads the settings (the registration ones too, through the
    # one refresh): none may show half-checked data.
    assert harness.unavailable() == harness.entity_ids
    if isinstance(value, str) and value:
        assert not any(f'"state": "{value}"' in shown for shown in harness.values_shown())
    assert len(harness.problems()) == 1
    assert harness.reauth_flows() == []
    assert harness.login_attempts == logins
    harness.assert_no_secrets()

    harness.device.clear_faults()
    await assert_recovers(harness)


@pytest.mark.parametrize(("field", "value"), STATUS_FIELD_FAULTS)
async def test_wrong_shape_status(harness: FaultHarness, field: str, value: Any) -> None:
    """One SIP-status field of the wrong type or out of range: never shown, one line."""
    body = {"sip_status": "OK", "register_last_attempt": 1_700_000_000, field: value}
    logins = harness.login_attempts
    harness.device.set_fault(Fault.WRONG_SHAPE, paths=[PATH_STATUS], body=body)
    await harness.poll(OUTAGE_POLLS)

    assert set(harness.entity_ids_of(status=True)) <= set(harness.unavailable())
    if isinstance(value, str):
        assert not any(_shown(value) in shown for shown in harness.values_shown())
    assert len(harness.problems()) == 1
    assert harness.reauth_flows() == []
    assert harness.login_attempts == logins
    harness.assert_no_secrets()

    harness.device.clear_faults()
    await assert_recovers(harness)


# --- credentials and tokens ------------------------------------------------------


async def test_token_expiry_mid_run(harness: FaultHarness) -> None:
    """Every token revoked: exactly one new login, no unavailable blip, no log line."""
    logins = harness.device.logins
    harness.device.expire_tokens()
    await harness.poll(5)

    assert harness.device.logins == logins + 1
    assert harness.device.login_failures == 0
    assert harness.went_unavailable() == []
    assert harness.problems() == []
    assert harness.reauth_flows() == []
    harness.assert_no_secrets()


@pytest.mark.parametrize("fault_device_options", [{"token_lifetime": 600.0}])
async def test_token_lifetime_logins(harness: FaultHarness) -> None:
    """Tokens that expire by the clock: one login per token lifetime, no blip."""
    logins = harness.device.logins
    polls = 100  # 50 minutes at 30 s: the 10-minute token expires 5 times
    await harness.poll(polls)

    lifetimes = polls * 30 // 600
    assert harness.device.logins - logins in (lifetimes, lifetimes + 1)
    assert harness.device.login_failures == 0
    assert harness.went_unavailable() == []
    assert harness.problems() == []


async def test_password_changed_on_device(harness: FaultHarness) -> None:
    """Rejected credentials: reauth starts and no login is tried until the user acts."""
    harness.device.set_password(NEW_PASSWORD)
    await harness.poll()

    flows = harness.reauth_flows()
    assert len(flows) == 1
    assert harness.device.login_failures == 1
    assert harness.unavailable() == harness.entity_ids
    attempts = harness.login_attempts
    requests = sum(harness.device.requests.values())
    await harness.poll(20)
    assert harness.login_attempts == attempts
    assert len(harness.reauth_flows()) == 1
    assert len(harness.problems()) == 1
    harness.assert_no_secrets()
    polled_while_waiting = sum(harness.device.requests.values()) - requests

    # The user enters the new password: the entry comes back.
    result = await harness.hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    await harness.hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert harness.entry.state is ConfigEntryState.LOADED
    assert not harness.unavailable()
    assert polled_while_waiting == 0
    harness.assert_no_secrets()


async def test_permission_denied(harness: FaultHarness) -> None:
    """The account loses its rights: unavailable, one line, no login storm, no reauth."""
    logins = harness.login_attempts
    harness.device.set_fault(Fault.PERMISSION_DENIED)
    await harness.poll(OUTAGE_POLLS)

    assert harness.unavailable() == harness.entity_ids
    assert len(harness.problems()) == 1
    assert harness.reauth_flows() == []
    assert harness.login_attempts == logins
    harness.assert_no_secrets()

    harness.device.clear_faults()
    await assert_recovers(harness)


# --- the device itself -------------------------------------------------------------


async def test_status_endpoint_missing_mid_run(harness: FaultHarness) -> None:
    """The status endpoint disappears: the settings entities keep working."""
    settings_ids = harness.entity_ids_of(status=False)
    before = {entity_id: harness.state(entity_id).state for entity_id in settings_ids}
    harness.device.status_endpoint_missing = True
    await harness.poll(OUTAGE_POLLS)

    assert harness.unavailable(settings_ids) == []
    assert {entity_id: harness.state(entity_id).state for entity_id in settings_ids} == before
    assert harness.unavailable(harness.entity_ids_of(status=True)) == harness.entity_ids_of(
        status=True
    )
    assert len(harness.problems()) <= 1
    assert harness.reauth_flows() == []
    harness.assert_no_secrets()

    harness.device.status_endpoint_missing = False
    await harness.poll()
    assert not harness.unavailable()


async def test_status_endpoint_missing_from_the_start(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device without the status endpoint: settings entities only, asked once."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, clock=ha_clock)
    device.status_endpoint_missing = True
    entry = MockConfigEntry(domain=DOMAIN, unique_id=device.serial, data=entry_data(device))
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    await harness.setup()

    assert harness.entity_ids_of(status=True) == []
    assert harness.entity_ids_of(status=False)
    await harness.poll(10)
    assert not harness.unavailable()
    assert device.requests[PATH_STATUS] == 1
    assert device.requests[PATH_SETTINGS] == 11
    assert harness.problems() == []


async def test_device_swapped(harness: FaultHarness) -> None:
    """Another device takes the address: its data is never shown, no credentials sent."""
    original_serial = harness.device.serial
    original = harness.device.sip_settings
    other = {"user": "other-device-user", "realm": "other-realm.example", "proxy": "sip:other"}
    harness.device.set_serial("ffffffff-0000-4000-8000-000000000000")
    harness.device.update_sip_settings(**other)
    logins = harness.login_attempts
    await harness.poll(OUTAGE_POLLS)

    shown = "\n".join(harness.values_shown())
    for value in other.values():
        assert value not in shown
    assert "ffffffff-0000-4000-8000-000000000000" not in "".join(
        harness.state(entity_id).state for entity_id in harness.entity_ids
    )
    assert harness.unavailable() == harness.entity_ids
    # Not a single login (so no credentials) went to the other device.
    assert harness.login_attempts == logins
    issues = ir.async_get(harness.hass).issues
    assert any(
        domain == DOMAIN and issue_id.startswith(ISSUE_DEVICE_MISMATCH)
        for domain, issue_id in issues
    )
    assert len(harness.problems()) == 1
    assert harness.reauth_flows() == []
    harness.assert_no_secrets()

    # The original device comes back: data flows again, the repair disappears.
    harness.device.set_serial(original_serial)
    harness.device.update_sip_settings(**{key: original[key] for key in ("user", "realm", "proxy")})
    await assert_recovers(harness)
    assert not any(
        domain == DOMAIN and issue_id.startswith(ISSUE_DEVICE_MISMATCH)
        for domain, issue_id in ir.async_get(harness.hass).issues
    )
    state_values = {harness.state(entity_id).state for entity_id in harness.entity_ids}
    assert original["user"] in state_values
    assert STATE_UNAVAILABLE not in state_values


async def test_setup_against_swapped_device(
    hass: HomeAssistant, simulator_factory: SimulatorFactory
) -> None:
    """Set-up meets another device at the address: retried, repair raised, no login."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR, clock=ha_clock)
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="not-this-device-serial", data=entry_data(device)
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state in (ConfigEntryState.SETUP_RETRY, ConfigEntryState.SETUP_ERROR)
    assert device.logins + device.login_failures == 0
    assert device.requests[PATH_LOGIN] == 0
    assert any(
        domain == DOMAIN and issue_id.startswith(ISSUE_DEVICE_MISMATCH)
        for domain, issue_id in ir.async_get(hass).issues
    )
