"""The intercom calls against every simulator profile over real HTTP.

Doors, door contact, hold-open, RTSP, reboot, SIP on/off and SIP writes, the
log page, and every error shape (nested, flat, HTML, empty, 400/403/404/5xx).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import json
from typing import Any

from aiohttp import web
import pytest

from custom_components.bas_ip.client import (
    BasIpClient,
    BasIpConnectionError,
    BasIpError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
    DoorStatus,
    LogDialect,
    LogPage,
    SipSettingsUpdate,
    SipTransport,
)
from custom_components.bas_ip.client.models import StunServer, parse_lock_count
from simulator import DeviceSimulator, Fault, Profile
from tests.conftest import SimulatorFactory

from .conftest import ClientFactory

PANELS = [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]
V1 = [*PANELS, Profile.CAMDROID_MONITOR]
SIP_PASSWORD = "Sip-Write-Secret-77"
CARD = "04C0FFEE00B1A5"
LOG = "/api/v1/log/items"
LOCK_TYPE = "/api/v1/access/general/lock/type"
DOOR = "/api/v1/access/door/status"
RTSP = "/api/v1/device/settings/rtsp"


@pytest.fixture
async def device_and_client(
    request: pytest.FixtureRequest, simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> tuple[DeviceSimulator, BasIpClient]:
    """A simulator of the parametrized ``profile`` and a client for it."""
    device = await simulator_factory(request.param)
    return device, make_client(device)


def per_profile(profiles: list[Profile]) -> pytest.MarkDecorator:
    """Run the test once per profile, with ``device_and_client``."""
    return pytest.mark.parametrize("device_and_client", profiles, indirect=True, ids=str)


# --- event log page ----------------------------------------------------------------


@per_profile(V1)
async def test_log_page(device_and_client: tuple[DeviceSimulator, BasIpClient]) -> None:
    """Oldest first unless asked (the vendor's default); newest first in the family's dialect.

    This is the proof that the old reader (page 1, no sort parameter) could
    never see a new ring on a real panel once its log held a second page.
    """
    device, client = device_and_client
    device.ring("205")
    plain = await client.get_log_page()
    assert isinstance(plain, LogPage)
    assert plain.total_items == len(device.log_items) > 10
    assert plain.skipped == 0
    # Page 1 without a sort parameter is the oldest page: no ring of today on it.
    assert all(item.info.get("number") != "205" for item in plain.items)
    assert plain.items[0].timestamp == device.log_items[0]["timestamp"]
    dialect = (
        LogDialect.SORT_TYPE if device.profile is Profile.ANDROID_PANEL else LogDialect.ORDER_BY
    )
    page = await client.get_log_page(dialect=dialect)
    # The client's own login is logged after the ring, on top.
    assert page.items[0].key == "successful_login_api_call"
    ring = page.items[1]
    assert ring.key in ("outgoing_call", "incoming_call")
    assert ring.info["number"] == "205"
    assert ring.timestamp == device.log_items[-2]["timestamp"]
    # The device's clock at the answer, from its Date header (whole seconds).
    assert page.device_time_ms is not None
    assert abs(page.device_time_ms - device.device_now_ms()) < 2_000
    second = await client.get_log_page(limit=20, page=2, dialect=dialect)
    assert len(second.items) <= 20
    assert device.requests[LOG] == 3


@pytest.mark.parametrize(("limit", "page"), [(5, 1), (100, 1), (True, 1), (10, 0), (10, -1)])
async def test_log_page_arguments_checked_first(
    make_client: ClientFactory, limit: Any, page: Any
) -> None:
    """``limit`` must be 10/20/30/50 and ``page`` >= 1, checked before sending."""
    client = make_client("192.0.2.1")
    with pytest.raises(BasIpValidationError) as err:
        await client.get_log_page(limit=limit, page=page)
    assert err.value.field in ("limit", "page")


@per_profile([Profile.CAMDROID_PANEL])
async def test_log_page_skips_bad_items(
    device_and_client: tuple[DeviceSimulator, BasIpClient],
) -> None:
    """A malformed item is skipped and counted; unknown keys pass through."""
    device, client = device_and_client
    good = {
        "timestamp": 1,
        "category": "odd",
        "name": {"key": "brand_new_key"},
        "info": {"model": {"card": CARD, "nested": {"x": 1}}},
    }
    device.set_fault(
        Fault.WRONG_SHAPE,
        paths=[LOG],
        body={"list_items": [good, {"timestamp": "x"}, 5, {**good, "name": None}]},
    )
    page = await client.get_log_page()
    assert page.skipped == 3
    assert page.total_items is None
    assert [(item.key, item.category) for item in page.items] == [("brand_new_key", "odd")]
    assert dict(page.items[0].info) == {"card": CARD}
    assert CARD not in repr(page)


@per_profile([Profile.CAMDROID_PANEL])
@pytest.mark.parametrize("body", [[], {"list_items": {}}, {"list_items": None}, "x"])
async def test_log_page_bad_envelope(
    device_and_client: tuple[DeviceSimulator, BasIpClient], body: Any
) -> None:
    """A wrong envelope is a response error."""
    device, client = device_and_client
    device.set_fault(Fault.WRONG_SHAPE, paths=[LOG], body=body)
    with pytest.raises(BasIpResponseError) as err:
        await client.get_log_page()
    assert err.value.field in ("log_page", "list_items")


# --- locks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "count"),
    [(Profile.CAMDROID_PANEL, 2), (Profile.ANDROID_PANEL, None), (Profile.CAMDROID_MONITOR, None)],
)
async def test_lock_count(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    count: int | None,
) -> None:
    """Camdroid lists its locks; a 404 means the device does not say (None)."""
    client = make_client(await simulator_factory(profile))
    assert await client.get_lock_count() == count


@pytest.mark.parametrize(("locks", "count"), [([], 1), ([{}] * 3, 3), ([{}] * 12, 8)])
def test_lock_count_bounds_inferred(locks: list[Any], count: int) -> None:
    """(inferred) An empty list is still one lock; more than eight cannot be addressed."""
    assert parse_lock_count({"locks": locks}) == count


@pytest.mark.parametrize("body", [{}, {"locks": 2}, [], None])
def test_lock_count_wrong_shape(body: Any) -> None:
    """A body without a list of locks is a response error."""
    with pytest.raises(BasIpResponseError):
        parse_lock_count(body)


@per_profile([Profile.CAMDROID_PANEL])
async def test_lock_count_permission_error_stays(
    device_and_client: tuple[DeviceSimulator, BasIpClient],
) -> None:
    """A 403 is not "unknown": it stays an error."""
    device, client = device_and_client
    device.set_fault(Fault.PERMISSION_DENIED, paths=[LOCK_TYPE])
    with pytest.raises(BasIpPermissionError):
        await client.get_lock_count()


@per_profile(PANELS)
async def test_open_lock(device_and_client: tuple[DeviceSimulator, BasIpClient]) -> None:
    """A release is counted and logged as an API access."""
    device, client = device_and_client
    await client.open_lock(1)
    await client.open_lock(0)
    assert device.lock_opens == {1: 1, 0: 1}
    assert device.log_items[-1]["name"]["key"] == "access_granted_by_api_call"


@pytest.mark.parametrize("lock", [-1, 9, True, 1.0])
async def test_open_lock_checked_first(make_client: ClientFactory, lock: Any) -> None:
    """Lock numbers outside 0..8 never reach the device."""
    with pytest.raises(BasIpValidationError) as err:
        await make_client("192.0.2.1").open_lock(lock)
    assert err.value.field == "lock"


async def test_open_lock_refused_by_device(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Android opens locks 0/1 only: its flat 400 for lock 2 is a validation error."""
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    with pytest.raises(BasIpValidationError) as err:
        await client.open_lock(2)
    assert err.value.field is None
    assert "Invalid lock number" not in str(err.value)
    assert not device.lock_opens


async def test_monitor_has_no_lock(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Monitors answer 404."""
    client = make_client(await simulator_factory(Profile.CAMDROID_MONITOR))
    with pytest.raises(BasIpUnsupportedDeviceError):
        await client.open_lock(1)


# --- door contact --------------------------------------------------------------------


async def test_door_status_camdroid(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Open, closed, and open too long."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    client = make_client(device)
    status = await client.get_door_status()
    assert status == DoorStatus(is_open=False, open_too_long=False, open_time=0, mode="door_sensor")
    device.set_door(True, open_too_long=True)
    status = await client.get_door_status()
    assert status is not None
    assert status.is_open
    assert status.open_too_long


async def test_door_sensor_not_activated_is_none(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Android's 400 "Door sensor mode is not activated" means: no door sensor."""
    device = await simulator_factory(Profile.ANDROID_PANEL)
    assert await make_client(device).get_door_status() is None
    camdroid = await simulator_factory(Profile.CAMDROID_PANEL)
    camdroid.door_sensor = False
    assert await make_client(camdroid).get_door_status() is None


async def test_door_status_monitor_unsupported(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """A 404 is an unsupported device, not "no sensor"."""
    client = make_client(await simulator_factory(Profile.CAMDROID_MONITOR))
    with pytest.raises(BasIpUnsupportedDeviceError):
        await client.get_door_status()


@per_profile([Profile.CAMDROID_PANEL])
@pytest.mark.parametrize(
    "body", [{"status": "ajar"}, {"status": "open", "is_timeout_exceed": "no"}, {}, []]
)
async def test_door_status_wrong_shape(
    device_and_client: tuple[DeviceSimulator, BasIpClient], body: Any
) -> None:
    """A body of the wrong shape names its field."""
    device, client = device_and_client
    device.set_fault(Fault.WRONG_SHAPE, paths=[DOOR], body=body)
    with pytest.raises(BasIpResponseError):
        await client.get_door_status()


# --- hold open -------------------------------------------------------------------------


async def test_hold_open_and_end(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """The time goes in seconds; ending removes the hold."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    client = make_client(device)
    await client.hold_door_open(1, 60)
    assert device.emergency_holds == {1: 60}
    await client.end_hold_open(1)
    assert device.emergency_holds == {}


@pytest.mark.parametrize(
    ("lock", "seconds", "field"),
    [
        (0, 60, "lock"),
        (9, 60, "lock"),
        (1, 0, "seconds"),
        (1, 604801, "seconds"),
        (1, 1.5, "seconds"),
    ],
)
async def test_hold_open_checked_first(
    make_client: ClientFactory, lock: int, seconds: Any, field: str
) -> None:
    """Lock 1..8 and 1..604800 seconds, checked before sending."""
    with pytest.raises(BasIpValidationError) as err:
        await make_client("192.0.2.1").hold_door_open(lock, seconds)
    assert err.value.field == field


@pytest.mark.parametrize("profile", [Profile.ANDROID_PANEL, Profile.CAMDROID_MONITOR])
async def test_hold_open_unsupported(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Families without emergency hold-open answer 404."""
    client = make_client(await simulator_factory(profile))
    with pytest.raises(BasIpUnsupportedDeviceError):
        await client.hold_door_open(1, 60)
    with pytest.raises(BasIpUnsupportedDeviceError):
        await client.end_hold_open(1)


# --- RTSP ------------------------------------------------------------------------------


async def test_rtsp_settings(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Camdroid answers the password in clear; Android masks it."""
    camdroid = await simulator_factory(Profile.CAMDROID_PANEL)
    settings = await make_client(camdroid).get_rtsp_settings()
    assert settings.username == "user"
    assert settings.password == "rtsp-Pan3l-Secret"
    assert not settings.password_masked
    assert settings.audio_enabled is False
    assert "rtsp-Pan3l-Secret" not in repr(settings)
    android = await simulator_factory(Profile.ANDROID_PANEL)
    masked = await make_client(android).get_rtsp_settings()
    assert masked.password_masked
    assert "rtsp-Andr0id-Secret" not in repr(masked)


async def test_rtsp_monitor_unsupported(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Monitors have no RTSP settings endpoint."""
    client = make_client(await simulator_factory(Profile.CAMDROID_MONITOR))
    with pytest.raises(BasIpUnsupportedDeviceError):
        await client.get_rtsp_settings()


@pytest.mark.parametrize(
    ("host", "user", "password", "url"),
    [
        ("192.0.2.10", "user", "1234", "rtsp://user:1234@192.0.2.10:8554/ch01"),
        ("http://192.0.2.10:8080", "u@x", "p:w/d", "rtsp://u%40x:p%3Aw%2Fd@192.0.2.10:8554/ch01"),
        ("fe80::1", "user", "a b", "rtsp://user:a%20b@[fe80::1]:8554/ch01"),
        ("panel.local", "user", "%", "rtsp://user:%25@panel.local:8554/ch01"),
    ],
)
def test_rtsp_url(
    make_client: ClientFactory, host: str, user: str, password: str, url: str
) -> None:
    """Host from the client's address, credentials URL-quoted, port 8554, ``ch01``."""
    assert make_client(host).rtsp_url(user, password) == url


def test_rtsp_url_port_and_path(make_client: ClientFactory) -> None:
    """Port and path can be given."""
    client = make_client("192.0.2.10")
    assert client.rtsp_url("u", "p", port=554, path="/ch02") == "rtsp://u:p@192.0.2.10:554/ch02"
    with pytest.raises(BasIpValidationError):
        client.rtsp_url("u", "p", port=0)


# --- system and SIP writes -------------------------------------------------------------


@per_profile(V1)
async def test_reboot(device_and_client: tuple[DeviceSimulator, BasIpClient]) -> None:
    """The device goes away, comes back with tokens forgotten; the client logs in again."""
    device, client = device_and_client
    device.reboot_duration = 0.3
    await client.reboot()
    assert device.reboots == 1
    with pytest.raises(BasIpConnectionError):
        await client.get_sip_status()
    await device.wait_booted()
    logins = device.logins
    assert (await client.get_sip_status()).status is not None
    assert device.logins == logins + 1
    assert device.log_items[-2]["name"]["key"] == "device_booted"


@per_profile(V1)
async def test_sip_enable(device_and_client: tuple[DeviceSimulator, BasIpClient]) -> None:
    """SIP off and on again."""
    device, client = device_and_client
    await client.set_sip_enabled(False)
    assert not device.sip_enabled
    assert not (await client.get_sip_enabled()).enabled
    await client.set_sip_enabled(True)
    assert device.sip_enabled


@per_profile(V1)
async def test_sip_write(device_and_client: tuple[DeviceSimulator, BasIpClient]) -> None:
    """Given fields change, others stay; the password goes to the device only."""
    device, client = device_and_client
    before = device.sip_settings
    update = SipSettingsUpdate(
        # Android wants a proxy starting with "sip:" in every write.
        proxy=f"sip:{before['proxy'].removeprefix('sip:')}",
        registration_interval=120,
        transport=SipTransport.TCP,
        stun=StunServer(host="stun.example.com", port=3478),
    )
    await client.set_sip_settings(update, password=SIP_PASSWORD)
    after = device.sip_settings
    assert after["registration_interval"] == 120
    assert after["transport"] == "tcp"
    assert after["stun"] == {"ip": "stun.example.com", "port": 3478}
    assert after["user"] == before["user"]
    assert after["password"] == SIP_PASSWORD
    assert SIP_PASSWORD in device.secrets()
    settings = await client.get_sip_settings()
    assert settings.registration_interval == 120


async def test_sip_write_android_rules(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Android: a short password or a proxy without ``sip:`` is refused before sending."""
    device = await simulator_factory(Profile.ANDROID_PANEL)
    client = make_client(device)
    for update, password, field in (
        (SipSettingsUpdate(), "12345", "password"),
        (SipSettingsUpdate(proxy="pbx.example.com"), SIP_PASSWORD, "proxy"),
    ):
        device.reset_counters()
        with pytest.raises(BasIpValidationError) as err:
            await client.set_sip_settings(update, password=password)
        assert err.value.field == field
        assert password not in str(err.value)
        assert device.requests["/api/v1/device/sip/settings"] == 1  # the GET only


@pytest.mark.parametrize("profile", V1)
async def test_sip_write_refused_by_device(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """The device's not_valid names the field; neither value nor message is repeated."""
    device = await simulator_factory(profile)
    client = make_client(device)
    with pytest.raises(BasIpValidationError) as err:
        # A realm that is no host: the client leaves host syntax to the device.
        await client.set_sip_settings(
            SipSettingsUpdate(realm="not a host!", proxy="sip:192.0.2.50"), password=SIP_PASSWORD
        )
    assert err.value.field == "realm"
    assert "not a host" not in str(err.value)
    assert SIP_PASSWORD not in str(err.value)


# --- error shapes on every new call -----------------------------------------------------


Call = Callable[[BasIpClient], Awaitable[Any]]
NEW_CALLS: list[tuple[str, Call]] = [
    (LOG, lambda c: c.get_log_page()),
    (LOCK_TYPE, lambda c: c.get_lock_count()),
    (DOOR, lambda c: c.get_door_status()),
    (RTSP, lambda c: c.get_rtsp_settings()),
    ("/api/v1/photo/file", lambda c: c.get_snapshot()),
]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.HTML_500, BasIpResponseError),
        (Fault.PERMISSION_DENIED, BasIpPermissionError),
        (Fault.NOT_FOUND, BasIpUnsupportedDeviceError),
        (Fault.EMPTY_BODY, BasIpResponseError),
        (Fault.INVALID_JSON, BasIpResponseError),
        (Fault.DROP_CONNECTION, BasIpConnectionError),
    ],
)
@pytest.mark.parametrize("target", NEW_CALLS, ids=[p for p, _ in NEW_CALLS])
async def test_faults_on_new_calls(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    fault: Fault,
    error: type[BasIpError],
    target: tuple[str, Call],
) -> None:
    """Every fault maps to the client's own error (the lock count's 404 is "not said")."""
    path, call = target
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.set_fault(fault, paths=[path])
    client = make_client(device)
    if path == LOCK_TYPE and fault is Fault.NOT_FOUND:
        assert await call(client) is None
        return
    with pytest.raises(error) as err:
        await call(client)
    assert err.value.__cause__ is None


# A raw device answering each write with a chosen status and body.
Answer = tuple[int, bytes, str]


@pytest.fixture
async def raw_device(socket_enabled: None) -> AsyncIterator[tuple[str, list[Answer]]]:
    """A bare server: logins succeed, everything else gets the queued answer."""
    answers: list[Answer] = []

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        if request.path == "/api/v1/login":
            return web.json_response({"token": "raw-token", "account_type": "admin"})
        if request.method == "GET" and request.path == "/api/v1/device/sip/settings":
            return web.json_response(
                {"user": "101", "registration_interval": 60, "transport": "udp"}
            )
        status, body, content_type = answers[0] if answers else (200, b"{}", "application/json")
        return web.Response(status=status, body=body, content_type=content_type)

    # No access log: the login URL carries the password digest.
    server = web.Server(handle, access_log=None)
    runner = web.ServerRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"127.0.0.1:{port}", answers
    await runner.cleanup()


FLAT_WITH_DATA = b'{"error": "Data validation error", "data": {"lock_number": "x"}}'
NESTED_NOT_VALID = {
    "error": {"code": "not_valid", "message": "bad 1234", "data": {"unlock_time": "x"}}
}
WRITES: list[tuple[str, Call]] = [
    ("hold", lambda c: c.hold_door_open(1, 60)),
    ("end", lambda c: c.end_hold_open(1)),
    ("open", lambda c: c.open_lock(1)),
    ("sip_enable", lambda c: c.set_sip_enabled(True)),
    ("reboot", lambda c: c.reboot()),
    ("sip_write", lambda c: c.set_sip_settings(SipSettingsUpdate(), password=SIP_PASSWORD)),
]


@pytest.mark.parametrize(
    "answer",
    [
        (400, json.dumps(NESTED_NOT_VALID).encode(), BasIpValidationError, "unlock_time"),
        (400, b'{"error": "Invalid unlock time 1234"}', BasIpValidationError, None),
        (400, FLAT_WITH_DATA, BasIpValidationError, "lock_number"),
        (400, b'{"error": {"code": "system_error", "message": "m"}}', BasIpResponseError, None),
        (400, b"<html>Bad Request</html>", BasIpResponseError, None),
        (400, b"", BasIpResponseError, None),
        (403, b'{"error": "Permission denied"}', BasIpPermissionError, None),
        (404, b"<html>Not Found</html>", BasIpUnsupportedDeviceError, None),
        (500, b"<html>boom</html>", BasIpResponseError, None),
        (503, b"", BasIpResponseError, None),
    ],
)  # fmt: skip
@pytest.mark.parametrize("write", WRITES, ids=[n for n, _ in WRITES])
async def test_error_shapes_on_writes(
    raw_device: tuple[str, list[Answer]],
    make_client: ClientFactory,
    answer: tuple[int, bytes, type[BasIpError], str | None],
    write: tuple[str, Call],
) -> None:
    """Nested, flat, HTML and empty errors map to one error class; nothing echoed."""
    status, body, error, field = answer
    _, call = write
    address, answers = raw_device
    answers.append((status, body, "application/json"))
    with pytest.raises(error) as err:
        await call(make_client(address))
    assert type(err.value) is error
    if isinstance(err.value, BasIpValidationError):
        assert err.value.field == field
    assert "1234" not in str(err.value)
    assert SIP_PASSWORD not in str(err.value)


@pytest.mark.parametrize(
    "body",
    [b"", b"OK", b"<html>done</html>", b'{"result": true}'],
    ids=["empty", "text", "html", "json"],
)
async def test_any_2xx_is_done(
    raw_device: tuple[str, list[Answer]], make_client: ClientFactory, body: bytes
) -> None:
    """An action's answer is not documented: any 2xx body means done."""
    address, answers = raw_device
    answers.append((200, body, "text/plain"))
    client = make_client(address)
    await client.open_lock(1)
    await client.reboot()
    await client.hold_door_open(2, 604800)


async def test_door_status_other_400_stays_an_error(
    raw_device: tuple[str, list[Answer]], make_client: ClientFactory
) -> None:
    """Only the "not activated" 400 means no sensor; another 400 is an error."""
    address, answers = raw_device
    answers.append((400, b'{"error": "Door sensor is broken"}', "application/json"))
    with pytest.raises(BasIpResponseError) as err:
        await make_client(address).get_door_status()
    assert err.value.status == 400
    answers[0] = (400, b'{"error": "door sensor mode is not activated."}', "application/json")
    assert await make_client(address).get_door_status() is None
    answers[0] = (
        400,
        b'{"error": {"code": "system_error", "message": "Door sensor mode is not activated"}}',
        "application/json",
    )
    assert await make_client(address).get_door_status() is None


@pytest.mark.parametrize("profile", V1)
async def test_no_secret_in_any_result_or_error(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """RTSP passwords, SIP passwords given to writes, cards and codes: in no repr or error."""
    device = await simulator_factory(profile)
    device.card_granted(card=CARD)
    device.code_denied(code="9911#")
    client = make_client(device)
    texts: list[str] = [repr(client)]
    calls: list[Callable[[], Awaitable[Any]]] = [
        client.get_log_page,
        client.get_lock_count,
        client.get_door_status,
        client.get_rtsp_settings,
        client.get_snapshot,
        lambda: client.set_sip_settings(SipSettingsUpdate(), password=SIP_PASSWORD),
        lambda: client.set_sip_settings(SipSettingsUpdate(), password="short"),
        lambda: client.set_sip_settings(
            SipSettingsUpdate(realm="bad realm", proxy="sip:x"), password=SIP_PASSWORD
        ),
        lambda: client.hold_door_open(1, 60),
    ]
    for call in calls:
        try:
            texts.append(repr(await call()))
        except BasIpError as err:
            texts.extend((repr(err), str(err)))
    secrets = device.secrets() | {SIP_PASSWORD, CARD, "9911#"}
    leaks = [(secret, text) for text in texts for secret in secrets if secret in text]
    assert not leaks
