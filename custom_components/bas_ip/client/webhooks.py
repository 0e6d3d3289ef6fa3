"""Webhooks of Android panels (firmware 3.25.8 and later): the API and the delivery check.

:class:`WebhookApi` lists, creates, updates, deletes and tests the device's
webhooks (``/api/v1/webhooks``, docs/device-api.md "Push channels"; the base
path is inferred). A device without webhooks answers 404 to the list, which
reads as :class:`BasIpUnsupportedDeviceError`.

:func:`verify_delivery` checks one request the device sent, without any I/O.
What the signature covers is not documented: exactly two candidates are
accepted, each an HMAC-SHA256 keyed with the secret, over the raw body or over
``X-Webhook-Timestamp + "." + body``. Nothing is parsed before the signature
holds; a rejection's text never repeats the secret, the signature or the body.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
import hashlib
import hmac
import json
import re
from typing import Any, Final

from .auth import Auth
from .exceptions import (
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
    RejectReason,
    WebhookRejected,
)
from .models._fields import read_object
from .models.webhook import (
    EVENT_TYPE_PREFIX,
    SECRET_MIN_LENGTH,
    UID_MAX,
    Webhook,
    WebhookDelivery,
    WebhookSpec,
    read_uid,
)
from .paging import read_pages
from .validation import check_int_range

PATH_WEBHOOKS: Final = "/api/v1/webhooks"
PATH_WEBHOOK: Final = "/api/v1/webhooks/{uid}"
PATH_WEBHOOK_TEST: Final = "/api/v1/webhooks/{uid}/test"
LIST_MAX_PAGES: Final = 10
# The device fires the test request while the call waits: up to the longest
# webhook timeout (30 s), and a margin.
TEST_TIMEOUT: Final = 35.0
_ACTION_MAX_BYTES: Final = 64 * 1024

MAX_DELIVERY_BYTES: Final = 65536
DEFAULT_WINDOW_MS: Final = 300_000
HEADER_SIGNATURE: Final = "X-Webhook-Signature"
HEADER_TIMESTAMP: Final = "X-Webhook-Timestamp"
HEADER_ATTEMPT: Final = "X-Webhook-Attempt"
_SIGNATURE: Final = re.compile(r"[0-9a-fA-F]{64}")
# ISO-8601 with a date, a time to the second, an optional fraction and a
# zone (``Z`` or an offset); nothing else ``fromisoformat`` would take.
_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_ATTEMPT: Final = re.compile(r"[0-9]{1,6}")
_TIMESTAMP_MAX_MS: Final = 10**15
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND: Final = timedelta(milliseconds=1)


class WebhookApi:
    """The webhooks of one device, reached through the client's login."""

    def __init__(self, auth: Auth) -> None:
        """Share the client's token and transport."""
        self._auth = auth

    async def list(self) -> builtins.list[Webhook]:
        """Read every webhook (at most 10 pages of 50).

        Raises :class:`BasIpUnsupportedDeviceError` where the device has no
        webhooks (404) and :class:`BasIpResponseError` for a malformed entry:
        an entry that cannot be read is never silently left out.
        """
        return await read_pages(
            lambda params: self._auth.request("GET", PATH_WEBHOOKS, params=params),
            Webhook.from_dict,
            lambda webhook: webhook.uid,
            what="webhooks",
            max_pages=LIST_MAX_PAGES,
        )

    async def create(self, spec: WebhookSpec) -> int:
        """Create a webhook; return its uid. The spec is checked before anything is sent."""
        body = spec.as_body()
        answer = await self._auth.request("POST", PATH_WEBHOOKS, json=body, validation=True)
        return read_uid(read_object(answer, "webhook"), "item_uid")

    async def update(self, uid: int, spec: WebhookSpec) -> None:
        """Write ``spec`` over webhook ``uid`` (secret included)."""
        check_int_range("uid", uid, 0, UID_MAX)
        await self._action("PUT", PATH_WEBHOOK.format(uid=uid), json=spec.as_body())

    async def delete(self, uid: int) -> None:
        """Delete webhook ``uid``; one that is already gone (404) is not an error."""
        check_int_range("uid", uid, 0, UID_MAX)
        try:
            await self._action("DELETE", PATH_WEBHOOK.format(uid=uid))
        except BasIpUnsupportedDeviceError:
            return

    async def test(self, uid: int) -> int | None:
        """Have the device fire a test delivery; return the HTTP status it got, if it says."""
        check_int_range("uid", uid, 0, UID_MAX)
        answer = await self._action(
            "POST", PATH_WEBHOOK_TEST.format(uid=uid), request_timeout=TEST_TIMEOUT
        )
        try:
            decoded = json.loads(answer)
        except (ValueError, RecursionError):
            return None
        code = decoded.get("status_code") if isinstance(decoded, dict) else None
        if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 999:
            return None
        return code

    async def _action(
        self, method: str, path: str, *, json: Any = None, request_timeout: float | None = None
    ) -> bytes:
        """Send a write: any 2xx is done (its answer is returned raw); a refusal names the field."""
        answer: bytes = await self._auth.request(
            method,
            path,
            json=json,
            expect="bytes",
            max_bytes=_ACTION_MAX_BYTES,
            validation=True,
            request_timeout=request_timeout,
        )
        return answer


def push_event_types(keys: Iterable[str]) -> tuple[str, ...]:
    """Turn log keys into the webhook event types that carry them, sorted, without repeats."""
    types = set()
    for key in keys:
        if not isinstance(key, str) or not key.strip() or key != key.strip():
            raise BasIpValidationError(
                "Invalid value for 'event_types': a log key must be a non-empty string",
                field="event_types",
            )
        types.add(EVENT_TYPE_PREFIX + key)
    return tuple(sorted(types))


def verify_delivery(
    *,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    device_now_ms: int | None,
    window_ms: int = DEFAULT_WINDOW_MS,
) -> WebhookDelivery:
    """Check one delivery and read it; raise :class:`WebhookRejected` if any check fails.

    In order: the size (at most :data:`MAX_DELIVERY_BYTES`), the signature,
    the timestamp and, unless ``device_now_ms`` is ``None``, that it lies
    within ``window_ms`` of the device's clock, then the body's shape.
    ``headers`` may be any mapping; names are matched without regard to case.
    A ``secret`` shorter than 16 characters is the caller's error
    (:class:`BasIpValidationError`), not the delivery's.
    """
    if not isinstance(secret, str) or len(secret) < SECRET_MIN_LENGTH:
        raise BasIpValidationError("Invalid value for 'secret': too short", field="secret")
    check_int_range("window_ms", window_ms, 0, _TIMESTAMP_MAX_MS)
    if len(body) > MAX_DELIVERY_BYTES:
        raise WebhookRejected(RejectReason.TOO_LARGE)
    raw = bytes(body)
    timestamp = _header(headers, HEADER_TIMESTAMP)
    _check_signature(secret, _header(headers, HEADER_SIGNATURE), timestamp, raw)
    timestamp_ms = _parse_timestamp(timestamp)
    if device_now_ms is not None and abs(timestamp_ms - device_now_ms) > window_ms:
        raise WebhookRejected(RejectReason.STALE)
    attempt = _parse_attempt(_header(headers, HEADER_ATTEMPT))
    return WebhookDelivery.from_body(raw, timestamp_ms=timestamp_ms, attempt=attempt)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        wanted = name.casefold()
        value = next(
            (v for k, v in headers.items() if isinstance(k, str) and k.casefold() == wanted), None
        )
    return value if isinstance(value, str) else None


def _check_signature(secret: str, signature: str | None, timestamp: str | None, raw: bytes) -> None:
    """Compare against both candidates, both always computed and compared."""
    if signature is None or not signature.strip():
        raise WebhookRejected(RejectReason.UNSIGNED)
    signature = signature.strip()
    if not _SIGNATURE.fullmatch(signature):
        raise WebhookRejected(RejectReason.BAD_SIGNATURE)
    given = bytes.fromhex(signature)
    key = secret.encode("utf-8", "surrogatepass")
    try:
        prefix = (timestamp or "").encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        prefix = b""  # such a timestamp never parses: rejected right after
    body_only = hmac.new(key, raw, hashlib.sha256).digest()
    with_timestamp = hmac.new(key, prefix + b"." + raw, hashlib.sha256).digest()
    matches_body = hmac.compare_digest(body_only, given)
    matches_timestamp = hmac.compare_digest(with_timestamp, given)
    if not (matches_body | matches_timestamp):
        raise WebhookRejected(RejectReason.BAD_SIGNATURE)


def _parse_timestamp(value: str | None) -> int:
    text = (value or "").strip()
    if not _TIMESTAMP.fullmatch(text):
        raise WebhookRejected(RejectReason.BAD_TIMESTAMP)
    try:
        # Python 3.11+ reads "Z" and cuts a fraction past microseconds.
        millis = (datetime.fromisoformat(text) - _EPOCH) // _MILLISECOND
    except (ValueError, OverflowError, OSError):
        raise WebhookRejected(RejectReason.BAD_TIMESTAMP) from None
    if not 0 <= millis <= _TIMESTAMP_MAX_MS:
        raise WebhookRejected(RejectReason.BAD_TIMESTAMP)
    return millis


def _parse_attempt(value: str | None) -> int | None:
    """Read ``X-Webhook-Attempt``; informational, so an odd value is just unknown."""
    if value is None or not _ATTEMPT.fullmatch(value.strip()):
        return None
    return int(value.strip())
