"""A webhook entry and the rules a POST or PUT body must follow.

docs/device-api.md, "Push channels". An entry has ``url`` (4..2000
characters), ``secret`` (16..128, optional), ``status`` (``active`` or
``disabled``), ``timeout`` (1000..30000 ms, default 5000), ``headers`` (a
string holding a JSON object of extra headers; system headers are refused),
``description`` (at most 1000 characters) and ``event_types`` (``log.<key>``
values of keys the device logs). Refusals name the field, never its value.
Inferred: the default timeout, ``uid`` as the entry's id, a PUT without a
secret keeping the old one, ``X-Webhook-*`` names counting as system headers
and unknown body fields being ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import json
import re
from typing import Any, Final

from simulator.validation import SettingsError

from .webhook_wire import EVENT_TYPE_PREFIX

URL_LENGTH: Final = (4, 2000)
SECRET_LENGTH: Final = (16, 128)
TIMEOUT_MS: Final = (1000, 30000)
DEFAULT_TIMEOUT_MS: Final = 5000
DESCRIPTION_MAX: Final = 1000
STATUSES: Final = ("active", "disabled")
SYSTEM_HEADERS: Final = frozenset(
    {
        "host",
        "content-type",
        "content-length",
        "authorization",
        "user-agent",
        "date",
        "connection",
        "transfer-encoding",
        "x-webhook-signature",
        "x-webhook-timestamp",
        "x-webhook-attempt",
    }
)
_HEADER_NAME: Final = re.compile(r"[a-zA-Z0-9!#$%&'*+\-.^_`|~]+\Z")
_PRINTABLE: Final = re.compile(r"[\x20-\x7e]*\Z")


@dataclass(slots=True, kw_only=True)
class Webhook:
    """One webhook entry as the device keeps it."""

    uid: int
    url: str
    secret: str | None = field(repr=False)
    status: str
    timeout: int
    headers: str | None
    """The ``headers`` string as written (``None``: none)."""
    extra_headers: dict[str, str] = field(repr=False)
    """``headers`` parsed: sent with every delivery."""
    description: str
    event_types: list[str]

    @property
    def active(self) -> bool:
        """Whether the device sends to this webhook."""
        return self.status == "active"

    def answer(self) -> dict[str, Any]:
        """Build the entry as ``GET /webhooks`` lists it (the secret included, as documented)."""
        return {
            "uid": self.uid,
            "url": self.url,
            "secret": self.secret,
            "status": self.status,
            "timeout": self.timeout,
            "headers": self.headers,
            "description": self.description,
            "event_types": list(self.event_types),
        }

    def describe(self) -> dict[str, Any]:
        """Describe the entry for the control API: no secret, no header values."""
        described = self.answer()
        del described["secret"], described["headers"]
        return described | {"has_secret": bool(self.secret), "header_names": [*self.extra_headers]}


def _text(value: Any, low: int, high: int) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if not low <= len(value) <= high:
        return f"must be {low} to {high} characters"
    return None


def _timeout(value: Any) -> str | None:
    low, high = TIMEOUT_MS
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"must be an integer from {low} to {high}"
    return None


def parse_headers(value: Any) -> dict[str, str]:
    """Read the ``headers`` field: a JSON object of header names to printable ASCII values.

    ``None`` and ``""`` mean none. Raises ``ValueError`` with the reason.
    """
    if value is None or value == "":
        return {}
    if not isinstance(value, str):
        raise ValueError("must be a string holding a JSON object")
    try:
        headers = json.loads(value)
    except (ValueError, RecursionError):
        raise ValueError("must be a string holding a JSON object") from None
    if not isinstance(headers, dict):
        raise ValueError("must be a string holding a JSON object")
    for name, text in headers.items():
        if not _HEADER_NAME.match(name):
            raise ValueError("holds a header name that is not a token")
        if name.lower() in SYSTEM_HEADERS:
            raise ValueError("may not set a system header")
        if not isinstance(text, str) or not _PRINTABLE.match(text):
            raise ValueError("holds a header value that is not printable ASCII text")
    return headers


def _event_types(value: Any, known: frozenset[str]) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a non-empty list of log.<key> values"
    for item in value:
        key = item.removeprefix(EVENT_TYPE_PREFIX) if isinstance(item, str) else None
        if key is None or key == item or key not in known:
            return "must name log keys the device knows, as log.<key>"
    return None


def _check(body: dict[str, Any], known: frozenset[str]) -> dict[str, str]:
    """Find why each field of ``body`` is refused (required ones must be present)."""
    checks: dict[str, Callable[[Any], str | None]] = {
        "url": lambda value: _text(value, *URL_LENGTH),
        "status": lambda value: None if value in STATUSES else "must be active or disabled",
        "event_types": lambda value: _event_types(value, known),
        "secret": lambda value: _text(value, *SECRET_LENGTH),
        "timeout": _timeout,
        "description": lambda value: _text(value, 0, DESCRIPTION_MAX),
    }
    errors: dict[str, str] = {}
    for name, check in checks.items():
        if body.get(name) is None:
            if name in ("url", "status", "event_types"):
                errors[name] = "is required"
        elif reason := check(body[name]):
            errors[name] = reason
    try:
        parse_headers(body.get("headers"))
    except ValueError as err:
        errors["headers"] = str(err)
    return errors


def make_webhook(
    uid: int, body: Any, known: frozenset[str], old_secret: str | None = None
) -> Webhook:
    """Build entry ``uid`` from a POST or PUT body, or raise :class:`SettingsError`.

    ``old_secret`` is kept when the body has none (a PUT).
    """
    if not isinstance(body, dict):
        raise SettingsError({"body": "must be a JSON object"})
    errors = _check(body, known)
    if errors:
        raise SettingsError(errors)
    timeout = body.get("timeout")
    return Webhook(
        uid=uid,
        url=body["url"],
        secret=body.get("secret") or old_secret,
        status=body["status"],
        timeout=DEFAULT_TIMEOUT_MS if timeout is None else timeout,
        headers=body.get("headers") or None,
        extra_headers=parse_headers(body.get("headers")),
        description=body.get("description") or "",
        event_types=list(dict.fromkeys(body["event_types"])),
    )
