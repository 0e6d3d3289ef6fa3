"""The guest pass script blueprint: creates a pass, sends it, says when the guest arrives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
import re
import shutil

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.components.blueprint.schemas import BLUEPRINT_SCHEMA
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from devtools.waits import wait_until
from simulator import DeviceSimulator, Profile

from .conftest import state_of
from .event_helpers import entity_id
from .test_services import bus_echo  # noqa: F401 - fixture

NAME = "guest_pass.yaml"
BLUEPRINT_DIR = Path(__file__).parents[3] / "blueprints" / "script" / "bas_ip"


def test_blueprint_is_valid() -> None:
    """The file passes Home Assistant's script blueprint schema and names its source."""
    blueprint = Blueprint(
        load_yaml_dict(BLUEPRINT_DIR / NAME),
        expected_domain="script",
        schema=BLUEPRINT_SCHEMA,
    )
    assert set(blueprint.inputs) >= {"intercom", "access_event", "kind", "visitor_notify_action"}
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/script/bas_ip/{NAME}")


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("bus_echo")
async def test_the_guest_gets_a_code_and_the_user_hears_of_the_arrival(
    hass: HomeAssistant,
    tmp_path: Path,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Run the script: the visitor's message holds a working code; its use is reported."""
    target = tmp_path / "blueprints" / "script" / "bas_ip"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT_DIR / NAME, target / NAME)
    hass.config.config_dir = str(tmp_path)
    visitor = async_mock_service(hass, "notify", "courier")
    owner = async_mock_service(hass, "notify", "my_phone")
    # The device of the panel's access entity (works on every Home Assistant leg).
    access_entry = er.async_get(hass).async_get(entity_id(simulator, "event", "access"))
    assert access_entry is not None
    assert access_entry.device_id is not None
    device_id = access_entry.device_id
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "guest": {
                    "use_blueprint": {
                        "path": f"bas_ip/{NAME}",
                        "input": {
                            "intercom": device_id,
                            "access_event": entity_id(simulator, "event", "access"),
                            "kind": "code",
                            "visitor_notify_action": "notify.courier",
                            "arrival_notify_action": "notify.my_phone",
                        },
                    }
                }
            }
        },
    )
    until = (dt_util.utcnow() + timedelta(hours=2)).isoformat()
    await hass.services.async_call(
        "script",
        "turn_on",
        {"entity_id": "script.guest", "variables": {"guest_name": "Courier", "valid_until": until}},
        blocking=True,
    )
    await wait_until(lambda: len(visitor) == 1, "the visitor's message")
    code = re.search(r"\b(\d{6})\b", visitor[0].data["message"])
    assert code is not None
    assert owner == []
    # The running script is a task that waits: time moves without waiting for it.
    access = entity_id(simulator, "event", "access")
    simulator.card_granted("0012345678", owner="Anna")  # someone else: no message
    await _poll(hass, freezer, lambda: state_of(hass, access).attributes.get("owner") == "Anna")
    assert owner == []
    simulator.identifiers.present("code", code.group(1))
    await _poll(hass, freezer, lambda: len(owner) == 1)
    assert "Courier" in owner[0].data["message"]
    assert code.group(1) not in owner[0].data["message"]


async def _poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, done: Callable[[], bool]
) -> None:
    """Move time past an event poll and wait, in real time, until ``done``."""
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await wait_until(done, "the event poll's outcome")
