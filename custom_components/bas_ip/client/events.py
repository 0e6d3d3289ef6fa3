"""What a log item means: doorbell, access, door, device, or our own traffic.

Keys are the ones the vendor pages document (docs/device-api.md, "Event
log"). A key this table does not know passes through as a DEVICE ``other``
event with its key and category, so new firmware never breaks the reader.

Real panels describe the identifier of an access item in ``info.model``:
``type`` (card, QR, face...), ``number``, ``owner`` (the name the identifier
was given on the device), ``apartment_address`` and ``lock`` (0 = all locks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from .models import LogItem


class EventKind(StrEnum):
    """The family of an event."""

    DOORBELL = "doorbell"
    """``ring`` or ``missed``."""
    ACCESS = "access"
    """``granted`` or ``denied``.

    Data: ``method``, ``lock`` (0 = all locks), ``identifier``, ``owner``
    (the identifier's owner as named on the device) and ``apartment``.
    """
    DOOR = "door"
    """``opened``, ``closed`` or ``open_too_long``."""
    DEVICE = "device"
    """``tamper``, ``sip_registration_lost``, ``booted``, ``login_failed``,
    ``emergency_open``, ``other``."""
    OWN_TRAFFIC = "own_traffic"
    """The integration's own logins: never fired as events."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IntercomEvent:
    """A classified log item.

    ``data`` may hold a card number or an owner's name, so it is not in the repr.
    """

    kind: EventKind
    type: str
    item: LogItem
    data: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, hash=False
    )


# Ways a door was opened (or refused).
METHODS: Final = (
    "card",
    "code",
    "face",
    "qr",
    "exit_button",
    "app",
    "call_host",
    "remote_server",
    "free_access",
    "ukey",
    "license_plate",
    "unknown",
)
# Methods of an identifier shown at the panel: ``info.model.type`` refines these.
# The others (exit button, app, call, server, free access) present none.
_IDENTIFIER_METHODS: Final = frozenset(
    {"card", "code", "face", "qr", "ukey", "license_plate", "unknown"}
)
# ``info.model.type`` (lower case) to our method.
_TYPE_METHODS: Final = {
    "card": "card",
    "qr": "qr",
    "face_id": "face",
    "ukey": "ukey",
    "input_code": "code",
    # (inferred) The identifiers API spells the code type ``inputCode``.
    "inputcode": "code",
    "license_plate": "license_plate",
}

_GRANTED: Final = {
    # (inferred) "valid identifier" covers card, QR and face; cards are the common case.
    "access_granted_by_valid_identifier": "card",
    "access_granted_by_master_code": "code",
    "access_granted_by_api_call": "app",
    "access_granted_by_call_host": "call_host",
    "access_granted_by_remote_server_api_call": "remote_server",
    "lock_was_opened_by_exit_btn": "exit_button",
    "access_granted_by_valid_face_identifier": "face",
    "lock_was_opened_by_free_access_button": "free_access",
    # (inferred) AND 2.8/2.9: an identifier shared between users; its kind
    # comes from ``type`` only.
    "access_granted_by_shared_identifier": "unknown",
}
_DENIED: Final = {
    "access_denied_by_not_valid_identifier": "card",
    "access_denied_by_not_valid_input_code": "code",
    "access_denied_by_unknown_card": "card",
    "access_denied_by_unknown_qr_code": "qr",
    "access_denied_by_web_api_call": "app",
    "access_denied_by_remote_server_api_call": "remote_server",
    # AND 2.8/2.9 (the vendor's key list):
    "access_denied_by_not_valid_face_identifier": "face",
    # (inferred) No telling which identifier without ``type``.
    "access_denied_unknown_identifier": "unknown",
    "access_denied_by_not_valid_shared_identifier": "unknown",
    "identifiers_without_linkage_to_user_access_denied": "unknown",
    # (inferred) Seen in a BAS-IP Link push: the short spelling of the QR refusal.
    "access_denied_by_unknown_qr": "qr",
}
_DOOR: Final = {
    "door_sensor_was_opened": "opened",  # Camdroid
    "door_sensor_was_closed": "closed",
    "door_was_opened": "opened",  # Android
    "door_was_closed": "closed",
    "lock_is_opened_too_long": "open_too_long",
    "lock_is_opened_to_long": "open_too_long",  # AND 1.8.0 spelling
    "door_was_not_closed_too_long": "open_too_long",
}
_DEVICE: Final = {
    "tamper_event": "tamper",
    "sip_registration_lost": "sip_registration_lost",
    "device_booted": "booted",
    "incorrect_login_api_call": "login_failed",
    # (inferred) AND 2.8/2.9: a failed sign-in to the device's own settings
    # screen. ``successful_login_gui_settings`` stays ``other``: it is not
    # ours (we sign in through the API).
    "incorrect_login_gui_settings": "login_failed",
    # (inferred) AND 2.8/2.9: a lock opened by the emergency mode (fire alarm,
    # held open); nobody's access.
    "emergency_lock_is_opened": "emergency_open",
}
OWN_TRAFFIC_KEYS: Final = frozenset({"successful_login_api_call"})
# Read when logged, never asked for as webhook event types: AND 1.8.0 (before
# webhooks) and a BAS-IP Link push spelling.
_NOT_PUSHED: Final = frozenset({"lock_is_opened_to_long", "access_denied_by_unknown_qr"})

# A visitor at a panel makes the panel call out (confirmed on a real AV-03BD);
# a monitor logs the call coming in (inferred).
_PANEL_RING: Final = "outgoing_call"
_MONITOR_RING: Final = "incoming_call"
_MISSED_SUFFIX: Final = "_missed"
# ``outgoing_call_web`` (AND 2.8/2.9) is a call placed from the device's web
# interface, not a visitor at the door: no ring, it stays a DEVICE ``other``
# event with its key (inferred). So do the lift keys (``lift_call_success``,
# ``lift_call_error``, ``lift_module_access_error``, ``bond_lift_request``).

# (inferred) Keys for the lock number and the identifier in info.model.
_LOCK_FIELDS: Final = ("lock", "lock_number")
_IDENTIFIER_FIELDS: Final = ("card", "code", "number", "identifier")
# Seen on a real panel's items (an access-control system's dump).
_TYPE_FIELD: Final = "type"
_OWNER_FIELD: Final = "owner"
_APARTMENT_FIELD: Final = "apartment_address"
# (inferred) AND 2.8/2.9 ``multi_access_granted``/``_denied`` (multi-factor
# access: several identifiers in turn), and any spelling of them to come.
_MULTI_ACCESS_PREFIX: Final = "multi_access_"


def ring_keys(device_type: str | None) -> frozenset[str]:
    """Pick the keys that mean "someone rang" on this kind of device.

    An unknown device type accepts both: a device logs one or the other.
    """
    match (device_type or "").strip().lower():
        case "panel":
            return frozenset({_PANEL_RING})
        case "monitor":
            return frozenset({_MONITOR_RING})
        case _:
            return frozenset({_PANEL_RING, _MONITOR_RING})


def push_keys(device_type: str | None, *, core: bool = False) -> frozenset[str]:
    """Pick the log keys a device is asked to push: those that become events.

    Spellings known from other firmware or other channels only are left out:
    a device refuses a webhook with an event type it does not know.
    ``core``: only rings and access (the keys the vendor's webhook page lists
    are access keys; a device that refuses the full set gets these).
    """
    rings = ring_keys(device_type)
    keys = {*rings, *_GRANTED, *_DENIED}
    if not core:
        keys |= {f"{key}{_MISSED_SUFFIX}" for key in rings} | set(_DOOR) | set(_DEVICE)
    return frozenset(keys - _NOT_PUSHED)


def _lock(info: Mapping[str, Any]) -> int | None:
    """Read the lock number; 0 means all locks and is kept as 0."""
    for name in _LOCK_FIELDS:
        value = info.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdecimal():
            return int(value.strip())
    return None


def _identifier(info: Mapping[str, Any]) -> str | None:
    for name in _IDENTIFIER_FIELDS:
        value = info.get(name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str | int):
            text = str(value).strip()
            if text:
                return text
    return None


def _text(info: Mapping[str, Any], name: str) -> str | None:
    """Read a text field, ``None`` when absent or blank."""
    value = info.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _type_method(info: Mapping[str, Any]) -> str | None:
    """Look up the method ``info.model.type`` names, ``None`` when absent or unknown."""
    value = info.get(_TYPE_FIELD)
    if not isinstance(value, str):
        return None
    return _TYPE_METHODS.get(value.strip().lower())


def _access(key: str) -> tuple[str, str] | None:
    """Derive the access event type and the key's own method, ``None`` for no access key."""
    for table, type_ in ((_GRANTED, "granted"), (_DENIED, "denied")):
        if (method := table.get(key)) is not None:
            return type_, method
    # (inferred) Undocumented access keys keep their meaning, method unknown.
    for prefix, type_ in (("access_granted", "granted"), ("access_denied", "denied")):
        if key.startswith(prefix):
            return type_, "unknown"
    # (inferred) A multi-access key saying neither is no access: it ends up
    # DEVICE ``other``.
    if key.startswith(_MULTI_ACCESS_PREFIX):
        rest = key.removeprefix(_MULTI_ACCESS_PREFIX)
        for word in ("granted", "denied"):
            if word in rest:
                return word, "unknown"
    return None


def _number(info: Mapping[str, Any]) -> str | None:
    value = info.get("number")
    if isinstance(value, bool) or value is None:
        return None
    return str(value) if isinstance(value, str | int) else None


def classify(item: LogItem, *, device_type: str | None) -> IntercomEvent:
    """Classify a log item as the event it stands for."""
    key = item.key
    info = item.info
    rings = ring_keys(device_type)

    def event(kind: EventKind, type_: str, data: Mapping[str, Any]) -> IntercomEvent:
        return IntercomEvent(kind=kind, type=type_, item=item, data=MappingProxyType(dict(data)))

    if key in OWN_TRAFFIC_KEYS:
        return event(EventKind.OWN_TRAFFIC, key, {})
    if key in rings:
        return event(EventKind.DOORBELL, "ring", {"number": _number(info)})
    if key.endswith(_MISSED_SUFFIX) and key.removesuffix(_MISSED_SUFFIX) in rings:
        return event(EventKind.DOORBELL, "missed", {"number": _number(info)})
    if (access := _access(key)) is not None:
        type_, method = access
        # The identifier's type tells card from QR (and the rest); an unknown
        # type leaves the key's method.
        if method in _IDENTIFIER_METHODS:
            method = _type_method(info) or method
        data = {
            "method": method,
            "lock": _lock(info),
            "identifier": _identifier(info),
            "owner": _text(info, _OWNER_FIELD),
            "apartment": _text(info, _APARTMENT_FIELD),
        }
        return event(EventKind.ACCESS, type_, data)
    if (door := _DOOR.get(key)) is not None:
        return event(EventKind.DOOR, door, {"lock": _lock(info)})
    if (device := _DEVICE.get(key)) is not None:
        return event(EventKind.DEVICE, device, {})
    return event(EventKind.DEVICE, "other", {"key": key, "category": item.category})
