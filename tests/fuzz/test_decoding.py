"""Fuzz the client's body decoding and HTTP error mapping (pure functions).

A real HTTP round trip per example would be far too slow for fuzzing; the
client's ``_request`` does nothing between the socket and these two functions
but read the body and branch on the status.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

from hypothesis import example, given, strategies as st
import pytest

from custom_components.bas_ip.client.client import _decode_json, _http_error
from custom_components.bas_ip.client.exceptions import (
    BasIpAuthenticationError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
)
from tests.const import SECRETS

from .profiles import FUZZ_SETTINGS, expect, record
from .strategies import ANY_TEXT, BYTE_EDITS, JSON_VALUES, attempt, mutate_bytes

PATHS: Final = st.sampled_from(
    [
        "/api/info",
        "/api/v1/login",
        "/api/v1/network/mac",
        "/api/v1/device/sip/settings",
        "/api/v1/sip/status",
        "/api/v1/device/sip/enable",
    ]
)
ERROR_STATUSES: Final = (
    st.integers(100, 199)
    | st.integers(300, 999)
    | st.sampled_from([400, 401, 403, 404, 405, 409, 418, 429, 500, 502, 503, 504])
)
DEVICE_TEXT: Final = st.sampled_from(SECRETS) | st.text(max_size=30) | ANY_TEXT
expect("_decode_json", "_http_error")
KNOWN_CODES: Final = ("invalid_authentication", "permission_denied", "not_valid", "system_error")


@st.composite
def error_bodies(draw: st.DrawFn) -> bytes:
    """What devices answer with an error: nested, flat, HTML, empty, or anything."""
    shape = draw(st.sampled_from(["nested", "flat", "html", "empty", "json", "bytes"]))
    value: Any
    if shape == "nested":
        error: dict[str, Any] = {
            "code": draw(st.sampled_from(KNOWN_CODES) | DEVICE_TEXT | JSON_VALUES),
            "message": draw(DEVICE_TEXT | JSON_VALUES),
        }
        if draw(st.booleans()):
            error["data"] = draw(st.dictionaries(st.text(max_size=10), DEVICE_TEXT, max_size=3))
        value = {"error": error}
    elif shape == "flat":
        value = {"error": draw(DEVICE_TEXT | JSON_VALUES)}
    elif shape == "html":
        text = draw(DEVICE_TEXT)
        return f"<html><body><h1>500</h1><p>{text}</p></body></html>".encode(
            "utf-8", "surrogatepass"
        )
    elif shape == "empty":
        return draw(st.sampled_from([b"", b" ", b"\r\n"]))
    elif shape == "json":
        value = draw(JSON_VALUES)
    else:
        return draw(st.binary(max_size=200))
    try:
        raw = json.dumps(value).encode()
    except ValueError:
        raw = repr(value).encode("utf-8", "surrogatepass")
    return mutate_bytes(raw, draw(BYTE_EDITS)) if draw(st.booleans()) else raw


def _json_equal(left: Any, right: Any) -> bool:
    """Equality that treats NaN as equal to NaN."""
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


@FUZZ_SETTINGS
@given(body=st.binary(max_size=400), status=st.integers(200, 299))
@example(body=b"[" * 100_000, status=200)
@example(body=b"1" * 5000, status=200)
@example(body=b"\xff\xfe\x00", status=200)
@example(body=b"NaN", status=200)
@example(body=b"\xef\xbb\xbf{}", status=200)
def test_decode_arbitrary_bytes(body: bytes, status: int) -> None:
    """Any body: decoded JSON or BasIpResponseError carrying the status."""
    _, err = attempt(lambda raw: _decode_json(raw, status), body)
    record("_decode_json", parsed=err is None)
    if err is not None:
        assert err.status == status
        assert str(err) in (
            f"Device answered HTTP {status} with an empty body",
            f"Device answered HTTP {status} with a body that is not JSON",
        )


@FUZZ_SETTINGS
@given(value=JSON_VALUES, edits=BYTE_EDITS)
def test_decode_json_values(value: Any, edits: list[tuple[int, int, int]]) -> None:
    """Serialised JSON decodes to the same value; damaged JSON is a response error."""
    try:
        raw = json.dumps(value).encode()
    except ValueError:  # an int too long to print: nothing a device could send
        return
    assert _json_equal(_decode_json(raw, 200), value)
    _, err = attempt(lambda damaged: _decode_json(damaged, 200), mutate_bytes(raw, edits))
    record("_decode_json", parsed=err is None)
    if err is not None:
        assert err.status == 200


@FUZZ_SETTINGS
@given(status=ERROR_STATUSES, body=error_bodies(), path=PATHS)
@example(status=500, body=b"<html>Internal Server Error</html>", path="/api/v1/sip/status")
@example(status=200, body=b"", path="/api/info")
def test_http_error_mapping(status: int, body: bytes, path: str) -> None:
    """Every error answer maps to one BasIpError subclass and repeats no device text."""
    err = _http_error(status, body, path)
    record("_http_error", parsed=True)
    assert isinstance(err, BasIpError)
    code = _nested_code(body)
    if status == 401 or code == "invalid_authentication":
        assert type(err) is BasIpAuthenticationError
    elif status == 403 or code == "permission_denied":
        assert type(err) is BasIpPermissionError
    elif status == 404:
        assert type(err) is BasIpUnsupportedDeviceError
    else:
        assert type(err) is BasIpResponseError
        assert err.status == status
    text = str(err)
    assert text.isprintable()
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"device-sent secret echoed in error text: {text!r}"


def _nested_code(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        code = data["error"].get("code")
        return code if isinstance(code, str) else None
    return None


@pytest.mark.parametrize(
    "body",
    [
        {"error": {"code": SECRETS[0], "message": "x"}},
        {"error": {"code": "not_valid", "message": SECRETS[0]}},
        {"error": {"code": "not_valid", "message": "x", "data": {"password": SECRETS[0]}}},
        {"error": SECRETS[0]},
    ],
    ids=["code", "message", "data", "flat"],
)
@pytest.mark.parametrize("status", [400, 422, 500])
def test_error_text_never_repeats_a_secret_from_the_body(body: dict[str, Any], status: int) -> None:
    """A device echoing the password (or its digest) in an error must not get it logged.

    Exception texts end up in logs and in the UI, so no part of the body a
    device sends may be copied into them unless it is one of the documented
    error codes.
    """
    err = _http_error(status, json.dumps(body).encode(), "/api/v1/login")
    assert SECRETS[0] not in str(err)
