"""The device's event log: ``GET /api/v1/log/items``.

Items are kept oldest first, in insertion order. The API answers newest
first by insertion order, not by timestamp (inferred: the sort differs
between firmware lines, and a device whose clock was stepped back still
lists its latest event first). Timestamps are device-clock milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
from typing import Any, Final

# English names of the documented keys (docs/device-api.md, "Event log").
EVENT_NAMES: Final[Mapping[str, str]] = {
    "outgoing_call": "Outgoing call",
    "outgoing_call_missed": "Outgoing call missed",
    "incoming_call": "Incoming call",
    "incoming_call_missed": "Incoming call missed",
    "access_granted_by_valid_identifier": "Access granted by valid identifier",
    "access_granted_by_master_code": "Access granted by master code",
    "access_granted_by_api_call": "Access granted by API call",
    "access_granted_by_call_host": "Access granted by call host",
    "access_granted_by_remote_server_api_call": "Access granted by remote server API call",
    "access_granted_by_valid_face_identifier": "Access granted by valid face identifier",
    "lock_was_opened_by_exit_btn": "Lock was opened by exit button",
    "lock_was_opened_by_free_access_button": "Lock was opened by free access button",
    "access_denied_by_not_valid_identifier": "Access denied by not valid identifier",
    "access_denied_by_not_valid_input_code": "Access denied by not valid input code",
    "access_denied_by_unknown_card": "Access denied by unknown card",
    "access_denied_by_unknown_qr_code": "Access denied by unknown QR code",
    "access_denied_by_web_api_call": "Access denied by web API call",
    "access_denied_by_remote_server_api_call": "Access denied by remote server API call",
    "door_sensor_was_opened": "Door sensor was opened",
    "door_sensor_was_closed": "Door sensor was closed",
    "door_was_opened": "Door was opened",
    "door_was_closed": "Door was closed",
    "lock_is_opened_too_long": "Lock is opened too long",
    "door_was_not_closed_too_long": "Door was not closed too long",
    "successful_login_api_call": "Successful login API call",
    "incorrect_login_api_call": "Incorrect login API call",
    "device_booted": "Device booted",
    "sip_registration_lost": "SIP registration lost",
    "tamper_event": "Tamper event",
}
# Priority per category (inferred: the vendor pages show "low" for info items).
PRIORITIES: Final[Mapping[str, str]] = {"info": "low", "warning": "medium", "error": "high"}
PAGE_LIMITS: Final = (10, 20, 30, 50)


def english_name(key: str) -> str:
    """The English name of ``key``; unknown keys get a readable form of themselves."""
    return EVENT_NAMES.get(key) or key.replace("_", " ").capitalize()


def make_item(
    key: str, *, timestamp_ms: int, info: Mapping[str, Any] | None, category: str
) -> dict[str, Any]:
    """One log item in the device's shape."""
    name = english_name(key)
    return {
        "timestamp": timestamp_ms,
        "category": category,
        "priority": PRIORITIES.get(category, "low"),
        # The simulator only speaks English: ``localized`` equals ``english`` (inferred).
        "name": {"key": key, "localized": name, "english": name},
        "info": {"model": dict(info or {})},
    }


class EventLog:
    """The items of one device, oldest first."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        """Start empty."""
        self.items: list[dict[str, Any]] = []

    def append(self, item: dict[str, Any]) -> dict[str, Any]:
        """Add ``item`` as the newest one and return it."""
        self.items.append(item)
        return item

    def clear(self) -> None:
        """Forget every item."""
        self.items.clear()

    def page(self, limit: int, page_number: int) -> dict[str, Any]:
        """The API answer for one page, newest first.

        A page past the end is empty; an empty log has 0 pages (inferred).
        """
        total = len(self.items)
        start = (page_number - 1) * limit
        newest_first = self.items[::-1]
        return {
            "list_option": {
                "pagination": {
                    "total_items": total,
                    "items_limit": limit,
                    "total_pages": math.ceil(total / limit),
                }
            },
            "list_items": newest_first[start : start + limit],
        }


HOUR_MS: Final = 3_600_000
DAY_MS: Final = 24 * HOUR_MS

# Card numbers and codes of the start-up history. Hex card UIDs and codes with
# a '#' never occur by chance in log text, so the secret guard can look for them.
HISTORY_CARDS: Final = ("04A1B2C3D4E5F6", "04F6E5D4C3B2A1")
HISTORY_UNKNOWN_CARD: Final = "04DEADBEEF0042"
HISTORY_CODE: Final = "7391#"


def history(
    now_ms: int,
    *,
    ring_key: str,
    missed_key: str,
    door_keys: tuple[str, str] | None,
    has_locks: bool,
) -> list[tuple[int, str, dict[str, Any], str]]:
    """Yesterday's events: ``(timestamp_ms, key, info.model, category)``, oldest first.

    Stamped between one day and one hour before ``now_ms``.
    """
    events: list[tuple[int, str, dict[str, Any], str]] = [
        (now_ms - DAY_MS, "device_booted", {}, "info"),
        (now_ms - 23 * HOUR_MS, "successful_login_api_call", {}, "info"),
        (now_ms - 22 * HOUR_MS, ring_key, {"number": "101"}, "info"),
        (now_ms - 21 * HOUR_MS, missed_key, {"number": "102"}, "info"),
    ]
    if has_locks:
        events += [
            (
                now_ms - 20 * HOUR_MS,
                "access_granted_by_valid_identifier",
                {"card": HISTORY_CARDS[0], "lock": 1},
                "info",
            ),
            (
                now_ms - 18 * HOUR_MS,
                "access_denied_by_unknown_card",
                {"card": HISTORY_UNKNOWN_CARD},
                "warning",
            ),
            (
                now_ms - 16 * HOUR_MS,
                "access_granted_by_master_code",
                {"code": HISTORY_CODE},
                "info",
            ),
            (now_ms - 12 * HOUR_MS, "lock_was_opened_by_exit_btn", {"lock": 1}, "info"),
            (
                now_ms - 8 * HOUR_MS,
                "access_granted_by_valid_identifier",
                {"card": HISTORY_CARDS[1], "lock": 1},
                "info",
            ),
        ]
    else:
        # A monitor opens the panel's door as the callee.
        events += [
            (now_ms - 20 * HOUR_MS, ring_key, {"number": "103"}, "info"),
            (now_ms - 20 * HOUR_MS + 15_000, "access_granted_by_call_host", {"lock": 1}, "info"),
            (now_ms - 14 * HOUR_MS, missed_key, {"number": "101"}, "info"),
        ]
    if door_keys is not None:
        opened, closed = door_keys
        events += [
            (now_ms - 8 * HOUR_MS + 2_000, opened, {}, "info"),
            (now_ms - 8 * HOUR_MS + 9_000, closed, {}, "info"),
        ]
    events += [
        (now_ms - 3 * HOUR_MS, ring_key, {"number": "101"}, "info"),
        (now_ms - 2 * HOUR_MS, "access_granted_by_call_host", {"lock": 1}, "info"),
        (now_ms - HOUR_MS, "sip_registration_lost", {}, "warning"),
    ]
    events.sort(key=lambda event: event[0])
    return events
