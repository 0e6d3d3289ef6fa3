"""The visitor history's pictures on disk.

Every function here blocks: the history runs them in the executor, never on
the event loop. A picture is ``<visit id>.jpg`` in the entry's directory
(``<config>/bas_ip/visitors/<entry id>/``), readable by Home Assistant's user
only; a name never holds a card number, a code or a name.
"""

from __future__ import annotations

from collections.abc import Iterable
import contextlib
import os
from pathlib import Path
import shutil
from typing import Final

from homeassistant.core import HomeAssistant

from custom_components.bas_ip.const import DOMAIN

SUFFIX: Final = ".jpg"
_DIR_MODE: Final = 0o700
_FILE_MODE: Final = 0o600


def history_dir(hass: HomeAssistant, entry_id: str) -> Path:
    """Return the directory of one entry's pictures."""
    return Path(hass.config.path(DOMAIN, "visitors", entry_id))


def write_picture(directory: Path, visit_id: str, jpeg: bytes) -> None:
    """Store a picture, whole or not at all (written aside, then renamed)."""
    directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
    partial = directory / f".{visit_id}.part"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _FILE_MODE)
    with os.fdopen(fd, "wb") as file:
        file.write(jpeg)
    partial.replace(directory / f"{visit_id}{SUFFIX}")


def read_picture(directory: Path, visit_id: str) -> bytes | None:
    """Read a picture; ``None`` when it is not there."""
    try:
        return (directory / f"{visit_id}{SUFFIX}").read_bytes()
    except FileNotFoundError:
        return None


def delete_pictures(directory: Path, visit_ids: Iterable[str]) -> None:
    """Delete pictures (those already gone are no error)."""
    for visit_id in visit_ids:
        with contextlib.suppress(FileNotFoundError):
            (directory / f"{visit_id}{SUFFIX}").unlink()


def sweep(directory: Path, known: set[str]) -> set[str]:
    """Delete what the index does not name (left by a crash); return the pictures kept."""
    if not directory.is_dir():
        return set()
    kept: set[str] = set()
    for path in directory.iterdir():
        if path.suffix == SUFFIX and path.stem in known:
            kept.add(path.stem)
        elif path.is_file():
            path.unlink(missing_ok=True)
    return kept


def remove_history(directory: Path) -> None:
    """Delete the directory and every picture in it."""
    shutil.rmtree(directory, ignore_errors=True)
