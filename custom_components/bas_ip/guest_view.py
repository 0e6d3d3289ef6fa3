"""The QR image of a guest pass, served to authenticated users or through a signed path.

The image comes from the device's own QR call (``GET .../{uid}/qr``); where
the device's API line has none, it is drawn here from the pass's number
(read from the device, never stored), with ``segno``.
Only passes this integration created are served; the response is never
cached.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import io
from typing import Final

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util import dt as dt_util
import segno

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


def render_qr(number: str) -> bytes:
    """Draw a QR code of ``number`` as a PNG (blocking: run it in the executor)."""
    buffer = io.BytesIO()
    segno.make(number, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


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
            image = await self._async_image(hass, typed, int(uid))
        except BasIpError:
            return web.Response(status=HTTPStatus.BAD_GATEWAY)
        if image is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.Response(
            body=image, content_type="image/png", headers={"Cache-Control": "no-store"}
        )

    @staticmethod
    async def _async_image(hass: HomeAssistant, entry: BasIpConfigEntry, uid: int) -> bytes | None:
        """Fetch the device's QR image, else draw one from the pass's number; ``None``: gone."""
        identifiers = entry.runtime_data.client.identifiers
        if (image := await identifiers.qr_image(uid)) is not None:
            return image
        identifier = await identifiers.get(uid)
        if identifier is None:
            return None
        return await hass.async_add_executor_job(render_qr, identifier.number)
