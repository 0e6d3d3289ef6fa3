"""Helpers of the visitor history tests: pictures, the history, its media items."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from homeassistant.components.media_source import async_browse_media
from homeassistant.core import HomeAssistant
from PIL import Image
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bas_ip.visitors import Visit, VisitorHistory

ROOT = "media-source://bas_ip"


def other_jpeg(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small JPEG unlike the simulator's snapshot: another visitor."""
    output = BytesIO()
    Image.new("RGB", (16, 12), color).save(output, format="JPEG")
    return output.getvalue()


def history_of(entry: MockConfigEntry) -> VisitorHistory:
    """The visitor history of a loaded entry (it must keep one)."""
    history: VisitorHistory | None = entry.runtime_data.visitors
    assert history is not None
    return history


def picture_files(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, bytes]:
    """The pictures on disk, by visit id, under the config dir as the README says."""
    directory = Path(hass.config.config_dir) / "bas_ip" / "visitors" / entry.entry_id
    if not directory.is_dir():
        return {}
    return {path.stem: path.read_bytes() for path in directory.iterdir()}


def visit_ids(entry: MockConfigEntry) -> list[str]:
    """The kept visits' ids, in the order they rang."""
    return [visit.id for visit in history_of(entry).visits]


def last_visit(entry: MockConfigEntry) -> Visit:
    """The newest visit."""
    return history_of(entry).visits[-1]


async def browse(hass: HomeAssistant, identifier: str = "") -> dict[str, Any]:
    """Browse the media source as the media panel does (``as_dict``; set it up first)."""
    item = await async_browse_media(hass, f"{ROOT}/{identifier}" if identifier else ROOT)
    result: dict[str, Any] = item.as_dict()
    return result


def titles(folder: dict[str, Any]) -> list[str]:
    """The titles of a folder's children, in order."""
    return [child["title"] for child in folder["children"]]
