"""The simulated device API, profile by profile, as docs/device-api.md describes it."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from typing import Any

import aiohttp
from cryptography import x509
import pytest

from simulator import DeviceSimulator, Profile, self_signed_context
from tests.conftest import SimulatorFactory
from tests.const import PASSWORD, USERNAME, WRONG_PASSWORD, md5_hex

from .util import call, login

V1_PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]
NESTED_PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL]

LOGIN_ERROR_NESTED = {"error": {"code": "invalid_authentication", "message": "Log In"}}
LOGIN_ERROR_FLAT = {"error": "Log In"}


def login_error(profile: Profile) -> dict[str, Any]:
    """The 401 body a profile answers."""
    return LOGIN_ERROR_FLAT if profile is Profile.ANDROID_PANEL else LOGIN_ERROR_NESTED


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        """Start at ``now``."""
        self.now = now

    def __call__(self) -> float:
        """The current simulated time."""
        return self.now


EXPECTED_INFO = {
    Profile.CAMDROID_MONITOR: (
        "5c4d3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
        "1.6.0",
        "monitor",
        "AQ-07L",
    ),
    Profile.CAMDROID_PANEL: ("9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0", "1.8.1", "panel", "AV-03BD"),
    Profile.ANDROID_PANEL: ("3f2e1d0c-b9a8-4765-8432-10fedcba9876", "1.2.0", "panel", "AA-07FB"),
    Profile.OLD_FIRMWARE: ("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "0.9.0", "panel", "AV-02IDE"),
}


@pytest.mark.parametrize("profile", list(Profile))
async def test_info_needs_no_token(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """``/api/info`` answers without a token and names the profile's device."""
    device = await simulator_factory(profile)
    status, body = await call(http, device, "/api/info")
    serial, api_version, device_type, name = EXPECTED_INFO[profile]
    assert status == 200
    assert body["device_serial_number"] == serial == device.serial
    assert body["api_version"] == api_version
    assert body["device_type"] == device_type
    assert body["device_name"] == name
    assert device.requests["/api/info"] == 1


async def test_serial_override(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A serial given at construction replaces the profile's."""
    device = await simulator_factory(Profile.CAMDROID_PANEL, serial="custom-serial-1")
    _, body = await call(http, device, "/api/info")
    assert body["device_serial_number"] == "custom-serial-1"


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("upper", [False, True])
async def test_login_accepts_md5_in_either_case(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    upper: bool,
) -> None:
    """The MD5 digest of the password logs in, upper- or lower-case."""
    device = await simulator_factory(profile)
    digest = md5_hex(PASSWORD)
    status, body = await call(
        http,
        device,
        f"/api/v1/login?username={USERNAME}&password={digest.upper() if upper else digest}",
    )
    assert status == 200
    assert body["account_type"] == "admin"
    assert device.issued_tokens == [body["token"]]
    assert (device.logins, device.login_failures) == (1, 0)


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize(
    "query",
    [
        {"username": USERNAME, "password": md5_hex(WRONG_PASSWORD)},
        {"username": "intruder", "password": md5_hex(PASSWORD)},
        {"username": USERNAME, "password": PASSWORD},  # plain text is not accepted
        {"username": USERNAME},
        {},
    ],
    ids=["wrong-password", "wrong-user", "plain-password", "no-password", "nothing"],
)
async def test_login_rejected(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    query: dict[str, str],
) -> None:
    """Bad credentials answer 401 in the profile's error shape and count a failure."""
    device = await simulator_factory(profile)
    async with http.get(f"{device.url}/api/v1/login", params=query) as response:
        assert response.status == 401
        assert await response.json() == login_error(profile)
    assert (device.logins, device.login_failures) == (0, 1)
    assert device.issued_tokens == []


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/device/sip/settings",
        "/api/v1/device/sip/enable",
        "/api/v1/sip/status",
        "/api/v1/logout",
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
async def test_token_required(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    path: str,
    authorization: str | None,
) -> None:
    """Without a valid Bearer token every ``/api/v1`` call answers 401."""
    device = await simulator_factory(profile)
    headers = {"Authorization": authorization} if authorization else {}
    async with http.get(f"{device.url}{path}", headers=headers) as response:
        assert response.status == 401
        assert await response.json() == login_error(profile)


async def test_login_with_post(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The login also works as POST with the query string; other methods are refused."""
    device = await simulator_factory()
    query = f"username={USERNAME}&password={md5_hex(PASSWORD)}"
    status, body = await call(http, device, f"/api/v1/login?{query}", method="POST")
    assert status == 200
    assert body["token"] in device.issued_tokens
    status, body = await call(http, device, f"/api/v1/login?{query}", method="DELETE")
    assert status == 405
    assert body == {"error": {"code": "system_error", "message": "Method Not Allowed"}}


EXPECTED_SETTINGS_KEYS = {
    Profile.CAMDROID_MONITOR: {
        "proxy",
        "realm",
        "user",
        "password",
        "stun",
        "registration_interval",
        "h264",
        "transport",
    },
    Profile.CAMDROID_PANEL: {
        "proxy",
        "realm",
        "user",
        "password",
        "stun",
        "registration_interval",
        "transport",
        "outbound",
        "user_id",
    },
    Profile.ANDROID_PANEL: {
        "proxy",
        "realm",
        "user",
        "password",
        "stun",
        "registration_interval",
        "transport",
        "outbound",
        "user_id",
        "enable",
        "user_agent",
        "timeout",
        "net",
        "multicast",
    },
}
EXPECTED_GET_PASSWORD = {
    Profile.CAMDROID_MONITOR: "sip-M0nitor-Secret",
    Profile.CAMDROID_PANEL: "sip-Pan3l-Secret",
    Profile.ANDROID_PANEL: "WebPass",
}


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_sip_settings_per_profile(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Each family answers its own set of SIP fields; Android masks the password."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    status, body = await call(http, device, "/api/v1/device/sip/settings", token=token)
    assert status == 200
    assert set(body) == EXPECTED_SETTINGS_KEYS[profile]
    assert body["password"] == EXPECTED_GET_PASSWORD[profile]
    expected = device.sip_settings
    expected["password"] = EXPECTED_GET_PASSWORD[profile]
    assert body == expected


async def test_seed_example_is_the_monitor_profile(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """The monitor answers the seed page's example (with its own SIP password)."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    token = await login(http, device)
    _, body = await call(http, device, "/api/v1/device/sip/settings", token=token)
    assert body == {
        "proxy": "sip:sip.bas-ip.com",
        "realm": "sip.bas-ip.com",
        "user": "101",
        "password": "sip-M0nitor-Secret",
        "stun": {"ip": "stun.l.google.com", "port": 19302},
        "registration_interval": 50,
        "h264": 102,
        "transport": "udp",
    }


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (Profile.CAMDROID_MONITOR, (200, {"mac_address": "00:1E:C0:4A:7B:01"})),
        (Profile.CAMDROID_PANEL, (200, {"mac_address": "00:1E:C0:4A:7B:02"})),
        (Profile.ANDROID_PANEL, (404, {"error": "Not Found"})),
    ],
)
async def test_mac_endpoint(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    expected: tuple[int, Any],
) -> None:
    """Camdroid devices have the MAC endpoint; the Android panel answers 404."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    assert await call(http, device, "/api/v1/network/mac", token=token) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/login",
        "/api/v1/network/mac",
        "/api/v1/device/sip/settings",
        "/api/v1/sip/status",
        "/api/v1/device/sip/enable",
    ],
)
async def test_old_firmware_has_no_api_v1(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, path: str
) -> None:
    """Every ``/api/v1`` path of old firmware is 404, even the login."""
    device = await simulator_factory(Profile.OLD_FIRMWARE)
    status, body = await call(
        http, device, f"{path}?username={USERNAME}&password={md5_hex(PASSWORD)}"
    )
    assert status == 404
    assert body == {"error": {"code": "system_error", "message": "Not Found"}}
    assert device.logins == 0


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("path", ["/", "/api/v1/nope", "/api/v2/info", "/index.html"])
async def test_unknown_paths_404(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    path: str,
) -> None:
    """Unknown paths answer 404 (before any token check) and are counted."""
    device = await simulator_factory(profile)
    status, _ = await call(http, device, path)
    assert status == 404
    assert device.requests[path] == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_sip_status_follows_enable_and_registration(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """OK when registered, ERROR when failing, OFFLINE when SIP is off."""
    clock = FakeClock()
    device = await simulator_factory(profile, clock=clock)
    token = await login(http, device)

    async def status() -> dict[str, Any]:
        code, body = await call(http, device, "/api/v1/sip/status", token=token)
        assert code == 200
        return dict(body)

    assert (await status())["sip_status"] == "OK"
    device.set_registration_ok(False)
    assert (await status())["sip_status"] == "ERROR"
    assert device.registration_ok is False
    device.sip_enabled = False
    assert (await status())["sip_status"] == "OFFLINE"
    device.set_registration_ok(True)
    assert (await status())["sip_status"] == "OFFLINE"
    device.sip_enabled = True
    assert (await status())["sip_status"] == "OK"
    if profile is Profile.ANDROID_PANEL:
        assert "register_last_attempt" not in await status()
        assert (await status())["sip_account"] == "2001"


async def test_register_last_attempt_follows_clock(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Attempts repeat 6 s before each registration expires; OFFLINE keeps the last one."""
    clock = FakeClock(1_700_000_000.0)
    device = await simulator_factory(Profile.CAMDROID_MONITOR, clock=clock)
    token = await login(http, device)

    async def last_attempt() -> Any:
        _, body = await call(http, device, "/api/v1/sip/status", token=token)
        return body["register_last_attempt"]

    # Registration interval 50 s: re-registration every 44 s.
    assert await last_attempt() == 1_700_000_000
    clock.now += 43
    assert await last_attempt() == 1_700_000_000
    clock.now += 1
    assert await last_attempt() == 1_700_000_044
    clock.now += 100
    assert await last_attempt() == 1_700_000_132
    device.sip_enabled = False
    clock.now += 1000
    assert await last_attempt() == 1_700_000_132
    device.sip_enabled = True
    assert await last_attempt() == int(clock.now)
    # A clock stepping backwards reports the latest attempt, not one in the future.
    clock.now -= 10
    assert await last_attempt() == 1_700_001_144
    device.update_sip_settings(registration_interval=900)
    clock.now += 900
    assert await last_attempt() == 1_700_001_134 + 894


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_sip_enable_get_and_post(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """``/api/v1/device/sip/enable`` reads and switches SIP; bad bodies are not_valid."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    path = "/api/v1/device/sip/enable"
    assert await call(http, device, path, token=token) == (200, {"sip_enable": True})
    assert await call(
        http, device, path, token=token, method="POST", json_body={"sip_enable": False}
    ) == (200, {"sip_enable": False})
    assert device.sip_enabled is False
    _, status = await call(http, device, "/api/v1/sip/status", token=token)
    assert status["sip_status"] == "OFFLINE"
    for bad in ({"sip_enable": "yes"}, {"enable": True}, [True]):
        code, body = await call(http, device, path, token=token, method="POST", json_body=bad)
        assert code == 400
        data = body["data"] if profile is Profile.ANDROID_PANEL else body["error"]["data"]
        assert data == {"sip_enable": "must be a boolean"}
    code, _ = await call(http, device, path, token=token, method="POST", data=b"{not json")
    assert code == 400
    code, _ = await call(http, device, path, token=token, method="PUT", json_body={})
    assert code == 405
    assert device.sip_enabled is False


@pytest.mark.parametrize("path", ["/api/v1/sip/status", "/api/v1/network/mac", "/api/info"])
async def test_read_only_endpoints_refuse_post(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, path: str
) -> None:
    """Read-only endpoints answer 405 to other methods."""
    device = await simulator_factory()
    token = await login(http, device)
    code, body = await call(http, device, path, token=token, method="POST", json_body={})
    assert code == 405
    assert body["error"]["code"] == "system_error"


async def test_status_endpoint_missing(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """With the status endpoint switched off, ``/api/v1/sip/status`` is 404."""
    device = await simulator_factory()
    token = await login(http, device)
    device.status_endpoint_missing = True
    code, _ = await call(http, device, "/api/v1/sip/status", token=token)
    assert code == 404
    device.status_endpoint_missing = False
    code, _ = await call(http, device, "/api/v1/sip/status", token=token)
    assert code == 200


async def test_token_expires_after_lifetime(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A token works until ``token_lifetime`` seconds of the clock have passed."""
    clock = FakeClock()
    device = await simulator_factory(token_lifetime=7200.0, clock=clock)
    token = await login(http, device)
    clock.now += 7199
    assert (await call(http, device, "/api/v1/sip/status", token=token))[0] == 200
    clock.now += 1
    assert await call(http, device, "/api/v1/sip/status", token=token) == (
        401,
        LOGIN_ERROR_NESTED,
    )
    fresh = await login(http, device)
    assert fresh != token
    assert (await call(http, device, "/api/v1/sip/status", token=fresh))[0] == 200
    assert device.issued_tokens == [token, fresh]


async def test_expire_tokens_and_logout(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """``expire_tokens`` revokes every token; logout revokes its own."""
    device = await simulator_factory()
    first = await login(http, device)
    second = await login(http, device)
    assert await call(http, device, "/api/v1/logout", token=first) == (200, {})
    assert (await call(http, device, "/api/v1/sip/status", token=first))[0] == 401
    assert (await call(http, device, "/api/v1/sip/status", token=second))[0] == 200
    device.expire_tokens()
    assert (await call(http, device, "/api/v1/sip/status", token=second))[0] == 401


async def test_set_password(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A new password expires tokens and the old password stops working."""
    new_password = "An0ther-Door#Pass"
    device = await simulator_factory()
    token = await login(http, device)
    device.set_password(new_password)
    assert (await call(http, device, "/api/v1/sip/status", token=token))[0] == 401
    status, _ = await call(
        http, device, f"/api/v1/login?username={USERNAME}&password={md5_hex(PASSWORD)}"
    )
    assert status == 401
    assert await login(http, device, new_password) in device.issued_tokens


async def test_set_serial(simulator_factory: SimulatorFactory, http: aiohttp.ClientSession) -> None:
    """Another serial is another device: ``/api/info`` changes and tokens expire."""
    device = await simulator_factory()
    token = await login(http, device)
    device.set_serial("replacement-serial")
    assert device.serial == "replacement-serial"
    _, info = await call(http, device, "/api/info")
    assert info["device_serial_number"] == "replacement-serial"
    assert (await call(http, device, "/api/v1/sip/status", token=token))[0] == 401


async def test_counters_and_reset(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Requests are counted per path without the query string; reset zeroes all."""
    device = await simulator_factory()
    await login(http, device)
    await call(http, device, f"/api/v1/login?username=x&password={md5_hex(WRONG_PASSWORD)}")
    await call(http, device, "/api/info?x=1")
    assert device.requests == {"/api/v1/login": 2, "/api/info": 1}
    assert (device.logins, device.login_failures) == (1, 1)
    assert device.counters() == {
        "requests": {"/api/v1/login": 2, "/api/info": 1},
        "logins": 1,
        "login_failures": 1,
    }
    device.reset_counters()
    assert (device.requests, device.logins, device.login_failures) == ({}, 0, 0)


async def test_lifecycle(http: aiohttp.ClientSession, socket_enabled: None) -> None:
    """Start binds a free port; starting twice fails; stop is idempotent."""
    device = DeviceSimulator(Profile.CAMDROID_PANEL, password=PASSWORD)
    assert repr(device) == "DeviceSimulator(profile='camdroid_panel', url='http://127.0.0.1:0')"
    async with device:
        assert device.port > 0
        assert device.address == f"127.0.0.1:{device.port}"
        assert device.url == f"http://127.0.0.1:{device.port}"
        with pytest.raises(RuntimeError, match="already started"):
            await device.start()
        assert (await call(http, device, "/api/info"))[0] == 200
    await device.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(http, device, "/api/info")


async def test_port_in_use_fails_cleanly(simulator_factory: SimulatorFactory) -> None:
    """A port that is taken raises OSError and leaves nothing running."""
    first = await simulator_factory()
    second = DeviceSimulator(port=first.port)
    with pytest.raises(OSError, match="address already in use"):
        await second.start()
    await second.stop()  # nothing to stop; must not fail


def test_ipv6_address_is_bracketed() -> None:
    """An IPv6 host is written in brackets in the address."""
    assert DeviceSimulator(host="::1", port=8080).address == "[::1]:8080"


def test_unknown_profile_rejected() -> None:
    """Profiles are a closed set."""
    with pytest.raises(ValueError, match="nope"):
        DeviceSimulator("nope")


async def test_many_devices_in_one_process(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A hundred and more devices run side by side on port 0."""
    devices = [
        await simulator_factory(list(Profile)[i % 4], serial=f"serial-{i:03d}") for i in range(120)
    ]
    assert len({device.port for device in devices}) == 120
    for device in devices:
        _, body = await call(http, device, "/api/info")
        assert body["device_serial_number"] == device.serial


async def test_setting_same_sip_enabled_keeps_last_attempt(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Re-asserting the current enable state does not restart registration."""
    clock = FakeClock(1_700_000_000.0)
    device = await simulator_factory(clock=clock)
    token = await login(http, device)
    clock.now += 50
    device.sip_enabled = True
    device.set_registration_ok(True)
    _, body = await call(http, device, "/api/v1/sip/status", token=token)
    assert body["register_last_attempt"] == 1_700_000_044


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_https_certificate_names_the_host(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, host: str
) -> None:
    """The self-signed certificate covers the address or name it is made for."""
    context = self_signed_context(host)
    device = await simulator_factory(ssl_context=context)
    assert device.url.startswith("https://")
    async with http.get(f"{device.url}/api/info", ssl=False) as response:
        assert response.status == 200
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    _, writer = await asyncio.open_connection("127.0.0.1", device.port, ssl=unverified)
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    await writer.wait_closed()
    certificate = x509.load_der_x509_certificate(der)
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    if host == "localhost":
        assert names.get_values_for_type(x509.DNSName) == ["localhost", "localhost"]
    else:
        assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address(host)]
        assert names.get_values_for_type(x509.DNSName) == ["localhost"]
