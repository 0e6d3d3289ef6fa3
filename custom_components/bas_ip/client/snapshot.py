"""What a snapshot body is: JPEG, WebP, or base64 text of either.

Pure functions, no I/O: a fuzz target. Firmware differs in what
``/api/v1/photo/file`` sends (inferred from the vendor page: JPEG bytes on
some, base64 text or WebP on others), so the bytes are sniffed, not the
content type trusted.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

from .exceptions import BasIpResponseError
from .models import Snapshot

JPEG: Final = "image/jpeg"
WEBP: Final = "image/webp"
_JPEG_MAGIC: Final = b"\xff\xd8\xff"
_WHITESPACE: Final = b" \t\r\n\v\f"


def sniff_image(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/webp`` from the magic bytes, else ``None``."""
    if data.startswith(_JPEG_MAGIC):
        return JPEG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def decode_snapshot(body: bytes) -> Snapshot:
    """Decode the image in ``body``; :class:`BasIpResponseError` for anything else.

    Base64 is decoded strictly (only the base64 alphabet and padding; ASCII
    whitespace, such as line breaks, is allowed anywhere) and must itself be
    a JPEG or WebP.
    """
    kind = sniff_image(body)
    if kind is not None:
        return Snapshot(content=body, content_type=kind)
    compact = body.translate(None, _WHITESPACE)
    if compact:
        try:
            decoded = base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        kind = sniff_image(decoded)
        if kind is not None:
            return Snapshot(content=decoded, content_type=kind)
    raise BasIpResponseError("Device answered the snapshot with something that is not an image")
