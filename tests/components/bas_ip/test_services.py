"""Actions: hold a door open, end the hold, write SIP settings."""

from __future__ import annotations

from collections.abc import Generator
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.bas_ip.const import DOMAIN
from simulator import DeviceSimulator, Fault, Profile
from tests.conftest import register_secret

from .conftest import POLL, advance, state_of
from .test_button import assert_no_traceback

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

NEW_SIP_PASSWORD = "sip-N3w-Account-Secret"
EMERGENCY_OPEN = "/api/v1/access/general/lock/open/emergency"
SIP_SETTINGS = "/api/v1/device/sip/settings"


class CallServiceEcho(logging.Filter):
    """Drops Home Assistant's own debug echo of BAS-IP action calls.

    At DEBUG, ``homeassistant.core`` logs every bus event with its data, so
    the ``call_service`` event of ``set_sip_settings`` shows the SIP password
    whatever the integration does (a known limitation, for any action that
    takes a secret). Only those records are dropped; every other record still
    reaches the secret guard.
    """

    def __init__(self) -> None:
        """Count what was dropped."""
        super().__init__()
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the bus echo of a BAS-IP action call."""
        message = record.getMessage()
        if (
            message.startswith("Bus:Handling <Event call_service")
            and f"domain={DOMAIN}," in message
        ):
            self.dropped += 1
            return False
        return True


@pytest.fixture
def bus_echo() -> Generator[CallServiceEcho]:
    """Home Assistant's debug echo of BAS-IP action calls, filtered out."""
    echo = CallServiceEcho()
    logger = logging.getLogger("homeassistant.core")
    logger.addFilter(echo)
    try:
        yield echo
    finally:
        logger.removeFilter(echo)


@pytest.fixture(autouse=True)
def _sip_password_is_a_secret(bus_echo: CallServiceEcho) -> None:
    """The secret guard fails any test that logs the SIP password given here."""
    register_secret(NEW_SIP_PASSWORD)


async def call(
    hass: HomeAssistant, service: str, entry: MockConfigEntry | None, **data: Any
) -> None:
    """Call a BAS-IP action on ``entry`` (or on what ``data`` names)."""
    if entry is not None:
        data.setdefault("config_entry_id", entry.entry_id)
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


async def refused(
    hass: HomeAssistant, service: str, entry: MockConfigEntry | None, **data: Any
) -> ServiceValidationError:
    """The translated validation error an action call raises."""
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, service, entry, **data)
    assert raised.value.translation_domain == DOMAIN
    return raised.value


def placeholder(error: HomeAssistantError, name: str) -> str:
    """One translation placeholder of a translated error."""
    assert error.translation_placeholders is not None
    return error.translation_placeholders[name]


async def test_actions_exist_without_loaded_entry(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """The actions are registered at integration set-up and refuse an unloaded entry."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    for service in ("hold_door_open", "end_hold_open", "set_sip_settings"):
        assert hass.services.has_service(DOMAIN, service)
    error = await refused(hass, "hold_door_open", mock_config_entry, duration=60)
    assert error.translation_key == "entry_not_loaded"


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_hold_door_open_sends_seconds(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """The duration reaches the device in seconds; the hold ends on request."""
    await call(hass, "hold_door_open", init_integration, duration=60)
    assert simulator.emergency_holds == {1: 60}
    await call(hass, "hold_door_open", init_integration, lock=2, duration=604800)
    assert simulator.emergency_holds == {1: 60, 2: 604800}
    await call(hass, "end_hold_open", init_integration, lock=1)
    assert simulator.emergency_holds == {2: 604800}
    await call(hass, "end_hold_open", init_integration, lock=2)
    assert simulator.emergency_holds == {}


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_target_by_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A device works as the target, also as the one-item list a ``target`` gives."""
    (device,) = dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    assert device.serial_number == simulator.serial
    await call(hass, "hold_door_open", None, device_id=device.id, duration=5)
    assert simulator.emergency_holds == {1: 5}
    await call(hass, "end_hold_open", None, device_id=[device.id])
    assert simulator.emergency_holds == {}


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.parametrize("duration", [0, 604801, -5])
@pytest.mark.usefixtures("init_integration")
async def test_hold_door_open_refuses_duration(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    duration: int,
) -> None:
    """Out of 1..604800 seconds: refused before anything is sent, naming the field."""
    error = await refused(hass, "hold_door_open", init_integration, duration=duration)
    assert error.translation_key == "invalid_value"
    assert placeholder(error, "field") == "duration"
    assert simulator.requests[EMERGENCY_OPEN] == 0
    assert simulator.emergency_holds == {}


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.parametrize("lock", [0, 3, 9])
@pytest.mark.usefixtures("init_integration")
async def test_hold_door_open_refuses_lock(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator, lock: int
) -> None:
    """A lock the device does not have (it has two) is refused."""
    for service, data in (("hold_door_open", {"duration": 60}), ("end_hold_open", {})):
        error = await refused(hass, service, init_integration, lock=lock, **data)
        assert error.translation_key == "invalid_lock"
        assert placeholder(error, "locks") == "2"
    assert simulator.emergency_holds == {}


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL, Profile.CAMDROID_MONITOR])
@pytest.mark.usefixtures("init_integration")
async def test_hold_door_open_unsupported(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """Devices without emergency mode refuse both actions without a request."""
    for service, data in (("hold_door_open", {"duration": 60}), ("end_hold_open", {})):
        error = await refused(hass, service, init_integration, **data)
        assert error.translation_key == "hold_open_unsupported"
    assert simulator.requests[EMERGENCY_OPEN] == 0


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_hold_door_open_device_failure(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device that does not answer: a translated error, no traceback."""
    simulator.set_fault(Fault.DROP_CONNECTION, paths=[EMERGENCY_OPEN])
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "hold_door_open", init_integration, duration=60)
    assert not isinstance(raised.value, ServiceValidationError)
    assert raised.value.translation_key == "cannot_connect"
    assert_no_traceback(caplog)


@pytest.mark.usefixtures("init_integration")
async def test_target_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    """Exactly one of entry and device; only BAS-IP ones."""
    error = await refused(hass, "end_hold_open", None)
    assert error.translation_key == "target_required"
    device = next(
        iter(dr.async_entries_for_config_entry(device_registry, init_integration.entry_id))
    )
    error = await refused(hass, "end_hold_open", init_integration, device_id=device.id)
    assert error.translation_key == "target_required"
    error = await refused(hass, "end_hold_open", None, config_entry_id="not-an-entry")
    assert error.translation_key == "entry_not_found"
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    error = await refused(hass, "end_hold_open", None, config_entry_id=other.entry_id)
    assert error.translation_key == "entry_not_found"
    foreign = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "1")}
    )
    error = await refused(hass, "end_hold_open", None, device_id=foreign.id)
    assert error.translation_key == "device_not_found"
    error = await refused(hass, "end_hold_open", None, device_id="no-such-device")
    assert error.translation_key == "device_not_found"


@pytest.mark.usefixtures("init_integration")
async def test_set_sip_settings(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    bus_echo: CallServiceEcho,
) -> None:
    """Given fields change, the others stay; the settings event reports the change."""
    before = simulator.sip_settings
    with caplog.at_level(logging.DEBUG):
        await call(
            hass,
            "set_sip_settings",
            init_integration,
            password=NEW_SIP_PASSWORD,
            user="202",
            transport="TCP",
            registration_interval=120,
            stun_port=3478,
        )
        await advance(hass, freezer, 1)
    after = simulator.sip_settings
    assert after["user"] == "202"
    assert after["transport"] == "tcp"
    assert after["registration_interval"] == 120
    assert after["stun"] == {**before["stun"], "port": 3478}
    assert after["password"] == NEW_SIP_PASSWORD
    for name in ("realm", "proxy"):
        assert after[name] == before[name]
    # Read back at once, and reported by the settings event.
    assert state_of(hass, "sensor.bas_ip_aq_07l_sip_user").state == "202"
    event = state_of(hass, "event.bas_ip_aq_07l_sip_settings")
    assert event.attributes["event_type"] == "settings_changed"
    assert set(event.attributes["changed"]) == {
        "user",
        "transport",
        "registration_interval",
        "stun",
    }
    assert NEW_SIP_PASSWORD not in repr(event)
    assert NEW_SIP_PASSWORD not in caplog.text
    # Only Home Assistant's own bus echo carried it (see CallServiceEcho).
    assert bus_echo.dropped == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"registration_interval": 10}, "registration_interval"),
        ({"registration_interval": 901}, "registration_interval"),
        ({"user": ""}, "user"),
        ({"user": "x" * 32}, "user"),
        ({"transport": "sctp"}, "transport"),
        ({"stun_port": 0}, "stun_port"),
        ({"stun_host": " "}, "stun_host"),
        ({"password": ""}, "password"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_set_sip_settings_validation(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    data: dict[str, Any],
    field: str,
) -> None:
    """Values the device would refuse are refused first, naming the field."""
    before = simulator.sip_settings
    data = {"password": NEW_SIP_PASSWORD, **data}
    error = await refused(hass, "set_sip_settings", init_integration, **data)
    assert error.translation_key == "invalid_value"
    assert placeholder(error, "field") == field
    assert NEW_SIP_PASSWORD not in str(error)
    assert simulator.sip_settings == before


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_set_sip_settings_android_rules(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """Android panels want a sip: proxy and a password of 6 characters or more."""
    error = await refused(
        hass, "set_sip_settings", init_integration, password=NEW_SIP_PASSWORD, proxy="pbx.example"
    )
    assert placeholder(error, "field") == "proxy"
    error = await refused(
        hass, "set_sip_settings", init_integration, password="12345", proxy="sip:pbx.example.com"
    )
    assert placeholder(error, "field") == "password"
    await call(
        hass,
        "set_sip_settings",
        init_integration,
        password=NEW_SIP_PASSWORD,
        proxy="sip:pbx.example.com",
    )
    assert simulator.sip_settings["proxy"] == "sip:pbx.example.com"


@pytest.mark.usefixtures("init_integration")
async def test_set_sip_settings_stun_from_scratch(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a STUN server on the device, host and port come together."""
    # A device with no STUN server yet.
    simulator._settings.pop("stun")
    await advance(hass, freezer, POLL)
    for given, missing in (({"stun_port": 3478}, "stun_host"), ({"stun_host": "s"}, "stun_port")):
        error = await refused(
            hass, "set_sip_settings", init_integration, password=NEW_SIP_PASSWORD, **given
        )
        assert error.translation_key == "stun_incomplete"
        assert placeholder(error, "field") == missing
    assert "stun" not in simulator.sip_settings


async def test_schema_refuses_unknown_fields(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The action schema takes only its own fields."""
    with pytest.raises(vol.Invalid):
        await call(hass, "end_hold_open", init_integration, seconds=5)


@pytest.mark.usefixtures("init_integration")
async def test_set_sip_settings_device_failure(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device gone: a translated error; after it is back, the write works."""
    simulator.set_fault(Fault.DROP_CONNECTION, paths=[SIP_SETTINGS])
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "set_sip_settings", init_integration, password=NEW_SIP_PASSWORD)
    assert raised.value.translation_key == "cannot_connect"
    assert NEW_SIP_PASSWORD not in str(raised.value)
    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    await call(
        hass, "set_sip_settings", init_integration, password=NEW_SIP_PASSWORD, realm="r.example"
    )
    assert simulator.sip_settings["realm"] == "r.example"
