"""Identifiers of panels (cards, keypad codes, QR passes): entries and guest passes to create.

docs/device-api.md, "Identifiers". An :class:`Identifier` is an entry as the
device answers it; an :class:`IdentifierSpec` is a guest pass to create,
checked against the vendor's rules when it is made, so an invalid one never
reaches a device. The number (a code or a QR UUID) is a secret: it stays out
of every ``repr`` and every error text; errors name the field, never a value.
Times are unix **seconds** on the device's clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
import re
from typing import Any, Final, Self

from ..exceptions import BasIpValidationError
from ._fields import invalid, read_bool, read_int, read_object, read_str

OWNER_GUEST: Final = "guest"
NAME_MAX_LENGTH: Final = 100
CODE_MAX_DIGITS: Final = 10
MAX_PASSES_MAX: Final = 99_999
TIME_MAX: Final = 253_402_300_799
"""9999-12-31T23:59:59Z in seconds: a larger "time" is milliseconds, refused."""
IDENTIFIER_UID_MAX: Final = 2**63 - 1
WIRE_CODE: Final = "inputCode"
WIRE_QR: Final = "qr"
_CODE: Final = re.compile(r"[0-9]{1,10}")
_UUID: Final = re.compile(
    r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
)
_UID_FIELDS: Final = ("identifier_uid", "uid")


class IdentifierType(StrEnum):
    """What a guest pass is: a keypad code or a QR pass."""

    CODE = "code"
    QR = "qr"

    @property
    def wire(self) -> str:
        """The device's ``identifier_type`` for this kind (``inputCode``, ``qr``)."""
        return WIRE_CODE if self is IdentifierType.CODE else WIRE_QR


class IdentifierLock(StrEnum):
    """Which lock an identifier opens."""

    FIRST = "first"
    SECOND = "second"
    ALL = "all"


def read_identifier_uid(body: dict[str, Any]) -> int:
    """Read an entry's id from ``identifier_uid`` or ``uid``; raise when neither is usable."""
    for name in _UID_FIELDS:
        value = read_int(body, name, low=0, high=IDENTIFIER_UID_MAX)
        if value is not None:
            return value
    raise invalid("uid", "is missing")


def _number(body: dict[str, Any]) -> str:
    """Read ``identifier_number``; a card number may come as a JSON number."""
    value = body.get("identifier_number")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return read_str(body, "identifier_number") or ""


def _window(valid: dict[str, Any]) -> tuple[int | None, int | None]:
    time = read_object(valid.get("time", {}), "valid.time")
    if read_bool(time, "is_permanent", prefix="valid.time."):
        return None, None
    start = read_int(time, "from", low=0, high=IDENTIFIER_UID_MAX, prefix="valid.time.")
    end = read_int(time, "to", low=0, high=IDENTIFIER_UID_MAX, prefix="valid.time.")
    return start, end


def _passes(valid: dict[str, Any], extra: dict[str, Any]) -> tuple[int | None, int | None]:
    passes = read_object(valid.get("passes", {}), "valid.passes")
    if read_bool(passes, "is_permanent", prefix="valid.passes."):
        return None, None
    most = read_int(passes, "max_passes", low=0, high=IDENTIFIER_UID_MAX, prefix="valid.passes.")
    left = read_int(extra, "passes_left", low=-1, high=IDENTIFIER_UID_MAX, prefix="additional.")
    return most, None if left is None or left < 0 else left


@dataclass(frozen=True, slots=True, kw_only=True)
class Identifier:
    """One identifier as the device answers it.

    ``type`` is the device's ``identifier_type`` (``inputCode``, ``qr``,
    ``card``...); :attr:`kind` reads it as a guest pass's type.
    ``valid_from``/``valid_until`` are device seconds, both ``None`` when the
    time is permanent; ``max_passes``/``passes_left`` are ``None`` when the
    passes are. The number stays out of the ``repr``.
    """

    uid: int
    owner_name: str
    owner_type: str | None
    type: str
    number: str = field(repr=False)
    lock: str | None
    valid_from: int | None
    valid_until: int | None
    max_passes: int | None
    passes_left: int | None

    @property
    def kind(self) -> IdentifierType | None:
        """``code`` or ``qr`` for those types, ``None`` for any other (a card, say)."""
        return {WIRE_CODE: IdentifierType.CODE, WIRE_QR: IdentifierType.QR}.get(self.type)

    @property
    def is_guest(self) -> bool:
        """Whether its owner is a guest (not a resident)."""
        return self.owner_type == OWNER_GUEST

    @classmethod
    def from_dict(cls, data: Any, *, uid: int | None = None) -> Self:
        """Parse a read answer (give ``uid``) or a list item (it carries ``identifier_uid``)."""
        body = read_object(data, "identifier")
        owner = read_object(body.get("identifier_owner", {}), "identifier_owner")
        valid = read_object(body.get("valid", {}), "valid")
        start, end = _window(valid)
        most, left = _passes(valid, read_object(body.get("additional", {}), "additional"))
        return cls(
            uid=read_identifier_uid(body) if uid is None else uid,
            owner_name=read_str(owner, "name", prefix="identifier_owner.") or "",
            owner_type=read_str(owner, "type", prefix="identifier_owner."),
            type=read_str(body, "identifier_type", required=True) or "",
            number=_number(body),
            lock=read_str(body, "lock"),
            valid_from=start,
            valid_until=end,
            max_passes=most,
            passes_left=left,
        )


def _refuse(name: str, problem: str) -> BasIpValidationError:
    return BasIpValidationError(f"Invalid value for '{name}': {problem}", field=name)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_name(value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _refuse("owner_name", "must be a non-empty string")
    if len(value) > NAME_MAX_LENGTH:
        raise _refuse("owner_name", f"must be at most {NAME_MAX_LENGTH} characters")
    if not value.isprintable():
        raise _refuse("owner_name", "must not contain control characters")


def _check_number(kind: IdentifierType, value: Any) -> None:
    if kind is IdentifierType.CODE:
        if not isinstance(value, str) or not _CODE.fullmatch(value):
            raise _refuse("number", f"must be 1 to {CODE_MAX_DIGITS} digits 0-9")
    elif not isinstance(value, str) or not _UUID.fullmatch(value):
        raise _refuse("number", "must be a UUID")


def _check_window(start: Any, end: Any) -> None:
    for name, value in (("valid_from", start), ("valid_until", end)):
        if not _is_int(value) or not 0 <= value <= TIME_MAX:
            raise _refuse(name, "must be a unix time in whole seconds")
    if end <= start:
        raise _refuse("valid_until", "must be later than valid_from")


def _enum[E: StrEnum](kind: type[E], name: str, value: Any) -> E:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise _refuse(name, f"must be one of {choices}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifierSpec:
    """A guest pass to create: a keypad code or a QR pass owned by a guest, for a window.

    Checked when made (and again before it is sent), as the device checks
    it: ``owner_name`` 1..100 printable characters; a code of 1..10 digits
    or, for a QR pass, a UUID; ``lock`` ``first``, ``second`` or ``all``;
    ``valid_from``/``valid_until`` unix seconds with the end after the start;
    ``max_passes`` 1..99999 or ``None`` (no limit). ``type`` and ``lock``
    may be given as their string values. The number stays out of the ``repr``.
    """

    owner_name: str
    type: IdentifierType
    number: str = field(repr=False)
    lock: IdentifierLock
    valid_from: int
    valid_until: int
    max_passes: int | None = None

    def __post_init__(self) -> None:
        """Read ``type`` and ``lock`` as their enums, then check every field."""
        object.__setattr__(self, "type", _enum(IdentifierType, "type", self.type))
        object.__setattr__(self, "lock", _enum(IdentifierLock, "lock", self.lock))
        self.validate()

    def validate(self) -> None:
        """Raise :class:`BasIpValidationError` naming the first field the device would refuse."""
        _check_name(self.owner_name)
        kind = _enum(IdentifierType, "type", self.type)
        _check_number(kind, self.number)
        _enum(IdentifierLock, "lock", self.lock)
        _check_window(self.valid_from, self.valid_until)
        most = self.max_passes
        if most is not None and (not _is_int(most) or not 1 <= most <= MAX_PASSES_MAX):
            raise _refuse("max_passes", f"must be a whole number from 1 to {MAX_PASSES_MAX}")

    def as_body(self) -> dict[str, Any]:
        """Build the JSON body of a create (it carries the number: never log it)."""
        self.validate()
        passes: dict[str, Any] = {"is_permanent": self.max_passes is None}
        if self.max_passes is not None:
            passes["max_passes"] = self.max_passes
        return {
            "identifier_owner": {"name": self.owner_name, "type": OWNER_GUEST},
            "identifier_type": IdentifierType(self.type).wire,
            "identifier_number": self.number,
            "lock": str(self.lock),
            "valid": {
                "time": {"is_permanent": False, "from": self.valid_from, "to": self.valid_until},
                "passes": passes,
            },
        }
