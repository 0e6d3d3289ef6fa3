"""The fault matrix: what a device or the network can do, and what the integration does.

Every row runs the integration inside Home Assistant's test harness against
the simulator over real HTTP and asserts the exact outcome
(``FaultHarness.assert_outcome``): the exact set of unavailable entities, the
exact log lines at WARNING and above (logger, level and text; one when a
problem starts, not one per failed poll; none with a traceback), whether
reauthentication started (yes or no), how many logins the device saw, and that
no secret reached a log line, a state or an attribute.
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
from devtools.clocks import ha_clock
from simulator import Fault, Profile, self_signed_context
from tests.conftest import POLLED, SimulatorFactory, entry_data
from tests.const import NEW_PASSWORD
from tests.tls import tolerate_refused_tls_handshakes

from .conftest import (
    COORDINATOR as COORDINATOR_NAME,
    DOOR_KEYS,
    ENTITY_KEYS,
    EVENT_CHANNEL_KEYS,
    EVENT_COORDINATOR,
    STATUS_KEYS,
    FaultHarness,
)

CANNOT_CONNECT: Final = "Cannot connect to the BAS-IP device at {host}"
UNREADABLE: Final = "The BAS-IP device at {host} answered with data that cannot be read"
REJECTED: Final = "The BAS-IP device at {host} rejected the username or password"
NO_RIGHTS: Final = (
    "The account configured for the BAS-IP device at {host} may not read its SIP settings"
)
SWAPPED: Final = (
    "The address {host} now answers as the BAS-IP device with serial number {actual} "
    "instead of {expected}. No credentials were sent to it"
)
STATUS_GONE: Final = "SIP status endpoint no longer answers"
STATUS_BACK: Final = "SIP status endpoint answers again"


def error_line(harness: FaultHarness, template: str, **values: str) -> tuple[str, str, str]:
    """The SIP coordinator's ERROR line for ``template`` on the harness's device."""
    return harness.fetch_error(template.format(host=harness.device.address, **values))


def event_error_line(harness: FaultHarness, template: str, **values: str) -> tuple[str, str, str]:
    """The event coordinator's ERROR line for ``template`` on the harness's device."""
    return harness.event_fetch_error(template.format(host=harness.device.address, **values))


def both_lines(harness: FaultHarness, template: str, **values: str) -> list[tuple[str, str, str]]:
    """A fault on every device call: one line from each coordinator."""
    return [
        error_line(harness, template, **values),
        event_error_line(harness, template, **values),
    ]


def sip_ids(harness: FaultHarness) -> list[str]:
    """Entities fed by the SIP coordinator (everything but the event channel)."""
    return harness.ids_except(EVENT_CHANNEL_KEYS)


def event_ids(harness: FaultHarness) -> list[str]:
    """Entities fed by the event channel."""
    return harness.ids(EVENT_CHANNEL_KEYS)


def info_lines(harness: FaultHarness, text: str) -> list[str]:
    """The integration's INFO lines since the last mark that contain ``text``."""
    return [
        r.getMessage()
        for r in harness.records
        if r.name.startswith("custom_components.bas_ip")
        and r.levelname == "INFO"
        and text in r.getMessage()
    ]


PATH_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_STATUS: Final = "/api/v1/sip/status"
PATH_LOGIN: Final = "/api/v1/login"
OUTAGE_POLLS: Final = 6


SIP_RECOVERED: Final = f"Fetching {COORDINATOR_NAME} data recovered"
EVENTS_RECOVERED: Final = f"Fetching {EVENT_COORDINATOR} data recovered"


async def assert_recovers(harness: FaultHarness, *, sip: bool = True, events: bool = True) -> None:
    """After the fault is gone, one poll brings every entity back.

    One INFO line from each coordinator that was failing; nothing replayed.
    """
    harness.mark()
    await harness.poll()
    harness.assert_outcome(unavailable=[], lines=[], reauth=False, fired=[])
    expected = [SIP_RECOVERED] * sip + [EVENTS_RECOVERED] * events
    assert sorted(harness.recoveries()) == sorted(expected)


# --- the network -------------------------------------------------------------


async def test_connection_refused(harness: FaultHarness) -> None:
    """The device goes away: unavailable, one error line, no login, no reauth."""
    logins = harness.login_attempts
    await harness.device.stop()
    await harness.poll(OUTAGE_POLLS)

    harness.assert_outcome(
        unavailable=harness.entity_ids,
        lines=both_lines(harness, CANNOT_CONNECT),
        reauth=False,
    )
    assert harness.login_attempts == logins

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
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=device.serial, data=entry_data(device), options=POLLED
    )
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    harness.mark()
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert str(entry.reason) == CANNOT_CONNECT.format(host=device.address)
    assert harness.entity_ids == []
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)
    assert harness.login_attempts == 0
    assert sum(device.requests.values()) == 0


async def test_timeout(harness: FaultHarness) -> None:
    """A device that never answers: the request times out (simulated time), one line."""
    logins = harness.login_attempts
    harness.device.delay = 3600.0  # longer than any request timeout
    for _ in range(3):
        await harness.poll_until_requests_hang([PATH_SETTINGS, PATH_STATUS])
        # The client's own timeout fires once (frozen) time passes it.
        await harness.advance(11)
        assert harness.unavailable() == harness.entity_ids
    harness.assert_outcome(
        unavailable=harness.entity_ids,
        lines=both_lines(harness, CANNOT_CONNECT),
        reauth=False,
    )
    assert harness.login_attempts == logins

    harness.device.delay = 0.0
    await assert_recovers(harness)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.HTML_500, UNREADABLE),
        (Fault.INVALID_JSON, UNREADABLE),
        (Fault.EMPTY_BODY, UNREADABLE),
        (Fault.DROP_CONNECTION, CANNOT_CONNECT),
    ],
    ids=["html_500", "invalid_json", "empty_body", "drop_connection"],
)
async def test_broken_answers(harness: FaultHarness, fault: Fault, reason: str) -> None:
    """HTML 500, broken JSON, empty body, dropped connection on every device call."""
    logins = harness.login_attempts
    harness.device.set_fault(fault)
    await harness.poll(OUTAGE_POLLS)

    harness.assert_outcome(
        unavailable=harness.entity_ids, lines=both_lines(harness, reason), reauth=False
    )
    # A broken answer is no reason to log in again.
    assert harness.login_attempts == logins

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
    harness.assert_outcome(
        unavailable=[], lines=both_lines(harness, CANNOT_CONNECT) * cycles, reauth=False
    )
    assert sorted(harness.recoveries()) == sorted([SIP_RECOVERED, EVENTS_RECOVERED] * cycles)


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
    # Retries are logged at DEBUG; the reason is on the entry.
    assert harness.entity_ids == []
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)
    assert refused  # the server saw the client refuse its certificate


async def test_tls_without_verification_works(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Control for the TLS row: the same device loads when verification is off."""
    device = await simulator_factory(
        Profile.ANDROID_PANEL, clock=ha_clock, ssl_context=self_signed_context()
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.serial,
        data=entry_data(device, ssl=True, verify_ssl=False),
        options=POLLED,
    )
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    await harness.setup()
    await harness.poll(3)
    assert entry.state is ConfigEntryState.LOADED
    assert harness.keys == ENTITY_KEYS[Profile.ANDROID_PANEL]
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)
    assert device.logins == 1


# --- the device's answers ------------------------------------------------------

SETTINGS_FIELD_FAULTS: Final[list[tuple[str, Any]]] = [
    ("user", 1234),
    ("user", "u" * 32),
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


# 100 polls at 30 s with 10-minute tokens (see test_token_lifetime_logins).
TOKEN_LIFETIME_LOGINS: Final = 5


def mismatch_issues(hass: HomeAssistant) -> int:
    """Repair issues of this integration about another device at the address."""
    return sum(
        1
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN and issue_id.startswith(ISSUE_DEVICE_MISMATCH)
    )


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


@pytest.mark.parametrize(("field", "value"), SETTINGS_FIELD_FAULTS)
async def test_wrong_shape_settings(harness: FaultHarness, field: str, value: Any) -> None:
    """One SIP-settings field of the wrong type or out of range: never shown, one line."""
    body = {**harness.device.sip_settings, field: value}
    logins = harness.login_attempts
    harness.device.set_fault(Fault.WRONG_SHAPE, paths=[PATH_SETTINGS], body=body)
    await harness.poll(OUTAGE_POLLS)

    # Every SIP entity reads the settings (the registration ones too, through
    # the one refresh): none may show half-checked data. The event channel
    # reads the log, which answers.
    if isinstance(value, str) and value:
        assert not any(f'"state": "{value}"' in shown for shown in harness.values_shown())
    harness.assert_outcome(
        unavailable=sip_ids(harness), lines=[error_line(harness, UNREADABLE)], reauth=False
    )
    assert harness.login_attempts == logins

    harness.device.clear_faults()
    await assert_recovers(harness, events=False)


async def test_blank_sip_user_is_an_unconfigured_account(harness: FaultHarness) -> None:
    """An empty SIP user is no fault: the account is just not configured."""
    body = {**harness.device.sip_settings, "user": ""}
    harness.device.set_fault(Fault.WRONG_SHAPE, paths=[PATH_SETTINGS], body=body)
    await harness.poll(3)

    (sip_user,) = harness.ids(["sip_user"])
    assert harness.state(sip_user).state == "unknown"
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)


@pytest.mark.parametrize(("field", "value"), STATUS_FIELD_FAULTS)
async def test_wrong_shape_status(harness: FaultHarness, field: str, value: Any) -> None:
    """One SIP-status field of the wrong type or out of range: never shown, one line."""
    body = {"sip_status": "OK", "register_last_attempt": 1_700_000_000, field: value}
    logins = harness.login_attempts
    harness.device.set_fault(Fault.WRONG_SHAPE, paths=[PATH_STATUS], body=body)
    await harness.poll(OUTAGE_POLLS)

    if isinstance(value, str):
        assert not any(_shown(value) in shown for shown in harness.values_shown())
    # One refresh reads both endpoints: a broken status answer fails all of it
    # (the event channel reads the log, which answers).
    harness.assert_outcome(
        unavailable=sip_ids(harness), lines=[error_line(harness, UNREADABLE)], reauth=False
    )
    assert harness.login_attempts == logins

    harness.device.clear_faults()
    await assert_recovers(harness, events=False)


# --- credentials and tokens ------------------------------------------------------


async def test_token_expiry_mid_run(harness: FaultHarness) -> None:
    """Every token revoked: exactly one new login, no unavailable blip, no log line."""
    logins = harness.device.logins
    harness.device.expire_tokens()
    await harness.poll(5)

    assert harness.device.logins == logins + 1
    assert harness.device.login_failures == 0
    assert harness.went_unavailable() == []
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)


@pytest.mark.parametrize("fault_device_options", [{"token_lifetime": 600.0}])
async def test_token_lifetime_logins(harness: FaultHarness) -> None:
    """Tokens that expire by the clock: one login per token lifetime, no blip."""
    logins = harness.device.logins
    polls = 100  # 50 minutes at 30 s: the 10-minute token expires 5 times
    await harness.poll(polls)

    lifetimes = polls * 30 // 600
    assert harness.device.logins - logins == TOKEN_LIFETIME_LOGINS
    assert TOKEN_LIFETIME_LOGINS in (lifetimes, lifetimes + 1)
    assert harness.device.login_failures == 0
    assert harness.went_unavailable() == []
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)


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
    auth_failed = [
        (
            "custom_components.bas_ip",
            "ERROR",
            f"Authentication failed while fetching {name} data: "
            + REJECTED.format(host=harness.device.address),
        )
        for name in (COORDINATOR_NAME, EVENT_COORDINATOR)
    ]
    harness.assert_outcome(unavailable=harness.entity_ids, lines=auth_failed, reauth=True)
    polled_while_waiting = sum(harness.device.requests.values()) - requests

    # The user enters the new password: the entry comes back.
    result = await harness.hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    await harness.hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert harness.entry.state is ConfigEntryState.LOADED
    assert polled_while_waiting == 0
    # The outage's lines, nothing new; the reauth flow is finished. The
    # device logged the one rejected login: reported once, as the device
    # logged it, once its log can be read again.
    harness.assert_outcome(
        unavailable=[], lines=auth_failed, reauth=False, fired=[("device_event", "login_failed")]
    )


async def test_permission_denied(harness: FaultHarness) -> None:
    """The account loses its rights: unavailable, one line, no login storm, no reauth."""
    logins = harness.login_attempts
    harness.device.set_fault(Fault.PERMISSION_DENIED)
    await harness.poll(OUTAGE_POLLS)

    harness.assert_outcome(
        unavailable=harness.entity_ids, lines=both_lines(harness, NO_RIGHTS), reauth=False
    )
    assert harness.login_attempts == logins

    harness.device.clear_faults()
    await assert_recovers(harness)


# --- the device itself -------------------------------------------------------------


async def test_status_endpoint_missing_mid_run(harness: FaultHarness) -> None:
    """The status endpoint disappears: the settings entities keep working."""
    settings_ids = harness.entity_ids_of(status=False)
    before = {entity_id: harness.state(entity_id).state for entity_id in settings_ids}
    harness.device.status_endpoint_missing = True
    await harness.poll(OUTAGE_POLLS)

    assert {entity_id: harness.state(entity_id).state for entity_id in settings_ids} == before
    # A missing status endpoint is not an error: one INFO line, nothing at WARNING.
    harness.assert_outcome(unavailable=harness.entity_ids_of(status=True), lines=[], reauth=False)
    assert info_lines(harness, "SIP status endpoint") == [f"{COORDINATOR_NAME}: {STATUS_GONE}"]

    harness.mark()
    harness.device.status_endpoint_missing = False
    await harness.poll()
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)
    assert info_lines(harness, "SIP status endpoint") == [f"{COORDINATOR_NAME}: {STATUS_BACK}"]


async def test_status_endpoint_missing_from_the_start(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device without the status endpoint: settings entities only, asked once."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, clock=ha_clock)
    device.status_endpoint_missing = True
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=device.serial, data=entry_data(device), options=POLLED
    )
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    await harness.setup()

    # Without the endpoint the status entities are never created.
    assert harness.keys == ENTITY_KEYS[Profile.CAMDROID_PANEL] - STATUS_KEYS
    await harness.poll(10)
    assert device.requests[PATH_STATUS] == 1
    assert device.requests[PATH_SETTINGS] == 11
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)


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
    # Not a single login (so no credentials) went to the other device.
    assert harness.login_attempts == logins
    assert mismatch_issues(harness.hass) == 1
    harness.assert_outcome(
        unavailable=harness.entity_ids,
        lines=both_lines(
            harness,
            SWAPPED,
            actual="ffffffff-0000-4000-8000-000000000000",
            expected=original_serial,
        ),
        reauth=False,
    )

    # The original device comes back: data flows again, the repair disappears.
    harness.device.set_serial(original_serial)
    harness.device.update_sip_settings(**{key: original[key] for key in ("user", "realm", "proxy")})
    await assert_recovers(harness)
    assert mismatch_issues(harness.hass) == 0
    state_values = {harness.state(entity_id).state for entity_id in harness.entity_ids}
    assert original["user"] in state_values
    assert STATE_UNAVAILABLE not in state_values


async def test_setup_against_swapped_device(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set-up meets another device at the address: retried, repair raised, no login."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR, clock=ha_clock)
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="not-this-device-serial", data=entry_data(device), options=POLLED
    )
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    harness.mark()
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # Another device at the address is transient by design: retried, not given up.
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert str(entry.reason) == SWAPPED.format(
        host=device.address, actual=device.serial, expected="not-this-device-serial"
    )
    assert device.logins + device.login_failures == 0
    assert device.requests[PATH_LOGIN] == 0
    assert mismatch_issues(hass) == 1
    assert harness.entity_ids == []
    harness.assert_outcome(unavailable=[], lines=[], reauth=False)


# --- the event channel (the device's event log) -------------------------------------

PATH_LOG: Final = "/api/v1/log/items"
HOUR: Final = 3600
NO_LOG: Final = f"{EVENT_COORDINATOR}: the device has no event log; no event entities"
DOOR_GONE: Final = f"{COORDINATOR_NAME}: door sensor no longer answers"
DOOR_BACK: Final = f"{COORDINATOR_NAME}: door sensor answers again"


async def test_log_endpoint_missing_at_setup(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No event log (404) at set-up: no event entities, SIP entities unaffected, not asked again."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, clock=ha_clock)
    device.set_fault(Fault.NOT_FOUND, paths=[PATH_LOG])
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="BAS-IP AQ-07L",
        unique_id=device.serial,
        data=entry_data(device),
        options=POLLED,
    )
    harness = FaultHarness(hass, freezer, caplog, device, entry)
    await harness.setup(observe_setup=True)

    assert entry.state is ConfigEntryState.LOADED
    assert harness.keys == ENTITY_KEYS[Profile.CAMDROID_PANEL] - EVENT_CHANNEL_KEYS
    asked = device.requests[PATH_LOG]
    assert asked == 1
    device.ring("101")
    device.card_granted()
    await harness.poll(OUTAGE_POLLS)

    assert device.requests[PATH_LOG] == asked
    harness.assert_outcome(unavailable=[], lines=[], reauth=False, fired=[])
    assert info_lines(harness, "event log") == [NO_LOG]
    assert harness.tracebacks() == []


@pytest.mark.parametrize("fault_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.parametrize(
    ("fault", "body"),
    [
        (Fault.HTML_500, None),
        (Fault.INVALID_JSON, None),
        (Fault.WRONG_SHAPE, {"items": "garbage", "total_items": "many", "page": [1]}),
        (Fault.WRONG_SHAPE, [{"timestamp": "yesterday", "name": 7}]),
    ],
    ids=["html_500", "invalid_json", "garbage_json", "garbage_items"],
)
async def test_log_unreadable(harness: FaultHarness, fault: Fault, body: Any) -> None:
    """The log answers 500, HTML or garbage: event entities unavailable, then back by themselves.

    A ring and a card use logged during the outage (younger than 60 s by the
    device's clock) are delivered once, after the one login that gives the
    device's now.
    """
    logins = harness.login_attempts
    harness.device.set_fault(fault, paths=[PATH_LOG], body=body)
    await harness.poll(OUTAGE_POLLS)
    harness.device.ring("102")
    harness.device.card_granted()
    await harness.poll()

    harness.assert_outcome(
        unavailable=event_ids(harness),
        lines=[event_error_line(harness, UNREADABLE)],
        reauth=False,
        fired=[],
    )
    assert harness.login_attempts == logins

    harness.mark()
    harness.device.clear_faults()
    await harness.poll()
    harness.assert_outcome(
        unavailable=[], lines=[], reauth=False, fired=[("doorbell", "ring"), ("access", "granted")]
    )
    assert harness.recoveries() == [EVENTS_RECOVERED]
    assert harness.fired_data[0]["number"] == "102"
    assert harness.login_attempts == logins + 1
    # Nothing replayed later.
    await harness.poll(3)
    assert len(harness.fired) == 2
    assert harness.tracebacks() == []


@pytest.mark.parametrize("fault_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.parametrize("disturbance", ["skew_ahead", "skew_behind", "jump_back", "log_cleared"])
async def test_device_clock_or_log_disturbed(harness: FaultHarness, disturbance: str) -> None:
    """Clock skewed, clock stepped back, log cleared: events keep flowing, none replayed.

    Ages are taken on the device's own clock: a ring logged during a short
    outage after the disturbance is still delivered.
    """
    device = harness.device
    logins = harness.login_attempts
    device.ring("101")
    await harness.poll()
    assert harness.fired == [("doorbell", "ring")]

    match disturbance:
        case "skew_ahead":
            device.skew_clock(3 * HOUR)
        case "skew_behind":
            device.skew_clock(-3 * HOUR)
        case "jump_back":
            device.jump_clock(-HOUR)
        case "log_cleared":
            device.clear_log()
    await harness.poll(3)
    # No replay of what was read before.
    harness.assert_outcome(unavailable=[], lines=[], reauth=False, fired=[("doorbell", "ring")])

    device.ring("102")
    device.card_granted()
    await harness.poll()
    assert harness.fired == [("doorbell", "ring"), ("doorbell", "ring"), ("access", "granted")]
    assert harness.login_attempts == logins

    # A short outage of the log, a ring during it: delivered by device time.
    harness.mark()
    device.set_fault(Fault.DROP_CONNECTION, paths=[PATH_LOG])
    await harness.poll()
    device.ring("103")
    device.clear_faults()
    await harness.poll()
    await harness.poll(2)
    harness.assert_outcome(
        unavailable=[],
        lines=[event_error_line(harness, CANNOT_CONNECT)],
        reauth=False,
        fired=[("doorbell", "ring")],
    )
    assert harness.fired_data[0]["number"] == "103"
    assert harness.recoveries() == [EVENTS_RECOVERED]
    # The one login that gave the device's now after the outage.
    assert harness.login_attempts == logins + 1
    assert harness.tracebacks() == []


@pytest.mark.parametrize("fault_profile", [Profile.CAMDROID_PANEL])
async def test_burst_of_200_events(harness: FaultHarness) -> None:
    """200 card uses in one millisecond (20 pages of 10): every one delivered, once."""
    logins = harness.login_attempts
    harness.device.log_burst(200)
    await harness.poll()
    await harness.poll(3)

    harness.assert_outcome(
        unavailable=[], lines=[], reauth=False, fired=[("access", "granted")] * 200
    )
    harness.device.ring("101")
    await harness.poll()
    assert harness.fired[200:] == [("doorbell", "ring")]
    assert harness.login_attempts == logins
    assert harness.tracebacks() == []


@pytest.mark.parametrize("fault_profile", [Profile.CAMDROID_PANEL])
async def test_reboot_during_a_poll(harness: FaultHarness) -> None:
    """The device reboots while a poll is in flight: unavailable, back, exactly one login."""
    device = harness.device
    logins = device.logins
    device.delay = 3600.0  # the poll's requests reach the device, which then goes down
    await harness.poll_until_requests_hang([PATH_SETTINGS, PATH_STATUS, PATH_LOG])
    device.start_reboot(60.0)
    device.delay = 0.0
    await harness.advance(11)  # the requests in flight time out
    assert harness.unavailable() == harness.entity_ids
    await harness.poll()  # still rebooting (60 s): every connection dropped
    assert device.reboots == 1
    assert harness.unavailable() == harness.entity_ids
    assert device.logins == logins

    await harness.advance(30)  # the reboot is over: tokens forgotten, "booted" logged
    assert not device.rebooting
    await harness.poll(2)
    harness.assert_outcome(
        unavailable=[],
        lines=both_lines(harness, CANNOT_CONNECT),
        reauth=False,
        fired=[("device_event", "booted")],
    )
    assert sorted(harness.recoveries()) == sorted([SIP_RECOVERED, EVENTS_RECOVERED])
    assert device.logins == logins + 1
    assert device.login_failures == 0
    assert harness.tracebacks() == []


@pytest.mark.parametrize("fault_profile", [Profile.CAMDROID_PANEL])
async def test_door_sensor_switched_off(harness: FaultHarness) -> None:
    """The door input is no longer a door sensor: the door entities go unavailable, quietly."""
    door_ids = harness.ids(DOOR_KEYS)
    assert len(door_ids) == 2
    harness.device.door_sensor = False
    await harness.poll(OUTAGE_POLLS)

    harness.assert_outcome(unavailable=door_ids, lines=[], reauth=False, fired=[])
    assert info_lines(harness, "door sensor") == [DOOR_GONE]
    assert harness.tracebacks() == []

    harness.mark()
    harness.device.door_sensor = True
    await harness.poll()
    harness.assert_outcome(unavailable=[], lines=[], reauth=False, fired=[])
    assert info_lines(harness, "door sensor") == [DOOR_BACK]
    assert harness.tracebacks() == []
