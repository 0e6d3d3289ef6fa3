"""Identifiers (guest passes) over real HTTP against every panel profile of the simulator.

The pure parts (spelling decision, random numbers, models) are in
``test_identifier_models.py``. Codes are secrets: every error and model is
checked for the number.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import dataclasses
from typing import Any
from unittest.mock import patch

import pytest

from custom_components.bas_ip.client import (
    BasIpDuplicateError,
    BasIpPermissionError,
    BasIpUnsupportedDeviceError,
    BasIpValidationError,
    Identifier,
    IdentifierApi,
    IdentifierSpec,
    IdentifierType,
    identifiers as identifiers_module,
    random_code,
)
from custom_components.bas_ip.client.identifiers import PLURAL, SINGULAR
from simulator import DeviceSimulator, Profile
from tests.conftest import SimulatorFactory

from .conftest import ClientFactory

CODE = "48291377"
QR = "6f1c2a9e-3b7d-4e58-9a0c-2d4f6b8e1a37"
PNG = b"\x89PNG\r\n\x1a\n"
GRANTED = "access_granted_by_valid_identifier"
NOT_VALID = "access_denied_by_not_valid_identifier"
PREFIX = "/api/v1/access/identifier"  # also the start of every plural path


@pytest.fixture(params=[Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL])
async def panel(request: pytest.FixtureRequest, simulator_factory: SimulatorFactory) -> Any:
    """Each panel profile in turn."""
    return await simulator_factory(request.param)


def guest(device: DeviceSimulator, *, opens_in: int = -60, **overrides: Any) -> IdentifierSpec:
    """A code pass for two openings, valid from ``opens_in`` s for an hour, on the device clock."""
    start = device.device_now_ms() // 1000 + opens_in
    values: dict[str, Any] = {
        "owner_name": "Courier",
        "type": "code",
        "number": CODE,
        "lock": "first",
        "valid_from": start,
        "valid_until": start + 3600,
        "max_passes": 2,
    }
    return IdentifierSpec(**(values | overrides))


def identifier_requests(device: DeviceSimulator) -> int:
    return sum(count for path, count in device.requests.items() if path.startswith(PREFIX))


def assert_secret_free(*things: object) -> None:
    for thing in things:
        for text in (str(thing), repr(thing)):
            assert CODE not in text
            assert QR.casefold() not in text.casefold()


async def test_create_get_list_delete(panel: DeviceSimulator, make_client: ClientFactory) -> None:
    api = make_client(panel).identifiers
    assert await api.list() == []
    code_spec = guest(panel)
    code_uid = await api.create(code_spec)
    qr_uid = await api.create(guest(panel, type="qr", number=QR, lock="all", max_passes=None))
    code = await api.get(code_uid)
    assert code == Identifier(
        uid=code_uid,
        owner_name="Courier",
        owner_type="guest",
        type="inputCode",
        number=CODE,
        lock="first",
        valid_from=code_spec.valid_from,
        valid_until=code_spec.valid_until,
        max_passes=2,
        passes_left=2,
    )
    qr = await api.get(qr_uid)
    assert qr is not None
    assert (qr.kind, qr.number, qr.lock, qr.max_passes, qr.passes_left) == (
        IdentifierType.QR,
        QR,
        "all",
        None,
        None,
    )
    assert await api.list() == [code, qr]
    assert api.paths is SINGULAR
    assert panel.requests["/api/v1/access/identifiers/item"] == 0
    assert_secret_free(code, qr)

    await api.delete(code_uid)
    assert await api.get(code_uid) is None
    assert await api.list() == [qr]
    await api.delete(code_uid)  # already gone: not an error
    assert [held["uid"] for held in panel.identifiers.held()] == [qr_uid]


async def test_a_pass_opens_in_its_window_counts_down_and_resets(
    panel: DeviceSimulator, make_client: ClientFactory
) -> None:
    api = make_client(panel).identifiers
    uid = await api.create(guest(panel))
    first = panel.identifiers.present("code", CODE)
    assert first["name"]["key"] == GRANTED
    assert first["info"]["model"]["owner"] == "Courier"
    assert panel.identifiers.present("code", CODE)["name"]["key"] == GRANTED
    assert (await api.get(uid)).passes_left == 0  # type: ignore[union-attr]
    assert panel.identifiers.present("code", CODE)["name"]["key"] == NOT_VALID

    await api.reset_passes(uid)
    assert (await api.get(uid)).passes_left == 2  # type: ignore[union-attr]
    assert panel.identifiers.present("code", CODE)["name"]["key"] == GRANTED

    later = await api.create(guest(panel, opens_in=3600, number="7306"))
    assert panel.identifiers.present("code", "7306")["name"]["key"] == NOT_VALID
    assert (await api.get(later)).passes_left == 2  # type: ignore[union-attr]


async def test_the_qr_image_comes_from_the_device(
    panel: DeviceSimulator, make_client: ClientFactory
) -> None:
    api = make_client(panel).identifiers
    uid = await api.create(guest(panel, type="qr", number=QR))
    image = await api.qr_image(uid)
    assert image is not None
    assert image.startswith(PNG)
    code_uid = await api.create(guest(panel))
    with pytest.raises(BasIpValidationError) as caught:
        await api.qr_image(code_uid)
    assert_secret_free(caught.value)


async def test_the_plural_spelling_is_found_and_remembered(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    # A multi-apartment 1.x panel: only /access/identifiers/item... exists.
    device = await simulator_factory(Profile.ANDROID_PANEL)
    device.use_identifier_spellings("identifiers")
    api = make_client(device).identifiers
    uid = await api.create(guest(device))
    assert api.paths is PLURAL
    assert device.requests["/api/v1/access/identifier"] == 1
    assert device.requests["/api/v1/access/identifiers/item"] == 1
    assert (await api.get(uid)).number == CODE  # type: ignore[union-attr]
    await api.reset_passes(uid)
    assert [found.uid for found in await api.list()] == [uid]
    assert await api.qr_image(uid) is None  # no QR call on this line: render it locally
    await api.delete(uid)
    assert await api.get(uid) is None
    singular = {p: n for p, n in device.requests.items() if p.startswith(f"{PREFIX}/")}
    assert singular == {}  # the singular spelling was never asked again
    assert device.requests["/api/v1/access/identifier"] == 1


async def test_a_code_the_device_holds_is_a_duplicate(
    panel: DeviceSimulator, make_client: ClientFactory
) -> None:
    api = make_client(panel).identifiers
    await api.create(guest(panel))
    await api.create(guest(panel, type="qr", number=QR))
    for again in (guest(panel, owner_name="Other"), guest(panel, type="qr", number=QR.upper())):
        with pytest.raises(BasIpDuplicateError) as caught:
            await api.create(again)
        assert isinstance(caught.value, BasIpValidationError)
        assert caught.value.field == "number"
        assert_secret_free(caught.value)
    assert len(await api.list()) == 2


async def test_local_refusals_send_nothing(
    panel: DeviceSimulator, make_client: ClientFactory
) -> None:
    api = make_client(panel).identifiers
    tampered = guest(panel)
    object.__setattr__(tampered, "number", "48a1")  # changed behind the dataclass's back
    with pytest.raises(BasIpValidationError) as caught:
        await api.create(tampered)
    assert caught.value.field == "number"
    calls: list[Callable[[Any], Awaitable[Any]]] = [
        api.get,
        api.delete,
        api.reset_passes,
        api.qr_image,
    ]
    for call in calls:
        for uid in (-1, True, 2**63, "1"):
            with pytest.raises(BasIpValidationError) as refused:
                await call(uid)
            assert refused.value.field == "uid"
    with pytest.raises(BasIpValidationError):
        guest(panel, number=CODE + "123")
    assert sum(panel.requests.values()) == 0  # not even a login


async def test_an_unknown_uid(panel: DeviceSimulator, make_client: ClientFactory) -> None:
    api = make_client(panel).identifiers
    assert await api.get(999) is None
    await api.delete(999)
    with pytest.raises(BasIpValidationError) as caught:
        await api.reset_passes(999)
    assert caught.value.field == "uid"
    assert panel.requests[f"{PREFIX}/item/999"] == 2
    assert panel.requests[f"{PREFIX}/item/999/passes/reset"] == 1


async def test_a_forbidden_account_gets_a_permission_error(
    panel: DeviceSimulator, make_client: ClientFactory
) -> None:
    api = make_client(panel).identifiers
    uid = await api.create(guest(panel))
    panel.identifiers.forbidden = True
    calls: list[Callable[[], Awaitable[Any]]] = [
        api.list,
        lambda: api.get(uid),
        lambda: api.delete(uid),
        lambda: api.reset_passes(uid),
        lambda: api.qr_image(uid),
        lambda: api.create(guest(panel, number="5521")),
    ]
    for call in calls:
        with pytest.raises(BasIpPermissionError):
            await call()
    panel.identifiers.forbidden = False
    assert [held["uid"] for held in panel.identifiers.held()] == [uid]


async def test_a_monitor_has_no_identifiers(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    client = make_client(device)
    api = client.identifiers
    calls: list[Callable[[], Awaitable[Any]]] = [
        api.list,
        lambda: api.create(guest(device)),
        lambda: api.get(1),
        lambda: api.reset_passes(1),
        lambda: api.qr_image(1),
    ]
    for call in calls:
        with pytest.raises(BasIpUnsupportedDeviceError):
            await call()
    await api.delete(1)  # nothing there to delete
    assert identifier_requests(device) == 0  # a monitor, as /api/info says: nothing asked

    # A device that does not say what it is: both spellings are asked, both are 404.
    untyped = IdentifierApi(client._auth, client._transport)
    untyped.use_device_info(dataclasses.replace(await client.get_device_info(), device_type=None))
    with pytest.raises(BasIpUnsupportedDeviceError):
        await untyped.list()
    assert device.requests["/api/v1/access/identifier/items"] == 1
    assert device.requests["/api/v1/access/identifiers/items/list"] == 1
    await untyped.delete(1)  # 404 on both spellings: gone
    assert device.requests["/api/v1/access/identifiers/item/1"] == 1


async def test_every_page_is_read_within_the_bound(
    panel: DeviceSimulator, make_client: ClientFactory
) -> None:
    api = make_client(panel).identifiers
    uids = [await api.create(guest(panel, number=random_code(10))) for _ in range(61)]
    assert [found.uid for found in await api.list()] == uids
    assert panel.requests[f"{PREFIX}/items"] == 2
    with patch.object(identifiers_module, "LIST_MAX_PAGES", 1):
        assert [found.uid for found in await api.list()] == uids[:50]
    assert panel.requests[f"{PREFIX}/items"] == 3
