"""Field readers shared by the parsers.

Each reader raises :class:`BasIpResponseError` naming the field, never quoting
its value: nothing but the client's own error leaves a parser.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import BasIpResponseError


def invalid(field: str, problem: str) -> BasIpResponseError:
    """Build the error for a field that breaks the schema."""
    return BasIpResponseError(f"Invalid device response: field '{field}' {problem}", field=field)


def read_object(data: Any, what: str) -> dict[str, Any]:
    """Read ``data`` as a JSON object, or raise an error naming ``what``."""
    if not isinstance(data, dict):
        raise invalid(what, "must be a JSON object")
    return data


def read_str(
    body: dict[str, Any],
    field: str,
    *,
    required: bool = False,
    non_empty: bool = False,
    max_length: int | None = None,
    prefix: str = "",
) -> str | None:
    """Read a string field; ``None`` when absent (and not required)."""
    name = prefix + field
    value = body.get(field)
    if value is None:
        if required:
            raise invalid(name, "is missing")
        return None
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    if non_empty and not value.strip():
        raise invalid(name, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise invalid(name, f"must be at most {max_length} characters")
    return value


def read_number(
    body: dict[str, Any],
    field: str,
    *,
    required: bool = False,
    low: float,
    high: float,
    prefix: str = "",
) -> float | None:
    """Read a number field within ``low``..``high``; ``None`` when absent."""
    name = prefix + field
    value = body.get(field)
    if value is None:
        if required:
            raise invalid(name, "is missing")
        return None
    # bool is an int subclass in Python but never a valid number here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(name, "must be a number")
    if not low <= value <= high:  # also rejects NaN
        raise invalid(name, f"must be between {low} and {high}")
    return value


def read_int(
    body: dict[str, Any],
    field: str,
    *,
    required: bool = False,
    low: int,
    high: int,
    prefix: str = "",
) -> int | None:
    """Read a whole-number field within ``low``..``high``; ``None`` when absent."""
    value = read_number(body, field, required=required, low=low, high=high, prefix=prefix)
    if value is None:
        return None
    if isinstance(value, float) and not value.is_integer():
        raise invalid(prefix + field, "must be a whole number")
    return int(value)


def read_bool(body: dict[str, Any], field: str, *, prefix: str = "") -> bool | None:
    """Read a boolean field; ``None`` when absent."""
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid(prefix + field, "must be a boolean")
    return value
