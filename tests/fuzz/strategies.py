"""Hypothesis strategies and independent schema oracles for the device bodies.

Each parser gets a :class:`Schema`: a strategy for valid bodies and, per field,
an oracle saying whether a value is acceptable there. The oracles are written
from the device API description (docs/device-api.md), not from the parser, so a
mutated body's expected outcome (parsed or rejected, and which field) is known
before the parser runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import takewhile
import math
import re
from typing import Any, Final

from hypothesis import strategies as st

from custom_components.bas_ip.client.exceptions import BasIpResponseError
from tests.const import SECRETS

MISSING: Final = object()
"""Stands for a field that is absent from the body."""

Oracle = Callable[[Any], bool | None]
"""True: the value is valid; False: it must be rejected; None: either is fine."""

# --- arbitrary JSON --------------------------------------------------------

# Text including lone surrogates: json.loads produces them from "\ud800" escapes.
ANY_TEXT: Final = st.text(st.characters(exclude_categories=()), max_size=40)
HUGE_INTS: Final = st.integers(min_value=2**63, max_value=2**4096) | st.integers(
    max_value=-(2**63), min_value=-(2**4096)
)
JSON_SCALARS: Final = (
    st.none()
    | st.booleans()
    | st.integers()
    | HUGE_INTS
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | ANY_TEXT
    | st.sampled_from(SECRETS)
)
FIELD_NAMES: Final = (
    "device_serial_number",
    "api_version",
    "firmware_version",
    "device_name",
    "mac_address",
    "user",
    "realm",
    "transport",
    "registration_interval",
    "proxy",
    "stun",
    "ip",
    "port",
    "h264",
    "outbound",
    "user_id",
    "password",
    "sip_status",
    "register_last_attempt",
    "sip_enable",
    "token",
    "account_type",
    "error",
    "code",
    "message",
)
JSON_KEYS: Final = st.sampled_from(FIELD_NAMES) | st.text(max_size=12) | ANY_TEXT

JSON_VALUES: Final[st.SearchStrategy[Any]] = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(JSON_KEYS, children, max_size=6)
    ),
    max_leaves=40,
)
"""Any value ``json.loads`` can return, incl. huge ints, NaN/inf, surrogates."""

# Values that sit next to a field's valid range or type.
EDGE_VALUES: Final = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        -1,
        1,
        29,
        30,
        30.0,
        30.5,
        98,
        99,
        102,
        127,
        128,
        900,
        900.0,
        901,
        65535,
        65536,
        253402300799,
        253402300800,
        2**63,
        10**400,
        -0.0,
        1e308,
        math.nan,
        math.inf,
        -math.inf,
        "",
        " ",
        "\t\n",
        "30",
        "udp",
        "UDP ",
        "sctp",
        "OK",
        " ok ",
        "REGISTERED",
        "1.6.0",
        "v2",
        "0.9",
        "x1.0",
        "\u0663.1",
        "1" * 5000,
        "v" + "9" * 4400 + ".0",
        "AA:BB:CC:DD:EE:FF",
        "aabb.ccdd.eeff",
        "AA:BB:CC:DD:EE",
        "GG:BB:CC:DD:EE:FF",
        "a" * 31,
        "a" * 32,
        "tok en",
        "tok\x00en",
        "\ud800",
        [],
        {},
        [1],
        {"ip": "stun.example", "port": 3478},
        *SECRETS[:3],
    ]
)

# --- oracles ---------------------------------------------------------------


def _is_number(value: Any) -> bool:
    # JSON numbers decode to exactly int or float; bool is not a number here.
    return type(value) in (int, float)


def _number_in(low: float, high: float) -> Oracle:
    return lambda v: _is_number(v) and low <= v <= high


def _int_in(low: int, high: int) -> Oracle:
    return lambda v: (
        _is_number(v) and low <= v <= high and (type(v) is int or float(v).is_integer())
    )


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _non_blank(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _required(check: Oracle) -> Oracle:
    return lambda v: v is not MISSING and v is not None and check(v)


def _optional(check: Oracle) -> Oracle:
    return lambda v: v is MISSING or v is None or check(v)


def _one_of_ci(*choices: str, upper: bool = False) -> Oracle:
    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        folded = value.strip().upper() if upper else value.strip().lower()
        return folded in choices

    return check


_MAC_CHARS: Final = re.compile(r"[0-9A-Fa-f:.\-]+")
_SANE_MAJOR_DIGITS: Final = 9


def _api_version(value: Any) -> bool | None:
    """``"1.6.0"``, ``"v1"``, ``" 2"``: starts with a (Unicode) decimal major number.

    A major number of absurd length may be rejected or accepted (``None``), but
    if it is accepted the parsed model must still yield an integer major.
    """
    if not _non_blank(value):
        return False
    rest = value.lstrip()
    rest = rest.removeprefix("v")
    digits = sum(1 for _ in takewhile(str.isdecimal, rest))
    if digits == 0:
        return False
    return True if digits <= _SANE_MAJOR_DIGITS else None


def _mac(value: Any) -> bool:
    if not _non_blank(value) or not _MAC_CHARS.fullmatch(value):
        return False
    return sum(ch in "0123456789abcdefABCDEF" for ch in value) == 12


def _token(value: Any) -> bool:
    return _non_blank(value) and value.isprintable() and not any(c.isspace() for c in value)


def _stun(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    ip_ok = _required(_is_str)(value.get("ip", MISSING))
    port_ok = _required(_int_in(0, 65535))(value.get("port", MISSING))
    return bool(ip_ok and port_ok)


@dataclass(frozen=True, kw_only=True, repr=False)
class Schema:
    """What a parser accepts: valid bodies and one oracle per field."""

    name: str
    valid: st.SearchStrategy[dict[str, Any]]
    fields: Mapping[str, Oracle]
    # The parser reports nested fields with a prefix (``stun.port``).
    error_prefixes: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Short, so hypothesis reports stay readable."""
        return f"Schema({self.name})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis pretty-prints dataclasses field by field; keep it to the name.
        printer.text(repr(self))

    def verdict(self, body: dict[str, Any]) -> bool | None:
        """True: must parse; False: must be rejected; None: either outcome is fine."""
        results = [check(body.get(name, MISSING)) for name, check in self.fields.items()]
        if False in results:
            return False
        return None if None in results else True

    def error_fields(self, body: dict[str, Any]) -> set[str]:
        """Names under which the parser may report the fields that are not valid."""
        return {
            self.error_prefixes.get(name, name)
            for name, check in self.fields.items()
            if check(body.get(name, MISSING)) is not True
        }


# --- valid bodies ----------------------------------------------------------

_PRINTABLE: Final = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40
)
_OPTIONAL_TEXT: Final = st.none() | st.text(max_size=30)
_EXTRA_FIELDS: Final = st.dictionaries(
    st.text(min_size=1, max_size=10).map(lambda k: "x_" + k), JSON_VALUES, max_size=3
)


def _with_extras(
    required: Mapping[str, st.SearchStrategy[Any]],
    optional: Mapping[str, st.SearchStrategy[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid body: all required fields, some optional ones, unknown extras."""
    return st.builds(
        lambda extra, body: {**extra, **body},
        _EXTRA_FIELDS,
        st.fixed_dictionaries(dict(required), optional=dict(optional)),
    )


def _case_variants(*words: str) -> st.SearchStrategy[str]:
    return st.sampled_from(words).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.capitalize(), f" {w} ", f"{w}\n"])
    )


_INTERVAL: Final = st.integers(30, 900) | st.integers(30, 900).map(float)
_H264: Final = st.integers(99, 127) | st.integers(99, 127).map(float)
_PORT: Final = st.integers(0, 65535)
_STUN_BODY: Final = st.fixed_dictionaries({"ip": st.text(max_size=30), "port": _PORT})

DEVICE_INFO: Final = Schema(
    name="BasIpDeviceInfo.from_dict",
    valid=_with_extras(
        {
            "device_serial_number": st.text(max_size=40).filter(lambda s: s.strip() != ""),
            "api_version": st.sampled_from(["1.6.0", "1", "v1.2", " 2.0", "1.6.0-rc1", "0.9"]),
        },
        dict.fromkeys(
            (
                "firmware_version",
                "framework_version",
                "frontend_version",
                "device_type",
                "device_name",
                "device_model",
            ),
            _OPTIONAL_TEXT,
        ),
    ),
    fields={
        "device_serial_number": _required(_non_blank),
        "api_version": _required(_api_version),
        **{
            name: _optional(_is_str)
            for name in (
                "firmware_version",
                "framework_version",
                "frontend_version",
                "device_type",
                "device_name",
                "device_model",
            )
        },
    },
)

MAC_ADDRESS: Final = Schema(
    name="parse_mac_address",
    valid=_with_extras(
        {
            "mac_address": st.lists(st.integers(0, 255), min_size=6, max_size=6).flatmap(
                lambda octets: st.sampled_from(
                    [
                        ":".join(f"{o:02X}" for o in octets),
                        "-".join(f"{o:02x}" for o in octets),
                        "".join(f"{o:02x}" for o in octets),
                    ]
                )
            )
        },
        {},
    ),
    fields={"mac_address": _required(_mac)},
)

STUN: Final = Schema(
    name="StunServer.from_dict",
    valid=_with_extras({"ip": st.text(max_size=30), "port": _PORT}, {}),
    fields={"ip": _required(_is_str), "port": _required(_int_in(0, 65535))},
    error_prefixes={"ip": "stun.ip", "port": "stun.port"},
)

SIP_SETTINGS: Final = Schema(
    name="SipSettings.from_dict",
    valid=_with_extras(
        {
            "user": st.text(max_size=31),
            "realm": st.text(max_size=30),
            "transport": _case_variants("udp", "tcp", "tls"),
            "registration_interval": _INTERVAL,
        },
        {
            "password": st.sampled_from(SECRETS[3:5]),
            "proxy": _OPTIONAL_TEXT,
            "stun": st.none() | _STUN_BODY,
            "h264": st.none() | _H264,
            "outbound": _OPTIONAL_TEXT,
            "user_id": _OPTIONAL_TEXT,
        },
    ),
    fields={
        # An unconfigured SIP account (blank or missing user/realm) still parses.
        "user": _optional(lambda v: _is_str(v) and len(v) <= 31),
        "realm": _optional(_is_str),
        "transport": _required(_one_of_ci("udp", "tcp", "tls")),
        "registration_interval": _required(_int_in(30, 900)),
        "proxy": _optional(_is_str),
        "stun": _optional(_stun),
        "h264": _optional(_int_in(99, 127)),
        "outbound": _optional(_is_str),
        "user_id": _optional(_is_str),
    },
    # The parser names the failing part of the stun object (stun, stun.ip, stun.port).
    error_prefixes={"stun": "stun*"},
)

SIP_STATUS: Final = Schema(
    name="SipStatus.from_dict",
    valid=_with_extras(
        {"sip_status": _case_variants("ok", "offline", "error")},
        {
            "register_last_attempt": st.none()
            | st.integers(0, 253402300799)
            | st.floats(0, 253402300799)
        },
    ),
    fields={
        "sip_status": _required(_one_of_ci("OK", "OFFLINE", "ERROR", upper=True)),
        "register_last_attempt": _optional(_number_in(0, 253402300799)),
    },
)

SIP_ENABLED: Final = Schema(
    name="SipEnabled.from_dict",
    valid=_with_extras({"sip_enable": st.booleans()}, {}),
    fields={"sip_enable": lambda v: isinstance(v, bool)},
)

LOGIN: Final = Schema(
    name="parse_login",
    valid=_with_extras(
        {"token": st.uuids().map(str) | _PRINTABLE},
        {"account_type": _OPTIONAL_TEXT},
    ),
    fields={"token": _required(_token), "account_type": _optional(_is_str)},
)

SCHEMAS: Final = (DEVICE_INFO, MAC_ADDRESS, STUN, SIP_SETTINGS, SIP_STATUS, SIP_ENABLED, LOGIN)


@st.composite
def near_valid(draw: st.DrawFn, schema: Schema) -> tuple[dict[str, Any], str]:
    """A valid body with one field replaced, removed or added: ``(body, field)``."""
    body = dict(draw(schema.valid))
    name = draw(st.sampled_from([*schema.fields, "password", "x_unknown"]))
    action = draw(st.sampled_from(["json", "edge", "delete"]))
    if action == "delete":
        body.pop(name, None)
    else:
        body[name] = draw(JSON_VALUES if action == "json" else EDGE_VALUES)
    return body, name


def mutate_bytes(data: bytes, operations: list[tuple[int, int, int]]) -> bytes:
    """Apply byte edits ``(kind, position, value)``: 0 flip, 1 insert, 2 delete, 3 truncate."""
    buffer = bytearray(data)
    for kind, position, value in operations:
        if not buffer:
            break
        index = position % len(buffer)
        if kind == 0:
            buffer[index] ^= value or 1
        elif kind == 1:
            buffer.insert(index, value)
        elif kind == 2:
            del buffer[index]
        else:
            del buffer[index:]
    return bytes(buffer)


BYTE_EDITS: Final = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 2**16), st.integers(0, 255)), max_size=4
)


def attempt[T, A](
    function: Callable[[A], T], argument: A
) -> tuple[T | None, BasIpResponseError | None]:
    """``(result, None)`` or ``(None, error)``; any other exception propagates (a bug)."""
    try:
        return function(argument), None
    except BasIpResponseError as err:
        return None, err
