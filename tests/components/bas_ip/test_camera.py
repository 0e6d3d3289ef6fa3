"""Camera: JPEG snapshots shared between viewers, and the RTSP stream."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from io import BytesIO
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import (
    CameraEntityFeature,
    async_get_image,
    async_get_stream_source,
)
from homeassistant.const import ATTR_SUPPORTED_FEATURES, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.bas_ip.const import (
    CONF_PUSH,
    CONF_RTSP_PASSWORD,
    CONF_RTSP_USERNAME,
    DOMAIN,
)
from custom_components.bas_ip.runtime import BasIpConfigEntry
from devtools.waits import REAL_TIMEOUT, wait_real, wait_until
from simulator import DeviceSimulator, Profile
from tests.conftest import register_secret
from tests.const import RTSP_PASSWORDS

from .conftest import POLL, advance, state_of
from .test_button import assert_no_traceback, platform_entities
from .test_entities import neutral_attributes

pytestmark = pytest.mark.freeze_time("2026-03-01T12:00:00+00:00")

PANEL = "camera.bas_ip_av_03bd_camera"
ANDROID = "camera.bas_ip_aa_07fb_camera"
OPTION_PASSWORD = "rtsp-0ptions-Secret"
JPEG_MAGIC = b"\xff\xd8\xff"


@pytest.fixture
def camera_only() -> Generator[None]:
    """Set up the camera platform alone."""
    with patch("custom_components.bas_ip.PLATFORMS", [Platform.CAMERA]):
        yield


def _without_tokens(entities: dict[str, Any]) -> dict[str, Any]:
    """Each entity's attributes in their version-neutral form."""
    for entity in entities.values():
        entity["attributes"] = neutral_attributes(entity["attributes"])
    return entities


def assert_jpeg(content: bytes) -> None:
    """``content`` is a JPEG that Pillow reads, of the simulator's picture size."""
    assert content.startswith(JPEG_MAGIC)
    with Image.open(BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert image.size == (64, 48)


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("camera_only", "init_integration")
async def test_camera(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A camera on panels; it streams where the RTSP password is known."""
    entities = platform_entities(hass, entity_registry, init_integration)
    assert _without_tokens(entities) == snapshot
    text = repr(entities)
    for secret in RTSP_PASSWORDS:
        assert secret not in text
    assert "rtsp://" not in text


@pytest.mark.usefixtures("init_integration")
async def test_no_camera_on_monitor(
    hass: HomeAssistant, simulator: DeviceSimulator, entity_registry: er.EntityRegistry
) -> None:
    """A monitor has no camera: no entity, and no snapshot or RTSP request."""
    assert not [entity for entity in entity_registry.entities.values() if entity.domain == "camera"]
    assert simulator.requests["/api/v1/photo/file"] == 0
    assert simulator.requests["/api/v1/device/settings/rtsp"] == 0


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.parametrize("snapshot_format", ["jpeg", "base64", "webp", "base64_webp"])
@pytest.mark.usefixtures("init_integration")
async def test_snapshot_is_jpeg(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: DeviceSimulator,
    snapshot_format: str,
) -> None:
    """JPEG, base64 and WebP answers all reach Home Assistant as a JPEG."""
    simulator.snapshot_format = snapshot_format
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy/{PANEL}")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    content = await response.read()
    assert_jpeg(content)
    if snapshot_format in ("jpeg", "base64"):
        assert content == simulator.snapshot_jpeg
    assert simulator.snapshots == 1


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_android_base64_snapshot(hass: HomeAssistant, simulator: DeviceSimulator) -> None:
    """The Android panel's base64 text answer is decoded to the same JPEG."""
    image = await async_get_image(hass, ANDROID)
    assert image.content_type == "image/jpeg"
    assert image.content == simulator.snapshot_jpeg


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_concurrent_views_share_one_request(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Ten viewers at once while the device takes 2 s: one snapshot request."""
    simulator.snapshot_delay = 2.0
    views = [hass.async_create_task(async_get_image(hass, PANEL)) for _ in range(10)]
    await wait_until(lambda: simulator.snapshots == 1, "snapshot requested")
    freezer.tick(2.5)
    assert await wait_real(asyncio.gather(*views), REAL_TIMEOUT)
    images = [view.result() for view in views]
    assert {image.content for image in images} == {simulator.snapshot_jpeg}
    assert simulator.snapshots == 1


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_recent_snapshot_reused(
    hass: HomeAssistant, simulator: DeviceSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A snapshot a few seconds old is served again; an older one is not."""
    await async_get_image(hass, PANEL)
    freezer.tick(3)
    await async_get_image(hass, PANEL)
    assert simulator.snapshots == 1
    freezer.tick(3)
    await async_get_image(hass, PANEL)
    assert simulator.snapshots == 2


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.parametrize(
    ("snapshot_format", "key"), [("html", "invalid_response"), ("huge", "invalid_response")]
)
@pytest.mark.usefixtures("init_integration")
async def test_bad_snapshot_is_a_clear_error(
    hass: HomeAssistant,
    simulator: DeviceSimulator,
    caplog: pytest.LogCaptureFixture,
    snapshot_format: str,
    key: str,
) -> None:
    """An HTML page or a huge body: a translated error; the camera stays."""
    simulator.snapshot_format = snapshot_format
    with pytest.raises(HomeAssistantError) as raised:
        await async_get_image(hass, PANEL)
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == key
    assert state_of(hass, PANEL).state != STATE_UNAVAILABLE
    assert_no_traceback(caplog)

    simulator.snapshot_format = "jpeg"
    assert (await async_get_image(hass, PANEL)).content == simulator.snapshot_jpeg


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_snapshot_timeout(
    hass: HomeAssistant,
    init_integration: BasIpConfigEntry,
    simulator: DeviceSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device slower than the snapshot timeout: a translated error; the camera stays."""
    init_integration.runtime_data.client._snapshot_timeout = 1.0
    simulator.snapshot_delay = 5.0
    view = hass.async_create_task(async_get_image(hass, PANEL))
    await wait_until(lambda: simulator.snapshots == 1, "snapshot requested")
    freezer.tick(2)
    assert await wait_real(asyncio.wait({view}), REAL_TIMEOUT)
    error = view.exception()
    assert isinstance(error, HomeAssistantError)
    assert error.translation_domain == DOMAIN
    assert error.translation_key == "cannot_connect"
    assert state_of(hass, PANEL).state != STATE_UNAVAILABLE
    assert_no_traceback(caplog)


@pytest.mark.parametrize("simulator_profile", [Profile.CAMDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_stream_source(hass: HomeAssistant, simulator: DeviceSimulator) -> None:
    """The RTSP URL carries the device's credentials; no state shows them."""
    state = state_of(hass, PANEL)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == CameraEntityFeature.STREAM
    url = await async_get_stream_source(hass, PANEL)
    assert url == f"rtsp://user:rtsp-Pan3l-Secret@{simulator.host}:8554/ch01"
    text = repr(state)
    assert "rtsp-Pan3l-Secret" not in text
    assert "rtsp://" not in text


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
@pytest.mark.usefixtures("init_integration")
async def test_masked_password_no_stream(hass: HomeAssistant) -> None:
    """A masked RTSP password and none in the options: snapshots only."""
    state = state_of(hass, ANDROID)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == 0
    assert await async_get_stream_source(hass, ANDROID) is None
    assert (await async_get_image(hass, ANDROID)).content.startswith(JPEG_MAGIC)


@pytest.mark.parametrize(
    ("simulator_profile", "entity_id", "username", "expected_user"),
    [
        (Profile.ANDROID_PANEL, ANDROID, None, "user"),
        (Profile.ANDROID_PANEL, ANDROID, "viewer", "viewer"),
        (Profile.CAMDROID_PANEL, PANEL, "admin@home", "admin%40home"),
    ],
)
async def test_options_credentials(
    hass: HomeAssistant,
    *,
    mock_config_entry: MockConfigEntry,
    simulator: DeviceSimulator,
    entity_id: str,
    username: str | None,
    expected_user: str,
) -> None:
    """RTSP credentials from the options win over the device's (masked or changed)."""
    register_secret(OPTION_PASSWORD)
    options = {CONF_RTSP_PASSWORD: OPTION_PASSWORD}
    if username is not None:
        options[CONF_RTSP_USERNAME] = username
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options=options)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    state = state_of(hass, entity_id)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == CameraEntityFeature.STREAM
    url = await async_get_stream_source(hass, entity_id)
    assert url == f"rtsp://{expected_user}:{OPTION_PASSWORD}@{simulator.host}:8554/ch01"
    assert OPTION_PASSWORD not in repr(state)


# The form shows the stored push option (off in these tests): the browser sends it back.
PUSH_AS_STORED = {CONF_PUSH: False}


@pytest.mark.parametrize("simulator_profile", [Profile.ANDROID_PANEL])
async def test_options_flow_credentials_apply_without_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """RTSP credentials typed in the options give a stream at once; the stored one is kept."""
    register_secret(OPTION_PASSWORD)
    assert await async_get_stream_source(hass, ANDROID) is None
    with patch.object(hass.config_entries, "async_reload") as reload:
        flow = await hass.config_entries.options.async_init(init_integration.entry_id)
        await hass.config_entries.options.async_configure(
            flow["flow_id"],
            {CONF_RTSP_USERNAME: "viewer", CONF_RTSP_PASSWORD: OPTION_PASSWORD, **PUSH_AS_STORED},
        )
        await hass.async_block_till_done()
    assert reload.call_count == 0
    url = await async_get_stream_source(hass, ANDROID)
    assert url is not None
    assert url.startswith(f"rtsp://viewer:{OPTION_PASSWORD}@")
    await advance(hass, freezer, POLL)
    assert state_of(hass, ANDROID).attributes[ATTR_SUPPORTED_FEATURES] == CameraEntityFeature.STREAM

    # Saved again without typing the password: the stored one stays.
    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    schema = flow["data_schema"]
    assert schema is not None
    suggested = {str(key): (key.description or {}).get("suggested_value") for key in schema.schema}
    # The stored password is never sent back to the browser.
    assert (suggested[CONF_RTSP_USERNAME], suggested[CONF_RTSP_PASSWORD]) == ("viewer", None)
    await hass.config_entries.options.async_configure(
        flow["flow_id"], {CONF_RTSP_USERNAME: "viewer", **PUSH_AS_STORED}
    )
    await hass.async_block_till_done()
    assert init_integration.options[CONF_RTSP_PASSWORD] == OPTION_PASSWORD

    # Clearing the username returns to the device's own (masked) credentials.
    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    await hass.config_entries.options.async_configure(flow["flow_id"], {**PUSH_AS_STORED})
    await hass.async_block_till_done()
    assert CONF_RTSP_USERNAME not in init_integration.options
    assert CONF_RTSP_PASSWORD not in init_integration.options
    assert await async_get_stream_source(hass, ANDROID) is None
