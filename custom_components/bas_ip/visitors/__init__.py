"""Visitor history: each ring's snapshot kept, browsable, linked from the ring event.

Where the device has a camera and an event log, and while the retention
option is not 0 days, every ring is kept with the snapshot taken for it (the
same one request the "Last visitor" image makes), its called number, its
device time and what became of it. ``history`` records, ``model`` decides,
``files`` does the disk I/O (in the executor), ``view`` serves the pictures
to authenticated users, ``texts`` words titles and the logbook. The media
source (``media_source.py``) browses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant, callback

from custom_components.bas_ip.const import (
    CONF_HISTORY_DAYS,
    CONF_HISTORY_MAX_RINGS,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_HISTORY_MAX_RINGS,
)
from custom_components.bas_ip.runtime import BasIpConfigEntry

from .history import VisitorHistory, async_remove_history, media_id, picture_url
from .model import Outcome, Visit, logs_missed_calls
from .texts import async_load_texts, logbook_data
from .view import VisitorPictureView

__all__ = [
    "Outcome",
    "Visit",
    "VisitorHistory",
    "async_register_views",
    "async_remove_history",
    "async_setup_history",
    "history_switched",
    "logbook_data",
    "logs_missed_calls",
    "media_id",
    "picture_url",
    "retention",
]


def retention(options: Mapping[str, Any]) -> tuple[int, int]:
    """Read the retention options: days (0 = off) and rings per device."""
    return (
        int(options.get(CONF_HISTORY_DAYS, DEFAULT_HISTORY_DAYS)),
        int(options.get(CONF_HISTORY_MAX_RINGS, DEFAULT_HISTORY_MAX_RINGS)),
    )


def history_switched(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Tell whether new options turn the history on or off (a reload does that)."""
    return (retention(old)[0] > 0) != (retention(new)[0] > 0)


@callback
def async_register_views(hass: HomeAssistant) -> None:
    """Serve the pictures (once, whatever the number of entries)."""
    hass.http.register_view(VisitorPictureView())


async def async_setup_history(
    hass: HomeAssistant, entry: BasIpConfigEntry
) -> VisitorHistory | None:
    """Load and start the entry's history; ``None`` where it keeps none.

    It subscribes to the event stream now, before the platforms add their
    entities, so that it records each ring before the doorbell event fires.
    Turned off (0 days), whatever was kept is deleted. The texts of the
    logbook and the media browser are loaded for every entry.
    """
    # The logbook's words, for every entry (its access events too).
    await async_load_texts(hass)
    runtime = entry.runtime_data
    days, max_rings = retention(entry.options)
    if runtime.snapshots is None or not runtime.capabilities.event_log:
        return None
    if days == 0:
        await async_remove_history(hass, entry.entry_id)
        return None
    history = VisitorHistory(
        hass,
        entry,
        snapshots=runtime.snapshots,
        logs_missed=logs_missed_calls(runtime.capabilities),
        days=days,
        max_rings=max_rings,
    )
    await history.async_load()
    history.async_start(runtime.stream)
    entry.async_on_unload(history.async_unload)
    return history
