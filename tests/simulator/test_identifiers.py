"""Identifiers of the simulated panels: the calls per API line, refusals, and the door.

docs/device-api.md, "Identifiers". Everything goes over real HTTP; the host
clock stands still (or moves when a test says so), so device time is known
exactly.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from simulator import DeviceSimulator, Profile
from tests.conftest import SimulatorFactory

from .util import call, control, keys, log_page, login

NOW = 1_767_261_600
HOUR = 3600
CODE = "482913"
QR = "3f1c2b7a-9d4e-4c1a-8b2f-6e5d4c3b2a19"
CARD = "04:A1:B2:C3:D4:E5:F6"
DUPLICATE = {"error": "Identifier with that type and number already exist"}
WRONG_UID = {"error": "Wrong Identifier uid"}
GRANTED = "access_granted_by_valid_identifier"
NOT_VALID = "access_denied_by_not_valid_identifier"
PANELS = (Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL)
SINGULAR = ("/api/v1/access/identifier", "/api/v1/access/identifier/item/")
PLURAL = ("/api/v1/access/identifiers/item", "/api/v1/access/identifiers/item/")
LIST = "/api/v1/access/identifier/items"
# (create path, item prefix, list path) of each line a profile serves.
LINES = [
    pytest.param(Profile.CAMDROID_PANEL, (*SINGULAR, LIST), id="camdroid"),
    pytest.param(Profile.ANDROID_PANEL, (*SINGULAR, LIST), id="android"),
    pytest.param(
        Profile.ANDROID_PANEL, (*PLURAL, "/api/v1/access/identifiers/items/list"), id="android-1x"
    ),
]


class Clock:
    """A host clock that moves only when told."""

    def __init__(self) -> None:
        """Start at ``NOW``."""
        self.now = float(NOW)

    def __call__(self) -> float:
        """The current host time."""
        return self.now


def body(
    number: str = CODE,
    kind: str = "inputCode",
    *,
    name: str = "Courier",
    lock: str = "first",
    window: tuple[int, int] | None = (NOW - HOUR, NOW + HOUR),
    passes: int | None = 2,
) -> dict[str, Any]:
    """A create body; ``window`` or ``passes`` ``None``: permanent."""
    time: dict[str, Any] = {"is_permanent": window is None}
    if window is not None:
        time |= {"from": window[0], "to": window[1]}
    limit: dict[str, Any] = {"is_permanent": passes is None}
    if passes is not None:
        limit["max_passes"] = passes
    return {
        "identifier_owner": {"name": name, "type": "guest"},
        "identifier_type": kind,
        "identifier_number": number,
        "lock": lock,
        "valid": {"time": time, "passes": limit},
    }


async def panel(
    factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile, clock: Clock
) -> tuple[DeviceSimulator, str]:
    """A panel with an empty log on ``clock``, and a token."""
    device = await factory(profile, history=False, clock=clock)
    return device, await login(http, device)


async def create(
    http: aiohttp.ClientSession, device: DeviceSimulator, token: str, payload: Any, path: str
) -> int:
    """Create an identifier over HTTP; answer its uid."""
    status, answer = await call(http, device, path, token=token, method="POST", json_body=payload)
    assert (status, set(answer)) == (200, {"uid"}), answer
    uid = answer["uid"]
    assert isinstance(uid, int)
    return uid


def refused_fields(profile: Profile, answer: Any) -> set[str]:
    """The fields a 400 names, checking the family's error shape on the way."""
    error = answer["error"]
    if profile is Profile.ANDROID_PANEL:
        assert error == "Data validation error"
        return set(answer["data"])
    assert (error["code"], error["message"]) == ("not_valid", "Data validation error")
    return set(error["data"])


def read_answer(payload: dict[str, Any], passes_left: int) -> dict[str, Any]:
    """What reading an identifier made from ``payload`` answers."""
    return payload | {
        "apartment": {"uid": -1},
        "time_profiles": {"uid_items": [], "count": 0},
        "additional": {"passes_left": passes_left},
    }


def model(answer: dict[str, Any]) -> dict[str, Any]:
    """The ``info.model`` of a logged item."""
    result = answer["info"]["model"]
    assert isinstance(result, dict)
    return result


# --- the calls per API line ---------------------------------------------------------


@pytest.mark.parametrize(("profile", "line"), LINES)
async def test_create_read_change_reset_delete_list(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    line: tuple[str, str, str],
) -> None:
    """Each line's paths create, read, change, reset, list and delete identifiers."""
    create_path, item, listing = line
    device, token = await panel(simulator_factory, http, profile, Clock())
    assert (await call(http, device, create_path, method="POST", json_body=body()))[0] == 401
    uid = await create(http, device, token, body(), create_path)
    assert uid == 1
    assert await call(http, device, f"{item}1", token=token) == (200, read_answer(body(), 2))
    assert device.identifiers.present("code", CODE)["name"]["key"] == GRANTED
    assert (await call(http, device, f"{item}1", token=token))[1]["additional"] == {
        "passes_left": 1
    }
    status, _ = await call(http, device, f"{item}1/passes/reset", token=token, method="POST")
    assert status == 200
    assert (await call(http, device, f"{item}1", token=token))[1]["additional"] == {
        "passes_left": 2
    }
    change = {"identifier_owner": {"name": "Cleaner", "type": "guest"}, "lock": "all"}
    assert await call(http, device, f"{item}1", token=token, method="PATCH", json_body=change) == (
        200,
        {},
    )
    changed = body(name="Cleaner", lock="all")
    assert await call(http, device, f"{item}1", token=token) == (200, read_answer(changed, 2))
    second = await create(http, device, token, body(QR, "qr", passes=None), create_path)
    assert second == 2
    status, page = await call(http, device, f"{listing}?limit=10&page_number=1", token=token)
    assert status == 200
    assert page["list_option"]["pagination"] == {
        "total_items": 2,
        "items_limit": 10,
        "total_pages": 1,
        "current_page": 1,
    }
    assert [entry["identifier_uid"] for entry in page["list_items"]] == [1, 2]
    assert page["list_items"][1] == read_answer(body(QR, "qr", passes=None), -1) | {
        "identifier_uid": 2
    }
    assert await call(http, device, f"{item}1", token=token, method="DELETE") == (200, {})
    assert await call(http, device, f"{item}1", token=token) == (400, WRONG_UID)
    status, page = await call(http, device, f"{listing}?limit=20&page_number=1", token=token)
    assert [entry["identifier_uid"] for entry in page["list_items"]] == [2]
    assert (await call(http, device, f"{listing}?limit=7", token=token))[0] == 400


@pytest.mark.parametrize("profile", PANELS)
async def test_qr_image(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """The QR call draws a PNG of a QR identifier, the same each time, without its number."""
    device, token = await panel(simulator_factory, http, profile, Clock())
    uid = await create(http, device, token, body(QR, "qr"), SINGULAR[0])
    code = await create(http, device, token, body(), SINGULAR[0])
    url = f"{device.url}{SINGULAR[1]}{uid}/qr"
    headers = {"Authorization": f"Bearer {token}"}
    async with http.get(url, headers=headers) as response:
        assert (response.status, response.content_type) == (200, "image/png")
        picture = await response.read()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert QR.encode() not in picture
    async with http.get(url, headers=headers) as response:
        assert await response.read() == picture
    status, answer = await call(http, device, f"{SINGULAR[1]}{code}/qr", token=token)
    assert status == 400
    assert refused_fields(profile, answer) == {"identifier_type"}
    if profile is Profile.ANDROID_PANEL:
        # The 1.x spelling has no QR call.
        assert (await call(http, device, f"{PLURAL[1]}{uid}/qr", token=token))[0] == 404


@pytest.mark.parametrize("profile", [Profile.CAMDROID_MONITOR, Profile.OLD_FIRMWARE])
async def test_families_without_identifiers(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Monitors and old firmware have no identifier paths: 404, and nothing to present."""
    device = await simulator_factory(profile, history=False)
    token = await login(http, device) if profile is Profile.CAMDROID_MONITOR else None
    for path in (*SINGULAR, *PLURAL, "/api/v1/access/identifier/items"):
        status, _ = await call(http, device, path, token=token, method="POST", json_body=body())
        assert status == 404, path
    assert (await call(http, device, f"{SINGULAR[1]}1", token=token))[0] == 404
    status, answer = await control(http, device, "present", {"type": "code", "number": CODE})
    assert (status, answer) == (400, {"error": "this family holds no identifiers"})
    assert (await control(http, device, "identifiers/add", body()))[0] == 400
    assert not any(key.startswith("access_") for key in keys(device.log_items))


# --- refusals ------------------------------------------------------------------------


def _broken(field: str, value: Any) -> dict[str, Any]:
    payload = body()
    if field.startswith("valid.time."):
        payload["valid"]["time"][field.rpartition(".")[2]] = value
    elif field.startswith("valid.passes."):
        payload["valid"]["passes"][field.rpartition(".")[2]] = value
    elif field.startswith("identifier_owner."):
        payload["identifier_owner"][field.rpartition(".")[2]] = value
    else:
        payload[field] = value
    return payload


REFUSALS = [
    pytest.param(_broken("identifier_number", "48a913"), "identifier_number", id="code-letters"),
    pytest.param(_broken("identifier_number", "12345678901"), "identifier_number", id="code-11"),
    pytest.param(_broken("identifier_number", ""), "identifier_number", id="code-empty"),
    pytest.param(body("not-a-uuid-at-all", "qr"), "identifier_number", id="qr-not-uuid"),
    pytest.param(body(QR + "0", "qr"), "identifier_number", id="qr-too-long"),
    pytest.param(body("04:A1", "card"), "", id="card-hex-ok"),
    pytest.param(body("04A1B2", "card"), "identifier_number", id="card-bad"),
    pytest.param(body(window=(NOW + HOUR, NOW - HOUR)), "valid.time.to", id="to-before-from"),
    pytest.param(body(window=(NOW, NOW)), "valid.time.to", id="to-equals-from"),
    pytest.param(_broken("valid.time.to", (NOW + HOUR) * 1000), "valid.time.to", id="to-in-ms"),
    pytest.param(_broken("valid.time.from", None), "valid.time.from", id="from-missing"),
    pytest.param(_broken("lock", "third"), "lock", id="unknown-lock"),
    pytest.param(_broken("lock", 1), "lock", id="lock-number"),
    pytest.param(_broken("identifier_owner.type", "friend"), "identifier_owner.type", id="owner"),
    pytest.param(_broken("identifier_owner.name", ""), "identifier_owner.name", id="no-name"),
    pytest.param(_broken("valid.passes.max_passes", 0), "valid.passes.max_passes", id="passes-0"),
    pytest.param(
        _broken("valid.passes.max_passes", 100_000), "valid.passes.max_passes", id="passes-big"
    ),
    pytest.param(_broken("identifier_type", "pin"), "identifier_type", id="unknown-type"),
    pytest.param(_broken("valid", None), "valid", id="no-valid"),
]


@pytest.mark.parametrize("profile", PANELS)
@pytest.mark.parametrize(("payload", "field"), REFUSALS)
async def test_refusals_name_the_field_and_change_nothing(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    payload: dict[str, Any],
    field: str,
) -> None:
    """A body breaking a rule is refused naming the field, never the value; nothing is kept."""
    device, token = await panel(simulator_factory, http, profile, Clock())
    status, answer = await call(
        http, device, SINGULAR[0], token=token, method="POST", json_body=payload
    )
    if not field:
        assert status == 200, answer
        return
    assert status == 400
    assert field in refused_fields(profile, answer)
    assert str(payload["identifier_number"] or "\0") not in str(answer)
    assert device.identifiers.held() == []
    # A change is checked the same way and leaves the identifier as it was.
    await create(http, device, token, body(), SINGULAR[0])
    status, _ = await call(
        http, device, f"{SINGULAR[1]}1", token=token, method="PATCH", json_body=payload
    )
    assert status == 400
    assert (await call(http, device, f"{SINGULAR[1]}1", token=token))[1] == read_answer(body(), 2)


@pytest.mark.parametrize("profile", PANELS)
async def test_duplicates_and_unknown_uids(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """A held type and number is refused with the vendor's flat message; unknown uids too."""
    device, token = await panel(simulator_factory, http, profile, Clock())
    await create(http, device, token, body(QR.upper(), "qr"), SINGULAR[0])
    status, answer = await call(
        http, device, SINGULAR[0], token=token, method="POST", json_body=body(QR, "qr")
    )
    assert (status, answer) == (400, DUPLICATE)
    # The same number as another type is another identifier.
    await create(http, device, token, body(CODE, "card"), SINGULAR[0])
    await create(http, device, token, body(CODE), SINGULAR[0])
    other = await create(http, device, token, body("482914"), SINGULAR[0])
    path = f"{SINGULAR[1]}{other}"
    own = {"identifier_number": "482914"}
    assert await call(http, device, path, token=token, method="PATCH", json_body=own) == (200, {})
    taken = {"identifier_number": CODE}
    status, answer = await call(http, device, path, token=token, method="PATCH", json_body=taken)
    assert (status, answer) == (400, DUPLICATE)
    assert (await call(http, device, path, token=token))[1]["identifier_number"] == "482914"
    assert len(device.identifiers.held()) == 4
    for method, suffix in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/passes/reset")):
        status, answer = await call(
            http, device, f"{SINGULAR[1]}99{suffix}", token=token, method=method, json_body={}
        )
        assert (status, answer) == (400, WRONG_UID), method
    assert (await call(http, device, f"{SINGULAR[1]}x1", token=token))[0] == 404
    assert (await call(http, device, f"{SINGULAR[1]}1/passes", token=token))[0] == 404
    assert (await call(http, device, f"{SINGULAR[1]}1", token=token, method="PUT"))[0] == 405


@pytest.mark.parametrize("profile", PANELS)
async def test_forbidden_answers_403(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """While forbidden every identifier call is refused with 403 in the family's shape."""
    device, token = await panel(simulator_factory, http, profile, Clock())
    uid = await create(http, device, token, body(), SINGULAR[0])
    assert await control(http, device, "identifiers/forbid", {"forbidden": True}) == (
        200,
        {"identifiers": device.identifiers.held(), "forbidden": True},
    )
    calls = (
        ("POST", SINGULAR[0], body("111111")),
        ("GET", "/api/v1/access/identifier/items", None),
        ("GET", f"{SINGULAR[1]}{uid}", None),
        ("PATCH", f"{SINGULAR[1]}{uid}", {"lock": "all"}),
        ("DELETE", f"{SINGULAR[1]}{uid}", None),
        ("POST", f"{SINGULAR[1]}{uid}/passes/reset", None),
    )
    for method, path, payload in calls:
        status, answer = await call(
            http, device, path, token=token, method=method, json_body=payload
        )
        assert status == 403, path
        flat = profile is Profile.ANDROID_PANEL
        assert (
            answer["error"] == "Permission denied"
            if flat
            else answer["error"]["code"] == ("permission_denied")
        )
    # No token is still 401 first.
    assert (await call(http, device, SINGULAR[0], method="POST", json_body=body()))[0] == 401
    assert len(device.identifiers.held()) == 1
    device.identifiers.forbidden = False
    assert (await call(http, device, f"{SINGULAR[1]}{uid}", token=token))[0] == 200


async def test_face_ids_only_on_android(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """``face_id`` identifiers are accepted by the Android face panel, refused by Camdroid."""
    face = body("ZmFjZS1kYXRh", "face_id")
    android, token = await panel(simulator_factory, http, Profile.ANDROID_PANEL, Clock())
    assert await create(http, android, token, face, SINGULAR[0]) == 1
    camdroid, token = await panel(simulator_factory, http, Profile.CAMDROID_PANEL, Clock())
    status, answer = await call(
        http, camdroid, SINGULAR[0], token=token, method="POST", json_body=face
    )
    assert status == 400
    assert refused_fields(Profile.CAMDROID_PANEL, answer) == {"identifier_type"}


# --- the door ------------------------------------------------------------------------


async def present(
    http: aiohttp.ClientSession, device: DeviceSimulator, kind: str, number: str, **more: Any
) -> dict[str, Any]:
    """Present an identifier over the control API; answer the logged item."""
    status, item = await control(http, device, "present", {"type": kind, "number": number, **more})
    assert status == 200, item
    assert isinstance(item, dict)
    return item


@pytest.mark.parametrize("profile", PANELS)
async def test_present_grants_inside_window_and_counts_passes(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """A valid code opens its lock, is logged with its owner and type, and uses up passes."""
    clock = Clock()
    device, token = await panel(simulator_factory, http, profile, clock)
    await create(http, device, token, body(), SINGULAR[0])
    first = await present(http, device, "code", CODE)
    assert first["name"]["key"] == GRANTED
    assert first["category"] == "info"
    assert model(first) == {"lock": 1, "owner": "Courier", "number": CODE, "type": "input_code"}
    assert first["timestamp"] == NOW * 1000
    assert device.identifiers.held()[0]["passes_left"] == 1
    second = await present(http, device, "code", CODE)
    assert second["name"]["key"] == GRANTED
    assert device.identifiers.held()[0]["passes_left"] == 0
    # After the last pass the code is known but no longer valid.
    third = await present(http, device, "code", CODE)
    assert third["name"]["key"] == NOT_VALID
    assert third["category"] == "warning"
    assert model(third) == model(first)
    assert device.identifiers.held()[0]["passes_left"] == 0
    status, page = await log_page(http, device, token, sort={"sort_type": "asc"})
    assert status == 200
    logged = [item for item in page["list_items"] if item["name"]["key"].startswith("access_")]
    assert keys(logged) == [GRANTED, GRANTED, NOT_VALID]
    assert [model(item) for item in logged] == [model(first)] * 3


@pytest.mark.parametrize("profile", PANELS)
async def test_window_and_locks_on_the_device_clock(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """Validity follows the device clock, skewed or not; ``to`` is the last valid second."""
    clock = Clock()
    device, token = await panel(simulator_factory, http, profile, clock)
    window = (NOW + HOUR, NOW + 2 * HOUR)
    await create(http, device, token, body(QR, "qr", window=window, passes=None), SINGULAR[0])
    early = await present(http, device, "qr", QR)
    assert early["name"]["key"] == NOT_VALID
    assert model(early) == {"lock": 1, "owner": "Courier", "number": QR, "type": "qr"}
    # The host clock is still before the window, the device's inside it.
    device.skew_clock(HOUR)
    assert (await present(http, device, "qr", QR.upper()))["name"]["key"] == GRANTED
    device.skew_clock(2 * HOUR)
    assert (await present(http, device, "qr", QR))["name"]["key"] == GRANTED
    device.skew_clock(2 * HOUR + 1)
    assert (await present(http, device, "qr", QR))["name"]["key"] == NOT_VALID
    # Back inside, by the host clock this time; permanent passes never run out.
    device.skew_clock(0)
    clock.now = NOW + HOUR + 60
    for _ in range(3):
        assert (await present(http, device, "qr", QR))["name"]["key"] == GRANTED
    assert device.identifiers.held()[0]["passes_left"] is None
    # An identifier for the first lock does not open the second.
    wrong = await present(http, device, "qr", QR, lock=2)
    assert (wrong["name"]["key"], model(wrong)["lock"]) == (NOT_VALID, 2)
    await create(http, device, token, body(CARD, "card", lock="all", window=None), SINGULAR[0])
    both = await present(http, device, "card", CARD)
    assert (both["name"]["key"], model(both)["lock"], model(both)["type"]) == (GRANTED, 0, "card")
    assert (await present(http, device, "card", CARD, lock=2))["name"]["key"] == GRANTED


@pytest.mark.parametrize("profile", PANELS)
async def test_unknown_identifiers_are_denied_by_kind(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """An unknown code, QR or card is logged with the key of its kind, without an owner."""
    device, token = await panel(simulator_factory, http, profile, Clock())
    await create(http, device, token, body(), SINGULAR[0])
    cases = (
        ("code", "111111", "access_denied_by_not_valid_input_code", "input_code"),
        ("qr", "c0ffee00-0bad-4bad-8bad-00000000dead", "access_denied_by_unknown_qr_code", "qr"),
        ("card", "04BADC0DE0F00D", "access_denied_by_unknown_card", "card"),
        # A card with the code's digits is not the code.
        ("card", CODE, "access_denied_by_unknown_card", "card"),
    )
    for kind, number, key, log_type in cases:
        item = await present(http, device, kind, number)
        assert (item["name"]["key"], item["category"]) == (key, "warning")
        assert model(item) == {"number": number, "type": log_type}
    assert device.identifiers.held()[0]["passes_left"] == 2
    assert (await control(http, device, "present", {"type": "face", "number": "x"}))[0] == 400
    assert (await control(http, device, "present", {"type": "code"}))[0] == 400


@pytest.mark.parametrize("profile", PANELS)
async def test_controls_list_without_numbers_and_codes_are_secrets(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """``GET identifiers`` shows no number; every number offered is one of the secrets."""
    device, token = await panel(simulator_factory, http, profile, Clock())
    assert await control(http, device, "identifiers/add", body(CARD, "card", window=None)) == (
        200,
        {"uid": 1},
    )
    status, answer = await control(http, device, "identifiers/add", body(CARD.lower(), "card"))
    assert status == 400
    assert refused_fields(profile, answer) == {"identifier_number"}
    await create(http, device, token, body(), SINGULAR[0])
    refused = body("abc")
    await call(http, device, SINGULAR[0], token=token, method="POST", json_body=refused)
    status, listed = await control(http, device, "identifiers")
    assert status == 200
    assert listed == {
        "forbidden": False,
        "identifiers": [
            {
                "uid": 1,
                "owner": {"name": "Courier", "type": "guest"},
                "type": "card",
                "lock": "first",
                "valid_from": None,
                "valid_to": None,
                "passes_left": 2,
                "created_ms": NOW * 1000,
            },
            {
                "uid": 2,
                "owner": {"name": "Courier", "type": "guest"},
                "type": "inputCode",
                "lock": "first",
                "valid_from": NOW - HOUR,
                "valid_to": NOW + HOUR,
                "passes_left": 2,
                "created_ms": NOW * 1000,
            },
        ],
    }
    assert CODE not in str(listed)
    assert CARD not in str(listed)
    assert CODE not in str(device.state())
    assert {CODE, CARD, "abc"} <= device.secrets()
    # ``device.identifiers`` is still the frozenset of numbers in the log.
    assert device.identifiers == frozenset()
    await present(http, device, "code", CODE)
    assert device.identifiers == {CODE}
    assert device.identifiers.get(2) == read_answer(body(), 1)
    assert device.identifiers.get(9) is None
