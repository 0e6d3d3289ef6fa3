"""The automation blueprints: valid for Home Assistant, and doing what they say."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from simulator import DeviceSimulator

from .conftest import POLL, advance, state_of

AUTOMATION_DOMAIN = "automation"
BLUEPRINT_DIR = Path(__file__).parents[3] / "blueprints" / "automation" / "bas_ip"
BLUEPRINTS = ("sip_registration_alert.yaml", "sip_settings_changed.yaml")


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_blueprint_is_valid(name: str) -> None:
    """Each file passes Home Assistant's automation blueprint schema."""
    blueprint = Blueprint(
        load_yaml_dict(BLUEPRINT_DIR / name),
        expected_domain=AUTOMATION_DOMAIN,
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == AUTOMATION_DOMAIN
    assert "notify_action" in blueprint.inputs
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/bas_ip/{name}")


async def use_blueprint(
    hass: HomeAssistant, tmp_path: Path, name: str, inputs: dict[str, Any]
) -> list[ServiceCall]:
    """Install the blueprint in a scratch config dir and create an automation from it."""
    target = tmp_path / "blueprints" / "automation" / "bas_ip"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT_DIR / name, target / name)
    hass.config.config_dir = str(tmp_path)
    calls: list[ServiceCall] = async_mock_service(hass, "notify", "test_phone")
    assert await async_setup_component(
        hass,
        AUTOMATION_DOMAIN,
        {
            AUTOMATION_DOMAIN: {
                "use_blueprint": {
                    "path": f"bas_ip/{name}",
                    "input": {"notify_action": "notify.test_phone", **inputs},
                }
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.async_entity_ids(AUTOMATION_DOMAIN)
    return calls


@pytest.mark.usefixtures("init_integration")
async def test_registration_alert(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Lost for the chosen time → one message; registered again → one more."""
    calls = await use_blueprint(
        hass,
        tmp_path,
        "sip_registration_alert.yaml",
        {
            "registered_sensor": "binary_sensor.bas_ip_aq_07l_sip_registered",
            "lost_for": {"minutes": 2},
        },
    )
    simulator.set_registration_ok(False)
    await advance(hass, freezer, POLL)
    assert state_of(hass, "binary_sensor.bas_ip_aq_07l_sip_registered").state == "off"
    await advance(hass, freezer, 60)
    assert calls == []
    await advance(hass, freezer, 61)
    assert len(calls) == 1
    assert calls[0].data["title"] == "SIP registration lost"
    assert "BAS-IP AQ-07L SIP registered" in calls[0].data["message"]

    simulator.set_registration_ok(True)
    await advance(hass, freezer, POLL)
    assert len(calls) == 2
    assert calls[1].data["title"] == "SIP registration restored"


@pytest.mark.usefixtures("init_integration")
async def test_settings_changed_notification(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A settings change → one message naming old and new values; an outage → none."""
    calls = await use_blueprint(
        hass,
        tmp_path,
        "sip_settings_changed.yaml",
        {"settings_event": "event.bas_ip_aq_07l_sip_settings"},
    )
    simulator.update_sip_settings(user="202", transport="tcp")
    await advance(hass, freezer, POLL)
    assert len(calls) == 1
    message = calls[0].data["message"]
    assert "user: 101 → 202" in message
    assert "transport: udp → tcp" in message

    # Unavailable and back (no change) must not notify.
    simulator.set_fault("drop_connection")
    await advance(hass, freezer, POLL)
    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    assert len(calls) == 1


@pytest.fixture(autouse=True)
def _keep_entry(mock_config_entry: MockConfigEntry) -> None:
    """Every test here uses the simulated device's entry."""


@pytest.mark.usefixtures("init_integration")
async def test_settings_changed_during_outage_notifies_once(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A change made while the device was unreachable is notified when it is back."""
    calls = await use_blueprint(
        hass,
        tmp_path,
        "sip_settings_changed.yaml",
        {"settings_event": "event.bas_ip_aq_07l_sip_settings"},
    )
    simulator.update_sip_settings(user="202")
    await advance(hass, freezer, POLL)
    assert len(calls) == 1

    simulator.set_fault("drop_connection")
    await advance(hass, freezer, POLL)
    simulator.update_sip_settings(user="303")
    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    assert len(calls) == 2
    assert "user: 202 → 303" in calls[1].data["message"]

    # Another outage without a change: the last event is restored, not re-sent.
    simulator.set_fault("drop_connection")
    await advance(hass, freezer, POLL)
    simulator.clear_faults()
    await advance(hass, freezer, POLL)
    assert len(calls) == 2


@pytest.mark.usefixtures("init_integration")
async def test_registration_dip_shorter_than_lost_for_is_silent(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No "restored" message for a loss that never lasted long enough to be reported."""
    calls = await use_blueprint(
        hass,
        tmp_path,
        "sip_registration_alert.yaml",
        {
            "registered_sensor": "binary_sensor.bas_ip_aq_07l_sip_registered",
            "lost_for": {"minutes": 2},
        },
    )
    simulator.set_registration_ok(False)
    await advance(hass, freezer, POLL)
    assert state_of(hass, "binary_sensor.bas_ip_aq_07l_sip_registered").state == "off"
    simulator.set_registration_ok(True)
    await advance(hass, freezer, POLL)
    assert state_of(hass, "binary_sensor.bas_ip_aq_07l_sip_registered").state == "on"
    await advance(hass, freezer, 180)
    assert calls == []
