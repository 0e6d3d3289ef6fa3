"""The "Restore SIP settings when they change" blueprint."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components.bas_ip.const import DOMAIN
from simulator import DeviceSimulator, Fault
from tests.conftest import register_secret

from .conftest import POLL, advance, state_of
from .test_blueprints import AUTOMATION_DOMAIN, BLUEPRINT_DIR
from .test_services import bus_echo  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.freeze_time("2026-03-01T12:00:00+00:00"),
    pytest.mark.usefixtures("bus_echo"),
]

NAME = "restore_sip_settings.yaml"
SETTINGS_EVENT = "event.bas_ip_aq_07l_sip_settings"
SIP_SETTINGS = "/api/v1/device/sip/settings"
PINNED_PASSWORD = "sip-P1nned-Account-Secret"


def test_blueprint_is_valid() -> None:
    """The file passes Home Assistant's automation blueprint schema."""
    blueprint = Blueprint(
        load_yaml_dict(BLUEPRINT_DIR / NAME),
        expected_domain=AUTOMATION_DOMAIN,
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == AUTOMATION_DOMAIN
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/bas_ip/{NAME}")
    password = blueprint.inputs["sip_password"]
    assert password["selector"]["text"]["type"] == "password"


async def use_blueprint(hass: HomeAssistant, tmp_path: Path, **inputs: Any) -> None:
    """Install the blueprint in a scratch config dir and create an automation from it."""
    register_secret(PINNED_PASSWORD)
    target = tmp_path / "blueprints" / "automation" / "bas_ip"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT_DIR / NAME, target / NAME)
    hass.config.config_dir = str(tmp_path)
    assert await async_setup_component(
        hass,
        AUTOMATION_DOMAIN,
        {
            AUTOMATION_DOMAIN: {
                "use_blueprint": {
                    "path": f"bas_ip/{NAME}",
                    "input": {
                        "settings_event": SETTINGS_EVENT,
                        "sip_user": "101",
                        "sip_realm": "sip.bas-ip.com",
                        "sip_proxy": "sip:sip.bas-ip.com",
                        "sip_transport": "udp",
                        "sip_password": PINNED_PASSWORD,
                        **inputs,
                    },
                }
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.async_entity_ids(AUTOMATION_DOMAIN)


@pytest.fixture
def restores(hass: HomeAssistant) -> list[Event]:
    """Every call of ``bas_ip.set_sip_settings``."""
    calls: list[Event] = []

    @callback
    def record(event: Event) -> None:
        if event.data["domain"] == DOMAIN and event.data["service"] == "set_sip_settings":
            calls.append(event)

    hass.bus.async_listen(EVENT_CALL_SERVICE, record)
    return calls


@pytest.mark.usefixtures("init_integration")
async def test_change_is_restored_once(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    restores: list[Event],
) -> None:
    """A pinned field changed on the device is written back, once, with the password."""
    await use_blueprint(hass, tmp_path)
    simulator.update_sip_settings(user="202", transport="tcp")
    await advance(hass, freezer, POLL)
    assert len(restores) == 1
    settings = simulator.sip_settings
    assert (settings["user"], settings["transport"]) == ("101", "udp")
    assert settings["proxy"] == "sip:sip.bas-ip.com"
    assert settings["password"] == PINNED_PASSWORD
    # The restore is reported as a change too, back to the pinned values: no second write.
    assert state_of(hass, SETTINGS_EVENT).attributes["new"] == {"user": "101", "transport": "udp"}
    for _ in range(2):
        await advance(hass, freezer, POLL)
    assert len(restores) == 1
    assert state_of(hass, "sensor.bas_ip_aq_07l_sip_user").state == "101"


@pytest.mark.usefixtures("init_integration")
async def test_other_changes_are_left_alone(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    restores: list[Event],
) -> None:
    """A change of a field that is not pinned writes nothing."""
    await use_blueprint(hass, tmp_path)
    simulator.update_sip_settings(registration_interval=120, stun={"ip": "s.example", "port": 1})
    await advance(hass, freezer, POLL)
    assert state_of(hass, SETTINGS_EVENT).attributes["changed"] == [
        "registration_interval",
        "stun",
    ]
    assert restores == []
    assert simulator.sip_settings["registration_interval"] == 120


@pytest.mark.usefixtures("init_integration")
async def test_change_during_outage_is_restored(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    restores: list[Event],
) -> None:
    """A change made while the device was unreachable is restored when it is back."""
    await use_blueprint(hass, tmp_path)
    simulator.set_fault(Fault.DROP_CONNECTION)
    await advance(hass, freezer, POLL)
    simulator.update_sip_settings(proxy="sip:rogue.example.com")
    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    assert len(restores) == 1
    assert simulator.sip_settings["proxy"] == "sip:sip.bas-ip.com"

    # Another outage without a change: nothing is written.
    simulator.set_fault(Fault.DROP_CONNECTION)
    await advance(hass, freezer, POLL)
    simulator.clear_faults()
    for _ in range(2):
        await advance(hass, freezer, POLL)
    assert len(restores) == 1
