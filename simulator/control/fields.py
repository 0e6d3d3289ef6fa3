"""Typed fields of control bodies: checked once, here, for every control.

A :class:`Field` names a key of the JSON body, its kind, whether it may be
null, its range or choices and what an absent key means. A value that does
not fit is refused with one message naming the field and what it must be.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
import math
from typing import Any, Final


class Kind(StrEnum):
    """What a field holds (JSON booleans are never numbers)."""

    BOOL = "a boolean"
    TEXT = "a string"
    NONEMPTY = "a non-empty string"
    NUMBER = "a finite number"
    INT = "an integer"
    OBJECT = "an object"
    TEXTS = "a list of strings"
    CHOICE = "one of"
    ANY = "any JSON value"


class Missing(Enum):
    """An absent key with no default: left out of the arguments."""

    MISSING = "missing"


MISSING: Final = Missing.MISSING
# Below this a JSON integer still converts to a float.
_FLOAT_MAX: Final = 2.0**1023


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and abs(value) < _FLOAT_MAX


_CHECKS: Final[Mapping[Kind, Callable[[Any], bool]]] = {
    Kind.BOOL: lambda value: isinstance(value, bool),
    Kind.TEXT: lambda value: isinstance(value, str),
    Kind.NONEMPTY: lambda value: isinstance(value, str) and bool(value),
    Kind.NUMBER: lambda value: _is_number(value) and math.isfinite(value),
    Kind.INT: _is_int,
    Kind.OBJECT: lambda value: isinstance(value, dict),
    Kind.TEXTS: lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value),
    Kind.ANY: lambda value: True,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One key of a control body."""

    name: str
    kind: Kind
    required: bool = False
    """An absent key is refused."""
    nullable: bool = False
    """``null`` is accepted (and is what an absent key means unless ``default`` says)."""
    default: Any = None
    """The value of an absent key; :data:`MISSING`: left out of the arguments."""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def expects(self) -> str:
        """Say what the value must be, for the error message."""
        words = str(self.kind)
        if self.kind is Kind.CHOICE:
            words = f"one of {', '.join(self.choices)}"
        elif self.low is not None and self.high is not None:
            words += f" {self.low:g}..{self.high:g}"
        elif self.low is not None:
            words += f" >= {self.low:g}"
        return f"null or {words}" if self.nullable else words

    def fits(self, value: Any) -> bool:
        """Whether ``value`` (present in the body) is acceptable."""
        if value is None:
            return self.nullable
        if self.kind is Kind.CHOICE:
            return isinstance(value, str) and value in self.choices
        if not _CHECKS[self.kind](value):
            return False
        if self.low is not None and value < self.low:
            return False
        return self.high is None or value <= self.high

    def value(self, body: Mapping[str, Any]) -> Any:
        """Read this field's checked value in ``body``; raises ``ValueError`` with the reason."""
        if self.name not in body:
            if self.required:
                raise ValueError(f"{self.name} is required: {self.expects()}")
            return self.default
        value = body[self.name]
        if not self.fits(value):
            raise ValueError(f"{self.name} must be {self.expects()}")
        if self.kind is Kind.NUMBER and value is not None:
            return float(value)
        return value


def arguments(
    fields: tuple[Field, ...], body: Mapping[str, Any], one_of: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Read the checked arguments of ``body``; raises ``ValueError`` naming the first bad field.

    ``one_of``: at least one of these fields must be given a non-null value.
    """
    args: dict[str, Any] = {}
    for field in fields:
        value = field.value(body)
        if value is not MISSING:
            args[field.name] = value
    if one_of and all(args.get(name) is None for name in one_of):
        raise ValueError(f"body: at least one of {', '.join(one_of)}")
    return args
