"""Every error path of the client, against the simulator over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from custom_components.bas_ip.client import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpClient,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
)
from custom_components.bas_ip.client.client import (
    _decode_json,
    _error_code,
    _http_error,
)
from simulator import DeviceSimulator, Fault, Profile, self_signed_context
from tests.conftest import SimulatorFactory
from tests.const import NEW_PASSWORD, PASSWORD, USERNAME, WRONG_PASSWORD, md5_hex

from .conftest import SHORT_TIMEOUT, ClientFactory, short_timeout

V1_PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]
LOGIN = "/api/v1/login"
STATUS = "/api/v1/sip/status"
SETTINGS = "/api/v1/device/sip/settings"
ENABLE = "/api/v1/device/sip/enable"
MAC = "/api/v1/network/mac"

Call = Callable[[BasIpClient], Awaitable[Any]]
Target = tuple[str, Call]
"""A path and the client call that reads it."""
AUTHORIZED_CALLS = [
    pytest.param((STATUS, lambda client: client.get_sip_status()), id="status"),
    pytest.param((SETTINGS, lambda client: client.get_sip_settings()), id="settings"),
    pytest.param((ENABLE, lambda client: client.get_sip_enabled()), id="enabled"),
]


# --- transport failures -----------------------------------------------------


@pytest.mark.parametrize("profile", list(Profile))
async def test_connection_refused(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A port nobody listens on is a connection error."""
    device = await simulator_factory(profile)
    address = device.address
    await device.stop()
    client = make_client(address)
    with pytest.raises(BasIpConnectionError, match="Cannot connect") as err:
        await client.get_device_info()
    assert address in str(err.value)
    with pytest.raises(BasIpConnectionError):
        await client.login()


@pytest.mark.parametrize("profile", list(Profile))
async def test_timeout(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A device slower than ``request_timeout`` is a connection error (timed out)."""
    device = await simulator_factory(profile)
    device.delay = 30.0
    client = make_client(device, request_timeout=SHORT_TIMEOUT)
    with pytest.raises(BasIpConnectionError, match="Timed out"):
        await client.get_device_info()


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_timeout_on_authorized_call(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A timeout after login surfaces as a connection error too; the token is kept."""
    device = await simulator_factory(profile)
    # The login and the retry must succeed: the generous default timeout.
    client = make_client(device)
    await client.login()
    device.delay = 30.0  # far above the short timeout of the one call that must time out
    with short_timeout(client), pytest.raises(BasIpConnectionError, match="Timed out"):
        await client.get_sip_status()
    device.delay = 0.0
    await client.get_sip_status()
    assert device.logins == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_dropped_connection(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A connection closed without an answer is a connection error."""
    device = await simulator_factory(profile)
    client = make_client(device)
    await client.login()
    device.set_fault(Fault.DROP_CONNECTION)
    with pytest.raises(BasIpConnectionError, match="ServerDisconnectedError"):
        await client.get_sip_status()
    device.clear_faults()
    assert (await client.get_sip_status()).registered


@pytest.mark.parametrize("profile", list(Profile))
async def test_tls_self_signed(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A self-signed certificate fails with verification on and works with it off."""
    device = await simulator_factory(profile, ssl_context=self_signed_context())
    assert device.url.startswith("https://")
    verified = make_client(device, use_https=True, verify_ssl=True)
    with pytest.raises(BasIpCertificateError, match="certificate") as err:
        await verified.get_device_info()
    assert isinstance(err.value, BasIpConnectionError)
    assert device.requests == {}
    unverified = make_client(device, use_https=True, verify_ssl=False)
    if profile is Profile.OLD_FIRMWARE:
        with pytest.raises(BasIpUnsupportedDeviceError):
            await unverified.get_device_info()
    else:
        assert (await unverified.get_device_info()).serial_number == device.serial
        assert (await unverified.get_sip_status()).registered


async def test_plain_http_to_https_device(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Speaking plain HTTP to a TLS port fails as a device/connection error, not a crash."""
    device = await simulator_factory(ssl_context=self_signed_context())
    client = make_client(device)
    with pytest.raises((BasIpConnectionError, BasIpResponseError)):
        await client.get_device_info()


async def test_https_to_plain_http_device(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """A TLS handshake with a plain HTTP port is a TLS failure, not a certificate problem."""
    device = await simulator_factory()
    client = make_client(device, use_https=True, verify_ssl=False)
    with pytest.raises(BasIpConnectionError, match="TLS failure") as err:
        await client.get_device_info()
    assert not isinstance(err.value, BasIpCertificateError)


# --- bad answers ------------------------------------------------------------------


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("target", AUTHORIZED_CALLS)
async def test_html_500(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    target: Target,
) -> None:
    """HTTP 500 with an HTML page is a response error carrying the status."""
    path, call = target
    device = await simulator_factory(profile)
    device.set_fault(Fault.HTML_500, paths=[path])
    client = make_client(device)
    with pytest.raises(BasIpResponseError, match=f"HTTP 500 for {path}") as err:
        await call(client)
    assert err.value.status == 500
    assert err.value.field is None


async def test_html_500_on_info(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Even ``/api/info`` failing with HTML is a response error."""
    device = await simulator_factory()
    device.set_fault(Fault.HTML_500, paths=["/api/info"])
    with pytest.raises(BasIpResponseError) as err:
        await make_client(device).get_device_info()
    assert err.value.status == 500


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("target", AUTHORIZED_CALLS)
@pytest.mark.parametrize(
    "case", [(Fault.INVALID_JSON, "not JSON"), (Fault.EMPTY_BODY, "empty body")]
)
async def test_undecodable_body(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    target: Target,
    case: tuple[Fault, str],
) -> None:
    """HTTP 200 with broken JSON or no body is a response error with status 200."""
    path, call = target
    fault, message = case
    device = await simulator_factory(profile)
    device.set_fault(fault, paths=[path])
    with pytest.raises(BasIpResponseError, match=message) as err:
        await call(make_client(device))
    assert err.value.status == 200


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize(
    "case",
    [
        (STATUS, lambda c: c.get_sip_status(), [], "sip_status"),
        (STATUS, lambda c: c.get_sip_status(), {"sip_status": "MAYBE"}, "sip_status"),
        (STATUS, lambda c: c.get_sip_status(), {"sip_status": 1}, "sip_status"),
        (
            STATUS,
            lambda c: c.get_sip_status(),
            {"sip_status": "OK", "register_last_attempt": "x"},
            "register_last_attempt",
        ),
        (SETTINGS, lambda c: c.get_sip_settings(), None, "sip_settings"),
        # An empty SIP account (no realm) parses; a missing transport does not.
        (SETTINGS, lambda c: c.get_sip_settings(), {"user": "1", "realm": ""}, "transport"),
        (ENABLE, lambda c: c.get_sip_enabled(), {"sip_enable": "true"}, "sip_enable"),
        (ENABLE, lambda c: c.get_sip_enabled(), "on", "sip_enable"),
        (MAC, lambda c: c.get_mac_address(), {"mac_address": "zz"}, "mac_address"),
        ("/api/info", lambda c: c.get_device_info(), {"api_version": "1.0"}, None),
        (LOGIN, lambda c: c.login(), {"account_type": "admin"}, "token"),
        (LOGIN, lambda c: c.login(), {"token": "a b"}, "token"),
    ],
)
async def test_wrong_shape(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    case: tuple[str, Call, Any, str | None],
) -> None:
    """Well-formed JSON of the wrong shape is a response error naming the field."""
    path, call, body, field = case
    device = await simulator_factory(profile)
    device.set_fault(Fault.WRONG_SHAPE, paths=[path], body=body)
    with pytest.raises(BasIpResponseError) as err:
        await call(make_client(device))
    assert err.value.field == (field or "device_serial_number")


# --- authentication ----------------------------------------------------------------


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("target", AUTHORIZED_CALLS)
async def test_expired_token_one_relogin_one_retry(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    target: Target,
) -> None:
    """A 401 on an expired token costs exactly one login and one retry."""
    path, call = target
    device = await simulator_factory(profile)
    client = make_client(device)
    await call(client)
    assert device.logins == 1
    device.expire_tokens()
    device.reset_counters()
    await call(client)
    assert device.logins == 1
    assert device.requests[path] == 2
    assert device.requests[LOGIN] == 1
    assert client.login_count == 2
    # The fresh token is reused.
    await call(client)
    assert device.logins == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_token_lifetime_expiry_by_clock(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Tokens expire after the device's lifetime; the client logs in again once."""
    now = [1_700_000_000.0]
    device = await simulator_factory(profile, token_lifetime=7200, clock=lambda: now[0])
    client = make_client(device)
    await client.get_sip_status()
    now[0] += 7199
    await client.get_sip_status()
    assert device.logins == 1
    now[0] += 1
    await client.get_sip_status()
    assert device.logins == 2


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_concurrent_calls_share_one_login(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Many calls at once, first without a token and then after expiry, log in once."""
    device = await simulator_factory(profile)
    client = make_client(device)
    calls = [client.get_sip_status, client.get_sip_settings, client.get_sip_enabled] * 7
    first = await asyncio.gather(*(call() for call in calls))
    assert device.logins == 1
    device.expire_tokens()
    device.reset_counters()
    results = await asyncio.gather(*(call() for call in calls))
    # Every call answered with its own kind of model, as before the expiry.
    assert [type(result) for result in results] == [type(result) for result in first]
    assert len({type(result) for result in first}) == 3
    assert device.logins == 1
    assert device.requests[LOGIN] == 1
    assert device.login_failures == 0


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_401_right_after_fresh_login_stops_logins(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """401 on a brand-new token means bad credentials: no more logins until new ones."""
    device = await simulator_factory(profile, token_lifetime=0)
    client = make_client(device)
    with pytest.raises(BasIpAuthenticationError):
        await client.get_sip_status()
    # One login, one 401 on its brand-new token — then the client gives up.
    assert device.logins == 1
    assert device.requests[STATUS] == 1
    device.reset_counters()
    calls = (client.get_sip_status, client.get_sip_settings, client.get_mac_address, client.login)
    for call in calls:
        with pytest.raises(BasIpAuthenticationError, match="not logging in again"):
            await call()
    assert device.requests[LOGIN] == 0
    assert device.logins == device.login_failures == 0
    # New credentials allow logins again.
    device.token_lifetime = 7200
    client.set_credentials(USERNAME, PASSWORD)
    assert (await client.get_sip_status()).registered
    assert device.logins == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_401_after_renewing_an_expired_token_stops_logins(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Held token expires, the one fresh login's token is refused too: authentication error."""
    device = await simulator_factory(profile)
    client = make_client(device)
    assert (await client.get_sip_status()).registered
    device.expire_tokens()
    device.token_lifetime = 0  # and every new token is refused at once
    device.reset_counters()
    with pytest.raises(BasIpAuthenticationError):
        await client.get_sip_status()
    assert device.logins == 1
    assert device.requests[STATUS] == 2
    with pytest.raises(BasIpAuthenticationError, match="not logging in again"):
        await client.get_sip_settings()
    assert device.requests[LOGIN] == 1


async def test_refusal_for_replaced_credentials_is_ignored(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """A 401 that answered the old credentials does not block the new ones."""
    device = await simulator_factory()
    client = make_client(device)
    await client.login()
    client.set_credentials(USERNAME, NEW_PASSWORD)
    stale_generation = client._auth._credentials_generation - 1
    client._auth._credentials_rejected("an-old-token", stale_generation)
    device.set_password(NEW_PASSWORD)
    assert (await client.get_sip_status()).registered


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_concurrent_calls_on_a_rejected_fresh_token(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Many callers sharing a brand-new token the device rejects: one login in all."""
    device = await simulator_factory(profile, token_lifetime=0)
    client = make_client(device)
    calls = [client.get_sip_status, client.get_sip_settings, client.get_sip_enabled] * 5
    results = await asyncio.gather(*(call() for call in calls), return_exceptions=True)
    assert all(isinstance(result, BasIpAuthenticationError) for result in results)
    assert device.requests[LOGIN] == device.logins == 1
    with pytest.raises(BasIpAuthenticationError, match="not logging in again"):
        await client.get_sip_status()
    assert device.requests[LOGIN] == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_wrong_password_then_set_credentials(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A rejected login raises once, blocks further logins, and recovers on new credentials."""
    device = await simulator_factory(profile)
    client = make_client(device, password=WRONG_PASSWORD)
    with pytest.raises(BasIpAuthenticationError, match="rejected"):
        await client.get_sip_settings()
    assert device.login_failures == 1
    for _ in range(3):
        with pytest.raises(BasIpAuthenticationError):
            await client.get_sip_settings()
    assert device.requests[LOGIN] == 1
    client.set_credentials(USERNAME, PASSWORD)
    await client.get_sip_settings()
    assert (device.logins, device.login_failures) == (1, 1)


async def _login_reached_device(device: DeviceSimulator) -> None:
    """Yield until the device has received a login request (it then waits ``delay``)."""
    for _ in range(100_000):
        if device.requests[LOGIN]:
            return
        await asyncio.sleep(0)
    pytest.fail("the login never reached the device")


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_new_credentials_during_a_rejected_login(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A login with the old password that fails after set_credentials blocks nothing."""
    device = await simulator_factory(profile)
    client = make_client(device, password=WRONG_PASSWORD)
    device.delay = 0.2
    in_flight = asyncio.create_task(client.get_sip_status())
    await _login_reached_device(device)
    client.set_credentials(USERNAME, PASSWORD)
    with pytest.raises(BasIpAuthenticationError):
        await in_flight
    device.delay = 0.0
    # The old password's rejection does not latch against the new one.
    assert (await client.get_sip_status()).registered
    assert (device.login_failures, device.logins) == (1, 1)


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_new_credentials_during_a_successful_login(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A token won with the old credentials is not kept once they were replaced."""
    device = await simulator_factory(profile)
    client = make_client(device)
    device.delay = 0.2
    in_flight = asyncio.create_task(client.login())
    await _login_reached_device(device)
    client.set_credentials(USERNAME, NEW_PASSWORD)
    await in_flight
    device.delay = 0.0
    device.set_password(NEW_PASSWORD)
    device.reset_counters()
    assert (await client.get_sip_status()).registered
    # The new credentials were used at once, not the old token first.
    assert device.requests[LOGIN] == device.logins == 1
    assert device.requests[STATUS] == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_password_changed_on_device(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A password change on the device: 401, one failed re-login, then silence."""
    device = await simulator_factory(profile)
    client = make_client(device)
    await client.get_sip_status()
    device.set_password(NEW_PASSWORD)
    device.reset_counters()
    with pytest.raises(BasIpAuthenticationError):
        await client.get_sip_status()
    assert (device.requests[LOGIN], device.login_failures) == (1, 1)
    with pytest.raises(BasIpAuthenticationError):
        await client.get_sip_status()
    assert device.requests[LOGIN] == 1
    client.set_credentials(USERNAME, NEW_PASSWORD)
    assert (await client.get_sip_status()).registered


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_explicit_login_replaces_token(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """``login()`` logs in even with a token held."""
    device = await simulator_factory(profile)
    client = make_client(device)
    await client.login()
    await client.login()
    assert device.logins == client.login_count == 2
    await client.get_sip_enabled()
    assert device.logins == 2


# --- permissions and missing endpoints ----------------------------------------------


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("target", AUTHORIZED_CALLS)
async def test_403_is_permission_error(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    target: Target,
) -> None:
    """403 (nested or flat body) is a permission error; no re-login."""
    path, call = target
    device = await simulator_factory(profile)
    device.set_fault(Fault.PERMISSION_DENIED, paths=[path])
    with pytest.raises(BasIpPermissionError, match=path):
        await call(make_client(device))
    assert device.logins == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("target", AUTHORIZED_CALLS)
async def test_404_is_unsupported(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    target: Target,
) -> None:
    """A missing endpoint is an unsupported-device error naming it."""
    path, call = target
    device = await simulator_factory(profile)
    device.set_fault(Fault.NOT_FOUND, paths=[path])
    with pytest.raises(BasIpUnsupportedDeviceError, match=path):
        await call(make_client(device))


async def test_status_endpoint_missing(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """The simulator's missing status endpoint reads as unsupported."""
    device = await simulator_factory()
    device.status_endpoint_missing = True
    with pytest.raises(BasIpUnsupportedDeviceError):
        await make_client(device).get_sip_status()


@pytest.mark.parametrize("fault", [Fault.NOT_FOUND, Fault.PERMISSION_DENIED])
@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_mac_missing_or_forbidden_is_none(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    fault: Fault,
) -> None:
    """No MAC endpoint (Android) or no right to read it: MAC is ``None``."""
    device = await simulator_factory(profile)
    device.set_fault(fault, paths=[MAC])
    client = make_client(device)
    assert await client.get_mac_address() is None
    assert (await client.get_device_info()).mac_address is None


async def test_android_has_no_mac(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """The Android panel's MAC endpoint is simply absent."""
    device = await simulator_factory(Profile.ANDROID_PANEL)
    assert (await make_client(device).get_device_info()).mac_address is None
    assert device.requests[MAC] == 1


# --- device identity ---------------------------------------------------------------------


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_serial_mismatch_sends_no_credentials(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Another device at the address: mismatch error and no login request at all."""
    device = await simulator_factory(profile)
    client = make_client(device, expected_serial="the-known-device")
    with pytest.raises(BasIpDeviceMismatchError) as err:
        await client.get_sip_status()
    assert err.value.expected_serial == "the-known-device"
    assert err.value.actual_serial == device.serial
    assert device.requests[LOGIN] == 0
    assert client.login_count == 0


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_device_replaced_while_running(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """When the device is swapped, the re-login after 401 stops at the serial check."""
    device = await simulator_factory(profile)
    client = make_client(device, expected_serial=device.serial)
    await client.get_sip_status()
    device.set_serial("a-different-device")
    device.reset_counters()
    with pytest.raises(BasIpDeviceMismatchError):
        await client.get_sip_status()
    assert device.requests[LOGIN] == 0


async def test_auth_requests_count_what_authentication_cost(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Every request the device got beyond the callers' own calls is an auth request."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    client = make_client(device, expected_serial=device.serial)
    await client.get_sip_status()
    assert client.auth_requests == 2  # identity check and login
    device.expire_tokens()
    device.reset_counters()
    await asyncio.gather(client.get_sip_status(), client.get_sip_settings())
    # Both calls refused with 401 and retried, one identity check, one login.
    assert client.auth_requests == 2 + 4
    assert sum(device.requests.values()) - 2 == 4
    await client.login()
    assert client.auth_requests == 2 + 4 + 2


async def test_concurrent_callers_share_a_failed_login(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Callers that waited for a login that failed get its error without asking again."""
    device = await simulator_factory()
    client = make_client(device, expected_serial=device.serial)
    await client.get_sip_status()
    device.set_serial("a-different-device")
    device.reset_counters()
    results = await asyncio.gather(
        client.get_sip_settings(), client.get_sip_status(), return_exceptions=True
    )
    assert all(isinstance(result, BasIpDeviceMismatchError) for result in results)
    assert device.requests["/api/info"] == 1
    assert device.requests[LOGIN] == 0
    # A later call is a new attempt, not a replay of the old outcome.
    device.set_serial(client.expected_serial or "")
    assert (await client.get_sip_status()).registered is True
    assert device.logins == 1


# --- addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "{address}",
        "http://{address}",
        "HTTP://{address}/",
        "https://{address}",
        "  {address}  ",
    ],
)
async def test_host_forms(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, template: str
) -> None:
    """Host with port, with a scheme prefix or padding; ``use_https`` picks the scheme."""
    device = await simulator_factory()
    client = make_client(template.format(address=device.address))
    assert client.base_url == device.url
    assert (await client.get_device_info()).serial_number == device.serial


async def test_localhost_name(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """A host name with a port works like an address."""
    device = await simulator_factory()
    client = make_client(f"localhost:{device.port}")
    assert client.base_url == f"http://localhost:{device.port}"


@pytest.mark.parametrize(
    "host",
    [
        "",
        "   ",
        "http://",
        "192.0.2.1/api",
        "user@192.0.2.1",
        "192.0.2.1?x=1",
        "192.0.2.1#top",
        "intercom door",
        "192.0.2.1:99999",
        "192.0.2.1:port",
        # Names the resolver cannot IDNA-encode or yarl cannot decode: these
        # used to escape as UnicodeError at construction or on the first call.
        "xn--zz",
        "..",
        "door..example",
        "a" * 64,
        "intercom\x00door",
        "intercom\x7fdoor",
        "[fe80::1",
    ],
)
def test_invalid_host(make_client: ClientFactory, host: str) -> None:
    """Unusable addresses are refused at construction, without any request."""
    with pytest.raises(BasIpConnectionError, match="Invalid device address"):
        make_client(host)


@pytest.mark.parametrize(
    ("host", "base_url"),
    [
        ("::1", "http://[::1]"),
        ("fe80::1", "http://[fe80::1]"),
        ("[fe80::1]:8080", "http://[fe80::1]:8080"),
        ("http://[2001:db8::5]/", "http://[2001:db8::5]"),
        ("ü.example", "http://xn--tda.example"),
    ],
)
def test_ipv6_and_idna_hosts(make_client: ClientFactory, host: str, base_url: str) -> None:
    """A bare IPv6 literal is bracketed, not misread as host:port; IDN names are encoded."""
    assert make_client(host).base_url == base_url


async def test_aiohttp_error_text_is_not_chained(
    session: aiohttp.ClientSession, make_client: ClientFactory
) -> None:
    """aiohttp's error for a malformed answer names the login URL, hash included.

    It must not survive as the client error's cause or context, where a
    traceback renderer or error reporter could show it.
    """

    async def malformed_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(malformed_http, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(BasIpConnectionError) as err:
            await make_client(f"127.0.0.1:{port}").login()
    finally:
        server.close()
        await server.wait_closed()
    assert err.value.__cause__ is None
    assert err.value.__context__ is None
    assert md5_hex(PASSWORD) not in str(err.value)


# --- error bodies, unit level ------------------------------------------------------------


NESTED_AUTH = b'{"error": {"code": "invalid_authentication", "message": "Log In"}}'
BARE_AUTH_CODE = b'{"error": {"code": "invalid_authentication"}}'
NESTED_NOT_VALID = b'{"error": {"code": "not_valid", "message": "user: secret-ish"}}'


@pytest.mark.parametrize(
    ("status", "body", "error", "fragment"),
    [
        (401, NESTED_AUTH, BasIpAuthenticationError, "rejected"),
        (401, b'{"error": "Log In"}', BasIpAuthenticationError, "rejected"),
        (401, b"", BasIpAuthenticationError, "rejected"),
        (400, BARE_AUTH_CODE, BasIpAuthenticationError, "rejected"),
        (403, b'{"error": "Permission denied"}', BasIpPermissionError, "/x"),
        (400, b'{"error": {"code": "permission_denied"}}', BasIpPermissionError, "/x"),
        (404, b"<html>Not Found</html>", BasIpUnsupportedDeviceError, "/x"),
        (400, NESTED_NOT_VALID, BasIpResponseError, "HTTP 400 (not_valid) for /x"),
        (500, b'{"error": {"code": 7}}', BasIpResponseError, "HTTP 500 for /x"),
        (500, b'{"error": ["x"]}', BasIpResponseError, "HTTP 500 for /x"),
        (500, b"[1, 2]", BasIpResponseError, "HTTP 500 for /x"),
        (502, b"[" * 100_000, BasIpResponseError, "HTTP 502 for /x"),
    ],
)  # fmt: skip
def test_http_error_mapping(
    status: int, body: bytes, error: type[Exception], fragment: str
) -> None:
    """Nested, flat, empty and odd error bodies map to the right exception."""
    exc = _http_error(status, body, "/x")
    assert type(exc) is error
    assert fragment in str(exc)
    # Device messages are never echoed.
    assert "Log In" not in str(exc)
    assert "secret-ish" not in str(exc)
    if isinstance(exc, BasIpResponseError):
        assert exc.status == status


def test_error_code_shapes() -> None:
    """``(code, message)`` from both body shapes, ``None`` for anything else."""
    assert _error_code(b'{"error": {"code": "not_valid", "message": "m"}}') == ("not_valid", "m")
    assert _error_code(b'{"error": "Log In"}') == (None, "Log In")
    assert _error_code(b'{"error": {"code": 1, "message": 2}}') == (None, None)
    assert _error_code(b'{"error": 3}') == (None, None)
    assert _error_code(b'"error"') == (None, None)
    assert _error_code(b"not json") == (None, None)


def test_decode_json_deep_nesting() -> None:
    """Pathologically deep JSON is a response error, not a RecursionError."""
    with pytest.raises(BasIpResponseError, match="not JSON") as err:
        _decode_json(b"[" * 100_000 + b"]" * 100_000, 200)
    assert err.value.status == 200


async def test_simulator_is_really_gone(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """After stop() the address refuses connections (the refused test relies on it)."""
    device: DeviceSimulator = await simulator_factory()
    await device.stop()
    with pytest.raises(BasIpConnectionError):
        await make_client(device).get_device_info()
