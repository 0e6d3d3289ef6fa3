"""Webhooks of the simulated Android panel: entries, refusals, deliveries, faults, shutdown.

A small aiohttp receiver on 127.0.0.1 stands in for Home Assistant and
records every delivery. Signatures are checked here with ``hmac`` directly,
not with the simulator's own helper.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
import hashlib
import hmac
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulator import DeviceSimulator, Profile
from tests.conftest import SimulatorFactory

from .util import call, control, log_page, login

WEBHOOKS = "/api/v1/webhooks"
SECRET = "whsec-Sim-Test-0123456789"
OTHER_SECRET = "whsec-Other-Test-9876543210"
HEADER_VALUE = "hdr-Value-Kept-Private"
RING = "log.outgoing_call"
CARD = "log.access_granted_by_valid_identifier"
NOW = 1_700_000_000.0
WAIT = 10.0
DEFAULT_FAULTS = {
    "drop": 0,
    "delay": 0.0,
    "duplicate": False,
    "reorder": False,
    "corrupt_signature": False,
    "signing": "body",
    "max_retries": 3,
    "retry_delay": 1.0,
}


class Clock:
    """A host clock that stands still, so device time is known exactly."""

    def __call__(self) -> float:
        """The current time."""
        return NOW


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> Any:
        """The decoded JSON body."""
        return json.loads(self.body)


class Receiver:
    """The test's Home Assistant: records requests and answers as scripted."""

    def __init__(self) -> None:
        """No requests yet; every answer is 200 unless scripted."""
        self.requests: list[Received] = []
        self.answers: list[int | str] = []
        """Answers to the next requests: a status, or ``"hang"`` (no answer until released)."""
        self.release = asyncio.Event()
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        """Release hung requests and stop listening."""
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str = "/hook") -> str:
        """The URL of ``path`` on this receiver."""
        return self.base + path

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append(Received(request.path, dict(request.headers), body))
        self._arrived.set()
        answer = self.answers.pop(0) if self.answers else 200
        if answer == "hang":
            await self.release.wait()
            answer = 200
        return web.Response(status=int(answer))

    async def wait_for(self, n: int) -> list[Received]:
        """Wait (bounded) until ``n`` requests arrived; answer them all."""
        async with asyncio.timeout(WAIT):
            while len(self.requests) < n:
                self._arrived.clear()
                await self._arrived.wait()
        return self.requests

    def at(self, path: str) -> list[Received]:
        """The requests to ``path``."""
        return [request for request in self.requests if request.path == path]


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """A running receiver; stopped at teardown."""
    found = Receiver()
    await found.start()
    yield found
    await found.stop()


async def panel(
    factory: SimulatorFactory, http: aiohttp.ClientSession, **kwargs: Any
) -> tuple[DeviceSimulator, str]:
    """An Android panel with an empty log, and a token."""
    kwargs.setdefault("history", False)
    device = await factory(Profile.ANDROID_PANEL, **kwargs)
    token = await login(http, device)
    return device, token


def webhook(url: str, **fields: Any) -> dict[str, Any]:
    """A valid create body for ``url``: active, subscribed to rings."""
    return {"url": url, "status": "active", "event_types": [RING], **fields}


async def create(
    http: aiohttp.ClientSession, device: DeviceSimulator, token: str, body: dict[str, Any]
) -> int:
    """Create a webhook over HTTP; answer its uid."""
    status, answer = await call(http, device, WEBHOOKS, token=token, method="POST", json_body=body)
    assert status == 200, answer
    assert set(answer) == {"item_uid"}
    uid = answer["item_uid"]
    assert isinstance(uid, int)
    return uid


def signature(secret: str, received: Received, scheme: str = "body") -> str:
    """The signature ``received`` must carry, computed here."""
    message = received.body
    if scheme == "timestamp_body":
        message = received.headers["X-Webhook-Timestamp"].encode() + b"." + message
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def iso(ms: int) -> str:
    """Device time ``ms`` as ISO-8601 UTC with milliseconds."""
    stamp = datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def is_hex_digest(text: str) -> bool:
    """Whether ``text`` is a lower-case hex SHA-256 digest."""
    return len(text) == 64 and all(char in "0123456789abcdef" for char in text)


# --- entries -----------------------------------------------------------------------


async def test_create_read_replace_delete_and_pages(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """The entries behave as the vendor documents them; pages like the log's."""
    device, token = await panel(simulator_factory, http)
    assert (await call(http, device, WEBHOOKS))[0] == 401
    first = await create(http, device, token, webhook(receiver.url()))
    assert first == 1
    assert await call(http, device, f"{WEBHOOKS}/1", token=token) == (
        200,
        {
            "uid": 1,
            "url": receiver.url(),
            "secret": None,
            "status": "active",
            "timeout": 5000,
            "headers": None,
            "description": "",
            "event_types": [RING],
        },
    )
    body = webhook(receiver.url("/two"), secret=SECRET, timeout=1500, description="Front door")
    assert await create(http, device, token, body) == 2
    for n in range(3, 12):
        assert await create(http, device, token, webhook(receiver.url(f"/{n}"))) == n
    status, page = await call(http, device, WEBHOOKS, token=token)
    assert status == 200
    assert [entry["uid"] for entry in page["list_items"]] == list(range(1, 11))
    assert page["list_items"][1]["secret"] == SECRET
    assert page["list_options"] == {
        "pagination": {"total_items": 11, "items_limit": 10, "total_pages": 2, "current_page": 1}
    }
    status, page = await call(http, device, f"{WEBHOOKS}?limit=10&page_number=2", token=token)
    assert [entry["uid"] for entry in page["list_items"]] == [11]
    status, page = await call(http, device, f"{WEBHOOKS}?limit=20", token=token)
    assert len(page["list_items"]) == 11
    assert page["list_options"]["pagination"]["total_pages"] == 1
    for query, field in (("limit=7", "limit"), ("page_number=0", "page_number")):
        status, error = await call(http, device, f"{WEBHOOKS}?{query}", token=token)
        assert status == 400
        assert list(error["data"]) == [field]

    # PUT replaces the entry; without a secret the old one stays.
    replacement = webhook(receiver.url("/moved"), status="disabled", event_types=[CARD])
    assert await call(
        http, device, f"{WEBHOOKS}/2", token=token, method="PUT", json_body=replacement
    ) == (200, {})
    status, entry = await call(http, device, f"{WEBHOOKS}/2", token=token)
    assert entry["url"] == receiver.url("/moved")
    assert entry["status"] == "disabled"
    assert entry["event_types"] == [CARD]
    assert entry["description"] == ""
    assert entry["timeout"] == 5000
    assert entry["secret"] == SECRET
    replacement["secret"] = OTHER_SECRET
    await call(http, device, f"{WEBHOOKS}/2", token=token, method="PUT", json_body=replacement)
    assert (await call(http, device, f"{WEBHOOKS}/2", token=token))[1]["secret"] == OTHER_SECRET
    assert {SECRET, OTHER_SECRET} <= device.secrets()
    # A refused PUT changes nothing.
    bad = webhook(receiver.url("/x"), timeout=999)
    status, error = await call(
        http, device, f"{WEBHOOKS}/2", token=token, method="PUT", json_body=bad
    )
    assert status == 400
    assert list(error["data"]) == ["timeout"]
    assert (await call(http, device, f"{WEBHOOKS}/2", token=token))[1]["url"] == receiver.url(
        "/moved"
    )

    assert await call(http, device, f"{WEBHOOKS}/3", token=token, method="DELETE") == (200, {})
    not_found = (404, {"error": "Not Found"})
    assert await call(http, device, f"{WEBHOOKS}/3", token=token) == not_found
    status, page = await call(http, device, WEBHOOKS, token=token)
    assert page["list_options"]["pagination"]["total_items"] == 10
    for method, path in (
        ("GET", f"{WEBHOOKS}/99"),
        ("PUT", f"{WEBHOOKS}/99"),
        ("DELETE", f"{WEBHOOKS}/99"),
        ("POST", f"{WEBHOOKS}/99/test"),
        ("GET", f"{WEBHOOKS}/abc"),
        ("GET", f"{WEBHOOKS}/0"),
        ("GET", f"{WEBHOOKS}/1/other"),
        ("GET", f"{WEBHOOKS}/"),
    ):
        assert await call(http, device, path, token=token, method=method, json_body={}) == (
            not_found
        ), (method, path)
    assert (await call(http, device, f"{WEBHOOKS}/1", token=token, method="PATCH"))[0] == 405
    assert (await call(http, device, f"{WEBHOOKS}/1/test", token=token))[0] == 405
    assert (await call(http, device, WEBHOOKS, token=token, method="DELETE"))[0] == 405


REFUSALS = [
    pytest.param("secret", {"secret": "s" * 15}, id="secret-15-chars"),
    pytest.param("secret", {"secret": "s" * 129}, id="secret-129-chars"),
    pytest.param("url", {"url": "htt"}, id="url-3-chars"),
    pytest.param("url", {"url": None}, id="url-missing"),
    pytest.param("status", {"status": "paused"}, id="bad-status"),
    pytest.param("timeout", {"timeout": 999}, id="timeout-999"),
    pytest.param("timeout", {"timeout": 30001}, id="timeout-30001"),
    pytest.param("timeout", {"timeout": True}, id="timeout-bool"),
    pytest.param("event_types", {"event_types": ["log.no_such_event"]}, id="unknown-event"),
    pytest.param("event_types", {"event_types": ["outgoing_call"]}, id="event-without-log"),
    pytest.param("event_types", {"event_types": []}, id="no-events"),
    pytest.param("headers", {"headers": '{"Content-Type": "text/plain"}'}, id="system-header"),
    pytest.param("headers", {"headers": '{"authorization": "Bearer x"}'}, id="authorization"),
    pytest.param("headers", {"headers": '{"X-Webhook-Attempt": "9"}'}, id="webhook-header"),
    pytest.param("headers", {"headers": '{"X Bad": "value"}'}, id="header-name"),
    pytest.param("headers", {"headers": '{"X-Ok": "caf\\u00e9"}'}, id="header-value"),
    pytest.param("headers", {"headers": '{"X-Ok": 1}'}, id="header-not-text"),
    pytest.param("headers", {"headers": "not json"}, id="headers-not-json"),
    pytest.param("headers", {"headers": '["X-Ok"]'}, id="headers-not-object"),
    pytest.param("description", {"description": "d" * 1001}, id="description-1001"),
]


@pytest.mark.parametrize(("field", "change"), REFUSALS)
async def test_refusals_name_the_field(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    field: str,
    change: dict[str, Any],
) -> None:
    """A refused body answers 400 in the Android (flat) shape, naming only the field."""
    device, token = await panel(simulator_factory, http)
    body = webhook("http://127.0.0.1/hook") | change
    body = {key: value for key, value in body.items() if value is not None}
    async with http.post(
        f"{device.url}{WEBHOOKS}", json=body, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        text = await response.text()
    assert response.status == 400
    error = json.loads(text)
    assert error["error"] == "Data validation error"
    assert list(error["data"]) == [field]
    value = change[field]
    if isinstance(value, str) and len(value) >= 6:
        assert value not in text
    assert device.webhooks.get(1) is None


async def test_body_that_is_no_object(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Not JSON, or not an object: 400 naming the body."""
    device, token = await panel(simulator_factory, http)
    for data in (b"not json", b"[1, 2]"):
        status, error = await call(http, device, WEBHOOKS, token=token, method="POST", data=data)
        assert status == 400
        assert list(error["data"]) == ["body"]


@pytest.mark.parametrize(
    "profile", [Profile.CAMDROID_PANEL, Profile.CAMDROID_MONITOR, Profile.OLD_FIRMWARE]
)
async def test_other_families_have_no_webhooks(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Camdroid and old firmware answer 404 as for any unknown path, token or not."""
    device = await simulator_factory(profile)
    token = await login(http, device) if profile is not Profile.OLD_FIRMWARE else None
    for path in (WEBHOOKS, f"{WEBHOOKS}/1", f"{WEBHOOKS}/1/test"):
        for bearer in (token, None):
            status, _ = await call(http, device, path, token=bearer, method="POST", json_body={})
            assert status == 404, (path, bearer)
    if token is not None:
        assert await call(http, device, WEBHOOKS, token=token) == (
            404,
            {"error": {"code": "system_error", "message": "Not Found"}},
        )


# --- deliveries ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["body", "timestamp_body"])
async def test_a_ring_is_delivered_signed_on_the_device_clock(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    receiver: Receiver,
    scheme: str,
) -> None:
    """The item as the log answers it, signed as ``scheme`` says, stamped by the device clock."""
    device, token = await panel(simulator_factory, http, clock=Clock())
    status, faults = await control(http, device, "webhook_faults", {"signing": scheme})
    assert status == 200
    assert faults == DEFAULT_FAULTS | {"signing": scheme}
    await control(http, device, "clock", {"skew": 3600.5})
    headers = json.dumps({"X-Custom": "hello", "X-Api-Key": HEADER_VALUE})
    await create(http, device, token, webhook(receiver.url(), secret=SECRET, headers=headers))

    device.ring("105")
    [received] = await receiver.wait_for(1)
    await device.webhooks.idle(WAIT)
    now_ms = device.device_now_ms()
    assert now_ms == int((NOW + 3600.5) * 1000)
    assert received.path == "/hook"
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-Webhook-Attempt"] == "1"
    assert received.headers["X-Webhook-Timestamp"] == iso(now_ms) == "2023-11-14T23:13:20.500Z"
    assert received.headers["X-Custom"] == "hello"
    assert received.headers["X-Api-Key"] == HEADER_VALUE
    assert received.headers["X-Webhook-Signature"] == signature(SECRET, received, scheme)
    payload = received.payload
    assert list(payload) == ["data", "created_at", "event_id", "event_type"]
    assert payload["event_id"] == 1
    assert payload["event_type"] == RING
    assert payload["created_at"] == now_ms
    status, page = await log_page(http, device, token, sort={"sort_type": "desc"})
    assert page["list_items"][0] == payload["data"]
    assert payload["data"]["name"]["key"] == "outgoing_call"
    assert payload["data"]["info"]["model"] == {"number": "105"}

    # The header follows the device clock, wherever it is set.
    await control(http, device, "clock", {"skew": -7200})
    device.ring()
    second = (await receiver.wait_for(2))[1]
    assert second.headers["X-Webhook-Timestamp"] == iso(int((NOW - 7200) * 1000))
    assert second.headers["X-Webhook-Signature"] == signature(SECRET, second, scheme)
    assert second.payload["event_id"] == 2
    # Deliveries are no device requests.
    assert set(device.requests) == {"/api/v1/login", WEBHOOKS, "/api/v1/log/items"}


async def test_only_active_subscribed_webhooks_get_events(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """Each active webhook gets its own keys; a disabled one nothing; no secret, no signature."""
    device, token = await panel(simulator_factory, http)
    await create(http, device, token, webhook(receiver.url("/rings")))
    await create(http, device, token, webhook(receiver.url("/off"), status="disabled"))
    await create(http, device, token, webhook(receiver.url("/cards"), event_types=[CARD, RING]))
    device.exit_button()
    device.ring()
    device.card_granted()
    await receiver.wait_for(3)
    await device.webhooks.idle(WAIT)
    assert [r.payload["event_id"] for r in receiver.at("/rings")] == [1]
    assert [(r.payload["event_id"], r.payload["event_type"]) for r in receiver.at("/cards")] == [
        (1, RING),
        (2, CARD),
    ]
    assert receiver.at("/off") == []
    assert len(receiver.requests) == 3
    assert all("X-Webhook-Signature" not in r.headers for r in receiver.requests)
    stats = device.webhooks.stats()
    assert stats[2] == {
        "attempts": 0,
        "delivered": 0,
        "failed": 0,
        "dropped": 0,
        "last_status": None,
        "pending": 0,
    }
    assert stats[3]["delivered"] == 2


async def test_retries_keep_the_event_and_count_attempts(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """A 5xx is retried with the same body and event id, attempt + 1, fresh signature."""
    device, token = await panel(simulator_factory, http)
    device.webhooks.set_faults(retry_delay=0.01, signing="timestamp_body")
    await create(http, device, token, webhook(receiver.url(), secret=SECRET))
    receiver.answers = [500, 503, 200]
    device.ring()
    requests = await receiver.wait_for(3)
    await device.webhooks.idle(WAIT)
    assert len(receiver.requests) == 3
    assert [r.headers["X-Webhook-Attempt"] for r in requests] == ["1", "2", "3"]
    assert len({r.body for r in requests}) == 1
    assert {r.payload["event_id"] for r in requests} == {1}
    for request in requests:
        assert request.headers["X-Webhook-Signature"] == signature(
            SECRET, request, "timestamp_body"
        )
    stamps = [r.headers["X-Webhook-Timestamp"] for r in requests]
    assert stamps == sorted(stamps)
    assert device.webhooks.stats()[1] == {
        "attempts": 3,
        "delivered": 1,
        "failed": 0,
        "dropped": 0,
        "last_status": 200,
        "pending": 0,
    }
    assert [(r["attempt"], r["status"]) for r in device.webhooks.records()] == [
        (1, 500),
        (2, 503),
        (3, 200),
    ]

    # One retry only, then the delivery fails.
    await control(http, device, "webhook_faults", {"max_retries": 1})
    receiver.answers = [500, 500, 500]
    device.ring()
    await receiver.wait_for(5)
    await device.webhooks.idle(WAIT)
    assert len(receiver.requests) == 5
    assert [r.payload["event_id"] for r in receiver.requests[3:]] == [2, 2]
    stats = device.webhooks.stats()[1]
    assert (stats["attempts"], stats["failed"], stats["last_status"]) == (5, 1, 500)


async def test_no_answer_within_the_timeout_is_retried(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """An attempt unanswered after the webhook's timeout counts as failed and is retried."""
    device, token = await panel(simulator_factory, http)
    device.webhooks.set_faults(retry_delay=0.01)
    await create(http, device, token, webhook(receiver.url(), timeout=1000))
    receiver.answers = ["hang", 200]
    device.ring()
    requests = await receiver.wait_for(2)
    await device.webhooks.idle(WAIT)
    assert [r.headers["X-Webhook-Attempt"] for r in requests] == ["1", "2"]
    assert [r["status"] for r in device.webhooks.records()] == ["timeout", 200]
    assert device.webhooks.stats()[1]["delivered"] == 1


async def test_delivery_faults(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """Drop, duplicate, reorder, delay and a corrupt signature, then back to normal."""
    device, token = await panel(simulator_factory, http)
    await create(http, device, token, webhook(receiver.url(), secret=SECRET))

    status, faults = await control(http, device, "webhook_faults", {"drop": 1})
    assert (status, faults["drop"]) == (200, 1)
    device.ring()
    device.ring()
    await receiver.wait_for(1)
    await device.webhooks.idle(WAIT)
    assert [r.payload["event_id"] for r in receiver.requests] == [2]
    assert device.webhooks.stats()[1]["dropped"] == 1
    assert device.webhooks.records()[0] | {"uid": 0} == {
        "uid": 0,
        "event_id": 1,
        "event_type": RING,
        "attempt": 0,
        "status": "dropped",
    }
    assert device.webhooks.faults["drop"] == 0

    await control(http, device, "webhook_faults", {"duplicate": True})
    device.ring()
    await receiver.wait_for(3)
    await device.webhooks.idle(WAIT)
    copies = receiver.requests[1:]
    assert [r.payload["event_id"] for r in copies] == [3, 3]
    assert copies[0].body == copies[1].body

    await control(http, device, "webhook_faults", {"duplicate": False, "reorder": True})
    device.ring()
    device.ring()
    await receiver.wait_for(5)
    assert [r.payload["event_id"] for r in receiver.requests[3:]] == [5, 4]
    # One alone is held back until its pair comes, or reordering ends.
    device.ring()
    with pytest.raises(TimeoutError):
        await device.webhooks.idle(0.3)
    assert device.webhooks.stats()[1]["pending"] == 1
    assert len(receiver.requests) == 5
    await control(http, device, "webhook_faults", {"reorder": False, "delay": 0.3})
    await receiver.wait_for(6)
    assert receiver.requests[5].payload["event_id"] == 6

    loop = asyncio.get_running_loop()
    started = loop.time()
    device.ring()
    await receiver.wait_for(7)
    assert loop.time() - started >= 0.3

    await control(http, device, "webhook_faults", {"delay": 0, "corrupt_signature": True})
    device.ring()
    await receiver.wait_for(8)
    corrupt = receiver.requests[7]
    assert is_hex_digest(corrupt.headers["X-Webhook-Signature"])
    assert corrupt.headers["X-Webhook-Signature"] != signature(SECRET, corrupt)

    assert await control(http, device, "webhooks/clear_faults", {}) == (200, DEFAULT_FAULTS)
    device.ring()
    await receiver.wait_for(9)
    assert receiver.requests[8].headers["X-Webhook-Signature"] == signature(
        SECRET, receiver.requests[8]
    )
    await device.webhooks.idle(WAIT)


@pytest.mark.parametrize(
    "body",
    [{"max_retries": 6}, {"signing": "header"}, {"drop": -1}, {"delay": -0.5}, {"reorder": 1}],
)
async def test_fault_control_refusals(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    """Out-of-range fault settings are refused and change nothing."""
    device, _ = await panel(simulator_factory, http)
    status, error = await control(http, device, "webhook_faults", body)
    assert status == 400
    assert next(iter(body)) in error["error"]
    assert device.webhooks.faults == DEFAULT_FAULTS


async def test_python_fault_api_refuses_bad_settings(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """``set_faults`` checks its values too."""
    device, _ = await panel(simulator_factory, http)
    with pytest.raises(ValueError, match="max_retries"):
        device.webhooks.set_faults(max_retries=9)
    with pytest.raises(ValueError, match="signing"):
        device.webhooks.set_faults(signing="nothing")
    assert device.webhooks.set_faults(max_retries=0)["max_retries"] == 0


async def test_test_call_sends_one_delivery(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """``POST /webhooks/{uid}/test``: one signed test delivery, no retries, the status answered."""
    device, token = await panel(simulator_factory, http)
    await create(http, device, token, webhook(receiver.url(), secret=SECRET))
    path = f"{WEBHOOKS}/1/test"
    assert await call(http, device, path, token=token, method="POST") == (200, {"status_code": 200})
    [received] = receiver.requests
    assert received.payload["event_type"] == "test"
    assert received.payload["event_id"] == 0
    assert received.payload["data"] == {}
    assert received.headers["X-Webhook-Attempt"] == "1"
    assert received.headers["X-Webhook-Signature"] == signature(SECRET, received)

    receiver.answers = [503]
    assert await call(http, device, path, token=token, method="POST") == (200, {"status_code": 503})
    await device.webhooks.idle(WAIT)
    assert len(receiver.requests) == 2

    # Nobody listens on port 1: no status.
    await create(http, device, token, webhook("http://127.0.0.1:1/hook"))
    assert await call(http, device, f"{WEBHOOKS}/2/test", token=token, method="POST") == (
        200,
        {"status_code": None},
    )
    assert device.webhooks.stats()[2]["last_status"] == "error"


async def test_controls_and_state_hide_secrets(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """``GET /_simulator/webhooks`` and the state say whether there is a secret, not what."""
    device, token = await panel(simulator_factory, http)
    headers = json.dumps({"X-Api-Key": HEADER_VALUE})
    await create(http, device, token, webhook(receiver.url(), secret=SECRET, headers=headers))
    device.ring()
    await receiver.wait_for(1)
    await device.webhooks.idle(WAIT)
    status, answer = await control(http, device, "webhooks")
    assert status == 200
    [entry] = answer["webhooks"]
    assert entry["has_secret"] is True
    assert entry["header_names"] == ["X-Api-Key"]
    assert "secret" not in entry
    assert "headers" not in entry
    assert entry["stats"] == {
        "attempts": 1,
        "delivered": 1,
        "failed": 0,
        "dropped": 0,
        "last_status": 200,
        "pending": 0,
    }
    assert answer["faults"] == DEFAULT_FAULTS
    assert answer["deliveries"] == [
        {"uid": 1, "event_id": 1, "event_type": RING, "attempt": 1, "status": 200}
    ]
    status, state = await control(http, device, "state")
    assert state["webhooks"][0]["has_secret"] is True
    for text in (json.dumps(answer), json.dumps(state)):
        assert SECRET not in text
        assert HEADER_VALUE not in text
    assert SECRET in device.secrets()


async def test_stop_cancels_workers_and_never_blocks_requests(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    """A hung delivery holds up neither the device's answers nor its stop."""
    device, token = await panel(simulator_factory, http)
    await create(http, device, token, webhook(receiver.url(), timeout=30000))
    receiver.answers = ["hang"]
    device.ring()
    device.ring()
    await receiver.wait_for(1)
    async with asyncio.timeout(2):
        status, _ = await call(http, device, WEBHOOKS, token=token)
    assert status == 200
    assert device.webhooks.stats()[1]["pending"] == 2
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with asyncio.timeout(WAIT):
        await device.stop()
    assert loop.time() - started < 5
    assert device.webhooks.stats()[1]["pending"] == 0
    assert not [task for task in asyncio.all_tasks() if task.get_name().startswith("webhook-")]
    await device.webhooks.idle(0.1)
    # Stopped: nothing more is sent.
    device.ring()
    await asyncio.sleep(0.1)
    assert len(receiver.requests) == 1
