"""Async client for BAS-IP intercoms.

Self-contained: it imports nothing from Home Assistant and could be published
as a library of its own.
"""

from .client import SNAPSHOT_TIMEOUT, BasIpClient
from .eventlog import EventLogReader, EventPoll
from .events import METHODS, EventKind, IntercomEvent, classify
from .exceptions import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
)
from .logorder import LogDialect, LogLayout, ProbeStep
from .logview import LogOrderError
from .models import (
    BasIpDeviceInfo,
    DoorStatus,
    LogItem,
    LogPage,
    LogSlot,
    RtspSettings,
    SipEnabled,
    SipRegistrationStatus,
    SipSettings,
    SipSettingsUpdate,
    SipStatus,
    SipTransport,
    Snapshot,
    StunServer,
)
from .transport import DEFAULT_TIMEOUT

__all__ = [
    "DEFAULT_TIMEOUT",
    "METHODS",
    "SNAPSHOT_TIMEOUT",
    "BasIpAuthenticationError",
    "BasIpCertificateError",
    "BasIpClient",
    "BasIpConnectionError",
    "BasIpDeviceInfo",
    "BasIpDeviceMismatchError",
    "BasIpError",
    "BasIpPermissionError",
    "BasIpResponseError",
    "BasIpUnsupportedDeviceError",
    "BasIpValidationError",
    "DoorStatus",
    "EventKind",
    "EventLogReader",
    "EventPoll",
    "IntercomEvent",
    "LogDialect",
    "LogItem",
    "LogLayout",
    "LogOrderError",
    "LogPage",
    "LogSlot",
    "ProbeStep",
    "RtspSettings",
    "SipEnabled",
    "SipRegistrationStatus",
    "SipSettings",
    "SipSettingsUpdate",
    "SipStatus",
    "SipTransport",
    "Snapshot",
    "StunServer",
    "classify",
]
