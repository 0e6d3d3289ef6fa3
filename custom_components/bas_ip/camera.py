"""Camera: snapshots from the device, and its RTSP stream for the live view.

Snapshots come from the entry's shared :class:`SnapshotSource` (always JPEG,
one request for concurrent viewers, briefly reused). The stream URL carries
the RTSP password: it is only ever handed to Home Assistant's stream
machinery, never put into a state, an attribute or a log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.camera import Camera, CameraEntityDescription, CameraEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import RtspSettings
from .const import CONF_RTSP_PASSWORD, CONF_RTSP_USERNAME, MANUFACTURER
from .entity import BasIpDeviceEntity
from .errors import device_action
from .runtime import BasIpConfigEntry, BasIpRuntimeData
from .snapshots import SnapshotSource

# Snapshots are shared by the SnapshotSource; the stream is Home Assistant's.
PARALLEL_UPDATES = 0

CAMERA = CameraEntityDescription(key="camera", translation_key="camera")


def stream_credentials(
    options: Mapping[str, Any], rtsp: RtspSettings | None
) -> tuple[str, str] | None:
    """RTSP username and password: the options' where given, else the device's.

    The device's password is of no use when it comes masked (newer firmware);
    then only a password typed in the options gives a stream.
    """
    username: str | None = options.get(CONF_RTSP_USERNAME) or None
    password: str | None = options.get(CONF_RTSP_PASSWORD) or None
    device_username = rtsp.username if rtsp is not None and rtsp.username else None
    if password is not None:
        user = username or device_username
        return (user, password) if user else None
    if rtsp is not None and rtsp.password is not None and not rtsp.password_masked:
        user = username or device_username
        return (user, rtsp.password) if user else None
    return None


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the camera on devices that have one."""
    runtime = entry.runtime_data
    if not runtime.capabilities.camera or runtime.snapshots is None:
        return
    async_add_entities([BasIpCamera(runtime=runtime, snapshots=runtime.snapshots)])


class BasIpCamera(BasIpDeviceEntity, Camera):
    """The camera of a BAS-IP panel."""

    _attr_brand = MANUFACTURER

    def __init__(self, *, runtime: BasIpRuntimeData, snapshots: SnapshotSource) -> None:
        """Take snapshots from the entry's shared source."""
        super().__init__(runtime=runtime, description=CAMERA)
        Camera.__init__(self)
        self._snapshots = snapshots
        self._attr_model = runtime.device_info.device_name

    def _credentials(self) -> tuple[str, str] | None:
        # Read at each use: RTSP credentials changed in the options apply
        # without a reload.
        return stream_credentials(
            self.runtime.coordinator.config_entry.options, self.runtime.capabilities.rtsp
        )

    @property
    def supported_features(self) -> CameraEntityFeature:
        """Stream only where the RTSP credentials are known."""
        if self._credentials() is None:
            return CameraEntityFeature(0)
        return CameraEntityFeature.STREAM

    @device_action
    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Fetch a JPEG snapshot; a failed one raises a translated error, the entity stays."""
        return await self._snapshots.async_jpeg()

    async def stream_source(self) -> str | None:
        """Build the RTSP URL (with credentials) for Home Assistant's stream and WebRTC."""
        credentials = self._credentials()
        if credentials is None:
            return None
        username, password = credentials
        return self.runtime.client.rtsp_url(username, password)
