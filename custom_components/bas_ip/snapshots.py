"""Camera snapshots as Home Assistant wants them: JPEG, shared, briefly reused.

The device needs 2-4 s for a snapshot. Every viewer of the camera and the
last-visitor image draw from this one source: concurrent callers wait for
the same request, and a snapshot younger than a few seconds is served again.
"""

from __future__ import annotations

import asyncio
from io import BytesIO
import time

from homeassistant.core import HomeAssistant
from PIL import Image, UnidentifiedImageError

from .client import BasIpClient, BasIpResponseError
from .const import SNAPSHOT_REUSE_SECONDS

JPEG = "image/jpeg"
JPEG_QUALITY = 90


def webp_to_jpeg(content: bytes) -> bytes:
    """Re-encode a WebP snapshot as JPEG (blocking: run it in the executor)."""
    try:
        with Image.open(BytesIO(content)) as image:
            image.load()
            output = BytesIO()
            image.convert("RGB").save(output, format="JPEG", quality=JPEG_QUALITY)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as err:
        # Pillow reports a damaged image through several exception types.
        raise BasIpResponseError(
            f"Snapshot is not a readable WebP image ({type(err).__name__})"
        ) from None
    return output.getvalue()


class SnapshotSource:
    """JPEG snapshots of one device."""

    def __init__(self, hass: HomeAssistant, client: BasIpClient) -> None:
        """Nothing is fetched until someone asks."""
        self._hass = hass
        self._client = client
        self._lock = asyncio.Lock()
        self._jpeg: bytes | None = None
        self._taken = 0.0

    def forget(self) -> None:
        """Drop the kept snapshot: the next request asks the device, however recent it was."""
        self._jpeg = None

    async def async_jpeg(self, *, max_age: float = SNAPSHOT_REUSE_SECONDS) -> bytes:
        """Get a snapshot no older than ``max_age`` seconds; raises the client's errors."""
        async with self._lock:
            # Callers that waited for the lock get the snapshot it produced.
            if self._jpeg is not None and time.monotonic() - self._taken < max_age:
                return self._jpeg
            snapshot = await self._client.get_snapshot()
            if snapshot.content_type == JPEG:
                jpeg = snapshot.content
            else:
                jpeg = await self._hass.async_add_executor_job(webp_to_jpeg, snapshot.content)
            self._jpeg = jpeg
            self._taken = time.monotonic()
            return jpeg
