"""How the log pages and sorts: every documented dialect and the named variants.

Also the log's size cap, the device clock's ``Date`` header and the data
clear call third-party access systems make.
"""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

import aiohttp
import pytest

from simulator import DeviceSimulator, Profile
from simulator.log import LOG_DIALECT_CASES, LOG_VARIANTS, LogBehaviour
from tests.conftest import SimulatorFactory
from tests.const import USERNAME, md5_hex

from .util import call, control, log_page, login

NOW = 1_700_000_000.0
V1_PROFILES = [Profile.CAMDROID_MONITOR, Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]
SORT_TYPE_DESC = {"sort_type": "desc"}
SORT_FIELD_DESC = {"sort_field": "timestamp", "sort_type": "desc"}
ORDER_BY_DESC = {"order_by": "timestamp desc"}
CLEAR = "/api/v1/system/data/clear"
NOT_SUPPORTED = "is not supported"


async def numbered(
    factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    count: int,
    **kwargs: Any,
) -> tuple[DeviceSimulator, str]:
    """A device whose log holds exactly ``count`` items numbered 0.. in ``info.model.n``."""
    device = await factory(profile, history=False, clock=lambda: NOW, **kwargs)
    token = await login(http, device)
    device.clear_log()
    for index in range(count):
        device.log_event("tamper_event", info={"n": index})
    return device, token


def numbers(body: dict[str, Any]) -> list[int]:
    """The ``n`` of each item of a page."""
    return [item["info"]["model"]["n"] for item in body["list_items"]]


def not_valid_params(profile: Profile, body: Any) -> set[str]:
    """The parameters a ``not_valid`` answer names, in the profile's error style."""
    if profile is Profile.ANDROID_PANEL:
        assert body["error"] == "Data validation error"
        return set(body["data"])
    assert body["error"]["code"] == "not_valid"
    return set(body["error"]["data"])


# --- the order ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "variant", "default"),
    [
        (Profile.ANDROID_PANEL, None, "asc"),
        (Profile.CAMDROID_PANEL, None, "asc"),
        (Profile.CAMDROID_MONITOR, None, "asc"),
        (Profile.ANDROID_PANEL, "android_1_8", "asc"),
        (Profile.CAMDROID_PANEL, "camdroid_1_0", "asc"),
        (Profile.CAMDROID_PANEL, "unsorted", "asc"),
        (Profile.CAMDROID_PANEL, "newest_first", "desc"),
        (Profile.ANDROID_PANEL, "newest_first", "desc"),
        (Profile.CAMDROID_MONITOR, "strict", "asc"),
    ],
)
async def test_default_order(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    variant: str | None,
    default: str,
) -> None:
    """Without sort parameters page 1 is the oldest page (as documented) or the newest."""
    device, token = await numbered(simulator_factory, http, profile, 25, log_variant=variant)
    status, body = await log_page(http, device, token)
    assert status == 200
    expected = list(range(10)) if default == "asc" else list(range(24, 14, -1))
    assert numbers(body) == expected
    assert device.log_behaviour.default_order == default


# Which order each query gets: honoured parameters set it, others are ignored.
ORDER_CASES: list[tuple[Profile, str | None, dict[str, str], str]] = [
    (Profile.ANDROID_PANEL, None, SORT_TYPE_DESC, "desc"),
    (Profile.ANDROID_PANEL, None, {"sort_type": "asc"}, "asc"),
    (Profile.ANDROID_PANEL, None, SORT_FIELD_DESC, "desc"),
    (Profile.ANDROID_PANEL, None, ORDER_BY_DESC, "asc"),
    (Profile.CAMDROID_PANEL, None, ORDER_BY_DESC, "desc"),
    (Profile.CAMDROID_PANEL, None, {"order_by": "timestamp asc"}, "asc"),
    (Profile.CAMDROID_PANEL, None, {"order_by": "timestamp,  id desc"}, "desc"),
    (Profile.CAMDROID_PANEL, None, SORT_TYPE_DESC, "asc"),
    (Profile.CAMDROID_PANEL, None, SORT_FIELD_DESC, "asc"),
    (Profile.CAMDROID_MONITOR, None, ORDER_BY_DESC, "desc"),
    (Profile.CAMDROID_PANEL, "camdroid_1_0", SORT_FIELD_DESC, "desc"),
    (Profile.CAMDROID_PANEL, "camdroid_1_0", SORT_TYPE_DESC, "desc"),
    (Profile.CAMDROID_PANEL, "camdroid_1_0", {"sort_field": "timestamp"}, "asc"),
    (Profile.CAMDROID_PANEL, "camdroid_1_0", ORDER_BY_DESC, "asc"),
    (Profile.CAMDROID_PANEL, "unsorted", ORDER_BY_DESC, "asc"),
    (Profile.CAMDROID_PANEL, "unsorted", SORT_FIELD_DESC, "asc"),
    (Profile.ANDROID_PANEL, "unsorted", SORT_TYPE_DESC, "asc"),
    (Profile.CAMDROID_PANEL, "newest_first", {"order_by": "timestamp asc"}, "asc"),
    (Profile.CAMDROID_PANEL, "newest_first", {"sort_type": "asc"}, "desc"),
    (Profile.ANDROID_PANEL, "android_1_8", SORT_TYPE_DESC, "desc"),
    (Profile.ANDROID_PANEL, "strict", SORT_TYPE_DESC, "desc"),
    (Profile.CAMDROID_PANEL, "strict", ORDER_BY_DESC, "desc"),
]


@pytest.mark.parametrize(("profile", "variant", "sort", "order"), ORDER_CASES)
async def test_sort_parameters(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    *,
    profile: Profile,
    variant: str | None,
    sort: dict[str, str],
    order: str,
) -> None:
    """A dialect the device honours sets the order; another dialect's parameter is ignored."""
    device, token = await numbered(simulator_factory, http, profile, 25, log_variant=variant)
    first = await log_page(http, device, token, sort=sort)
    last = await log_page(http, device, token, page=3, sort=sort)
    assert (first[0], last[0]) == (200, 200)
    if order == "asc":
        assert (numbers(first[1]), numbers(last[1])) == (list(range(10)), list(range(20, 25)))
    else:
        assert (numbers(first[1]), numbers(last[1])) == (
            list(range(24, 14, -1)),
            list(range(4, -1, -1)),
        )


@pytest.mark.parametrize(
    ("profile", "sort", "refused"),
    [
        (Profile.ANDROID_PANEL, ORDER_BY_DESC, {"order_by"}),
        (Profile.ANDROID_PANEL, SORT_FIELD_DESC, {"sort_field"}),
        (Profile.CAMDROID_PANEL, SORT_TYPE_DESC, {"sort_type"}),
        (Profile.CAMDROID_PANEL, SORT_FIELD_DESC, {"sort_field", "sort_type"}),
        (Profile.CAMDROID_PANEL, {**ORDER_BY_DESC, "sort_type": "desc"}, {"sort_type"}),
    ],
)
async def test_strict_refuses_other_dialects(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    sort: dict[str, str],
    refused: set[str],
) -> None:
    """``strict``: another dialect's parameter is a 400 naming it, in the family's style."""
    device, token = await numbered(simulator_factory, http, profile, 3, log_variant="strict")
    status, body = await log_page(http, device, token, sort=sort)
    assert status == 400
    assert not_valid_params(profile, body) == refused
    data = body["data"] if profile is Profile.ANDROID_PANEL else body["error"]["data"]
    assert set(data.values()) == {NOT_SUPPORTED}


@pytest.mark.parametrize(
    ("profile", "variant", "sort", "answer"),
    [
        # Android's documented flat text (its list calls' "Base errors").
        (Profile.ANDROID_PANEL, None, {"sort_type": "up"}, {"error": "Wrong sort type"}),
        (Profile.ANDROID_PANEL, None, {"sort_type": "DESC"}, {"error": "Wrong sort type"}),
        (
            Profile.CAMDROID_PANEL,
            "camdroid_1_0",
            {"sort_field": "timestamp", "sort_type": "up"},
            {"sort_type": "must be asc or desc"},
        ),
        (Profile.CAMDROID_PANEL, None, {"order_by": "timestamp up"}, {"order_by": ""}),
        (Profile.CAMDROID_PANEL, None, {"order_by": "desc"}, {"order_by": ""}),
        (Profile.CAMDROID_PANEL, None, {"order_by": "timestamp"}, {"order_by": ""}),
        (Profile.CAMDROID_PANEL, None, {"order_by": "a,,b desc"}, {"order_by": ""}),
        (Profile.CAMDROID_MONITOR, None, {"order_by": ""}, {"order_by": ""}),
        (Profile.ANDROID_PANEL, "newest_first", {"order_by": "ts sideways"}, {"order_by": ""}),
    ],
)
async def test_bad_sort_values(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    *,
    profile: Profile,
    variant: str | None,
    sort: dict[str, str],
    answer: dict[str, str],
) -> None:
    """A bad value of an honoured parameter is a 400 (flat text on Android's sort_type)."""
    device, token = await numbered(simulator_factory, http, profile, 3, log_variant=variant)
    status, body = await log_page(http, device, token, sort=sort)
    assert status == 400
    if "error" in answer:
        assert body == answer
    else:
        assert not_valid_params(profile, body) == set(answer)


@pytest.mark.parametrize(
    ("profile", "sort"),
    [
        (Profile.CAMDROID_PANEL, {"sort_type": "up"}),
        (Profile.ANDROID_PANEL, {"order_by": "nonsense"}),
        (Profile.CAMDROID_PANEL, {"sort_field": ""}),
    ],
)
async def test_ignored_parameters_are_not_checked(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    sort: dict[str, str],
) -> None:
    """A parameter the device does not read cannot be wrong: the default order answers."""
    device, token = await numbered(simulator_factory, http, profile, 3)
    status, body = await log_page(http, device, token, sort=sort)
    assert (status, numbers(body)) == (200, [0, 1, 2])


@pytest.mark.parametrize("profile", [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL])
@pytest.mark.parametrize("sort", [{}, SORT_TYPE_DESC, ORDER_BY_DESC])
async def test_scrambled(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    sort: dict[str, str],
) -> None:
    """``scrambled``: pages hold every item once, in neither order, whatever is asked."""
    device, token = await numbered(simulator_factory, http, profile, 30, log_variant="scrambled")
    seen: list[int] = []
    for page in (1, 2, 3):
        status, body = await log_page(http, device, token, page=page, sort=sort)
        assert status == 200
        seen += numbers(body)
    assert sorted(seen) == list(range(30))
    assert seen[:4] == [0, 29, 1, 28]
    first_page = seen[:10]
    assert first_page not in (sorted(first_page), sorted(first_page, reverse=True))


# --- pages and capacity ----------------------------------------------------------


@pytest.mark.parametrize(("sort", "order"), [({}, "asc"), (ORDER_BY_DESC, "desc")])
async def test_pagination(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    sort: dict[str, str],
    order: str,
) -> None:
    """Pages of 10/20/30/50 in both orders; a page past the end is empty with the totals."""
    device, token = await numbered(simulator_factory, http, Profile.CAMDROID_PANEL, 45)
    expected_pages = {10: 5, 20: 3, 30: 2, 50: 1}
    for limit, pages in expected_pages.items():
        seen: list[int] = []
        for page in range(1, pages + 2):
            status, body = await log_page(http, device, token, limit=limit, page=page, sort=sort)
            assert status == 200
            assert body["list_option"]["pagination"] == {
                "total_items": 45,
                "items_limit": limit,
                "total_pages": pages,
                "current_page": page,
            }
            seen += numbers(body)
        assert body["list_items"] == []
        assert seen == (list(range(45)) if order == "asc" else list(range(44, -1, -1)))


async def test_defaults_and_empty_log(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """No query means limit 10, page 1 (inferred); an empty log has 0 pages (inferred)."""
    device, token = await numbered(simulator_factory, http, Profile.CAMDROID_MONITOR, 0)
    assert await call(http, device, "/api/v1/log/items", token=token) == (
        200,
        {
            "list_option": {
                "pagination": {
                    "total_items": 0,
                    "items_limit": 10,
                    "total_pages": 0,
                    "current_page": 1,
                }
            },
            "list_items": [],
        },
    )


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("limit=5&page_number=1", {"limit"}),
        ("limit=100&page_number=1", {"limit"}),
        ("limit=abc&page_number=1", {"limit"}),
        ("limit=0", {"limit"}),
        ("limit=10&page_number=0", {"page_number"}),
        ("limit=10&page_number=-1", {"page_number"}),
        ("limit=10&page_number=x", {"page_number"}),
        ("limit=15&page_number=0", {"limit", "page_number"}),
    ],
)
async def test_bad_page_query_is_not_valid(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    query: str,
    params: set[str],
) -> None:
    """A limit outside 10/20/30/50 or a page below 1 is a 400 naming the parameter."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    status, body = await call(http, device, f"/api/v1/log/items?{query}", token=token)
    assert status == 400
    assert not_valid_params(profile, body) == params


async def test_bad_page_and_sort_are_named_together(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A bad limit with a bad sort type names both (Android's flat text is for the sort alone)."""
    device, token = await numbered(simulator_factory, http, Profile.ANDROID_PANEL, 1)
    status, body = await call(http, device, "/api/v1/log/items?limit=7&sort_type=up", token=token)
    assert status == 400
    assert not_valid_params(Profile.ANDROID_PANEL, body) == {"limit", "sort_type"}


async def test_capacity_rotation(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A full log drops its oldest item per append; total_items stays at the cap."""
    device, token = await numbered(
        simulator_factory, http, Profile.CAMDROID_PANEL, 30, log_capacity=25
    )
    assert [item["info"]["model"]["n"] for item in device.log_items] == list(range(5, 30))
    _, body = await log_page(http, device, token, limit=10)
    assert body["list_option"]["pagination"]["total_items"] == 25
    assert numbers(body) == list(range(5, 15))
    _, body = await log_page(http, device, token, limit=10, sort=ORDER_BY_DESC)
    assert numbers(body) == list(range(29, 19, -1))
    # Shrinking over the control API drops the oldest at once.
    status, answer = await control(http, device, "log/capacity", {"capacity": 10})
    assert status == 200
    assert answer["log"]["capacity"] == 10
    assert [item["info"]["model"]["n"] for item in answer["items"]] == list(range(20, 30))
    assert device.state()["log"]["capacity"] == 10


async def test_default_capacity(simulator_factory: SimulatorFactory) -> None:
    """The default cap is 2000 items (inferred): a longer burst keeps the newest 2000."""
    device = await simulator_factory(Profile.ANDROID_PANEL, history=False)
    assert device.log_behaviour.capacity == 2000
    device.log_burst(2003, key="tamper_event")
    device.ring("101")
    assert len(device.log_items) == 2000
    assert device.log_items[-1]["name"]["key"] == "outgoing_call"


@pytest.mark.parametrize("body", [{"capacity": 0}, {"capacity": 1.5}, {"capacity": True}, {}])
async def test_bad_capacity_control(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    """A capacity that is not a positive integer answers 400 and changes nothing."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    before = list(device.log_items)
    status, answer = await control(http, device, "log/capacity", body)
    assert status == 400
    assert isinstance(answer["error"], str)
    assert (device.log_items, device.log_behaviour.capacity) == (before, 2000)


# --- variants --------------------------------------------------------------------


def test_variants_apply_to_every_profile() -> None:
    """Each named variant starts on each profile and shows in the state, read-only."""
    for variant in LOG_VARIANTS:
        for profile in V1_PROFILES:
            device = DeviceSimulator(profile, log_variant=variant)
            state = device.state()
            assert state["log_variant"] == variant
            assert state["log"] == {"variant": variant, **device.log_behaviour.describe()}
    assert {variant for _, variant in LOG_DIALECT_CASES} - {None} <= set(LOG_VARIANTS)
    assert DeviceSimulator(Profile.ANDROID_PANEL).state()["log"]["honours"] == ["sort_type"]
    assert DeviceSimulator(Profile.CAMDROID_MONITOR).state()["log"]["honours"] == ["order_by"]
    with pytest.raises(ValueError, match="unknown log variant"):
        DeviceSimulator(Profile.CAMDROID_PANEL, log_variant="newest")


async def test_custom_behaviour(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """A whole LogBehaviour may be given instead of a variant name."""
    behaviour = LogBehaviour(
        honours=frozenset({"sort_type", "order_by"}), default_order="desc", capacity=5
    )
    device, token = await numbered(
        simulator_factory, http, Profile.CAMDROID_PANEL, 7, log_variant=behaviour
    )
    assert device.log_variant == "custom"
    _, body = await log_page(http, device, token)
    assert numbers(body) == [6, 5, 4, 3, 2]
    _, body = await log_page(http, device, token, sort={"sort_type": "asc"})
    assert numbers(body) == [2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="unknown log dialects"):
        LogBehaviour(honours=frozenset({"sort_by"}))
    with pytest.raises(ValueError, match="capacity"):
        LogBehaviour(honours=frozenset(), capacity=0)
    with pytest.raises(ValueError, match="default_order"):
        LogBehaviour(honours=frozenset(), default_order="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="item_shape"):
        LogBehaviour(honours=frozenset(), item_shape="xml")  # type: ignore[arg-type]


# --- the Date header -------------------------------------------------------------


async def test_date_header_follows_the_device_clock(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """Every device answer says the device's time; control answers do not."""
    device = await simulator_factory(Profile.ANDROID_PANEL, clock=lambda: NOW)
    token = await login(http, device)

    async def date(path: str, token: str | None = token) -> str:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with http.get(f"{device.url}{path}", headers=headers) as response:
            return response.headers["Date"]

    assert await date("/api/info") == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert await date("/api/v1/log/items") == formatdate(NOW, usegmt=True)
    device.skew_clock(3 * 3600)
    assert await date("/api/v1/log/items") == formatdate(NOW + 10800, usegmt=True)
    device.jump_clock(-86400)
    expected = formatdate(NOW + 10800 - 86400, usegmt=True)
    # Errors too: a 401, a 404, a login and an injected fault.
    assert await date("/api/v1/sip/status", token=None) == expected
    assert await date("/api/v1/no/such/path") == expected
    login_path = f"/api/v1/login?username={USERNAME}&password={md5_hex('wrong')}"
    assert await date(login_path, token=None) == expected
    device.set_fault("html_500", paths=["/api/v1/sip/status"])
    assert await date("/api/v1/sip/status") == expected
    assert await date("/_simulator/state") != expected


# --- data clear ------------------------------------------------------------------

CLEAR_FIELDS = {
    Profile.ANDROID_PANEL: "clear_fields",
    Profile.CAMDROID_PANEL: "data_types",
    Profile.CAMDROID_MONITOR: "data_types",
}


@pytest.mark.parametrize("profile", V1_PROFILES)
async def test_data_clear_empties_the_log(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession, profile: Profile
) -> None:
    """``{"clear_fields": ["logs"]}`` (API 2.x) or ``{"data_types": ["logs"]}`` (1.x)."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    field = CLEAR_FIELDS[profile]
    before = list(device.log_items)
    assert await call(
        http, device, CLEAR, token=token, method="POST", json_body={field: ["identifiers"]}
    ) == (200, {})
    assert device.log_items == before
    assert await call(
        http, device, CLEAR, token=token, method="POST", json_body={field: ["logs", "calls"]}
    ) == (200, {})
    assert device.log_items == []
    ring = device.ring("101")
    _, body = await log_page(http, device, token)
    assert body["list_items"] == [ring]


@pytest.mark.parametrize("profile", V1_PROFILES)
@pytest.mark.parametrize("kind", ["other_form", "not_a_list", "not_strings", "not_json"])
async def test_data_clear_bad_body(
    simulator_factory: SimulatorFactory,
    http: aiohttp.ClientSession,
    profile: Profile,
    kind: str,
) -> None:
    """The other API line's form or a malformed body is a 400 naming the field."""
    device = await simulator_factory(profile)
    token = await login(http, device)
    field = CLEAR_FIELDS[profile]
    other = "data_types" if field == "clear_fields" else "clear_fields"
    bodies: dict[str, Any] = {
        "other_form": {other: ["logs"]},
        "not_a_list": {field: "logs"},
        "not_strings": {field: [1]},
    }
    before = list(device.log_items)
    if kind == "not_json":
        status, body = await call(http, device, CLEAR, token=token, method="POST", data=b"{")
    else:
        status, body = await call(
            http, device, CLEAR, token=token, method="POST", json_body=bodies[kind]
        )
    assert status == 400
    assert not_valid_params(profile, body) == {field}
    assert device.log_items == before


async def test_data_clear_needs_token_and_post(
    simulator_factory: SimulatorFactory, http: aiohttp.ClientSession
) -> None:
    """No token: 401; GET: 405; old firmware: 404. The log is kept each time."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    before = list(device.log_items)
    body = {"data_types": ["logs"]}
    assert (await call(http, device, CLEAR, method="POST", json_body=body))[0] == 401
    token = await login(http, device)
    assert (await call(http, device, CLEAR, token=token))[0] == 405
    assert len(device.log_items) == len(before) + 1
    old = await simulator_factory(Profile.OLD_FIRMWARE)
    assert (await call(http, old, CLEAR, method="POST", json_body=body))[0] == 404
