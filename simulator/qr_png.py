"""A small deterministic PNG that looks like a QR code, for the device's QR call.

Not a readable QR code: three finder squares and modules drawn from a hash
of the identifier's number, so the same identifier always gives the same
picture and the picture never holds the number itself. 8-bit greyscale,
21x21 modules of 4 pixels, a quiet zone of 4 modules.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Final
import zlib

MODULES: Final = 21
SCALE: Final = 4
QUIET: Final = 4
SIZE: Final = (MODULES + 2 * QUIET) * SCALE
"""Width and height of the picture, in pixels."""
PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_FINDER: Final = 7
_BLACK: Final = 0
_WHITE: Final = 255


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _in_finder(row: int, col: int) -> bool | None:
    """Whether a finder square paints ``(row, col)``; ``None``: no finder there."""
    for top, left in ((0, 0), (0, MODULES - _FINDER), (MODULES - _FINDER, 0)):
        r, c = row - top, col - left
        if 0 <= r < _FINDER and 0 <= c < _FINDER:
            ring = min(r, c, _FINDER - 1 - r, _FINDER - 1 - c)
            return ring != 1
    return None


def _modules(seed: str) -> list[list[bool]]:
    bits = int.from_bytes(hashlib.sha256(seed.encode()).digest() * 2, "big")
    grid = []
    for row in range(MODULES):
        line = []
        for col in range(MODULES):
            finder = _in_finder(row, col)
            hashed = bool(bits >> ((row * MODULES + col) % 512) & 1)
            line.append(hashed if finder is None else finder)
        grid.append(line)
    return grid


def qr_png(seed: str) -> bytes:
    """Draw the picture for ``seed`` (the identifier's number) as PNG bytes."""
    grid = _modules(seed)
    rows = bytearray()
    for y in range(SIZE):
        rows.append(0)  # filter: none
        row = y // SCALE - QUIET
        for x in range(SIZE):
            col = x // SCALE - QUIET
            dark = 0 <= row < MODULES and 0 <= col < MODULES and grid[row][col]
            rows.append(_BLACK if dark else _WHITE)
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 0, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
