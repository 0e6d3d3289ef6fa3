"""The client against every simulated device family, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.bas_ip.client import (
    BasIpUnsupportedDeviceError,
    SipRegistrationStatus,
    SipSettings,
    SipTransport,
    StunServer,
)
from simulator import Profile
from tests.conftest import SimulatorFactory
from tests.const import PASSWORD, SECRETS, USERNAME

from .conftest import ClientFactory

V1_PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]

EXPECTED_SETTINGS = {
    Profile.CAMDROID_MONITOR: SipSettings(
        user="101",
        realm="sip.bas-ip.com",
        transport=SipTransport.UDP,
        registration_interval=50,
        proxy="sip:sip.bas-ip.com",
        stun=StunServer(host="stun.l.google.com", port=19302),
        h264_payload_type=102,
    ),
    Profile.CAMDROID_PANEL: SipSettings(
        user="1001",
        realm="pbx.example.com",
        transport=SipTransport.TCP,
        registration_interval=300,
        proxy="sip:pbx.example.com:5060",
        stun=StunServer(host="stun.example.com", port=3478),
        outbound="sip:outbound.example.com",
        user_id="entrance-1",
    ),
    Profile.ANDROID_PANEL: SipSettings(
        user="2001",
        realm="192.0.2.50",
        transport=SipTransport.UDP,
        registration_interval=120,
        proxy="sip:192.0.2.50:5060",
        stun=StunServer(host="192.0.2.60", port=3478),
        outbound="",
        user_id="2001",
    ),
}

EXPECTED_INFO = {
    Profile.CAMDROID_MONITOR: ("5c4d3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a", "monitor", "AQ-07L"),
    Profile.CAMDROID_PANEL: ("9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0", "panel", "AV-03BD"),
    Profile.ANDROID_PANEL: ("3f2e1d0c-b9a8-4765-8432-10fedcba9876", "panel", "AA-07FB"),
}
EXPECTED_MAC = {
    Profile.CAMDROID_MONITOR: "00:1E:C0:4A:7B:01",
    Profile.CAMDROID_PANEL: "00:1E:C0:4A:7B:02",
    Profile.ANDROID_PANEL: None,
}


class SteppingClock:
    """A clock the test sets by hand."""

    def __init__(self) -> None:
        """Start at 2023-11-14 22:13:20 UTC."""
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        """The current simulated time."""
        return self.now


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_full_read(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """Info, MAC, SIP settings, status and enable flag of each supported family."""
    clock = SteppingClock()
    device = await simulator_factory(profile, clock=clock)
    client = make_client(device)

    info = await client.get_device_info()
    serial, device_type, name = EXPECTED_INFO[profile]
    assert (info.serial_number, info.device_type, info.device_name) == (serial, device_type, name)
    assert info.api_major_version == 1
    assert info.mac_address == EXPECTED_MAC[profile]

    settings = await client.get_sip_settings()
    assert settings == EXPECTED_SETTINGS[profile]
    # The model has no place for the SIP password, masked or not.
    assert not any(secret in repr(settings) for secret in SECRETS)
    assert "WebPass" not in repr(settings)

    status = await client.get_sip_status()
    assert status.status is SipRegistrationStatus.OK
    assert status.registered
    if profile is Profile.ANDROID_PANEL:
        assert status.last_attempt is None
    else:
        assert status.last_attempt == datetime.fromtimestamp(1_700_000_000, tz=UTC)

    assert (await client.get_sip_enabled()).enabled is True
    # One login served every call.
    assert client.login_count == 1
    assert device.logins == 1


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_status_follows_device(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """ERROR when registration fails, OFFLINE when SIP is off."""
    device = await simulator_factory(profile)
    client = make_client(device)
    device.set_registration_ok(False)
    status = await client.get_sip_status()
    assert status.status is SipRegistrationStatus.ERROR
    assert not status.registered
    device.sip_enabled = False
    assert (await client.get_sip_status()).status is SipRegistrationStatus.OFFLINE
    assert (await client.get_sip_enabled()).enabled is False


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_settings_changes_are_read(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """A change on the device shows in the next read."""
    device = await simulator_factory(profile)
    client = make_client(device)
    device.update_sip_settings(user="4242", transport="tls", registration_interval=900)
    settings = await client.get_sip_settings()
    assert (settings.user, settings.transport, settings.registration_interval) == (
        "4242",
        SipTransport.TLS,
        900,
    )


async def test_old_firmware_is_unsupported(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """API v0 is refused clearly, before any login; SIP calls fail the same way."""
    device = await simulator_factory(Profile.OLD_FIRMWARE)
    client = make_client(device)
    with pytest.raises(BasIpUnsupportedDeviceError, match=r"0\.9\.0 is not supported"):
        await client.get_device_info()
    assert device.requests["/api/v1/login"] == 0
    with pytest.raises(BasIpUnsupportedDeviceError, match="/api/v1/login"):
        await client.get_sip_status()
    assert device.logins == 0


@pytest.mark.parametrize("profile", list(Profile))
async def test_expected_serial_matches(
    simulator_factory: SimulatorFactory, make_client: ClientFactory, profile: Profile
) -> None:
    """With the right expected serial, logins go ahead (old firmware stops at info)."""
    device = await simulator_factory(profile)
    client = make_client(device, expected_serial=device.serial)
    if profile is Profile.OLD_FIRMWARE:
        with pytest.raises(BasIpUnsupportedDeviceError):
            await client.login()
        return
    await client.login()
    assert client.login_count == device.logins == 1
    # The serial was checked via /api/info before the login.
    assert device.requests["/api/info"] == 1


def test_repr_and_base_url(make_client: ClientFactory) -> None:
    """The repr names the device and user, never the password or its digest."""
    client = make_client("192.0.2.10:8080")
    assert client.base_url == "http://192.0.2.10:8080"
    assert repr(client) == "BasIpClient(url='http://192.0.2.10:8080', username='admin')"
    assert PASSWORD not in repr(client)
    assert USERNAME in repr(client)
    assert not any(secret in repr(client) for secret in SECRETS)
