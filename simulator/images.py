"""Tiny real images the simulated camera serves, embedded so nothing is generated.

Both show the same 64x48 picture (a door in a wall). They were encoded once;
the bytes are kept as base64 so the module stays plain text.
"""

from __future__ import annotations

import base64
from typing import Final

JPEG_WIDTH: Final = 64
JPEG_HEIGHT: Final = 48

SNAPSHOT_JPEG: Final = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZG"
    "NywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09P"
    "T09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAwAEADASIAAhEBAxEB/8QAGQABAQEBAQEAAAAAAAAAAAAA"
    "AAYFAwIH/8QAMRAAAQMCAgULBQEAAAAAAAAAAQACAwQRBhIFFSExVBMUIjVEUXOCssLRYYGRk6NB/8QAGAEAAwEB"
    "AAAAAAAAAAAAAAAAAAMEAQX/xAAcEQADAQEBAQEBAAAAAAAAAAAAAQIDEQQSMfD/2gAMAwEAAhEDEQA/AJNERVCA"
    "i3MNaPpa7nPOouUyZcvSIte99x+i3dQaL4X+jvlT6emIr5YycnS6iGRXOoNF8L/R3ysnEWi6KioGS00OR5lDScxO"
    "yx7z9FkeqKpSkzXlSXScREVIoIiIApsHds8nuXrGs9VFQQNhcWQyPLZXNdYnZsbv2gjN+AvODu2eT3KkexsjHMe0"
    "Oa4Wc0i4I7ly96+dm/78K812CRwPPVOlqIS4upmMB2uvkdc2AF9l+lfZ/i08W9VxeMPS5bUUUcEYjhjZGxu5rGgA"
    "fYLFxb1XF4w9LlmdfWyYUuQ0SCIi6pIEREAU2Du2eT3KlXzmGonp78hPJFm35Hlt/wALrrGu42p/a75Uevld26TH"
    "xqpXD6CsPFvVcXjD0uU1rGu42p/a75XOarqZ2hk9RLI0G4D3ki/3WZ+VxSroVqmucOKIitEH/9k="
)
"""A baseline JPEG, 64x48, 0"""

SNAPSHOT_WEBP: Final = base64.b64decode(
    "UklGRtwAAABXRUJQVlA4INAAAABwBgCdASpAADAAPrFMnkmnJKKhMrtoAOAWCUAZVYJx9znSRndE9FXbU9sFBPWU"
    "M94iHVHM1pJMvwiPWwAA/vBsr7nqXgz1e4gHuu+0WS4ejumfZ0RIvT3Eya234ZPg3pjQOZi2eVjSrn1Ntb0AmJZu"
    "lirD/U8Ivta2PkM2kEpuQeStDN10gkphZu6ZENrAGt0gxgbGadMYpaJGLAl9l/tDy/bPgmlFrqix7tikICiGPMDt"
    "clPDS27CaOrPAsolJ371E0iy7QF9Rft95vePQAAA"
)
"""A lossy WebP (``RIFF....WEBP``), 64x48."""

HTML_PAGE: Final = (
    b"<!DOCTYPE html>\n<html><head><title>Camera</title></head>"
    b"<body><p>Camera is not available</p></body></html>\n"
)
"""What some firmware answers instead of a picture (a 200 HTML page, inferred)."""

HUGE_SIZE: Final = 5 * 1024 * 1024 + 64 * 1024
"""Size of the oversized snapshot: more than the client's 5 MiB limit."""


def huge_jpeg() -> bytes:
    """Build a JPEG-looking body larger than 5 MiB (the real picture, then padding)."""
    return SNAPSHOT_JPEG[:-2] + b"\x00" * (HUGE_SIZE - len(SNAPSHOT_JPEG)) + b"\xff\xd9"
