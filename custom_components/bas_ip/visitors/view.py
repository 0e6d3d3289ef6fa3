"""The HTTP view that serves a visit's picture, to authenticated users only.

``GET /api/bas_ip/visitors/<entry id>/<visit id>.jpg`` needs Home
Assistant's authentication: a user's token, or a path signed by Home
Assistant (the ``snapshot_url`` of a ring event, a media-source resolve).
A picture still being taken is waited for, briefly.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from custom_components.bas_ip.const import DOMAIN
from custom_components.bas_ip.runtime import BasIpConfigEntry

from .history import VisitorHistory

# Private: only the users of this Home Assistant see it, and not for long.
_CACHE_CONTROL: Final = "private, max-age=3600"


def loaded_history(hass: HomeAssistant, entry_id: str) -> VisitorHistory | None:
    """Return the visitor history of a loaded entry of ours, if it keeps one."""
    entry: BasIpConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        return None
    return entry.runtime_data.visitors


class VisitorPictureView(HomeAssistantView):
    """A visit's picture."""

    url = "/api/bas_ip/visitors/{entry_id}/{visit_id:[0-9a-f]{24}}.jpg"
    name = "api:bas_ip:visitor_picture"
    requires_auth = True

    async def get(self, request: web.Request, entry_id: str, visit_id: str) -> web.Response:
        """Serve the picture; 404 for an unknown visit or one without a picture."""
        history = loaded_history(request.app[KEY_HASS], entry_id)
        picture = None if history is None else await history.async_picture(visit_id)
        if picture is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.Response(
            body=picture, content_type="image/jpeg", headers={"Cache-Control": _CACHE_CONTROL}
        )
