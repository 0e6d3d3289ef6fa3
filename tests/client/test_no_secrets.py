"""No secret reaches a log record, a repr or an exception text.

Client and simulator are driven through every profile and error path while
all their logs are captured at DEBUG. Secrets are the passwords and digests
of ``tests/const.py``, the profiles' SIP passwords and every token the
simulators issued.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
from typing import Any

import aiohttp
import pytest

from custom_components.bas_ip.client import BasIpClient, BasIpError
from simulator import DeviceSimulator, Fault, Profile, self_signed_context
from tests.conftest import SimulatorFactory
from tests.const import NEW_PASSWORD, PASSWORD, SECRETS, SIP_PASSWORDS, USERNAME, WRONG_PASSWORD

from .conftest import ClientFactory, short_timeout


class Evidence:
    """Everything a user or a log reader could see: texts to search for secrets."""

    def __init__(self) -> None:
        """Start empty."""
        self.texts: list[str] = []
        self.errors: list[BasIpError] = []

    def add(self, *objects: object) -> None:
        """Keep the repr (and str) of each object."""
        for obj in objects:
            self.texts.extend((repr(obj), str(obj)))

    async def run(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """Await ``call``; keep its result's repr or the error's str/repr and cause."""
        try:
            result = await call()
        except BasIpError as err:
            self.errors.append(err)
            self.add(err, err.args)
            for linked in (err.__cause__, err.__context__):
                if linked is not None:
                    self.add(linked)
            return None
        self.add(result)
        return result


async def drive_profile(
    device: DeviceSimulator, make_client: ClientFactory, evidence: Evidence
) -> None:
    """Every path the client has, against one simulated device."""
    # Calls that must succeed get the generous default timeout; only the
    # timeout step below uses a short one.
    client = make_client(device)
    evidence.add(client, device)
    calls = (
        client.get_device_info,
        client.get_mac_address,
        client.get_sip_settings,
        client.get_sip_status,
        client.get_sip_enabled,
    )
    for call in calls:
        await evidence.run(call)

    # Expired token: re-login and retry.
    device.expire_tokens()
    await evidence.run(client.get_sip_status)

    # Every fault on every call.
    for fault in Fault:
        device.set_fault(fault, body={"token": "x", "sip_status": 5})
        for call in calls:
            await evidence.run(call)
        device.clear_faults()
    device.set_fault(Fault.WRONG_SHAPE, paths=["/api/v1/login"], body={"token": "bad token"})
    await evidence.run(client.login)
    device.clear_faults()

    # Timeout.
    device.delay = 5.0  # well above the short timeout
    with short_timeout(client):
        await evidence.run(client.get_sip_settings)
    device.delay = 0.0

    # Wrong password, then the device's password changes and the user follows.
    wrong = make_client(device, password=WRONG_PASSWORD)
    evidence.add(wrong)
    await evidence.run(wrong.get_sip_settings)
    await evidence.run(wrong.get_sip_settings)
    device.set_password(NEW_PASSWORD)
    await evidence.run(client.get_sip_status)
    client.set_credentials(USERNAME, NEW_PASSWORD)
    evidence.add(client)
    await evidence.run(client.get_sip_settings)
    device.set_password(PASSWORD)

    # 401 right after a fresh login.
    device.token_lifetime = 0
    fresh = make_client(device)
    await evidence.run(fresh.get_sip_status)
    await evidence.run(fresh.get_sip_status)
    device.token_lifetime = 7200

    # A different device at the address.
    mismatch = make_client(device, expected_serial="somebody-else")
    await evidence.run(mismatch.get_sip_status)


@pytest.mark.parametrize("profile", list(Profile))
async def test_no_secret_in_logs_reprs_or_errors(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    profile: Profile,
) -> None:
    """Logs at DEBUG, reprs and exception texts of a full run hold no secret."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="custom_components.bas_ip")
    caplog.set_level(logging.DEBUG, logger="simulator")
    evidence = Evidence()

    device = await simulator_factory(profile)
    await drive_profile(device, make_client, evidence)

    # TLS: refused with verification, accepted without.
    tls_device = await simulator_factory(profile, ssl_context=self_signed_context())
    for verify in (True, False):
        client = make_client(tls_device, use_https=True, verify_ssl=verify)
        await evidence.run(client.get_sip_settings)

    # Connection refused.
    gone = await simulator_factory(profile)
    await gone.stop()
    await evidence.run(make_client(gone).get_sip_settings)

    # The simulator's own answers: validation errors and the control state.
    if profile is not Profile.OLD_FIRMWARE:
        device.expire_tokens()
        for answer in await simulator_answers(session, device):
            evidence.texts.append(answer)

    secrets = {*SECRETS, *SIP_PASSWORDS}
    for dev in (device, tls_device, gone):
        secrets.update(dev.issued_tokens)
    log_text = [record.getMessage() for record in caplog.records]
    log_text += [caplog.text]

    # The run really exercised what it claims to.
    assert evidence.errors
    assert any(r.name.startswith("simulator") for r in caplog.records)
    if profile is not Profile.OLD_FIRMWARE:
        assert device.issued_tokens
        assert any(r.name.startswith("custom_components.bas_ip") for r in caplog.records)
        assert device.login_failures >= 2

    leaks = [
        (secret, text)
        for text in (*log_text, *evidence.texts)
        for secret in secrets
        if secret and secret in text
    ]
    assert not leaks, leaks[:3]


async def simulator_answers(session: aiohttp.ClientSession, device: DeviceSimulator) -> list[str]:
    """Bodies the simulator sends back that could echo a secret if it were careless."""
    texts: list[str] = []
    login_query = {"username": USERNAME, "password": PASSWORD}
    async with session.get(f"{device.url}/api/v1/login", params=login_query) as response:
        texts.append(await response.text())
    token = await _login(session, device)
    for change in (
        {"password": SIP_PASSWORDS[0] * 2},
        {"password": SIP_PASSWORDS[1], "user": PASSWORD * 3},
        {"user": NEW_PASSWORD * 2, "stun": {"ip": WRONG_PASSWORD + "!", "port": 1}},
    ):
        async with session.post(
            f"{device.url}/api/v1/device/sip/settings",
            json=change,
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            # Rejected values must not be echoed in the validation error.
            assert response.status == 400
            texts.append(await response.text())
    for name in ("state", "counters"):
        async with session.get(f"{device.url}/_simulator/{name}") as response:
            texts.append(await response.text())
    return texts


async def _login(session: aiohttp.ClientSession, device: DeviceSimulator) -> str:
    client = BasIpClient(device.address, USERNAME, PASSWORD, session=session)
    await client.login()
    return device.issued_tokens[-1]
