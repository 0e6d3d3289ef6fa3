"""Typed, immutable models of what a BAS-IP device answers, and their parsers.

Parsers accept any decoded JSON value. They return a model or raise
:class:`BasIpResponseError` naming the offending field; nothing else
(no ``KeyError``, ``TypeError`` or ``ValueError``) escapes them. Unknown extra
fields are ignored, missing optional fields become ``None``.

The SIP password is read past and never stored: no model has a field for it.
"""

from .access import (
    HOLD_OPEN_MAX_SECONDS,
    HOLD_OPEN_MIN_SECONDS,
    LOCK_MAX,
    DoorStatus,
    parse_lock_count,
)
from .camera import RtspSettings, Snapshot
from .device import BasIpDeviceInfo, LoginResult, parse_login, parse_mac_address
from .identifier import Identifier, IdentifierLock, IdentifierSpec, IdentifierType
from .log import LogItem, LogPage, LogSlot
from .sip import (
    H264_PAYLOAD_MAX,
    H264_PAYLOAD_MIN,
    PORT_MAX,
    PORT_MIN,
    REGISTRATION_INTERVAL_MAX,
    REGISTRATION_INTERVAL_MIN,
    SIP_USER_MAX_LENGTH,
    SipEnabled,
    SipRegistrationStatus,
    SipSettings,
    SipSettingsUpdate,
    SipStatus,
    SipTransport,
    StunServer,
)
from .webhook import Webhook, WebhookDelivery, WebhookSpec

__all__ = [
    "H264_PAYLOAD_MAX",
    "H264_PAYLOAD_MIN",
    "HOLD_OPEN_MAX_SECONDS",
    "HOLD_OPEN_MIN_SECONDS",
    "LOCK_MAX",
    "PORT_MAX",
    "PORT_MIN",
    "REGISTRATION_INTERVAL_MAX",
    "REGISTRATION_INTERVAL_MIN",
    "SIP_USER_MAX_LENGTH",
    "BasIpDeviceInfo",
    "DoorStatus",
    "Identifier",
    "IdentifierLock",
    "IdentifierSpec",
    "IdentifierType",
    "LogItem",
    "LogPage",
    "LogSlot",
    "LoginResult",
    "RtspSettings",
    "SipEnabled",
    "SipRegistrationStatus",
    "SipSettings",
    "SipSettingsUpdate",
    "SipStatus",
    "SipTransport",
    "Snapshot",
    "StunServer",
    "Webhook",
    "WebhookDelivery",
    "WebhookSpec",
    "parse_lock_count",
    "parse_login",
    "parse_mac_address",
]
