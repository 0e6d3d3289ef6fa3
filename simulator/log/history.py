"""Yesterday's events: what a device's log holds when the simulator starts."""

from __future__ import annotations

from typing import Any, Final

from .items import access_model

HOUR_MS: Final = 3_600_000
DAY_MS: Final = 24 * HOUR_MS

# Card numbers, codes and owners of the start-up history. Hex card UIDs and
# codes with a '#' never occur by chance in log text, so the secret guard can
# look for them.
HISTORY_CARDS: Final = ("04A1B2C3D4E5F6", "04F6E5D4C3B2A1")
HISTORY_UNKNOWN_CARD: Final = "04DEADBEEF0042"
HISTORY_CODE: Final = "7391#"
HISTORY_OWNERS: Final = ("Taras Melnyk", "Iryna Bondar")
HISTORY_APARTMENTS: Final = ("1-1-101", "1-2-204")

Event = tuple[int, str, dict[str, Any], str]


def _access_events(now_ms: int) -> list[Event]:
    first = access_model(
        "card", HISTORY_CARDS[0], lock=1, owner=HISTORY_OWNERS[0], apartment=HISTORY_APARTMENTS[0]
    )
    second = access_model(
        "card", HISTORY_CARDS[1], lock=1, owner=HISTORY_OWNERS[1], apartment=HISTORY_APARTMENTS[1]
    )
    return [
        (now_ms - 20 * HOUR_MS, "access_granted_by_valid_identifier", first, "info"),
        (
            now_ms - 18 * HOUR_MS,
            "access_denied_by_unknown_card",
            access_model("card", HISTORY_UNKNOWN_CARD, lock=1),
            "warning",
        ),
        (
            now_ms - 16 * HOUR_MS,
            "access_granted_by_master_code",
            access_model("input_code", HISTORY_CODE, lock=1),
            "info",
        ),
        (now_ms - 12 * HOUR_MS, "lock_was_opened_by_exit_btn", {"lock": 1}, "info"),
        (now_ms - 8 * HOUR_MS, "access_granted_by_valid_identifier", second, "info"),
    ]


def history(
    now_ms: int,
    *,
    ring_key: str,
    missed_key: str,
    door_keys: tuple[str, str] | None,
    has_locks: bool,
) -> list[Event]:
    """Yesterday's events: ``(timestamp_ms, key, info.model, category)``, oldest first.

    Stamped between one day and one hour before ``now_ms``.
    """
    events: list[Event] = [
        (now_ms - DAY_MS, "device_booted", {}, "info"),
        (now_ms - 23 * HOUR_MS, "successful_login_api_call", {}, "info"),
        (now_ms - 22 * HOUR_MS, ring_key, {"number": "101"}, "info"),
        (now_ms - 21 * HOUR_MS, missed_key, {"number": "102"}, "info"),
    ]
    if has_locks:
        events += _access_events(now_ms)
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
