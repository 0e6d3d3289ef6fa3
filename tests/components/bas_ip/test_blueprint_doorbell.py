"""The blueprint "Doorbell: notify with a snapshot and an Open door action".

Valid for Home Assistant's blueprint schema, and run end to end against the
simulator: a ring sends one actionable notification with the camera's
snapshot; tapping its action presses the door-release button. The camera and
button entities are named by their entity ids only (the blueprint needs no
more of them than their ids), and ``button.press`` is mocked.
"""

from __future__ import annotations

import asyncio
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
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bas_ip.const import CONF_HISTORY_DAYS
from devtools.waits import real_sleep, wait_real, wait_until
from simulator import DeviceSimulator, Fault, Profile

from .conftest import advance, state_of
from .event_helpers import EVENT_POLL, LOG_PATH, entity_id
from .visitor_helpers import history_of, other_jpeg

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")


@pytest.fixture
def simulator_profile() -> Profile:
    """A door panel: it has the camera and the door release the blueprint uses."""
    return Profile.CAMDROID_PANEL


AUTOMATION_DOMAIN = "automation"
NAME = "doorbell_notify.yaml"
BLUEPRINT_DIR = Path(__file__).parents[3] / "blueprints" / "automation" / "bas_ip"
CAMERA = "camera.bas_ip_av_03bd_camera"
OPEN_BUTTON = "button.bas_ip_av_03bd_open_door"
ACTION_EVENT = "mobile_app_notification_action"


def test_blueprint_is_valid() -> None:
    """The file passes Home Assistant's automation blueprint schema."""
    blueprint = Blueprint(
        load_yaml_dict(BLUEPRINT_DIR / NAME),
        expected_domain=AUTOMATION_DOMAIN,
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == AUTOMATION_DOMAIN
    assert set(blueprint.inputs) >= {
        "doorbell",
        "camera",
        "open_button",
        "notify_action",
        "answer_within",
    }
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/bas_ip/{NAME}")
    # Only BAS-IP doorbells are offered.
    raw = load_yaml_dict(BLUEPRINT_DIR / NAME)
    doorbell_filter = raw["blueprint"]["input"]["doorbell"]["selector"]["entity"]["filter"]
    assert doorbell_filter == [
        {"integration": "bas_ip", "domain": "event", "device_class": "doorbell"}
    ]


async def use_blueprint(
    hass: HomeAssistant, tmp_path: Path, device: DeviceSimulator, **inputs: Any
) -> tuple[list[ServiceCall], list[ServiceCall]]:
    """An automation from the blueprint; the notify and button.press calls it makes."""
    target = tmp_path / "blueprints" / "automation" / "bas_ip"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT_DIR / NAME, target / NAME)
    hass.config.config_dir = str(tmp_path)
    notifications = async_mock_service(hass, "notify", "test_phone")
    presses = async_mock_service(hass, "button", "press")
    assert await async_setup_component(
        hass,
        AUTOMATION_DOMAIN,
        {
            AUTOMATION_DOMAIN: {
                "use_blueprint": {
                    "path": f"bas_ip/{NAME}",
                    "input": {
                        "doorbell": entity_id(device, "event", "doorbell"),
                        "camera": CAMERA,
                        "open_button": OPEN_BUTTON,
                        "notify_action": "notify.test_phone",
                        **inputs,
                    },
                }
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.async_entity_ids(AUTOMATION_DOMAIN)
    return notifications, presses


async def ring_and_notify(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    device: DeviceSimulator,
    notifications: list[ServiceCall],
    *,
    ring: bool = True,
) -> ServiceCall:
    """Ring (unless rung already); the next event poll runs the automation: its notification.

    The run then waits for the notification's action, so waiting for every
    task (``advance``) would wait for it too: the poll is triggered and the
    notification awaited, bounded in real time.
    """
    count = len(notifications)
    if ring:
        device.ring("101")
    freezer.tick(EVENT_POLL)
    async_fire_time_changed(hass)
    await wait_until(lambda: len(notifications) > count, "the doorbell notification")
    assert len(notifications) == count + 1
    return notifications[-1]


async def let_listeners_run(hass: HomeAssistant) -> None:
    """A few loop turns: enough for an event's listeners and what they start."""
    for _ in range(20):
        await asyncio.sleep(0)


def open_action(notification: ServiceCall) -> str:
    """The action id of the notification's "Open door" button."""
    actions = notification.data["data"]["actions"]
    assert [action["title"] for action in actions] == ["Open door"]
    action: str = actions[0]["action"]
    return action


@pytest.mark.usefixtures("init_integration")
async def test_ring_notifies_and_action_opens(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A ring → one notification with the snapshot; its action → button.press, once."""
    notifications, presses = await use_blueprint(hass, tmp_path, simulator)
    notification = await ring_and_notify(hass, freezer, simulator, notifications)
    assert notification.data["title"] == "Someone is at the door"
    assert notification.data["message"].startswith("BAS-IP AV-03BD: the doorbell rang at ")
    # The picture of this ring, kept by the visitor history (a signed path).
    doorbell = state_of(hass, entity_id(simulator, "event", "doorbell"))
    assert notification.data["data"]["image"] == doorbell.attributes["snapshot_url"]
    assert notification.data["data"]["image"].startswith("/api/bas_ip/visitors/")
    action = open_action(notification)
    assert action.startswith("BAS_IP_OPEN_DOOR_")
    assert notification.data["data"]["tag"] == action

    # Another notification's action does nothing.
    hass.bus.async_fire(ACTION_EVENT, {"action": "SOMETHING_ELSE"})
    await let_listeners_run(hass)
    assert presses == []

    hass.bus.async_fire(ACTION_EVENT, {"action": action})
    await hass.async_block_till_done()
    assert len(presses) == 1
    assert presses[0].data["entity_id"] == [OPEN_BUTTON]
    # The same action again: the automation run is over.
    hass.bus.async_fire(ACTION_EVENT, {"action": action})
    await hass.async_block_till_done()
    assert len(presses) == 1

    # The next ring is a new notification with its own action.
    second = await ring_and_notify(hass, freezer, simulator, notifications)
    assert open_action(second) != action
    hass.bus.async_fire(ACTION_EVENT, {"action": open_action(second)})
    await hass.async_block_till_done()
    assert len(presses) == 2
    assert len(notifications) == 2


@pytest.mark.usefixtures("init_integration")
async def test_action_too_late_does_nothing(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Tapped after "answer within": the door stays shut."""
    notifications, presses = await use_blueprint(
        hass, tmp_path, simulator, answer_within={"minutes": 1}
    )
    notification = await ring_and_notify(hass, freezer, simulator, notifications)
    await advance(hass, freezer, 61)
    hass.bus.async_fire(ACTION_EVENT, {"action": open_action(notification)})
    await hass.async_block_till_done()
    assert presses == []


@pytest.mark.usefixtures("init_integration")
async def test_outage_and_other_events_do_not_notify(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The doorbell unavailable and back, or a card use: no notification; a ring meanwhile: one."""
    notifications, _ = await use_blueprint(hass, tmp_path, simulator)
    doorbell = entity_id(simulator, "event", "doorbell")
    simulator.card_granted()
    await advance(hass, freezer, EVENT_POLL)

    simulator.set_fault(Fault.DROP_CONNECTION, paths=[LOG_PATH])
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, doorbell).state == "unavailable"
    simulator.clear_faults()
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, doorbell).state == "unknown"
    assert notifications == []

    simulator.set_fault(Fault.DROP_CONNECTION, paths=[LOG_PATH])
    await advance(hass, freezer, EVENT_POLL)
    # Rung while the log could not be read: one notification once it can.
    simulator.ring("102")
    simulator.clear_faults()
    await ring_and_notify(hass, freezer, simulator, notifications, ring=False)
    await advance(hass, freezer, 121)  # the action's time runs out
    await advance(hass, freezer, EVENT_POLL)
    assert len(notifications) == 1


async def test_notification_keeps_the_picture_of_its_ring(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A later ring with another visitor: the notification's image is still the first one."""
    notifications, presses = await use_blueprint(hass, tmp_path, simulator)
    notification = await ring_and_notify(hass, freezer, simulator, notifications)
    history = history_of(init_integration)
    await wait_until(lambda: history.visits[0].picture is not None, "the first picture")
    first = simulator.snapshot_jpeg
    simulator.snapshot_jpeg = other_jpeg()
    simulator.ring("102")
    # The run waits for the action: polls are triggered, not waited for.
    for _ in range(5):
        freezer.tick(EVENT_POLL)
        async_fire_time_changed(hass)
        await wait_real(real_sleep(0.2), 1)
        if len(history.visits) == 2:
            break
    await wait_until(lambda: history.visits[-1].picture is not None, "the second picture")
    assert simulator.snapshots == 2

    # The phone fetches the image without a session: the path is signed.
    client = await hass_client_no_auth()
    response = await client.get(notification.data["data"]["image"])
    assert response.status == 200
    assert await response.read() == first
    assert presses == []


@pytest.mark.parametrize("entry_options", [{CONF_HISTORY_DAYS: 0}])
@pytest.mark.usefixtures("init_integration")
async def test_without_history_the_camera_picture(
    hass: HomeAssistant,
    tmp_path: Path,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Visitor history off: the ring has no snapshot of its own, the camera's is attached."""
    notifications, _ = await use_blueprint(hass, tmp_path, simulator)
    notification = await ring_and_notify(hass, freezer, simulator, notifications)
    assert notification.data["data"]["image"] == f"/api/camera_proxy/{CAMERA}"
    assert (
        "snapshot_url" not in state_of(hass, entity_id(simulator, "event", "doorbell")).attributes
    )
