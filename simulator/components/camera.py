"""Snapshots and RTSP settings.

Every RTSP password ever held is remembered for :meth:`Camera.secrets`.
"""

from __future__ import annotations

import base64
from typing import Final

from simulator.images import HTML_PAGE, SNAPSHOT_JPEG, SNAPSHOT_WEBP, huge_jpeg
from simulator.profiles import RTSP_MASK, RTSP_USERNAME, ProfileData

SNAPSHOT_FORMATS: Final = ("jpeg", "base64", "webp", "base64_webp", "html", "huge")


class Camera:
    """What the camera serves and how."""

    __slots__ = (
        "_password",
        "_passwords",
        "rtsp_audio_enabled",
        "rtsp_masked",
        "rtsp_username",
        "snapshot_delay",
        "snapshot_format",
        "snapshot_jpeg",
        "snapshot_webp",
        "snapshots",
    )

    def __init__(self, data: ProfileData) -> None:
        """Take the profile's snapshot encoding and RTSP credentials."""
        self.snapshot_delay = 0.0
        """Seconds a snapshot takes (real panels need 2-4 s)."""
        self.snapshot_format = data.snapshot_format or "jpeg"
        """One of :data:`SNAPSHOT_FORMATS`."""
        self.snapshot_jpeg: bytes = SNAPSHOT_JPEG
        self.snapshot_webp: bytes = SNAPSHOT_WEBP
        self.snapshots = 0
        """Snapshots served."""
        self.rtsp_username = RTSP_USERNAME
        self._passwords: set[str] = set()
        self._password = ""
        self.rtsp_password = data.rtsp_password or ""
        self.rtsp_masked = data.rtsp_masked
        self.rtsp_audio_enabled = False

    @property
    def rtsp_password(self) -> str:
        """The RTSP password held (masked in the GET answer when ``rtsp_masked``)."""
        return self._password

    @rtsp_password.setter
    def rtsp_password(self, password: str) -> None:
        self._password = password
        self._passwords.add(password)

    def snapshot_body(self) -> tuple[bytes, str]:
        """``(body, content type)`` of a snapshot in ``snapshot_format``."""
        kind = self.snapshot_format
        if kind == "base64":
            return base64.b64encode(self.snapshot_jpeg), "text/plain"
        if kind == "webp":
            return self.snapshot_webp, "image/webp"
        if kind == "base64_webp":
            return base64.b64encode(self.snapshot_webp), "text/plain"
        if kind == "html":
            return HTML_PAGE, "text/html"
        if kind == "huge":
            return huge_jpeg(), "image/jpeg"
        return self.snapshot_jpeg, "image/jpeg"

    def rtsp_answer(self) -> dict[str, object]:
        """Body of ``GET /api/v1/device/settings/rtsp``."""
        return {
            "username": self.rtsp_username,
            "password": RTSP_MASK if self.rtsp_masked else self._password,
            "is_audio_enabled": self.rtsp_audio_enabled,
        }

    def secrets(self) -> set[str]:
        """Every RTSP password ever held."""
        return set(self._passwords)
