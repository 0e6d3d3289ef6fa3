"""Log keys to events: every documented key, per device family."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from custom_components.bas_ip.client import METHODS, EventKind, LogItem, classify

CARD = "04C0FFEE00B1A5"
OWNER = "Jane Resident"
NO_OWNER = {"owner": None, "apartment": None}


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
    # (inferred) AND 2.8/2.9 keys without a method of their own
    "access_granted_by_shared_identifier": "unknown",
    "multi_access_granted": "unknown",
    "multi_access_granted_by_card_and_code": "unknown",
    "multi_access_second_factor_granted": "unknown",
}
DENIED = {
    "access_denied_by_not_valid_identifier": "card",
    "access_denied_by_not_valid_input_code": "code",
    "access_denied_by_unknown_card": "card",
    "access_denied_by_unknown_qr_code": "qr",
    "access_denied_by_web_api_call": "app",
    "access_denied_by_remote_server_api_call": "remote_server",
    "access_denied_by_not_valid_face_identifier": "face",
    # (inferred) the short spelling of a BAS-IP Link push
    "access_denied_by_unknown_qr": "qr",
    # (inferred) AND 2.8/2.9 keys without a method of their own
    "access_denied_unknown_identifier": "unknown",
    "access_denied_by_not_valid_shared_identifier": "unknown",
    "identifiers_without_linkage_to_user_access_denied": "unknown",
    "multi_access_denied": "unknown",
    "multi_access_second_factor_denied": "unknown",
}


@pytest.mark.parametrize(("key", "method"), GRANTED.items())
def test_access_granted(key: str, method: str) -> None:
    """Every documented way in, with its method."""
    event = classify(item(key, {"lock": 2}), device_type="panel")
    assert (event.kind, event.type) == (EventKind.ACCESS, "granted")
    assert event.data == {"method": method, "lock": 2, "identifier": None, **NO_OWNER}
    assert method in METHODS


@pytest.mark.parametrize(("key", "method"), DENIED.items())
def test_access_denied(key: str, method: str) -> None:
    """Every documented refusal, with its method."""
    event = classify(item(key, {"card": CARD}), device_type="panel")
    assert (event.kind, event.type) == (EventKind.ACCESS, "denied")
    assert event.data == {"method": method, "lock": None, "identifier": CARD, **NO_OWNER}
    assert method in METHODS


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


# The item shape of a real panel (an access-control system's dump).
TYPES = {
    "card": "card",
    "qr": "qr",
    "face_id": "face",
    "ukey": "ukey",
    "input_code": "code",
    "license_plate": "license_plate",
    # (inferred) the identifiers API's spelling, and odd case or spaces
    "inputCode": "code",
    " QR ": "qr",
}


@pytest.mark.parametrize(("type_", "method"), TYPES.items())
@pytest.mark.parametrize(
    "key",
    [
        "access_granted_by_valid_identifier",
        "access_denied_by_not_valid_identifier",
        "access_denied_unknown_identifier",
        "access_granted_by_shared_identifier",
        "multi_access_granted",
        "multi_access_denied",
        "access_granted_by_bluetooth",
    ],
)
def test_method_from_identifier_type(key: str, type_: str, method: str) -> None:
    """``info.model.type`` names the identifier's method, whatever the key guessed."""
    event = classify(item(key, {"type": type_, "number": CARD}), device_type="panel")
    assert event.kind is EventKind.ACCESS
    assert event.data["method"] == method
    assert method in METHODS


@pytest.mark.parametrize("type_", ["fingerprint", "", 7, True, None])
@pytest.mark.parametrize(
    ("key", "method"),
    [
        ("access_granted_by_valid_identifier", "card"),
        ("access_denied_by_unknown_qr_code", "qr"),
        ("access_denied_unknown_identifier", "unknown"),
    ],
)
def test_unknown_identifier_type_keeps_key_method(key: str, method: str, type_: object) -> None:
    """A type we do not know (or no string) leaves the key's method."""
    event = classify(item(key, {"type": type_}), device_type="panel")
    assert event.data["method"] == method


@pytest.mark.parametrize(
    ("key", "method"),
    [
        ("lock_was_opened_by_exit_btn", "exit_button"),
        ("access_granted_by_api_call", "app"),
        ("access_granted_by_call_host", "call_host"),
        ("access_denied_by_remote_server_api_call", "remote_server"),
        ("lock_was_opened_by_free_access_button", "free_access"),
    ],
)
def test_identifier_type_leaves_other_methods(key: str, method: str) -> None:
    """An exit button, an app or a call shows no identifier: a type does not change them."""
    event = classify(item(key, {"type": "card"}), device_type="panel")
    assert event.data["method"] == method


def test_real_panel_item_shape() -> None:
    """A granted item as a real panel logs it: method, lock 0 (all), card, owner, apartment."""
    info = {
        "lock": 0,
        "owner": OWNER,
        "number": CARD,
        "apartment_address": "1-1-12-101",
        "type": "qr",
    }
    event = classify(item("access_granted_by_valid_identifier", info), device_type="panel")
    assert (event.kind, event.type) == (EventKind.ACCESS, "granted")
    assert event.data == {
        "method": "qr",
        "lock": 0,
        "identifier": CARD,
        "owner": OWNER,
        "apartment": "1-1-12-101",
    }
    assert OWNER not in repr(event)
    assert OWNER not in repr(event.item)


@pytest.mark.parametrize(
    ("info", "owner", "apartment"),
    [
        ({"owner": OWNER, "apartment_address": "101"}, OWNER, "101"),
        ({"owner": f"  {OWNER} ", "apartment_address": 101}, OWNER, "101"),
        ({"owner": "", "apartment_address": ""}, None, None),
        ({"owner": "   ", "apartment_address": None}, None, None),
        ({"owner": None, "apartment_address": True}, None, None),
        ({"owner": 1.5}, None, None),
        ({}, None, None),
    ],
)
@pytest.mark.parametrize(
    "key", ["access_granted_by_valid_identifier", "access_denied_by_unknown_card"]
)
def test_access_owner_and_apartment(
    key: str, info: dict[str, Any], owner: str | None, apartment: str | None
) -> None:
    """``owner`` and ``apartment`` come from the model, ``None`` when absent or blank."""
    event = classify(item(key, info), device_type="panel")
    assert event.data["owner"] == owner
    assert event.data["apartment"] == apartment


@pytest.mark.parametrize(("lock", "expected"), [(0, 0), ("0", 0), (1, 1), (None, None)])
def test_lock_zero_means_all_locks(lock: object, expected: int | None) -> None:
    """Lock 0 is "all locks" on the device, and stays 0 (not "no lock")."""
    event = classify(
        item("access_granted_by_valid_identifier", {"lock": lock}), device_type="panel"
    )
    assert event.data["lock"] == expected


@pytest.mark.parametrize("device_type", ["panel", "monitor", None])
def test_call_from_web_is_no_ring(device_type: str | None) -> None:
    """(inferred) ``outgoing_call_web``: a call from the web interface, nobody at the door."""
    event = classify(item("outgoing_call_web", {"number": "101"}), device_type=device_type)
    assert (event.kind, event.type) == (EventKind.DEVICE, "other")
    assert event.data == {"key": "outgoing_call_web", "category": "info"}


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
        # AND 1.8.0 spelling
        ("lock_is_opened_to_long", "open_too_long"),
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
        # (inferred) AND 2.8/2.9
        ("incorrect_login_gui_settings", "login_failed"),
        ("emergency_lock_is_opened", "emergency_open"),
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


@pytest.mark.parametrize(
    "key",
    [
        "firmware_updated",
        "x",
        "outgoing_call_rejected",
        # (inferred) AND 2.8/2.9 keys that are no ring, access or door event
        "outgoing_call_web",
        "successful_login_gui_settings",
        "lift_call_success",
        "lift_call_error",
        "lift_module_access_error",
        "bond_lift_request",
        "multi_access_enabled",
    ],
)
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
