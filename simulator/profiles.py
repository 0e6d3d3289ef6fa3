"""The simulated device families, as data.

Each profile is what one BAS-IP family answers: its ``/api/info`` body, its
SIP settings, the shape of its error bodies and which endpoints it lacks.
Values come from docs/device-api.md and the seed page; where the docs mark a
behaviour as inferred, the profile follows the docs' inference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final


class Profile(StrEnum):
    """A simulated device family."""

    CAMDROID_MONITOR = "camdroid_monitor"
    CAMDROID_PANEL = "camdroid_panel"
    ANDROID_PANEL = "android_panel"
    OLD_FIRMWARE = "old_firmware"


class ErrorStyle(StrEnum):
    """How a family shapes its error bodies."""

    NESTED = "nested"
    """Camdroid: ``{"error": {"code": ..., "message": ...}}``."""
    FLAT = "flat"
    """Android: ``{"error": "Log In"}``."""


# Android panels mask the SIP password with this value in GET answers; a POST
# carrying the mask leaves the stored password unchanged (inferred).
ANDROID_PASSWORD_MASK: Final = "WebPass"
RTSP_MASK: Final = "******"
RTSP_USERNAME: Final = "user"
ANDROID_DOOR_KEYS: Final = ("door_was_opened", "door_was_closed", "door_was_not_closed_too_long")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileData:
    """Everything that differs between simulated families."""

    info: dict[str, Any]
    sip_settings: dict[str, Any]
    error_style: ErrorStyle = ErrorStyle.NESTED
    mac_address: str | None = None
    """``None``: the family has no ``/api/v1/network/mac`` endpoint (404)."""
    api_v1: bool = True
    """``False``: every ``/api/v1/*`` path answers 404 (old firmware)."""
    reports_last_attempt: bool = True
    """Whether ``/api/v1/sip/status`` carries ``register_last_attempt``."""
    password_mask: str | None = None
    """Sent instead of the SIP password in GET answers, if the family masks it."""
    extra_status_fields: dict[str, Any] = field(default_factory=dict)
    lock_types: tuple[str, ...] | None = None
    """Answer of ``/access/general/lock/type``; ``None``: the endpoint is 404."""
    max_lock: int | None = None
    """Highest lock number an API open accepts; ``None``: lock opens are 404."""
    door_sensor: bool | None = None
    """Default of the door contact; ``None``: ``/access/door/status`` is 404."""
    door_keys: tuple[str, str, str] = (
        "door_sensor_was_opened",
        "door_sensor_was_closed",
        "lock_is_opened_too_long",
    )
    """Log keys for door opened, closed and open too long."""
    emergency: bool = False
    """Whether the emergency hold-open endpoints exist."""
    snapshot_format: str | None = None
    """Default snapshot encoding; ``None``: ``/api/v1/photo/file`` is 404."""
    rtsp_password: str | None = None
    """RTSP password held; ``None``: ``/device/settings/rtsp`` is 404."""
    rtsp_masked: bool = False
    """Whether the RTSP GET answers ``******`` instead of the password."""
    ring_key: str = "outgoing_call"
    """Log key of a ring: a panel calls out, a monitor is called."""
    missed_key: str = "outgoing_call_missed"
    """Log key of a missed call."""
    data_clear_field: str = "data_types"
    """Body field of ``POST /system/data/clear``: ``data_types`` (1.x), ``clear_fields`` (2.x)."""
    webhooks: bool = False
    """Whether ``/api/v1/webhooks`` exists (Android panels from firmware 3.25.8)."""
    identifier_spellings: tuple[str, ...] = ()
    """Identifier API spellings served (docs/device-api.md, "Identifiers"): ``identifier``
    (``/access/identifier/item/{uid}``), ``identifiers`` (``/access/identifiers/item/{uid}``);
    none: every identifier path is 404."""
    face_ids: bool = False
    """Whether ``face_id`` identifiers may be created (Android face panels)."""


def _info(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "firmware_version": "3.9.2",
        "framework_version": "1.2.0",
        "frontend_version": "1.2.0",
        "api_version": "1.6.0",
        "commit": "a1b2c3d",
        "hybrid_enable": False,
        "hybrid_version": "",
        "mcu_version": "1.0.4",
    }
    base.update(fields)
    return base


PROFILES: Final[dict[Profile, ProfileData]] = {
    Profile.CAMDROID_MONITOR: ProfileData(
        info=_info(
            device_type="monitor",
            device_name="AQ-07L",
            device_model="aq07l",
            device_serial_number="5c4d3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
        ),
        # The seed page's example, with the profile's own SIP password.
        sip_settings={
            "proxy": "sip:sip.bas-ip.com",
            "realm": "sip.bas-ip.com",
            "user": "101",
            "password": "sip-M0nitor-Secret",
            "stun": {"ip": "stun.l.google.com", "port": 19302},
            "registration_interval": 50,
            "h264": 102,
            "transport": "udp",
        },
        mac_address="00:1E:C0:4A:7B:01",
        ring_key="incoming_call",
        # A monitor is called: its missed calls are incoming ones (inferred).
        missed_key="incoming_call_missed",
    ),
    Profile.CAMDROID_PANEL: ProfileData(
        info=_info(
            firmware_version="3.11.0",
            api_version="1.8.1",
            device_type="panel",
            device_name="AV-03BD",
            device_model="av03bd",
            device_serial_number="9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0",
        ),
        sip_settings={
            "proxy": "sip:pbx.example.com:5060",
            "realm": "pbx.example.com",
            "user": "1001",
            "password": "sip-Pan3l-Secret",
            "stun": {"ip": "stun.example.com", "port": 3478},
            "registration_interval": 300,
            "transport": "tcp",
            "outbound": "sip:outbound.example.com",
            "user_id": "entrance-1",
        },
        mac_address="00:1E:C0:4A:7B:02",
        lock_types=("electromagnetic", "electromechanical"),
        # 2..8 need the SH-42 extension module; the device accepts them.
        max_lock=8,
        door_sensor=True,
        emergency=True,
        snapshot_format="jpeg",
        rtsp_password="rtsp-Pan3l-Secret",
        identifier_spellings=("identifier",),
    ),
    Profile.ANDROID_PANEL: ProfileData(
        info=_info(
            firmware_version="5.2.4",
            framework_version="2.0.1",
            frontend_version="2.0.1",
            api_version="1.2.0",
            device_type="panel",
            device_name="AA-07FB",
            device_model="aa07fb",
            device_serial_number="3f2e1d0c-b9a8-4765-8432-10fedcba9876",
        ),
        sip_settings={
            "proxy": "sip:192.0.2.50:5060",
            "realm": "192.0.2.50",
            "user": "2001",
            # Held like the Camdroid panel's; GET answers show only the mask.
            "password": "sip-Pan3l-Secret",
            "stun": {"ip": "192.0.2.60", "port": 3478},
            "registration_interval": 120,
            "transport": "udp",
            "outbound": "",
            "user_id": "2001",
            # Fields the integration does not know; clients must ignore them.
            "enable": True,
            "user_agent": "BAS-IP AA-07FB",
            "timeout": 30,
            "net": "lan",
            "multicast": False,
        },
        error_style=ErrorStyle.FLAT,
        mac_address=None,
        reports_last_attempt=False,
        password_mask=ANDROID_PASSWORD_MASK,
        extra_status_fields={"sip_account": "2001"},
        max_lock=1,
        door_sensor=False,
        door_keys=ANDROID_DOOR_KEYS,
        snapshot_format="base64",
        rtsp_password="rtsp-Andr0id-Secret",
        rtsp_masked=True,
        data_clear_field="clear_fields",
        webhooks=True,
        # API 2.x spells them singular; the 1.x spelling (its api_version) is served too.
        identifier_spellings=("identifier", "identifiers"),
        face_ids=True,
    ),
    Profile.OLD_FIRMWARE: ProfileData(
        info=_info(
            firmware_version="3.7.0",
            framework_version="0.9.0",
            frontend_version="0.9.0",
            api_version="0.9.0",
            device_type="panel",
            device_name="AV-02IDE",
            device_model="av02ide",
            device_serial_number="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        ),
        sip_settings={
            "proxy": "sip:sip.bas-ip.com",
            "realm": "sip.bas-ip.com",
            "user": "301",
            "password": "sip-Pan3l-Secret",
            "stun": {"ip": "stun.l.google.com", "port": 19302},
            "registration_interval": 60,
            "transport": "udp",
        },
        api_v1=False,
    ),
}
