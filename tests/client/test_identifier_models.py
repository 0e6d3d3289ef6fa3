"""Identifiers (guest passes), pure parts: the spelling decision, random numbers, the models.

The calls over real HTTP are in ``test_identifiers.py``. Codes are secrets:
every error and every ``repr`` is checked for the number.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from unittest.mock import patch
import uuid

import pytest

from custom_components.bas_ip.client import (
    BasIpDeviceInfo,
    BasIpResponseError,
    BasIpValidationError,
    Identifier,
    IdentifierLock,
    IdentifierSpec,
    IdentifierType,
    identifier_paths,
    random_code,
    random_qr_number,
)
from custom_components.bas_ip.client.identifiers import PLURAL, SINGULAR
from simulator import Profile
from simulator.profiles import PROFILES

CODE = "48291377"
QR = "6f1c2a9e-3b7d-4e58-9a0c-2d4f6b8e1a37"
START = 1_767_261_600
END = START + 8 * 3600
PANELS = [Profile.CAMDROID_PANEL, Profile.ANDROID_PANEL]
CREATE = {SINGULAR: "/api/v1/access/identifier", PLURAL: "/api/v1/access/identifiers/item"}
PNG = b"\x89PNG\r\n\x1a\n"


def spec(**overrides: Any) -> IdentifierSpec:
    values: dict[str, Any] = {
        "owner_name": "Courier",
        "type": "code",
        "number": CODE,
        "lock": "first",
        "valid_from": START,
        "valid_until": END,
        "max_passes": 2,
    }
    return IdentifierSpec(**(values | overrides))


def assert_secret_free(*things: object) -> None:
    for thing in things:
        for text in (str(thing), repr(thing)):
            assert CODE not in text
            assert QR not in text
            assert QR.upper() not in text


# --- the spelling decision (pure) -----------------------------------------------------


def info(profile: Profile, **overrides: Any) -> BasIpDeviceInfo:
    return dataclasses.replace(BasIpDeviceInfo.from_dict(PROFILES[profile].info), **overrides)


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        (info(Profile.CAMDROID_PANEL), (SINGULAR, PLURAL)),
        (info(Profile.ANDROID_PANEL), (SINGULAR, PLURAL)),
        (info(Profile.ANDROID_PANEL, device_type=None), (SINGULAR, PLURAL)),
        (info(Profile.CAMDROID_MONITOR), ()),
        (info(Profile.CAMDROID_PANEL, device_type="Indoor Monitor"), ()),
        (info(Profile.OLD_FIRMWARE), ()),
    ],
    ids=["camdroid", "android", "untyped", "monitor", "monitor-case", "api-v0"],
)
def test_the_spellings_follow_the_device(device: BasIpDeviceInfo, expected: tuple[Any]) -> None:
    assert identifier_paths(device) == expected
    assert SINGULAR.qr is not None
    assert PLURAL.qr is None


# --- random numbers -------------------------------------------------------------------


@pytest.mark.parametrize("digits", [1, 6, 10])
def test_random_codes_are_digits_from_secrets(digits: int) -> None:
    codes = {random_code(digits) for _ in range(40)}
    assert all(len(code) == digits and code.isdigit() and code[0] != "0" for code in codes)
    assert len(codes) > (1 if digits == 1 else 30)
    with patch("custom_components.bas_ip.client.identifiers.secrets.randbelow", return_value=4):
        assert random_code(digits) == "5" + "4" * (digits - 1)
    spec(number=random_code(digits))


@pytest.mark.parametrize("digits", [0, 11, True, 6.0])
def test_a_random_code_needs_1_to_10_digits(digits: Any) -> None:
    with pytest.raises(BasIpValidationError) as caught:
        random_code(digits)
    assert caught.value.field == "digits"


def test_a_random_qr_number_is_a_fresh_uuid() -> None:
    numbers = {random_qr_number() for _ in range(10)}
    assert len(numbers) == 10
    assert all(uuid.UUID(number).version == 4 for number in numbers)
    spec(type="qr", number=numbers.pop())


# --- the spec ---------------------------------------------------------------------------


def test_a_spec_keeps_its_number_out_of_the_repr_and_sends_the_vendor_body() -> None:
    made = spec(max_passes=None, lock="all")
    assert made.type is IdentifierType.CODE
    assert made.lock is IdentifierLock.ALL
    assert_secret_free(made, spec(type="qr", number=QR))
    assert made.as_body() == {
        "identifier_owner": {"name": "Courier", "type": "guest"},
        "identifier_type": "inputCode",
        "identifier_number": CODE,
        "lock": "all",
        "valid": {
            "time": {"is_permanent": False, "from": START, "to": END},
            "passes": {"is_permanent": True},
        },
    }
    qr_body = spec(type=IdentifierType.QR, number=QR).as_body()
    assert qr_body["identifier_type"] == "qr"
    assert qr_body["valid"]["passes"] == {"is_permanent": False, "max_passes": 2}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("owner_name", ""),
        ("owner_name", "   "),
        ("owner_name", "n" * 101),
        ("owner_name", "Cou\nrier"),
        ("owner_name", None),
        ("type", "card"),
        ("number", ""),
        ("number", "12345678901"),
        ("number", "4829 1377"),
        ("number", "48291377\n"),
        ("number", "\uff14\uff18\uff12\uff19"),
        ("number", QR),
        ("number", 48291377),
        ("lock", "third"),
        ("valid_from", -1),
        ("valid_from", START * 1000),
        ("valid_from", float(START)),
        ("valid_until", START),
        ("valid_until", START - 1),
        ("valid_until", True),
        ("max_passes", 0),
        ("max_passes", 100_000),
        ("max_passes", True),
    ],
)
def test_a_spec_is_checked_when_made(field: str, value: Any) -> None:
    with pytest.raises(BasIpValidationError) as caught:
        spec(**{field: value})
    assert caught.value.field == field
    assert_secret_free(caught.value)


@pytest.mark.parametrize(
    "number", [CODE + "12", "12345678", "4829137", "not-a-uuid", QR[:-1], QR + "0", QR + "\n"]
)
def test_a_qr_pass_needs_a_uuid(number: str) -> None:
    with pytest.raises(BasIpValidationError) as caught:
        spec(type="qr", number=number)
    assert caught.value.field == "number"
    assert number not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", "0"),
        ("number", "0123456789"),
        ("owner_name", "n" * 100),
        ("valid_until", 253_402_300_799),
        ("valid_until", START + 1),
        ("max_passes", 1),
        ("max_passes", 99_999),
    ],
)
def test_a_spec_accepts_the_documented_edges(field: str, value: Any) -> None:
    assert getattr(spec(**{field: value}), field) == value
    assert spec(type="qr", number=QR.upper()).number == QR.upper()


# --- reading identifiers ----------------------------------------------------------------

ANSWER: dict[str, Any] = {
    "identifier_owner": {"name": "Courier", "type": "guest"},
    "identifier_type": "inputCode",
    "identifier_number": CODE,
    "lock": "first",
    "valid": {
        "time": {"is_permanent": False, "from": START, "to": END},
        "passes": {"is_permanent": False, "max_passes": 3},
    },
    "apartment": {"uid": -1},
    "additional": {"passes_left": 2},
}


def test_an_identifier_is_read_with_its_number_out_of_the_repr() -> None:
    read = Identifier.from_dict(ANSWER | {"identifier_uid": 7})
    assert read == Identifier(
        uid=7,
        owner_name="Courier",
        owner_type="guest",
        type="inputCode",
        number=CODE,
        lock="first",
        valid_from=START,
        valid_until=END,
        max_passes=3,
        passes_left=2,
    )
    assert read.kind is IdentifierType.CODE
    assert read.is_guest
    assert_secret_free(read)


def test_permanent_time_and_passes_read_as_none() -> None:
    valid = {"time": {"is_permanent": True, "from": 0}, "passes": {"is_permanent": True}}
    read = Identifier.from_dict(
        ANSWER | {"valid": valid, "additional": {"passes_left": -1}, "identifier_type": "card"},
        uid=3,
    )
    assert (read.valid_from, read.valid_until, read.max_passes, read.passes_left) == (None,) * 4
    assert read.kind is None
    assert (
        Identifier.from_dict({"uid": 4, "identifier_type": "card", "identifier_number": 12}).number
        == "12"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "identifier"),
        (ANSWER, "uid"),
        (ANSWER | {"uid": -1}, "uid"),
        (ANSWER | {"uid": 1, "identifier_type": None}, "identifier_type"),
        (ANSWER | {"uid": 1, "identifier_number": [CODE]}, "identifier_number"),
        (ANSWER | {"uid": 1, "valid": {"time": {"is_permanent": "no"}}}, "valid.time.is_permanent"),
        (
            ANSWER | {"uid": 1, "valid": {"time": {"is_permanent": False, "to": CODE}}},
            "valid.time.to",
        ),
        (ANSWER | {"uid": 1, "identifier_owner": CODE}, "identifier_owner"),
    ],
)
def test_a_malformed_identifier_is_a_response_error(data: Any, field: str) -> None:
    with pytest.raises(BasIpResponseError) as caught:
        Identifier.from_dict(data)
    assert caught.value.field == field
    assert_secret_free(caught.value)
