"""The QR image of a guest pass, served to authenticated users or through a signed path.

The image comes from the device's own QR call (``GET .../{uid}/qr``); a
device whose API line has none answers 404 here (README, "Guest passes").
Only passes this integration created are served; the response is never
cached.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Final

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util import dt as dt_util

from .client import BasIpError
from .const import DOMAIN
from .guest_passes import GuestPass
from .runtime import BasIpConfigEntry

QR_PATH: Final = "/api/bas_ip/guest_pass/{entry_id}/{uid}/qr"
# A signed link lives as long as its pass, at least a minute and at most 30 days.
_LINK_MIN: Final = timedelta(minutes=1)
_LINK_MAX: Final = timedelta(days=30)


def qr_url(hass: HomeAssistant, entry: BasIpConfigEntry, guest: GuestPass) -> str:
    """Sign the path of a pass's QR image until the pass ends (for a notification)."""
    until = dt_util.parse_datetime(guest.valid_until)
    left = (until - dt_util.utcnow()) if until is not None else _LINK_MIN
    path = QR_PATH.format(entry_id=entry.entry_id, uid=guest.uid)
    return async_sign_path(hass, path, min(max(left, _LINK_MIN), _LINK_MAX), use_content_user=True)


class GuestPassQrView(HomeAssistantView):
    """Serve the QR image of one of our guest passes."""

    url = QR_PATH
    name = "api:bas_ip:guest_pass_qr"
    requires_auth = True

    async def get(self, request: web.Request, entry_id: str, uid: str) -> web.StreamResponse:
        """Answer the PNG, or 404 for anything that is not one of our passes."""
        hass: HomeAssistant = request.app[KEY_HASS]
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is None
            or entry.domain != DOMAIN
            or entry.state is not ConfigEntryState.LOADED
            or not uid.isdecimal()
        ):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        typed: BasIpConfigEntry = entry
        passes = typed.runtime_data.guest_passes
        if passes is None or int(uid) not in {g.uid for g in passes.passes}:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            image = await typed.runtime_data.client.identifiers.qr_image(int(uid))
        except BasIpError:
            return web.Response(status=HTTPStatus.BAD_GATEWAY)
        if image is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.Response(
            body=image, content_type="image/png", headers={"Cache-Control": "no-store"}
        )
