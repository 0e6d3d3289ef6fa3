"""Media source "BAS-IP visitors": each intercom, each day, each ring with its picture.

Identifiers: ``""`` lists the intercoms that keep a history,
``<entry id>`` its days (newest first), ``<entry id>/<YYYY-MM-DD>`` that
day's rings (newest first), ``<entry id>/<visit id>`` one ring, which is
what a doorbell event's ``snapshot`` names. Days and times are Home
Assistant's local time of the ring. Pictures and thumbnails are served by the
integration's authenticated view (``visitors/view.py``): the media browser
fetches thumbnails with the user's authentication and resolves a picture to
a signed path.
"""

from __future__ import annotations

from datetime import datetime
import re
from typing import Final

from homeassistant.components.media_player.const import MediaClass
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .snapshots import JPEG
from .visitors import Outcome, Visit, VisitorHistory, picture_url
from .visitors.model import VISIT_ID
from .visitors.texts import access_details, async_load_texts, text
from .visitors.view import loaded_history

_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


async def async_get_media_source(hass: HomeAssistant) -> BasIpVisitorsSource:
    """Set up the media source of the visitor history."""
    await async_load_texts(hass)
    return BasIpVisitorsSource(hass)


def _local_day(visit: Visit) -> str:
    return dt_util.as_local(visit.rung_at).date().isoformat()


def visit_title(hass: HomeAssistant, history: VisitorHistory, visit: Visit, now: datetime) -> str:
    """Title a ring with its local time and outcome: "14:03 — opened: App or web"."""
    time = dt_util.as_local(visit.rung_at).strftime("%H:%M")
    outcome = visit.settled(now=now, logs_missed=history.logs_missed)
    if outcome is Outcome.OPENED:
        details = access_details(
            hass, {"method": visit.method, "owner": visit.owner, "lock": visit.lock}
        )
        title = text(hass, "visit", "opened", time=time, details=details)
    else:
        title = text(hass, "visit", str(outcome or "ring"), time=time)
    if visit.picture is False:
        return text(hass, "visit", "no_picture", title=title)
    return title


def _folder(
    identifier: str | None, title: str, children: list[BrowseMediaSource], kind: MediaClass
) -> BrowseMediaSource:
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier,
        media_class=MediaClass.DIRECTORY,
        media_content_type="",
        title=title,
        can_play=False,
        can_expand=True,
        children=children,
        children_media_class=kind,
    )


class BasIpVisitorsSource(MediaSource):
    """The rings of every BAS-IP intercom that keeps a visitor history."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Name the source in Home Assistant's language."""
        super().__init__(DOMAIN)
        self.hass = hass
        self.name = text(hass, "visit", "source")

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """Resolve a ring to its picture (a path of the authenticated view)."""
        entry_id, _, visit_id = item.identifier.partition("/")
        history = loaded_history(self.hass, entry_id)
        visit = None if history is None else history.visit(visit_id)
        if visit is None or visit.picture is False:
            raise Unresolvable(f"No picture for {item.identifier}")
        return PlayMedia(picture_url(entry_id, visit.id), JPEG)

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Browse the intercoms, a day, or one ring."""
        if not item.identifier:
            return self._root()
        entry_id, _, rest = item.identifier.partition("/")
        if (history := loaded_history(self.hass, entry_id)) is None:
            raise BrowseError(f"Unknown intercom: {entry_id}")
        now = dt_util.utcnow()
        if not rest:
            return self._intercom(history)
        if _DAY.fullmatch(rest):
            return self._day(history, rest, now)
        if VISIT_ID.fullmatch(rest) and (visit := history.visit(rest)) is not None:
            return self._visit(history, visit, now)
        raise BrowseError(f"Unknown ring: {item.identifier}")

    def _root(self) -> BrowseMediaSource:
        histories = [
            history
            for entry in self.hass.config_entries.async_loaded_entries(DOMAIN)
            if (history := entry.runtime_data.visitors) is not None
        ]
        children = [
            _folder(history.entry.entry_id, history.entry.title, [], MediaClass.DIRECTORY)
            for history in sorted(histories, key=lambda history: history.entry.title)
        ]
        return _folder(None, str(self.name), children, MediaClass.DIRECTORY)

    def _intercom(self, history: VisitorHistory) -> BrowseMediaSource:
        days = sorted({_local_day(visit) for visit in history.visits}, reverse=True)
        entry_id = history.entry.entry_id
        children = [_folder(f"{entry_id}/{day}", day, [], MediaClass.IMAGE) for day in days]
        return _folder(entry_id, history.entry.title, children, MediaClass.DIRECTORY)

    def _day(self, history: VisitorHistory, day: str, now: datetime) -> BrowseMediaSource:
        visits = [visit for visit in history.visits if _local_day(visit) == day]
        visits.sort(key=lambda visit: (visit.rung_at, visit.device_ms), reverse=True)
        children = [self._visit(history, visit, now) for visit in visits]
        return _folder(f"{history.entry.entry_id}/{day}", day, children, MediaClass.IMAGE)

    def _visit(self, history: VisitorHistory, visit: Visit, now: datetime) -> BrowseMediaSource:
        entry_id = history.entry.entry_id
        has_picture = visit.picture is not False
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=f"{entry_id}/{visit.id}",
            media_class=MediaClass.IMAGE,
            media_content_type=JPEG,
            title=visit_title(self.hass, history, visit, now),
            can_play=has_picture,
            can_expand=False,
            thumbnail=picture_url(entry_id, visit.id) if has_picture else None,
        )
