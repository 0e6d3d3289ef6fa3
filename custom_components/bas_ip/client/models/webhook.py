"""Webhooks of Android panels (firmware 3.25.8 and later): entries and what to write.

docs/device-api.md, "Push channels". A :class:`Webhook` is an entry as the
device lists it; its secret is never kept, only whether it has one. A
:class:`WebhookSpec` is what the client writes: it is checked against the
documented limits when it is made, so an invalid one never reaches a device.
Errors name the field, never its value. A :class:`WebhookDelivery` is one
request the device sent, read once its signature held. The URL stays out of
every ``repr``: a receiver's URL often carries its own token (Home
Assistant's webhook id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import json
from typing import Any, Final, Self

from ..exceptions import BasIpResponseError, BasIpValidationError, RejectReason, WebhookRejected
from ._fields import invalid, read_int, read_object, read_str
from .log import TIMESTAMP_MAX, LogItem

URL_MIN_LENGTH: Final = 4
URL_MAX_LENGTH: Final = 2000
SECRET_MIN_LENGTH: Final = 16
SECRET_MAX_LENGTH: Final = 128
DESCRIPTION_MAX_LENGTH: Final = 1000
TIMEOUT_MIN_MS: Final = 1000
TIMEOUT_MAX_MS: Final = 30000
DEFAULT_TIMEOUT_MS: Final = 2000
STATUS_ACTIVE: Final = "active"
STATUS_DISABLED: Final = "disabled"
STATUSES: Final = (STATUS_ACTIVE, STATUS_DISABLED)
EVENT_TYPE_PREFIX: Final = "log."
TEST_EVENT_TYPE: Final = "test"
UID_MAX: Final = 2**63 - 1
# The device names an entry's id differently per answer: read the first present.
_UID_FIELDS: Final = ("uid", "item_uid", "id")
_URL_SCHEMES: Final = ("http://", "https://")


def read_uid(body: dict[str, Any], what: str = "uid") -> int:
    """Read an entry's id from ``uid``, ``item_uid`` or ``id``; raise when none is usable."""
    for name in _UID_FIELDS:
        value = read_int(body, name, low=0, high=UID_MAX)
        if value is not None:
            return value
    raise invalid(what, "is missing")


def _event_types(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid("event_types", "must be a list of strings")
    return tuple(sorted(set(value)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Webhook:
    """One webhook as the device lists it.

    ``event_types`` is sorted and without repeats, so two reads compare equal
    whatever order the device used. The secret is not kept: ``has_secret``
    only says whether the device answered one. The URL stays out of the ``repr``.
    """

    uid: int
    url: str = field(repr=False)
    status: str
    timeout: int | None
    description: str
    event_types: tuple[str, ...]
    has_secret: bool

    @property
    def is_active(self) -> bool:
        """Whether the device sends to this webhook."""
        return self.status == STATUS_ACTIVE

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse one entry; missing optional fields get defaults, malformed ones raise."""
        body = read_object(data, "webhook")
        secret = body.get("secret")
        return cls(
            uid=read_uid(body),
            url=read_str(body, "url", required=True) or "",
            status=read_str(body, "status") or "",
            timeout=read_int(body, "timeout", low=0, high=UID_MAX),
            description=read_str(body, "description") or "",
            event_types=_event_types(body.get("event_types")),
            has_secret=isinstance(secret, str) and bool(secret),
        )


def _refuse(name: str, problem: str) -> BasIpValidationError:
    return BasIpValidationError(f"Invalid value for '{name}': {problem}", field=name)


def _check_text(name: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, str):
        raise _refuse(name, "must be a string")
    if not low <= len(value) <= high:
        raise _refuse(name, f"must be {low} to {high} characters")


def _check_url(value: Any) -> None:
    _check_text("url", value, URL_MIN_LENGTH, URL_MAX_LENGTH)
    if not value.lower().startswith(_URL_SCHEMES):
        raise _refuse("url", "must start with http:// or https://")
    if any(char.isspace() or not char.isprintable() for char in value):
        raise _refuse("url", "must not contain spaces or control characters")


def _check_event_types(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _refuse("event_types", "must be a list of 'log.<key>' values")
    types = tuple(value)
    if not types:
        raise _refuse("event_types", "must name at least one event type")
    for item in types:
        if (
            not isinstance(item, str)
            or not item.startswith(EVENT_TYPE_PREFIX)
            or not item[len(EVENT_TYPE_PREFIX) :].strip()
            or item != item.strip()
        ):
            raise _refuse("event_types", "must be a list of 'log.<key>' values")
    return tuple(sorted(set(types)))


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookSpec:
    """A webhook to create or to write over an existing one.

    Checked when made (and again before it is sent): ``url`` 4..2000
    characters starting with ``http://`` or ``https://``, ``secret`` 16..128
    characters, ``description`` at most 1000, ``status`` ``active`` or
    ``disabled``, ``timeout`` 1000..30000 ms, at least one ``log.<key>``
    event type. ``event_types`` is stored sorted and without repeats. The
    secret and the URL stay out of the ``repr``.
    """

    url: str = field(repr=False)
    secret: str = field(repr=False)
    description: str = ""
    event_types: tuple[str, ...]
    status: str = STATUS_ACTIVE
    timeout: int = DEFAULT_TIMEOUT_MS

    def __post_init__(self) -> None:
        """Check every field; normalise ``event_types``."""
        object.__setattr__(self, "event_types", _check_event_types(self.event_types))
        self.validate()

    def validate(self) -> None:
        """Raise :class:`BasIpValidationError` naming the first field the device would refuse."""
        _check_url(self.url)
        _check_text("secret", self.secret, SECRET_MIN_LENGTH, SECRET_MAX_LENGTH)
        _check_text("description", self.description, 0, DESCRIPTION_MAX_LENGTH)
        if self.status not in STATUSES:
            raise _refuse("status", "must be 'active' or 'disabled'")
        timeout = self.timeout
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int)
            or not TIMEOUT_MIN_MS <= timeout <= TIMEOUT_MAX_MS
        ):
            raise _refuse(
                "timeout", f"must be a whole number from {TIMEOUT_MIN_MS} to {TIMEOUT_MAX_MS}"
            )
        _check_event_types(self.event_types)

    def as_body(self) -> dict[str, Any]:
        """Build the JSON body of a create or update (it carries the secret: never log it)."""
        self.validate()
        return {
            "url": self.url,
            "secret": self.secret,
            "status": self.status,
            "timeout": self.timeout,
            "description": self.description,
            "event_types": list(self.event_types),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookDelivery:
    """One verified delivery (see ``verify_delivery``; never build one from an unchecked body).

    ``timestamp_ms`` is the device's clock from ``X-Webhook-Timestamp``,
    ``created_at_ms`` the body's ``created_at``. ``item`` is the log item of
    a ``log.<key>`` delivery (its card numbers stay out of the ``repr``), and
    ``None`` for a test delivery. A retry repeats ``event_id``.
    """

    event_id: int
    event_type: str
    created_at_ms: int
    timestamp_ms: int
    attempt: int | None
    item: LogItem | None

    @property
    def is_test(self) -> bool:
        """Whether this is the device's test delivery (it carries no event)."""
        return self.event_type == TEST_EVENT_TYPE

    @classmethod
    def from_body(cls, raw: bytes, *, timestamp_ms: int, attempt: int | None) -> Self:
        """Read a body whose signature held; raise :class:`WebhookRejected` for a wrong shape."""
        try:
            decoded = json.loads(raw)
        except (ValueError, RecursionError):
            raise WebhookRejected(RejectReason.MALFORMED) from None
        if not isinstance(decoded, dict):
            raise WebhookRejected(RejectReason.MALFORMED)
        event_id = _whole(decoded.get("event_id"), UID_MAX)
        created_at = _whole(decoded.get("created_at"), TIMESTAMP_MAX)
        event_type = decoded.get("event_type")
        if not isinstance(event_type, str):
            raise WebhookRejected(RejectReason.MALFORMED)
        return cls(
            event_id=event_id,
            event_type=event_type,
            created_at_ms=created_at,
            timestamp_ms=timestamp_ms,
            attempt=attempt,
            item=_read_item(event_type, decoded.get("data")),
        )


def _whole(value: Any, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise WebhookRejected(RejectReason.MALFORMED)
    return value


def _read_item(event_type: str, data: Any) -> LogItem | None:
    """Read the log item of a ``log.<key>`` delivery; a test delivery has none."""
    if event_type == TEST_EVENT_TYPE:
        if data is not None and not isinstance(data, dict):
            raise WebhookRejected(RejectReason.MALFORMED)
        return None
    key = event_type.removeprefix(EVENT_TYPE_PREFIX)
    if key == event_type or not key or not isinstance(data, dict):
        raise WebhookRejected(RejectReason.MALFORMED)
    try:
        item = LogItem.from_dict(data)
    except BasIpResponseError:
        raise WebhookRejected(RejectReason.MALFORMED) from None
    if item.key != key:
        raise WebhookRejected(RejectReason.MALFORMED)
    return item
