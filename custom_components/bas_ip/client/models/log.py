"""The device's event log: one page of ``GET /api/v1/log/items``.

Timestamps stay the device's numbers (milliseconds, true UTC or local time
written as UTC depending on the firmware): they are only ever compared with
other device timestamps, never with the host clock.

Two item shapes are read (docs/device-api.md, "Event log"): the one seen on
real panels, ``name: {key, text}`` and ``info: {text, model: {...}}``, and an
older one with ``name: {key, english, localized}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import hashlib
import json
import math
from types import MappingProxyType
from typing import Any, Final, Self

from ..exceptions import BasIpResponseError
from ._fields import invalid, read_object

InfoValue = str | int | float | bool | None

# Far beyond any real clock (year 33658): anything larger is not a timestamp.
TIMESTAMP_MAX: Final = 10**15
FINGERPRINT_LENGTH: Final = 24
# Labels in the order they are preferred: the real panels' ``text``, then the
# older shape's English and localized names.
_LABEL_FIELDS: Final = ("text", "english", "localized")
# At most this many field names are kept per item (for field reports).
_SHAPE_MAX: Final = 40


def _digest(value: Any) -> str:
    canonical = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=repr
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:FINGERPRINT_LENGTH]


@dataclass(frozen=True, slots=True, kw_only=True)
class LogItem:
    """One event of the device log.

    ``info`` holds the scalar fields of ``info.model`` (a card number or code
    may be among them: it is kept out of the ``repr``). ``shape`` names the
    fields the device sent (``name.text``, ``info.model.owner``...), never
    their values: it tells which firmware dialect a device speaks.
    """

    timestamp: int
    category: str
    key: str
    name: str | None = None
    info: Mapping[str, InfoValue] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, hash=False
    )
    shape: frozenset[str] = field(default=frozenset(), repr=False, compare=False, hash=False)

    @property
    def fingerprint(self) -> str:
        """A short hash of the item's content, stable across reads.

        The event cursor stores these instead of items, so no card number is
        ever stored with it.
        """
        return _digest([self.timestamp, self.category, self.key, dict(self.info)])

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse one item of ``list_items``; raises for a missing or malformed field."""
        body = read_object(data, "item")
        timestamp = body.get("timestamp")
        if isinstance(timestamp, float) and timestamp.is_integer():
            timestamp = int(timestamp)
        if (
            isinstance(timestamp, bool)
            or not isinstance(timestamp, int)
            or not 0 <= timestamp <= TIMESTAMP_MAX
        ):
            raise invalid("timestamp", "must be a whole number of milliseconds")
        category = body.get("category")
        if not isinstance(category, str):
            raise invalid("category", "must be a string")
        name = read_object(body.get("name"), "name")
        key = name.get("key")
        if not isinstance(key, str) or not key.strip():
            raise invalid("name.key", "must be a non-empty string")
        label = next((value for f in _LABEL_FIELDS if isinstance(value := name.get(f), str)), None)
        info = body.get("info")
        return cls(
            timestamp=timestamp,
            category=category,
            key=key,
            name=label,
            info=MappingProxyType(_model(info)),
            shape=_shape(body, name, info),
        )


def _shape(body: dict[str, Any], name: dict[str, Any], info: Any) -> frozenset[str]:
    """List the names of the fields an item carries, values left out."""
    names = set(body) | {f"name.{key}" for key in name}
    if isinstance(info, dict):
        names |= {f"info.{key}" for key in info}
        model = info.get("model")
        if isinstance(model, dict):
            names |= {f"info.model.{key}" for key in model}
    return frozenset(sorted(str(key)[:64] for key in names)[:_SHAPE_MAX])


def _model(info: Any) -> dict[str, InfoValue]:
    """Read the scalar fields of ``info.model``; nested values are left out."""
    if info is None:
        return {}
    model = read_object(info, "info").get("model")
    if model is None:
        return {}
    result: dict[str, InfoValue] = {}
    for name, value in read_object(model, "info.model").items():
        if isinstance(value, float) and not math.isfinite(value):
            continue
        if value is None or isinstance(value, str | int | float | bool):
            result[name] = value
    return result


@dataclass(frozen=True, slots=True)
class LogSlot:
    """One entry of a page as the device listed it: an item, or one it could not parse.

    An unparseable entry keeps its place (and a fingerprint of its raw
    content), so that counting, paging and matching never mistake a bad item
    for the end of the log.
    """

    fingerprint: str
    item: LogItem | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LogPage:
    """One page of the log, in the order the device listed it.

    ``slots`` holds every entry of ``list_items`` (unparseable ones too);
    ``items`` only the parsed ones. ``device_time_ms`` is the device's own
    clock at the answer (its HTTP ``Date`` header), when it sent one.
    """

    total_items: int | None
    total_pages: int | None
    slots: tuple[LogSlot, ...] = ()
    device_time_ms: int | None = None

    @property
    def items(self) -> tuple[LogItem, ...]:
        """The parsed items, in the device's order."""
        return tuple(slot.item for slot in self.slots if slot.item is not None)

    @property
    def raw_count(self) -> int:
        """How many entries the device listed, parsed or not."""
        return len(self.slots)

    @property
    def skipped(self) -> int:
        """How many entries could not be parsed."""
        return sum(slot.item is None for slot in self.slots)

    @classmethod
    def from_items(
        cls,
        items: tuple[LogItem, ...] | list[LogItem],
        *,
        total_items: int | None = None,
        total_pages: int | None = None,
        device_time_ms: int | None = None,
    ) -> Self:
        """Build a page of parsed items (tests and fakes)."""
        return cls(
            total_items=total_items,
            total_pages=total_pages,
            slots=tuple(LogSlot(item.fingerprint, item) for item in items),
            device_time_ms=device_time_ms,
        )

    @classmethod
    def from_dict(cls, data: Any, *, device_time_ms: int | None = None) -> Self:
        """Parse the body of ``GET /api/v1/log/items``.

        A wrong envelope is an error; a bad item keeps its slot, so one odd
        event never hides the others.
        """
        body = read_object(data, "log_page")
        raw_items = body.get("list_items")
        if not isinstance(raw_items, list):
            raise invalid("list_items", "must be a list")
        slots: list[LogSlot] = []
        for raw in raw_items:
            try:
                item = LogItem.from_dict(raw)
            except BasIpResponseError:
                slots.append(LogSlot(_digest(["unparsed", raw]), None))
            else:
                slots.append(LogSlot(item.fingerprint, item))
        pagination = _pagination(body)
        return cls(
            total_items=_count(pagination.get("total_items")),
            total_pages=_count(pagination.get("total_pages")),
            slots=tuple(slots),
            device_time_ms=device_time_ms,
        )


def _pagination(body: dict[str, Any]) -> Mapping[str, Any]:
    option = body.get("list_option")
    pagination = option.get("pagination") if isinstance(option, dict) else None
    return pagination if isinstance(pagination, dict) else {}


def _count(value: Any) -> int | None:
    """Read a non-negative count, or ``None`` when the device gave none (or nonsense)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
