"""Log keys to events: every documented key, per device family."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from custom_components.bas_ip.client import METHODS, EventKind, LogItem, classify

CARD = "04C0FFEE00B1A5"


def item(key: str, info: dict[str, Any] | None = None, category: str = "info") -> LogItem:
    """A log item with ``info.model`` fields ``info``."""
    return LogItem(timestamp=1, category=category, key=key, info=MappingProxyType(dict(info or {})))


@pytest.mark.parametrize(
    ("device_type", "key", "expected"),
    [
        ("panel", "outgoing_call", "ring"),
        ("panel", "outgoing_call_missed", "missed"),
        ("monitor", "incoming_call", "ring"),
        # (inferred) the monitor's missed-call key
        ("monitor", "incoming_call_missed", "missed"),
        (None, "outgoing_call", "ring"),
        (None, "incoming_call", "ring"),
        ("PANEL", "outgoing_call", "ring"),
    ],
)
def test_doorbell(device_type: str | None, key: str, expected: str) -> None:
    """A panel's outgoing call and a monitor's incoming call are the doorbell."""
    event = classify(item(key, {"number": "101"}), device_type=device_type)
    assert (event.kind, event.type) == (EventKind.DOORBELL, expected)
    assert event.data == {"number": "101"}


@pytest.mark.parametrize(
    ("device_type", "key"),
    [("panel", "incoming_call"), ("monitor", "outgoing_call"), ("monitor", "outgoing_call_missed")],
)
def test_call_in_the_other_direction_is_no_ring(device_type: str, key: str) -> None:
    """A monitor calling out, or a panel being called, is not someone at the door."""
    event = classify(item(key), device_type=device_type)
    assert (event.kind, event.type) == (EventKind.DEVICE, "other")
    assert event.data == {"key": key, "category": "info"}


GRANTED = {
    "access_granted_by_valid_identifier": "card",
    "access_granted_by_master_code": "code",
    "access_granted_by_api_call": "app",
    "access_granted_by_call_host": "call_host",
    "access_granted_by_remote_server_api_call": "remote_server",
    "lock_was_opened_by_exit_btn": "exit_button",
    "access_granted_by_valid_face_identifier": "face",
    "lock_was_opened_by_free_access_button": "free_access",
}
DENIED = {
    "access_denied_by_not_valid_identifier": "card",
    "access_denied_by_not_valid_input_code": "code",
    "access_denied_by_unknown_card": "card",
    "access_denied_by_unknown_qr_code": "qr",
    "access_denied_by_web_api_call": "app",
    "access_denied_by_remote_server_api_call": "remote_server",
}


@pytest.mark.parametrize(("key", "method"), GRANTED.items())
def test_access_granted(key: str, method: str) -> None:
    """Every documented way in, with its method."""
    event = classify(item(key, {"lock": 2}), device_type="panel")
    assert (event.kind, event.type) == (EventKind.ACCESS, "granted")
    assert event.data == {"method": method, "lock": 2, "identifier": None}
    assert method in METHODS


@pytest.mark.parametrize(("key", "method"), DENIED.items())
def test_access_denied(key: str, method: str) -> None:
    """Every documented refusal, with its method."""
    event = classify(item(key, {"card": CARD}), device_type="panel")
    assert (event.kind, event.type) == (EventKind.ACCESS, "denied")
    assert event.data == {"method": method, "lock": None, "identifier": CARD}


@pytest.mark.parametrize(
    ("info", "lock", "identifier"),
    [
        ({"lock": 1, "card": CARD}, 1, CARD),
        ({"lock_number": "2", "code": "4821#"}, 2, "4821#"),
        ({"lock": True, "number": 101}, None, "101"),
        ({"identifier": " QR-1 ", "lock": "x"}, None, "QR-1"),
        ({"card": "", "code": "1"}, None, "1"),
        ({}, None, None),
    ],
)
def test_access_lock_and_identifier_inferred(
    info: dict[str, Any], lock: int | None, identifier: str | None
) -> None:
    """(inferred) ``lock``: lock/lock_number; ``identifier``: card/code/number/identifier."""
    event = classify(item("access_granted_by_valid_identifier", info), device_type="panel")
    assert event.data["lock"] == lock
    assert event.data["identifier"] == identifier


def test_undocumented_access_key_inferred() -> None:
    """(inferred) An unknown ``access_granted_*``/``access_denied_*`` key keeps its meaning."""
    granted = classify(item("access_granted_by_bluetooth"), device_type="panel")
    denied = classify(item("access_denied_by_blacklist"), device_type="panel")
    assert (granted.kind, granted.type, granted.data["method"]) == (
        EventKind.ACCESS,
        "granted",
        "unknown",
    )
    assert (denied.kind, denied.type) == (EventKind.ACCESS, "denied")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("door_sensor_was_opened", "opened"),
        ("door_sensor_was_closed", "closed"),
        ("door_was_opened", "opened"),
        ("door_was_closed", "closed"),
        ("lock_is_opened_too_long", "open_too_long"),
        ("door_was_not_closed_too_long", "open_too_long"),
    ],
)
def test_door(key: str, expected: str) -> None:
    """Door keys of both families."""
    event = classify(item(key), device_type="panel")
    assert (event.kind, event.type) == (EventKind.DOOR, expected)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("tamper_event", "tamper"),
        ("sip_registration_lost", "sip_registration_lost"),
        ("device_booted", "booted"),
        ("incorrect_login_api_call", "login_failed"),
    ],
)
def test_device(key: str, expected: str) -> None:
    """System events."""
    event = classify(item(key), device_type="panel")
    assert (event.kind, event.type) == (EventKind.DEVICE, expected)


def test_own_login_is_own_traffic() -> None:
    """Our own logins are never an event."""
    event = classify(item("successful_login_api_call"), device_type="panel")
    assert event.kind is EventKind.OWN_TRAFFIC


@pytest.mark.parametrize("key", ["firmware_updated", "x", "outgoing_call_rejected"])
def test_unknown_key_passes_through(key: str) -> None:
    """Unknown keys and categories pass through as DEVICE ``other``."""
    event = classify(item(key, category="critical"), device_type="panel")
    assert (event.kind, event.type) == (EventKind.DEVICE, "other")
    assert event.data == {"key": key, "category": "critical"}


def test_card_number_not_in_repr() -> None:
    """An event's data may hold a card number; its repr does not."""
    event = classify(item("access_granted_by_valid_identifier", {"card": CARD}), device_type=None)
    assert event.data["identifier"] == CARD
    assert CARD not in repr(event)
    assert CARD not in repr(event.item)
