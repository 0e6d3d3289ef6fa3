"""Async client for BAS-IP intercoms.

Self-contained: it imports nothing from Home Assistant and could be published
as a library of its own.
"""

from .client import DEFAULT_TIMEOUT, BasIpClient
from .exceptions import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
)
from .models import (
    DeviceInfo,
    SipEnabled,
    SipRegistrationStatus,
    SipSettings,
    SipStatus,
    SipTransport,
    StunServer,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "BasIpAuthenticationError",
    "BasIpCertificateError",
    "BasIpClient",
    "BasIpConnectionError",
    "BasIpDeviceMismatchError",
    "BasIpError",
    "BasIpPermissionError",
    "BasIpResponseError",
    "BasIpUnsupportedDeviceError",
    "DeviceInfo",
    "SipEnabled",
    "SipRegistrationStatus",
    "SipSettings",
    "SipStatus",
    "SipTransport",
    "StunServer",
]
