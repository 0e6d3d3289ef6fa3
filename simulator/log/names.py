"""English names of the documented log keys (docs/device-api.md, "Event log")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

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
    "emergency_lock_is_opened": "Emergency lock is opened",
    # Android panels 2.8/2.9 (the vendor's key list):
    "access_denied_by_not_valid_face_identifier": "Access denied by not valid face identifier",
    "access_granted_by_shared_identifier": "Access granted by shared identifier",
    "access_denied_by_not_valid_shared_identifier": "Access denied by not valid shared identifier",
    "access_denied_unknown_identifier": "Access denied, unknown identifier",
    "identifiers_without_linkage_to_user_access_denied": (
        "Identifiers without linkage to user, access denied"
    ),
    "incorrect_login_gui_settings": "Incorrect login to GUI settings",
    "successful_login_gui_settings": "Successful login to GUI settings",
    "outgoing_call_web": "Outgoing call from the web interface",
    "multi_access_granted": "Multi-factor access granted",
    "multi_access_denied": "Multi-factor access denied",
}


def english_name(key: str) -> str:
    """Look up the English name of ``key``; unknown keys get a readable form of themselves."""
    return EVENT_NAMES.get(key) or key.replace("_", " ").capitalize()
