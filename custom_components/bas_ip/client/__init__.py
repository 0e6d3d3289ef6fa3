"""Async client for BAS-IP intercoms.

Self-contained: it imports nothing from Home Assistant and could be published
as a library of its own.
"""

from .client import SNAPSHOT_TIMEOUT, BasIpClient
from .eventlog import EventLogReader, EventPoll
from .events import METHODS, EventKind, IntercomEvent, classify, push_keys
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
    RejectReason,
    WebhookRejected,
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
    Webhook,
    WebhookDelivery,
    WebhookSpec,
)
from .pushmerge import PushPollMerger
from .transport import DEFAULT_TIMEOUT
from .webhooks import (
    MAX_DELIVERY_BYTES,
    WebhookApi,
    push_event_types,
    verify_delivery,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_DELIVERY_BYTES",
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
    "PushPollMerger",
    "RejectReason",
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
    "WebhookApi",
    "WebhookDelivery",
    "WebhookRejected",
    "WebhookSpec",
    "classify",
    "push_event_types",
    "push_keys",
    "verify_delivery",
]
