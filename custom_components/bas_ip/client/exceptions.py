"""Exceptions raised by the BAS-IP device client.

Messages never carry a secret: no password, password hash, token or SIP
password is ever formatted into them.
"""

from __future__ import annotations

from enum import StrEnum


class BasIpError(Exception):
    """Base class for every error the client raises."""


class BasIpConnectionError(BasIpError):
    """The device could not be reached: refused, timed out, TLS failure."""


class BasIpCertificateError(BasIpConnectionError):
    """The device's HTTPS certificate failed verification (often self-signed)."""


class BasIpAuthenticationError(BasIpError):
    """The device rejected the username or password."""


class BasIpPermissionError(BasIpError):
    """The account is valid but may not read this resource."""


class BasIpUnsupportedDeviceError(BasIpError):
    """The device speaks an API this client does not support.

    Raised for API major version 0 (old firmware) and for endpoints the
    device does not have (HTTP 404).
    """


class BasIpResponseError(BasIpError):
    """The device answered with something the client cannot use.

    ``status`` is the HTTP status when the answer was an HTTP error, and
    ``field`` names the offending field when a value broke the schema.
    """

    def __init__(
        self, message: str, *, status: int | None = None, field: str | None = None
    ) -> None:
        """Store the HTTP status and the offending field next to the message."""
        super().__init__(message)
        self.status = status
        self.field = field


class BasIpValidationError(BasIpError):
    """A value is invalid: checked before sending, or refused by the device.

    ``field`` names the offending parameter when it is known. Neither the
    value nor the device's message is ever part of the text.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        """Store the offending field next to the message."""
        super().__init__(message)
        self.field = field


class BasIpIncompleteError(BasIpValidationError):
    """A change gives part of a value whose other part the device does not have.

    For example a STUN port for a device without a STUN server: ``field``
    names the missing part.
    """


class BasIpDuplicateError(BasIpValidationError):
    """The device already holds an identifier of this type and number.

    ``field`` is ``number`` (the spec's field); the number itself is never part of
    the text (a code is a secret).
    """


class BasIpDeviceMismatchError(BasIpError):
    """The address now answers as a different device (another serial number).

    Raised before any credentials are sent to the other device.
    """

    def __init__(self, expected_serial: str, actual_serial: str) -> None:
        """Keep both serial numbers; they are identifiers, not secrets."""
        super().__init__(
            f"Device at this address has serial {actual_serial!r}, expected {expected_serial!r}"
        )
        self.expected_serial = expected_serial
        self.actual_serial = actual_serial


class RejectReason(StrEnum):
    """Why a webhook delivery was refused."""

    TOO_LARGE = "too_large"
    UNSIGNED = "unsigned"
    BAD_SIGNATURE = "bad_signature"
    BAD_TIMESTAMP = "bad_timestamp"
    STALE = "stale"
    MALFORMED = "malformed"


_REJECT_TEXTS = {
    RejectReason.TOO_LARGE: "the body is too large",
    RejectReason.UNSIGNED: "it carries no signature",
    RejectReason.BAD_SIGNATURE: "the signature does not match",
    RejectReason.BAD_TIMESTAMP: "the timestamp is missing or unreadable",
    RejectReason.STALE: "the timestamp is outside the accepted window",
    RejectReason.MALFORMED: "the body is not a delivery this client understands",
}


class WebhookRejected(BasIpError):
    """A webhook delivery failed verification; nothing in it may be acted on.

    ``reason`` says which check failed. The message is fixed per reason: it
    never holds the secret, the signature, the body or any identifier.
    """

    def __init__(self, reason: RejectReason) -> None:
        """Keep the reason; the text comes from the reason alone."""
        super().__init__(f"Webhook delivery rejected: {_REJECT_TEXTS[reason]}")
        self.reason = reason
