"""The rules of an identifier body, as the vendor documents them (docs/device-api.md).

A body is ``{identifier_owner: {name, type}, identifier_type,
identifier_number, lock, valid: {time: {is_permanent, from, to}, passes:
{is_permanent, max_passes}}}``. :func:`read_identifier` checks a whole body
and answers its fields, or raises :class:`~simulator.validation.SettingsError`
naming each bad field by its dotted path. Reasons never repeat the value: a
code is a secret. ``from``/``to`` are unix **seconds**; a value past the
year 9999 (milliseconds, say) is refused (inferred).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import re
from typing import Any, Final

from simulator.validation import SettingsError

OWNER_TYPES: Final = ("owner", "guest")
BASE_TYPES: Final = ("card", "ukey", "inputCode", "qr", "license_plate")
FACE_TYPE: Final = "face_id"
LOCKS: Final = ("first", "second", "all")
NAME_MAX: Final = 100
PLATE_MAX: Final = 100
MAX_PASSES: Final = 99_999
# 9999-12-31T23:59:59Z: later "seconds" are no seconds (milliseconds, say).
TIME_MAX: Final = 253_402_300_799
LOG_TYPES: Final[Mapping[str, str]] = {
    "card": "card",
    "ukey": "ukey",
    "inputCode": "input_code",
    "qr": "qr",
    "license_plate": "license_plate",
    "face_id": "face_id",
}
"""How the event log writes each identifier type."""

_CODE = re.compile(r"[0-9]{1,10}")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_HEX = re.compile(r"([0-9A-Fa-f]{2}[:-]){1,7}[0-9A-Fa-f]{2}")
_NUMBER_REASONS: Final[Mapping[str, str]] = {
    "inputCode": "must be 1..10 decimal digits",
    "qr": "must be a UUID",
    "card": "must be 1..10 decimal digits or 2..8 hex bytes",
    "ukey": "must be 1..10 decimal digits or 2..8 hex bytes",
    "license_plate": f"must be 1..{PLATE_MAX} characters",
    "face_id": "must be a non-empty string",
}


@dataclass(frozen=True, slots=True)
class Window:
    """When an identifier is valid, in device seconds."""

    permanent: bool
    start: int | None = None
    end: int | None = None

    def covers(self, now: float) -> bool:
        """Whether device time ``now`` (seconds) is inside the window."""
        if self.permanent:
            return True
        return self.start is not None and self.end is not None and self.start <= now <= self.end


@dataclass(frozen=True, slots=True)
class Fields:
    """A checked identifier body."""

    name: str
    owner_type: str
    kind: str
    number: str
    lock: str
    window: Window
    passes_permanent: bool
    max_passes: int | None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def number_fits(kind: str, number: str) -> bool:
    """Whether ``number`` is a valid ``identifier_number`` of type ``kind``."""
    if kind == "inputCode":
        return _CODE.fullmatch(number) is not None
    if kind == "qr":
        return _UUID.fullmatch(number) is not None
    if kind in ("card", "ukey"):
        return _CODE.fullmatch(number) is not None or _HEX.fullmatch(number) is not None
    if kind == "license_plate":
        return 1 <= len(number) <= PLATE_MAX
    return bool(number)


def _object(body: Mapping[str, Any], key: str, errors: dict[str, str], path: str) -> Any:
    value = body.get(key)
    if not isinstance(value, dict):
        errors[path] = "is required: an object"
        return {}
    return value


def _owner(body: Mapping[str, Any], errors: dict[str, str]) -> tuple[str, str]:
    owner = _object(body, "identifier_owner", errors, "identifier_owner")
    name, kind = owner.get("name"), owner.get("type")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
        errors["identifier_owner.name"] = f"must be a non-empty string of at most {NAME_MAX}"
        name = ""
    if kind not in OWNER_TYPES:
        errors["identifier_owner.type"] = "must be one of owner, guest"
        kind = ""
    return str(name), str(kind)


def _kind_and_number(
    body: Mapping[str, Any], errors: dict[str, str], *, face_ids: bool
) -> tuple[str, str]:
    kinds = (*BASE_TYPES, FACE_TYPE) if face_ids else BASE_TYPES
    kind, number = body.get("identifier_type"), body.get("identifier_number")
    if not isinstance(kind, str) or kind not in kinds:
        errors["identifier_type"] = f"must be one of {', '.join(kinds)}"
        return "", ""
    if not isinstance(number, str) or not number_fits(kind, number):
        errors["identifier_number"] = _NUMBER_REASONS[kind]
        return kind, ""
    return kind, number


def _stamp(time: Mapping[str, Any], key: str, errors: dict[str, str]) -> int | None:
    value = time.get(key)
    if value is None:
        return None
    if not _is_int(value) or not 0 <= value <= TIME_MAX:
        errors[f"valid.time.{key}"] = "must be a unix time in seconds"
        return None
    return int(value)


def _window(valid: Mapping[str, Any], errors: dict[str, str]) -> Window:
    time = _object(valid, "time", errors, "valid.time")
    permanent = time.get("is_permanent")
    if not isinstance(permanent, bool):
        errors["valid.time.is_permanent"] = "is required: a boolean"
        return Window(permanent=False)
    start, end = _stamp(time, "from", errors), _stamp(time, "to", errors)
    if not permanent:
        for key, stamp in (("from", start), ("to", end)):
            if stamp is None:
                errors.setdefault(f"valid.time.{key}", "is required unless the time is permanent")
        if start is not None and end is not None and end <= start:
            errors["valid.time.to"] = "must be later than from"
    return Window(permanent, start, end)


def _passes(valid: Mapping[str, Any], errors: dict[str, str]) -> tuple[bool, int | None]:
    passes = _object(valid, "passes", errors, "valid.passes")
    permanent = passes.get("is_permanent")
    if not isinstance(permanent, bool):
        errors["valid.passes.is_permanent"] = "is required: a boolean"
        return False, None
    most = passes.get("max_passes")
    fits = _is_int(most) and 1 <= most <= MAX_PASSES
    if most is None and permanent:
        return True, None
    if not fits:
        errors["valid.passes.max_passes"] = f"must be an integer 1..{MAX_PASSES}"
        return permanent, None
    return permanent, int(most)


def read_identifier(body: Any, *, face_ids: bool) -> Fields:
    """Check a whole identifier body; raises :class:`SettingsError` naming each bad field."""
    if not isinstance(body, dict):
        raise SettingsError({"body": "must be a JSON object"})
    errors: dict[str, str] = {}
    name, owner_type = _owner(body, errors)
    kind, number = _kind_and_number(body, errors, face_ids=face_ids)
    lock = body.get("lock")
    if lock not in LOCKS:
        errors["lock"] = "must be one of first, second, all"
    valid = _object(body, "valid", errors, "valid")
    window = _window(valid, errors)
    passes_permanent, max_passes = _passes(valid, errors)
    if errors:
        raise SettingsError(errors)
    return Fields(name, owner_type, kind, number, str(lock), window, passes_permanent, max_passes)
