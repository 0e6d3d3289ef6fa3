"""What a webhook delivery looks like on the wire: its body, timestamp and signature.

docs/device-api.md, "Push channels". The body, as reported by the vendor:
``{"data": <the log item>, "created_at": <device ms>, "event_id": <n>,
"event_type": "log.<key>"}``; that ``data`` is the item exactly as
``GET /api/v1/log/items`` answers it is inferred, as is the compact JSON.
``X-Webhook-Timestamp`` is device time, ISO-8601 UTC with milliseconds
(inferred format). What the signature covers is not documented: the
simulator plays both candidates of :data:`SIGNING_SCHEMES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import hashlib
import hmac
import json
from typing import Any, Final

SIGNING_SCHEMES: Final = ("body", "timestamp_body")
"""``body``: HMAC-SHA256(secret, body); ``timestamp_body``: of ``timestamp + "." + body``."""
EVENT_TYPE_PREFIX: Final = "log."
TEST_EVENT_TYPE: Final = "test"
# 9999-12-31T23:59:59.999Z: the last instant the header can say.
_LAST_MS: Final = 253_402_300_799_999


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event for one webhook: the body is fixed, attempts only change the headers."""

    uid: int
    event_id: int
    event_type: str
    body: bytes


def delivery_body(data: Any, *, created_at: int, event_id: int, event_type: str) -> bytes:
    """Encode a delivery's body (compact JSON, in the vendor's field order)."""
    body = {"data": data, "created_at": created_at, "event_id": event_id, "event_type": event_type}
    return json.dumps(body, separators=(",", ":")).encode()


def iso_timestamp(ms: int) -> str:
    """Write device time ``ms`` as ``X-Webhook-Timestamp`` does: ``2026-12-06T14:03:00.123Z``."""
    seconds, millis = divmod(min(max(ms, 0), _LAST_MS), 1000)
    return f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%dT%H:%M:%S}.{millis:03d}Z"


def sign(secret: str, timestamp: str, body: bytes, scheme: str = "body") -> str:
    """Compute the lower-case hex HMAC-SHA256 that ``scheme`` (:data:`SIGNING_SCHEMES`) says."""
    message = timestamp.encode() + b"." + body if scheme == "timestamp_body" else body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def corrupt(signature: str) -> str:
    """Keep the signature's shape (64 hex digits), change its value."""
    return ("1" if signature[0] == "0" else "0") + signature[1:]
