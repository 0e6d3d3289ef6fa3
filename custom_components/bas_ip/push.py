"""Push: the device's own webhooks deliver events to Home Assistant at once.

Android panels from firmware 3.25.8 have webhooks (docs/device-api.md, "Push
channels"). Where the device has them and the option is on, this module:

- registers a Home Assistant webhook (``local_only``, an unguessable id kept
  in the entry) and gives the device Home Assistant's *internal* URL, so
  that deliveries never depend on the external URL or the cloud;
- creates, or adopts and updates, exactly one webhook on the device,
  recognised by a description naming the entry, with a random secret kept in
  the entry like the password; webhooks that are not ours are never touched;
- verifies every delivery (:func:`~.client.verify_delivery`: size, HMAC
  signature, the device clock's timestamp, shape) before anything fires, and
  hands it to the event stream, which fires it once across push and poll;
- watches health (:mod:`.push_health`): while deliveries arrive, the log poll
  only reconciles; when they stop, polling takes over and a repair issue
  says so.
"""

from __future__ import annotations

import secrets
from typing import Final

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError, get_url

from .client import (
    BasIpClient,
    BasIpError,
    BasIpValidationError,
    RejectReason,
    WebhookRejected,
    WebhookSpec,
    push_event_types,
    push_keys,
    verify_delivery,
)
from .client.webhooks import MAX_DELIVERY_BYTES
from .const import CONF_WEBHOOK_ID, CONF_WEBHOOK_SECRET, DOMAIN, ISSUE_PUSH_NO_URL, LOGGER
from .event_coordinator import BasIpEventCoordinator
from .event_stream import BasIpEventStream
from .issues import async_create_push_issue, async_delete_push_issue
from .push_health import PushHealth
from .runtime import BasIpConfigEntry

# The device gives up on a delivery after this long (the vendor allows 1..30 s).
DELIVERY_TIMEOUT_MS: Final = 2000
PUSH_DATA_KEYS: Final = (CONF_WEBHOOK_ID, CONF_WEBHOOK_SECRET)
SECRET_BYTES: Final = 32
"""``token_urlsafe(32)``: 43 characters (the device takes 16..128)."""
_STATUS: Final = {
    RejectReason.TOO_LARGE: 413,
    RejectReason.UNSIGNED: 401,
    RejectReason.BAD_SIGNATURE: 401,
}


def ensure_push_credentials(hass: HomeAssistant, entry: BasIpConfigEntry) -> None:
    """Give the entry its webhook id and secret, once (kept in its data like the password)."""
    if entry.data.get(CONF_WEBHOOK_ID) and entry.data.get(CONF_WEBHOOK_SECRET):
        return
    hass.config_entries.async_update_entry(
        entry,
        data={
            **entry.data,
            CONF_WEBHOOK_ID: webhook.async_generate_id(),
            CONF_WEBHOOK_SECRET: secrets.token_urlsafe(SECRET_BYTES),
        },
    )


def webhook_description(entry_id: str) -> str:
    """Describe our webhook on the device: how this entry recognises its own."""
    return f"Home Assistant {DOMAIN} {entry_id}"


async def async_remove_webhook(client: BasIpClient, entry: BasIpConfigEntry) -> bool:
    """Delete our webhook from the device (push turned off, or the entry removed).

    Only the webhooks whose description names this entry; a failure is
    logged with what the user can do, never raised. Return whether it worked.
    """
    description = webhook_description(entry.entry_id)
    try:
        for hook in await client.webhooks.list():
            if hook.description == description:
                await client.webhooks.delete(hook.uid)
    except BasIpError as err:
        LOGGER.warning(
            "%s: could not remove Home Assistant's webhook from the device (%s); "
            "delete it in the device's web interface (Integrations > Webhooks)",
            entry.title,
            err,
        )
        return False
    return True


async def _read_capped(request: web.Request) -> bytes:
    """Read the body up to one byte past the cap (more is refused unread)."""
    body = bytearray()
    while len(body) <= MAX_DELIVERY_BYTES:
        # read() answers what has arrived: a body may come in several pieces.
        chunk = await request.content.read(MAX_DELIVERY_BYTES + 1 - len(body))
        if not chunk:
            break
        body += chunk
    return bytes(body)


class BasIpPush:
    """One entry's push channel: the receiver, the device's webhook, its health."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BasIpConfigEntry,
        client: BasIpClient,
        *,
        events: BasIpEventCoordinator,
        stream: BasIpEventStream,
        device_type: str | None,
    ) -> None:
        """Prepare; nothing is registered until :meth:`async_start`."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._stream = stream
        self._events = events
        self._keys = push_keys(device_type)
        self._core_keys = push_keys(device_type, core=True)
        self._webhook_id: str = entry.data[CONF_WEBHOOK_ID]
        self._secret: str = entry.data[CONF_WEBHOOK_SECRET]
        self._registered = False
        self.uid: int | None = None
        """The device's id of our webhook, once it is on the device."""
        self.health = PushHealth(hass, entry, client, events=events, stream=stream)

    @property
    def description(self) -> str:
        """The description our webhook carries on the device."""
        return webhook_description(self._entry.entry_id)

    async def async_start(self) -> None:
        """Receive, write our webhook to the device and test it; on failure keep polling."""
        try:
            base = get_url(
                self._hass, allow_external=False, allow_cloud=False, prefer_external=False
            )
        except NoURLAvailableError:
            LOGGER.warning(
                "%s: Home Assistant has no internal URL the device could reach; "
                "events are polled instead of pushed",
                self._entry.title,
            )
            async_create_push_issue(self._hass, self._entry, ISSUE_PUSH_NO_URL)
            return
        async_delete_push_issue(self._hass, self._entry, ISSUE_PUSH_NO_URL)
        webhook.async_register(
            self._hass,
            DOMAIN,
            self._entry.title,
            self._webhook_id,
            self._async_handle,
            local_only=True,
            allowed_methods=("POST",),
        )
        self._registered = True
        url = base + webhook.async_generate_path(self._webhook_id)
        try:
            self.uid = await self._async_write(url)
        except BasIpError as err:
            LOGGER.warning(
                "%s: the device did not take our webhook (%s); events are polled instead",
                self._entry.title,
                err,
            )
            self.health.async_failed()
            return
        self.health.uid = self.uid
        self._stream.pushed_keys = self._keys
        self.health.async_test()

    async def _async_write(self, url: str) -> int:
        """Create or adopt our one webhook; delete our extra copies, never others'."""
        ours = [
            hook
            for hook in await self._client.webhooks.list()
            if hook.description == self.description
        ]
        for extra in ours[1:]:
            await self._client.webhooks.delete(extra.uid)
        uid = ours[0].uid if ours else None
        try:
            return await self._async_put(uid, url, self._keys)
        except BasIpValidationError as err:
            if err.field != "event_types":
                raise
            # (inferred) The vendor's list of webhook event types names access
            # keys only: a device refusing the full set gets rings and access.
            LOGGER.info(
                "%s: the device refused some event types; asking for fewer", self._entry.title
            )
            self._keys = self._core_keys
            return await self._async_put(uid, url, self._keys)

    async def _async_put(self, uid: int | None, url: str, keys: frozenset[str]) -> int:
        spec = WebhookSpec(
            url=url,
            secret=self._secret,
            description=self.description,
            event_types=push_event_types(keys),
            timeout=DELIVERY_TIMEOUT_MS,
        )
        if uid is None:
            return await self._client.webhooks.create(spec)
        await self._client.webhooks.update(uid, spec)
        return uid

    async def async_stop(self) -> None:
        """Stop receiving (unload); the device's webhook stays for the next start."""
        self.health.async_stop()
        if self._registered:
            webhook.async_unregister(self._hass, self._webhook_id)
            self._registered = False

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Verify one delivery and fire what it carries; answer the device."""
        body = await _read_capped(request)
        try:
            delivery = verify_delivery(
                secret=self._secret,
                headers=request.headers,
                body=body,
                device_now_ms=self._client.device_now_ms(),
            )
        except WebhookRejected as err:
            self.health.rejected(err.reason)
            return web.Response(status=_STATUS.get(err.reason, 400))
        self.health.async_delivered()
        if delivery.item is not None:
            # A retry repeats the body (its created_at) but not the timestamp
            # header: the later of the two, on the log's clock (the zone offset
            # the reader learned), is when this attempt left the device.
            reader = self._events.reader
            zone = reader.zone_offset_ms if reader is not None else 0
            sent_ms = max(delivery.created_at_ms, delivery.timestamp_ms + zone)
            await self._stream.async_from_push(
                delivery.event_id, delivery.item, created_at_ms=sent_ms
            )
            self._events.async_note_pushed(delivery.item)
        return web.Response(status=200)
