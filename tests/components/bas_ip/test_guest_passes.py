"""Guest passes: created from Home Assistant, presented at the simulated panel, revoked.

Every panel profile; the pass is shown at the panel through the simulator's
``present`` control, and the access event is read back from its log.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bas_ip.const import DOMAIN
from simulator import DeviceSimulator, Profile

from .conftest import advance, state_of
from .event_helpers import entity_id
from .test_services import CallServiceEcho, bus_echo, placeholder, refused  # noqa: F401

PANELS = [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]
EVENT_POLL = 5


def _sensor(device: DeviceSimulator) -> str:
    return entity_id(device, "sensor", "active_guest_passes")


async def create(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> dict[str, Any]:
    """Call create_guest_pass and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "create_guest_pass",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


async def listed(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Call list_guest_passes and return the passes."""
    response = await hass.services.async_call(
        DOMAIN,
        "list_guest_passes",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    passes = response["passes"]
    assert isinstance(passes, list)
    return [dict(item) for item in passes if isinstance(item, dict)]


def _window(hours: float = 1.0, start: float = 0.0) -> dict[str, str]:
    now = dt_util.utcnow()
    return {
        "valid_from": (now + timedelta(hours=start)).isoformat(),
        "valid_until": (now + timedelta(hours=hours)).isoformat(),
    }


@pytest.mark.parametrize("simulator_profile", PANELS)
@pytest.mark.usefixtures("bus_echo")
async def test_code_pass_opens_in_its_window_and_names_its_owner(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Created with two passes: two grants naming the cleaner as a guest, then refused."""
    response = await create(
        hass, init_integration, kind="code", name="Cleaner", max_passes=2, **_window()
    )
    code = response["code"]
    assert len(code) == 6
    assert code.isdigit()
    assert state_of(hass, _sensor(simulator)).state == "1"
    access = entity_id(simulator, "event", "access")
    for _ in range(2):
        simulator.identifiers.present("code", code)
        await advance(hass, freezer, EVENT_POLL)
        state = state_of(hass, access)
        assert state.attributes["event_type"] == "granted"
        assert state.attributes["owner"] == "Cleaner"
        assert state.attributes["guest_pass"] is True
    simulator.identifiers.present("code", code)
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, access).attributes["event_type"] == "denied"
    # A resident's card is not a guest pass.
    simulator.card_granted("0012345678", owner="Anna")
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, access).attributes["guest_pass"] is False
    assert code not in str(state_of(hass, _sensor(simulator)).attributes)


@pytest.mark.parametrize("simulator_profile", PANELS)
@pytest.mark.usefixtures("bus_echo")
async def test_a_pass_before_its_window_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device checks the window on its own clock: not yet valid, refused."""
    response = await create(
        hass, init_integration, kind="code", name="Courier", **_window(hours=3, start=1)
    )
    simulator.identifiers.present("code", response["code"])
    await advance(hass, freezer, EVENT_POLL)
    assert (
        state_of(hass, entity_id(simulator, "event", "access")).attributes["event_type"] == "denied"
    )


@pytest.mark.parametrize("simulator_profile", PANELS)
@pytest.mark.usefixtures("bus_echo")
async def test_qr_pass_image_is_served_signed_and_refused_unsigned(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The QR link works without a login while signed; the bare path needs one."""
    response = await create(hass, init_integration, kind="qr", name="Guest", **_window())
    assert "code" not in response
    client = await hass_client_no_auth()
    signed = await client.get(response["qr_url"])
    assert signed.status == HTTPStatus.OK
    assert (await signed.read()).startswith(b"\x89PNG")
    bare = await client.get(response["qr_url"].partition("?")[0])
    assert bare.status == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize("simulator_profile", PANELS)
@pytest.mark.usefixtures("bus_echo")
async def test_revoke_and_list_see_only_our_passes(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """A resident's own card is never listed nor revoked; ours are."""
    theirs = simulator.identifiers.create(
        {
            "identifier_owner": {"name": "Anna", "type": "owner"},
            "identifier_type": "card",
            "identifier_number": "12345678",
            "lock": "first",
            "valid": {"time": {"is_permanent": True}, "passes": {"is_permanent": True}},
        }
    )
    ours = await create(hass, init_integration, kind="code", name="Cleaner", **_window())
    passes = await listed(hass, init_integration)
    assert [item["uid"] for item in passes] == [ours["uid"]]
    assert "code" not in passes[0]
    error = await refused(hass, "revoke_guest_pass", init_integration, uid=theirs)
    assert error.translation_key == "guest_pass_not_ours"
    assert simulator.identifiers.get(theirs) is not None
    await hass.services.async_call(
        DOMAIN,
        "revoke_guest_pass",
        {"config_entry_id": init_integration.entry_id, "uid": ours["uid"]},
        blocking=True,
    )
    assert simulator.identifiers.get(ours["uid"]) is None
    assert await listed(hass, init_integration) == []
    assert state_of(hass, _sensor(simulator)).state == "0"


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"kind": "code", "valid_until": "2000-01-01T00:00:00+00:00"}, "guest_pass_expired"),
        ({"kind": "code", **_window(hours=1, start=2)}, "guest_pass_window"),
        ({"kind": "qr", "code": "123456", **_window()}, "guest_pass_code_for_qr"),
    ],
)
@pytest.mark.usefixtures("bus_echo")
async def test_bad_input_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """A window in the past or backwards, a code for a QR pass: refused, nothing created."""
    error = await refused(hass, "create_guest_pass", init_integration, name="X", **data)
    assert error.translation_key == key
    assert simulator.identifiers.held() == []


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("bus_echo")
async def test_a_code_the_device_holds_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """The device already has the code: a translated error, one pass on the device."""
    await create(hass, init_integration, kind="code", name="A", code="482913", **_window())
    error = await refused(
        hass,
        "create_guest_pass",
        init_integration,
        kind="code",
        name="B",
        code="482913",
        **_window(),
    )
    assert error.translation_key == "guest_pass_duplicate"
    assert placeholder(error, "field") == "code"
    assert len(simulator.identifiers.held()) == 1


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("bus_echo")
async def test_a_non_admin_account_is_told_so(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """The device answers 403: the error names the missing permission."""
    simulator.identifiers.forbidden = True
    error = await refused(
        hass, "create_guest_pass", init_integration, kind="code", name="A", **_window()
    )
    assert error.translation_key == "guest_pass_permission"


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_MONITOR])
@pytest.mark.usefixtures("bus_echo")
async def test_a_monitor_has_no_guest_passes(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Monitors have no identifiers: no sensor, a clear error."""
    assert not [s for s in hass.states.async_entity_ids("sensor") if "guest" in s]
    error = await refused(
        hass, "create_guest_pass", init_integration, kind="code", name="A", **_window()
    )
    assert error.translation_key == "guest_passes_unsupported"


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("bus_echo")
async def test_expired_passes_are_removed_daily(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once a day the integration deletes its expired passes from the device."""
    short = await create(hass, init_integration, kind="code", name="A", **_window(hours=1))
    long = await create(hass, init_integration, kind="code", name="B", **_window(hours=72))
    await advance(hass, freezer, 24 * 3600 + 60)
    assert simulator.identifiers.get(short["uid"]) is None
    assert simulator.identifiers.get(long["uid"]) is not None
    assert state_of(hass, _sensor(simulator)).state == "1"


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("bus_echo")
async def test_the_window_follows_a_skewed_device_clock(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device's clock runs two hours ahead: the window is moved onto it, the pass works."""
    simulator.skew_clock(2 * 3600)
    await advance(hass, freezer, EVENT_POLL)  # a log read: its Date header shows the skew
    response = await create(hass, init_integration, kind="code", name="Cleaner", **_window())
    simulator.identifiers.present("code", response["code"])
    await advance(hass, freezer, EVENT_POLL)
    assert state_of(hass, entity_id(simulator, "event", "access")).attributes["event_type"] == (
        "granted"
    )


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("bus_echo")
async def test_a_random_code_the_device_holds_is_drawn_again(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: DeviceSimulator
) -> None:
    """The random code is one the device does not hold yet."""
    await create(hass, init_integration, kind="code", name="A", code="482913", **_window())
    with patch(
        "custom_components.bas_ip.guest_passes.random_code", side_effect=["482913", "731642"]
    ):
        response = await create(hass, init_integration, kind="code", name="B", **_window())
    assert response["code"] == "731642"
    assert len(simulator.identifiers.held()) == 2


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("bus_echo")
async def test_qr_image_is_drawn_where_the_device_has_no_qr_call(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    mock_config_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The older API line (plural paths) has no QR call: the image is drawn from the number."""
    simulator.use_identifier_spellings("identifiers")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    response = await create(hass, mock_config_entry, kind="qr", name="Guest", **_window())
    client = await hass_client_no_auth()
    image = await client.get(response["qr_url"])
    assert image.status == HTTPStatus.OK
    body = await image.read()
    assert body.startswith(b"\x89PNG")
    assert simulator.requests["/api/v1/access/identifiers/item"] == 1
    assert not any("/qr" in path for path in simulator.requests)
