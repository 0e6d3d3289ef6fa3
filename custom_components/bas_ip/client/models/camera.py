"""Camera: a snapshot image and the RTSP credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from ._fields import read_bool, read_object, read_str


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """One camera image, already decoded from base64 where the device sent text."""

    content: bytes = field(repr=False)
    content_type: str

    def __repr__(self) -> str:
        """Type and size, not the bytes."""
        return f"Snapshot(content_type={self.content_type!r}, size={len(self.content)})"


@dataclass(frozen=True, slots=True, kw_only=True)
class RtspSettings:
    """RTSP credentials of the camera stream; the password never shows in the repr."""

    username: str
    password: str | None = field(default=None, repr=False)
    audio_enabled: bool | None = None

    @property
    def password_masked(self) -> bool:
        """Whether the device hid the password (newer firmware): the user must give it."""
        return not self.password or set(self.password) == {"*"}

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the body of ``GET /api/v1/device/settings/rtsp``."""
        body = read_object(data, "rtsp")
        username = read_str(body, "username", required=True)
        assert username is not None
        return cls(
            username=username,
            password=read_str(body, "password"),
            audio_enabled=read_bool(body, "is_audio_enabled"),
        )
