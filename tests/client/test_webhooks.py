"""Webhooks: the delivery check (pure) and the webhook API against the simulator.

The delivery check is table-driven: every rule has a case that passes only
while the rule holds, both signing candidates are accepted, and the order of
the checks is pinned. A hypothesis fuzz proves that nothing but
:class:`WebhookRejected` (with a fixed, value-free text) ever leaves it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
import dataclasses
from dataclasses import dataclass, field
import hashlib
import hmac
import json
from typing import Any
from unittest.mock import patch

from aiohttp import web
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.bas_ip.client import (
    MAX_DELIVERY_BYTES,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
    LogItem,
    RejectReason,
    Webhook,
    WebhookDelivery,
    WebhookRejected,
    WebhookSpec,
    push_event_types,
    verify_delivery,
)
from simulator import Profile
from tests.conftest import SimulatorFactory, register_secret

from .conftest import ClientFactory

SECRET = "whsec-Fr0nt-Door-Hook-7f3a9c"
OTHER_SECRET = "whsec-Other-Hook-Secret-55"
CARD = "0048213377"
TS = "2026-12-06T14:03:00.123Z"
TS_MS = 1_796_565_780_123
KEY = "access_granted_by_card"
EVENT_TYPE = f"log.{KEY}"
WINDOW = 300_000
register_secret(SECRET, OTHER_SECRET)


def log_item(key: str = KEY, *, number: str = CARD) -> dict[str, Any]:
    """A log item exactly as ``GET /api/v1/log/items`` lists it (the real shape)."""
    return {
        "timestamp": TS_MS - 40,
        "category": "info",
        "priority": "low",
        "name": {"key": key, "text": "Access granted by card"},
        "info": {
            "text": "Card, lock 1",
            "model": {"lock": 1, "owner": "Olena", "number": number, "type": "card"},
        },
    }


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "data": log_item(),
        "created_at": TS_MS - 20,
        "event_id": 45,
        "event_type": EVENT_TYPE,
    }
    for name, value in overrides.items():
        if value is _DROP:
            body.pop(name)
        else:
            body[name] = value
    return body


_DROP = object()


def encode(body: Any) -> bytes:
    return json.dumps(body).encode()


def sign_body(raw: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def sign_with_timestamp(raw: bytes, secret: str = SECRET, timestamp: str = TS) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()


def headers_for(
    signature: str | None, *, timestamp: str | None = TS, attempt: str | None = "1"
) -> dict[str, str]:
    headers: dict[str, str] = {}
    if signature is not None:
        headers["X-Webhook-Signature"] = signature
    if timestamp is not None:
        headers["X-Webhook-Timestamp"] = timestamp
    if attempt is not None:
        headers["X-Webhook-Attempt"] = attempt
    return headers


def verify(
    headers: Mapping[str, str], raw: bytes, *, now: int | None = TS_MS, secret: str = SECRET
) -> WebhookDelivery:
    return verify_delivery(
        secret=secret, headers=headers, body=raw, device_now_ms=now, window_ms=WINDOW
    )


FIXED_MESSAGES = {str(WebhookRejected(reason)) for reason in RejectReason}

# --- accepted deliveries ------------------------------------------------------------

Signer = Callable[[bytes], str]


def _body_signed(raw: bytes) -> str:
    return sign_body(raw)


def _timestamp_signed(raw: bytes) -> str:
    return sign_with_timestamp(raw)


@pytest.mark.parametrize("signer", [_body_signed, _timestamp_signed], ids=["body", "ts.body"])
def test_both_signing_candidates_are_accepted(signer: Signer) -> None:
    raw = encode(payload())
    delivery = verify(headers_for(signer(raw)), raw)
    assert delivery.event_id == 45
    assert delivery.event_type == EVENT_TYPE
    assert delivery.created_at_ms == TS_MS - 20
    assert delivery.timestamp_ms == TS_MS
    assert delivery.attempt == 1
    assert not delivery.is_test
    assert delivery.item is not None
    assert delivery.item.key == KEY
    assert delivery.item.timestamp == TS_MS - 40
    assert delivery.item.info["number"] == CARD


@pytest.mark.parametrize(
    ("timestamp", "expected_ms"),
    [
        (TS, TS_MS),
        ("2026-12-06T14:03:00.123+00:00", TS_MS),
        ("2026-12-06T14:03:00Z", TS_MS - 123),
        ("2026-12-06T14:03:00+00:00", TS_MS - 123),
        ("2026-12-06T16:03:00.123+02:00", TS_MS),
        ("2026-12-06T14:03:00.123456789Z", TS_MS),
    ],
)
def test_timestamp_forms_are_read_as_device_milliseconds(timestamp: str, expected_ms: int) -> None:
    raw = encode(payload())
    headers = headers_for(sign_with_timestamp(raw, timestamp=timestamp), timestamp=timestamp)
    assert verify(headers, raw).timestamp_ms == expected_ms


def test_uppercase_hex_signature_is_the_same_digest() -> None:
    raw = encode(payload())
    assert verify(headers_for(sign_body(raw).upper()), raw).event_id == 45


def test_header_names_match_without_regard_to_case() -> None:
    raw = encode(payload())
    headers = {k.lower(): v for k, v in headers_for(sign_body(raw), attempt="3").items()}
    assert verify(headers, raw).attempt == 3


@pytest.mark.parametrize("attempt", [None, "", "two", "-1", "1.5", "9999999"])
def test_an_odd_or_missing_attempt_is_unknown_not_a_rejection(attempt: str | None) -> None:
    raw = encode(payload())
    assert verify(headers_for(sign_body(raw), attempt=attempt), raw).attempt is None


@pytest.mark.parametrize("offset", [WINDOW, -WINDOW])
def test_window_edges_are_inside(offset: int) -> None:
    raw = encode(payload())
    assert verify(headers_for(sign_body(raw)), raw, now=TS_MS + offset).event_id == 45


def test_without_a_device_clock_the_window_is_not_checked() -> None:
    raw = encode(payload())
    delivery = verify(headers_for(sign_body(raw)), raw, now=None)
    assert delivery.timestamp_ms == TS_MS


@pytest.mark.parametrize("data", [{}, None, _DROP])
def test_a_test_delivery_has_no_item(data: Any) -> None:
    raw = encode(payload(event_type="test", data=data))
    delivery = verify(headers_for(sign_body(raw)), raw)
    assert delivery.is_test
    assert delivery.item is None


def test_a_body_of_exactly_the_cap_is_accepted() -> None:
    compact = encode(payload())
    raw = compact + b" " * (MAX_DELIVERY_BYTES - len(compact))
    assert len(raw) == MAX_DELIVERY_BYTES
    assert verify(headers_for(sign_body(raw)), raw).event_id == 45


def test_the_delivery_repr_hides_the_card_number() -> None:
    raw = encode(payload())
    delivery = verify(headers_for(sign_body(raw)), raw)
    assert CARD not in repr(delivery)
    assert KEY in repr(delivery)


# --- rejected deliveries ------------------------------------------------------------

GOOD = encode(payload())
GOOD_SIG = sign_body(GOOD)


def _flip(signature: str) -> str:
    return ("1" if signature[0] == "0" else "0") + signature[1:]


def _other_ts(raw: bytes) -> str:
    return sign_with_timestamp(raw, timestamp="2026-12-06T14:03:01.123Z")


REJECTIONS: list[tuple[str, dict[str, str], bytes, RejectReason]] = [
    ("wrong secret", headers_for(sign_body(GOOD, OTHER_SECRET)), GOOD, RejectReason.BAD_SIGNATURE),
    (
        "wrong secret, timestamp form",
        headers_for(sign_with_timestamp(GOOD, OTHER_SECRET)),
        GOOD,
        RejectReason.BAD_SIGNATURE,
    ),
    ("corrupted signature", headers_for(_flip(GOOD_SIG)), GOOD, RejectReason.BAD_SIGNATURE),
    ("signed another timestamp", headers_for(_other_ts(GOOD)), GOOD, RejectReason.BAD_SIGNATURE),
    ("signature too short", headers_for(GOOD_SIG[:-1]), GOOD, RejectReason.BAD_SIGNATURE),
    ("signature too long", headers_for(GOOD_SIG + "0"), GOOD, RejectReason.BAD_SIGNATURE),
    ("prefixed signature", headers_for("sha256=" + GOOD_SIG), GOOD, RejectReason.BAD_SIGNATURE),
    ("non-hex signature", headers_for("g" * 64), GOOD, RejectReason.BAD_SIGNATURE),
    ("body changed after signing", headers_for(GOOD_SIG), GOOD + b" ", RejectReason.BAD_SIGNATURE),
    ("missing signature", headers_for(None), GOOD, RejectReason.UNSIGNED),
    ("empty signature", headers_for("  "), GOOD, RejectReason.UNSIGNED),
    ("missing timestamp", headers_for(GOOD_SIG, timestamp=None), GOOD, RejectReason.BAD_TIMESTAMP),
]
for _bad_ts in (
    "yesterday",
    "2026-12-06 14:03:00Z",
    "2026-12-06T14:03:00",
    "2026-13-06T14:03:00Z",
    "2026-12-06T14:03:00+25:00",
    "1796565780123",
    "",
):
    REJECTIONS.append(
        (
            f"timestamp {_bad_ts!r}",
            headers_for(GOOD_SIG, timestamp=_bad_ts),
            GOOD,
            RejectReason.BAD_TIMESTAMP,
        )
    )


def _signed_case(name: str, body: bytes, reason: RejectReason) -> None:
    REJECTIONS.append((name, headers_for(sign_body(body)), body, reason))
    REJECTIONS.append((f"{name} (ts form)", headers_for(sign_with_timestamp(body)), body, reason))


_signed_case("garbage JSON", b"{not json", RejectReason.MALFORMED)
_signed_case("invalid UTF-8", b'{"event_id": "\xff"}', RejectReason.MALFORMED)
_signed_case("empty body", b"", RejectReason.MALFORMED)
_signed_case("JSON list", encode([payload()]), RejectReason.MALFORMED)
_signed_case("bool event_id", encode(payload(event_id=True)), RejectReason.MALFORMED)
_signed_case("negative event_id", encode(payload(event_id=-1)), RejectReason.MALFORMED)
_signed_case("string event_id", encode(payload(event_id="45")), RejectReason.MALFORMED)
_signed_case("float event_id", encode(payload(event_id=45.0)), RejectReason.MALFORMED)
_signed_case("missing event_id", encode(payload(event_id=_DROP)), RejectReason.MALFORMED)
_signed_case("string created_at", encode(payload(created_at="now")), RejectReason.MALFORMED)
_signed_case("bool created_at", encode(payload(created_at=False)), RejectReason.MALFORMED)
_signed_case("missing created_at", encode(payload(created_at=_DROP)), RejectReason.MALFORMED)
_signed_case("int event_type", encode(payload(event_type=7)), RejectReason.MALFORMED)
_signed_case("unknown event_type", encode(payload(event_type=KEY)), RejectReason.MALFORMED)
_signed_case("test-like event_type", encode(payload(event_type="testing")), RejectReason.MALFORMED)
_signed_case("empty log key", encode(payload(event_type="log.")), RejectReason.MALFORMED)
_signed_case(
    "key differs from event_type",
    encode(payload(event_type="log.access_denied_by_unknown_card")),
    RejectReason.MALFORMED,
)
_signed_case("log data missing", encode(payload(data=_DROP)), RejectReason.MALFORMED)
_signed_case("log data not an object", encode(payload(data=[log_item()])), RejectReason.MALFORMED)
_signed_case(
    "log data not a log item",
    encode(payload(data={"name": {"key": KEY}, "category": "info"})),
    RejectReason.MALFORMED,
)
_signed_case(
    "test data not an object", encode(payload(event_type="test", data=[1])), RejectReason.MALFORMED
)


@pytest.mark.parametrize(
    ("headers", "raw", "reason"),
    [case[1:] for case in REJECTIONS],
    ids=[case[0] for case in REJECTIONS],
)
def test_rejections(headers: dict[str, str], raw: bytes, reason: RejectReason) -> None:
    with pytest.raises(WebhookRejected) as caught:
        verify(headers, raw)
    assert caught.value.reason is reason
    message = f"{caught.value} {caught.value!r} {caught.value.args!r}"
    assert str(caught.value) in FIXED_MESSAGES
    assert SECRET not in message
    assert CARD not in message
    assert "45" not in message
    if len(raw) >= 8:
        assert raw.decode(errors="replace")[:40] not in message
    signature = headers.get("X-Webhook-Signature", "").strip()
    if signature:
        assert signature not in message


@pytest.mark.parametrize("offset", [WINDOW + 1, -(WINDOW + 1), 10 * WINDOW, -10 * WINDOW])
def test_a_timestamp_outside_the_window_is_stale(offset: int) -> None:
    raw = encode(payload())
    with pytest.raises(WebhookRejected) as caught:
        verify(headers_for(sign_body(raw)), raw, now=TS_MS + offset)
    assert caught.value.reason is RejectReason.STALE


def test_an_oversized_body_is_refused_before_its_signature() -> None:
    compact = encode(payload())
    raw = compact + b" " * (MAX_DELIVERY_BYTES + 1 - len(compact))
    assert len(raw) == MAX_DELIVERY_BYTES + 1
    with pytest.raises(WebhookRejected) as caught:
        verify(headers_for(sign_body(raw)), raw)
    assert caught.value.reason is RejectReason.TOO_LARGE
    with pytest.raises(WebhookRejected) as unsigned:
        verify(headers_for(None), raw)
    assert unsigned.value.reason is RejectReason.TOO_LARGE


def test_the_signature_is_checked_before_any_json_is_parsed() -> None:
    def no_parsing(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("JSON parsed before the signature held")

    with patch("json.loads", no_parsing):
        for headers in (headers_for(None), headers_for(_flip(GOOD_SIG))):
            with pytest.raises(WebhookRejected) as caught:
                verify(headers, GOOD)
            assert caught.value.reason in {RejectReason.UNSIGNED, RejectReason.BAD_SIGNATURE}


def test_the_timestamp_is_checked_before_the_body() -> None:
    raw = b"{not json"
    with pytest.raises(WebhookRejected) as caught:
        verify(headers_for(sign_body(raw)), raw, now=TS_MS + 10 * WINDOW)
    assert caught.value.reason is RejectReason.STALE


def _flipped(raw: bytes) -> str:
    return _flip(sign_body(raw))


@pytest.mark.parametrize(
    ("signer", "accepted"),
    [(_body_signed, True), (_timestamp_signed, True), (_flipped, False)],
    ids=["body", "ts.body", "neither"],
)
def test_both_candidates_are_always_compared(signer: Signer, accepted: bool) -> None:
    calls: list[bytes] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append(a)
        return real(a, b)

    outcome: WebhookDelivery | WebhookRejected
    with patch("hmac.compare_digest", counting):
        try:
            outcome = verify(headers_for(signer(GOOD)), GOOD)
        except WebhookRejected as err:
            outcome = err
    assert isinstance(outcome, WebhookDelivery) == accepted
    assert len(calls) == 2
    assert calls[0] != calls[1]


def test_a_short_secret_is_the_callers_error_not_a_rejection() -> None:
    with pytest.raises(BasIpValidationError) as caught:
        verify(headers_for(GOOD_SIG), GOOD, secret="x" * 15)
    assert caught.value.field == "secret"
    assert "x" * 15 not in str(caught.value)


# --- fuzz ---------------------------------------------------------------------------

HEADER_NAMES = st.sampled_from(
    ["X-Webhook-Signature", "X-Webhook-Timestamp", "X-Webhook-Attempt", "x-webhook-signature"]
)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


def _assert_clean(err: WebhookRejected, raw: bytes) -> None:
    text = f"{err} {err!r}"
    assert str(err) in FIXED_MESSAGES
    assert SECRET not in text
    if len(raw) >= 8:
        assert raw.decode(errors="replace") not in text


@settings(max_examples=300, deadline=None)
@given(
    raw=st.binary(max_size=300),
    headers=st.dictionaries(HEADER_NAMES, st.text(max_size=80), max_size=3),
    now=st.none() | st.integers(min_value=-(2**70), max_value=2**70),
)
def test_fuzz_random_requests_only_ever_raise_webhook_rejected(
    raw: bytes, headers: dict[str, str], now: int | None
) -> None:
    try:
        verify(headers, raw, now=now)
    except WebhookRejected as err:
        _assert_clean(err, raw)


@settings(max_examples=300, deadline=None)
@given(
    value=JSON_VALUES
    | st.fixed_dictionaries(
        {},
        optional={
            "data": JSON_VALUES | st.just(log_item()),
            "created_at": JSON_VALUES,
            "event_id": JSON_VALUES,
            "event_type": JSON_VALUES | st.sampled_from(["test", EVENT_TYPE, "log."]),
        },
    ),
    timestamp_form=st.booleans(),
    timestamp=st.text(max_size=40) | st.just(TS),
)
def test_fuzz_signed_bodies_are_read_or_rejected_as_malformed(
    value: Any, timestamp_form: bool, timestamp: str
) -> None:
    raw = json.dumps(value).encode()
    signature = sign_with_timestamp(raw, timestamp=timestamp) if timestamp_form else sign_body(raw)
    outcome: WebhookDelivery | WebhookRejected
    try:
        outcome = verify(headers_for(signature, timestamp=timestamp), raw, now=None)
    except WebhookRejected as err:
        outcome = err
    if isinstance(outcome, WebhookRejected):
        _assert_clean(outcome, raw)
        assert outcome.reason in {RejectReason.MALFORMED, RejectReason.BAD_TIMESTAMP}
    else:
        assert outcome.event_type == value["event_type"]
        assert outcome.is_test == (outcome.item is None)


# --- models -------------------------------------------------------------------------


def test_push_event_types_are_sorted_prefixed_and_unique() -> None:
    assert push_event_types(["door_was_opened", "access_granted_by_card", "door_was_opened"]) == (
        "log.access_granted_by_card",
        "log.door_was_opened",
    )
    for bad in ("", " door", "door "):
        with pytest.raises(BasIpValidationError):
            push_event_types([bad])


def spec(**overrides: Any) -> WebhookSpec:
    values: dict[str, Any] = {
        "url": "http://192.0.2.5:8123/api/webhook/abc",
        "secret": SECRET,
        "description": "Home Assistant",
        "event_types": ("log.door_was_opened", EVENT_TYPE),
    }
    values.update(overrides)
    return WebhookSpec(**values)


def test_a_spec_keeps_its_secret_out_of_the_repr_and_sends_it_in_the_body() -> None:
    made = spec(event_types=[EVENT_TYPE, "log.door_was_opened", EVENT_TYPE])
    assert SECRET not in repr(made)
    assert "/api/webhook/abc" not in repr(made)
    assert made.event_types == (EVENT_TYPE, "log.door_was_opened")
    assert made.as_body() == {
        "url": "http://192.0.2.5:8123/api/webhook/abc",
        "secret": SECRET,
        "status": "active",
        "timeout": 2000,
        "description": "Home Assistant",
        "event_types": [EVENT_TYPE, "log.door_was_opened"],
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("secret", "s" * 15),
        ("secret", "s" * 129),
        ("secret", None),
        ("url", "h:/"),
        ("url", "ftp://192.0.2.5/hook"),
        ("url", "http://192.0.2.5/a hook"),
        ("url", "http://" + "a" * 1994),
        ("description", "d" * 1001),
        ("status", "paused"),
        ("timeout", 999),
        ("timeout", 30001),
        ("timeout", True),
        ("timeout", 2000.0),
        ("event_types", ()),
        ("event_types", ("access_granted_by_card",)),
        ("event_types", ("log.",)),
        ("event_types", EVENT_TYPE),
    ],
)
def test_a_spec_is_checked_when_made(field: str, value: Any) -> None:
    with pytest.raises(BasIpValidationError) as caught:
        spec(**{field: value})
    assert caught.value.field == field
    if isinstance(value, str) and len(value) > 3:
        assert value not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("secret", "s" * 16),
        ("secret", "s" * 128),
        ("timeout", 1000),
        ("timeout", 30000),
        ("description", "d" * 1000),
        ("status", "disabled"),
        ("url", "http://" + "a" * 1993),
    ],
)
def test_a_spec_accepts_the_documented_edges(field: str, value: Any) -> None:
    assert getattr(spec(**{field: value}), field) == value


@pytest.mark.parametrize("uid_field", ["uid", "item_uid", "id"])
def test_a_webhook_is_read_without_its_secret(uid_field: str) -> None:
    webhook = Webhook.from_dict(
        {
            uid_field: 7,
            "url": "http://192.0.2.5/hook",
            "secret": SECRET,
            "status": "active",
            "timeout": 3000,
            "headers": "{}",
            "description": "HA",
            "event_types": [EVENT_TYPE, "log.door_was_opened"],
        }
    )
    assert webhook == Webhook(
        uid=7,
        url="http://192.0.2.5/hook",
        status="active",
        timeout=3000,
        description="HA",
        event_types=(EVENT_TYPE, "log.door_was_opened"),
        has_secret=True,
    )
    assert SECRET not in repr(webhook)
    assert "192.0.2.5/hook" not in repr(webhook)
    assert all(getattr(webhook, name) != SECRET for name in Webhook.__slots__)


def test_a_webhook_without_optional_fields_gets_defaults() -> None:
    webhook = Webhook.from_dict({"uid": 1, "url": "http://192.0.2.5/hook"})
    assert webhook.timeout is None
    assert webhook.description == ""
    assert webhook.event_types == ()
    assert not webhook.has_secret


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "webhook"),
        ({"url": "http://x/y"}, "uid"),
        ({"uid": -1, "url": "http://x/y"}, "uid"),
        ({"uid": True, "url": "http://x/y"}, "uid"),
        ({"uid": 1}, "url"),
        ({"uid": 1, "url": 5}, "url"),
        ({"uid": 1, "url": "http://x/y", "event_types": "log.a"}, "event_types"),
        ({"uid": 1, "url": "http://x/y", "event_types": [1]}, "event_types"),
        ({"uid": 1, "url": "http://x/y", "timeout": "2000"}, "timeout"),
    ],
)
def test_a_malformed_webhook_is_a_response_error(data: Any, field: str) -> None:
    with pytest.raises(BasIpResponseError) as caught:
        Webhook.from_dict(data)
    assert caught.value.field == field


# --- the API, over real HTTP against the simulator ------------------------------------

GRANTED_KEY = "access_granted_by_valid_identifier"
DENIED_KEY = "access_denied_by_unknown_card"
WEBHOOKS_PATH = "/api/v1/webhooks"


@dataclass
class Receiver:
    """A bare HTTP server that keeps every request it gets."""

    url: str
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 204


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    holder: list[Receiver] = []

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        body = await request.content.read(MAX_DELIVERY_BYTES + 1)
        holder[0].got.append((dict(request.headers), body))
        return web.Response(status=holder[0].status)

    runner = web.ServerRunner(web.Server(handle, access_log=None))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    holder.append(Receiver(url=f"http://127.0.0.1:{port}/api/webhook/bas-ip-hook"))
    yield holder[0]
    await runner.cleanup()


def hook_spec(url: str, **overrides: Any) -> WebhookSpec:
    values: dict[str, Any] = {
        "url": url,
        "secret": SECRET,
        "description": "Home Assistant",
        "event_types": push_event_types([GRANTED_KEY, DENIED_KEY]),
    }
    values.update(overrides)
    return WebhookSpec(**values)


async def test_create_list_update_test_delete(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, receiver: Receiver
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    assert await client.webhooks.list() == []

    uid = await client.webhooks.create(hook_spec(receiver.url))
    expected = Webhook(
        uid=uid,
        url=receiver.url,
        status="active",
        timeout=2000,
        description="Home Assistant",
        event_types=(f"log.{DENIED_KEY}", f"log.{GRANTED_KEY}"),
        has_secret=True,
    )
    assert await client.webhooks.list() == [expected]

    await client.webhooks.update(uid, hook_spec(receiver.url, status="disabled", timeout=4000))
    updated = dataclasses.replace(expected, status="disabled", timeout=4000)
    assert await client.webhooks.list() == [updated]

    assert await client.webhooks.test(uid) == 204
    assert len(receiver.got) == 1
    headers, body = receiver.got[0]
    delivery = verify_delivery(
        secret=SECRET, headers=headers, body=body, device_now_ms=device.device_now_ms()
    )
    assert delivery.is_test
    assert delivery.attempt == 1

    await client.webhooks.delete(uid)
    assert await client.webhooks.list() == []
    await client.webhooks.delete(uid)  # already gone: not an error
    assert device.requests[f"{WEBHOOKS_PATH}/{uid}"] >= 3


async def test_a_device_without_webhooks_is_unsupported(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    with pytest.raises(BasIpUnsupportedDeviceError):
        await make_client(device).webhooks.list()


async def test_an_invalid_spec_never_reaches_the_device(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    with pytest.raises(BasIpValidationError) as made:
        hook_spec("http://192.0.2.5/hook", secret="s" * 15)
    assert made.value.field == "secret"
    # A spec changed behind the dataclass's back is checked again before sending.
    tampered = hook_spec("http://192.0.2.5/hook")
    object.__setattr__(tampered, "secret", "s" * 15)
    with pytest.raises(BasIpValidationError) as sent:
        await client.webhooks.create(tampered)
    assert sent.value.field == "secret"
    with pytest.raises(BasIpValidationError):
        await client.webhooks.update(1, tampered)
    assert device.requests[WEBHOOKS_PATH] == 0
    assert device.requests[f"{WEBHOOKS_PATH}/1"] == 0


async def test_a_value_the_device_refuses_names_the_field(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    # Well-formed locally, but not a key this device logs.
    spec = hook_spec("http://192.0.2.5/hook", event_types=("log.no_such_event_key",))
    with pytest.raises(BasIpValidationError) as caught:
        await client.webhooks.create(spec)
    assert caught.value.field == "event_types"
    assert await client.webhooks.list() == []


async def test_unknown_uids(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    await client.webhooks.delete(999)
    with pytest.raises(BasIpUnsupportedDeviceError):
        await client.webhooks.update(999, hook_spec("http://192.0.2.5/hook"))
    for uid in (-1, True, 2**63):
        with pytest.raises(BasIpValidationError):
            await client.webhooks.delete(uid)
    assert device.requests[f"{WEBHOOKS_PATH}/999"] == 2


async def test_every_page_is_read(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    uids = [
        await client.webhooks.create(hook_spec(f"http://192.0.2.5/hook/{n}")) for n in range(61)
    ]
    listed = await client.webhooks.list()
    assert [hook.uid for hook in listed] == uids
    assert device.requests[WEBHOOKS_PATH] == 61 + 2


async def test_a_test_call_without_a_receiver_has_no_status(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    uid = await client.webhooks.create(hook_spec("http://127.0.0.1:9/unreachable", timeout=1000))
    assert await client.webhooks.test(uid) is None


@pytest.mark.parametrize("signing", ["body", "timestamp_body"])
async def test_real_deliveries_verify_end_to_end(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    receiver: Receiver,
    signing: str,
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    await client.webhooks.create(hook_spec(receiver.url))
    device.webhooks.set_faults(signing=signing)
    logged = device.card_granted(CARD)
    device.log_event("door_was_opened")  # not subscribed: not sent
    denied = device.card_denied()
    await device.webhooks.idle()
    deliveries = [
        verify_delivery(
            secret=SECRET, headers=headers, body=body, device_now_ms=device.device_now_ms()
        )
        for headers, body in receiver.got
    ]
    assert [d.event_type for d in deliveries] == [f"log.{GRANTED_KEY}", f"log.{DENIED_KEY}"]
    assert deliveries[0].item == LogItem.from_dict(logged)
    assert deliveries[1].item == LogItem.from_dict(denied)
    assert deliveries[0].event_id < deliveries[1].event_id
    assert all(d.attempt == 1 for d in deliveries)

    with pytest.raises(WebhookRejected) as caught:
        verify_delivery(
            secret=OTHER_SECRET,
            headers=receiver.got[0][0],
            body=receiver.got[0][1],
            device_now_ms=device.device_now_ms(),
        )
    assert caught.value.reason is RejectReason.BAD_SIGNATURE


async def test_corrupted_and_stale_deliveries_are_rejected(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, receiver: Receiver
) -> None:
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    await client.webhooks.create(hook_spec(receiver.url))
    device.webhooks.set_faults(corrupt_signature=True)
    device.card_granted(CARD)
    await device.webhooks.idle()
    headers, body = receiver.got[-1]
    with pytest.raises(WebhookRejected) as corrupted:
        verify_delivery(secret=SECRET, headers=headers, body=body, device_now_ms=None)
    assert corrupted.value.reason is RejectReason.BAD_SIGNATURE

    device.webhooks.clear_faults()
    device.card_granted(CARD)
    await device.webhooks.idle()
    headers, body = receiver.got[-1]
    later = device.device_now_ms() + 301_000
    with pytest.raises(WebhookRejected) as stale:
        verify_delivery(secret=SECRET, headers=headers, body=body, device_now_ms=later)
    assert stale.value.reason is RejectReason.STALE


# --- odd answers, from a bare server ------------------------------------------------


@dataclass
class OddDevice:
    """A bare server: logins succeed, every other path gets the answer set for it."""

    host: str
    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)


@pytest.fixture
async def odd_device(socket_enabled: None) -> AsyncIterator[OddDevice]:
    holder: list[OddDevice] = []

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        if request.path == "/api/v1/login":
            return web.json_response({"token": "odd-token", "account_type": "admin"})
        holder[0].seen.append(request.path_qs)
        status, body = holder[0].answers.get(request.path, (404, b""))
        return web.Response(status=status, body=body, content_type="application/json")

    # No access log: the login URL carries the password digest.
    runner = web.ServerRunner(web.Server(handle, access_log=None))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    holder.append(OddDevice(host=f"127.0.0.1:{port}"))
    yield holder[0]
    await runner.cleanup()


def _page(items: list[Any], **pagination: Any) -> bytes:
    return encode({"list_items": items, "list_options": {"pagination": pagination}})


HOOK = {"uid": 3, "url": "http://192.0.2.5/hook", "status": "active"}


async def test_list_reads_at_most_ten_pages(
    odd_device: OddDevice, make_client: ClientFactory
) -> None:
    # A device that claims endless pages and ignores page_number.
    odd_device.answers[WEBHOOKS_PATH] = (200, _page([HOOK] * 50, total_pages=1000))
    listed = await make_client(odd_device.host).webhooks.list()
    assert [hook.uid for hook in listed] == [3]
    assert len(odd_device.seen) == 10
    assert odd_device.seen[0] == f"{WEBHOOKS_PATH}?limit=50&page_number=1"
    assert odd_device.seen[-1] == f"{WEBHOOKS_PATH}?limit=50&page_number=10"


@pytest.mark.parametrize(
    ("body", "requests"),
    [
        (_page([HOOK]), 1),  # no pagination: a short page is the last
        (encode({"list_items": [HOOK], "list_option": {"pagination": {"total_pages": 1}}}), 1),
        (_page([HOOK] * 50, total_pages=2), 2),
        (_page([], total_pages=0), 1),
    ],
)
async def test_list_stops_where_the_device_says(
    odd_device: OddDevice, make_client: ClientFactory, body: bytes, requests: int
) -> None:
    odd_device.answers[WEBHOOKS_PATH] = (200, body)
    await make_client(odd_device.host).webhooks.list()
    assert len(odd_device.seen) == requests


@pytest.mark.parametrize(
    "body",
    [
        encode({"list_items": {"uid": 1}}),
        encode([]),
        _page([{"uid": 1}]),
        _page([{"uid": "1", "url": "http://x/y"}]),
    ],
)
async def test_a_malformed_list_is_a_response_error(
    odd_device: OddDevice, make_client: ClientFactory, body: bytes
) -> None:
    odd_device.answers[WEBHOOKS_PATH] = (200, body)
    with pytest.raises(BasIpResponseError):
        await make_client(odd_device.host).webhooks.list()


@pytest.mark.parametrize(
    ("answer", "uid"),
    [({"item_uid": 7}, 7), ({"uid": 8}, 8), ({"id": 9}, 9), ({"item_uid": 7.0}, 7)],
)
async def test_create_reads_the_new_uid_tolerantly(
    odd_device: OddDevice, make_client: ClientFactory, answer: Any, uid: int
) -> None:
    odd_device.answers[WEBHOOKS_PATH] = (200, encode(answer))
    assert await make_client(odd_device.host).webhooks.create(hook_spec("http://x/yz")) == uid


@pytest.mark.parametrize("answer", [{}, {"item_uid": "7"}, {"item_uid": -1}, [7], "ok"])
async def test_create_without_a_usable_uid_is_a_response_error(
    odd_device: OddDevice, make_client: ClientFactory, answer: Any
) -> None:
    odd_device.answers[WEBHOOKS_PATH] = (200, encode(answer))
    with pytest.raises(BasIpResponseError):
        await make_client(odd_device.host).webhooks.create(hook_spec("http://x/yz"))


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b'{"status_code": 200}', 200),
        (200, b'{"status_code": 503}', 503),
        (200, b'{"status_code": null}', None),
        (200, b'{"status_code": true}', None),
        (200, b'{"status_code": "200"}', None),
        (200, b'{"status_code": 42}', None),
        (200, b"", None),
        (204, b"", None),
        (200, b"OK", None),
        (200, b"[200]", None),
        (200, b"\xff\xfe", None),
    ],
)
async def test_a_test_call_tolerates_any_answer(
    odd_device: OddDevice,
    make_client: ClientFactory,
    status: int,
    body: bytes,
    expected: int | None,
) -> None:
    odd_device.answers[f"{WEBHOOKS_PATH}/3/test"] = (status, body)
    assert await make_client(odd_device.host).webhooks.test(3) == expected


async def test_a_refused_write_names_the_field_not_the_value(
    odd_device: OddDevice, make_client: ClientFactory
) -> None:
    refusal = {"error": "Data validation error", "data": {"url": "http://x/yz is bad"}}
    odd_device.answers[f"{WEBHOOKS_PATH}/3"] = (400, encode(refusal))
    with pytest.raises(BasIpValidationError) as caught:
        await make_client(odd_device.host).webhooks.update(3, hook_spec("http://x/yz"))
    assert caught.value.field == "url"
    assert "http://x/yz" not in str(caught.value)
    assert SECRET not in str(caught.value)
