"""The device's event log: one page of ``GET /api/v1/log/items``.

Timestamps stay the device's numbers (milliseconds, true UTC or local time
written as UTC depending on the firmware): they are only ever compared with
other device timestamps, never with the host clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import hashlib
import json
import math
from types import MappingProxyType
from typing import Any, Self

from custom_components.bas_ip.client.exceptions import BasIpResponseError

from ._fields import invalid, read_object

InfoValue = str | int | float | bool | None

# Far beyond any real clock (year 33658): anything larger is not a timestamp.
TIMESTAMP_MAX = 10**15
FINGERPRINT_LENGTH = 24


@dataclass(frozen=True, slots=True, kw_only=True)
class LogItem:
    """One event of the device log.

    ``info`` holds the scalar fields of ``info.model`` (a card number or code
    may be among them: it is kept out of the ``repr``).
    """

    timestamp: int
    category: str
    key: str
    name: str | None = None
    info: Mapping[str, InfoValue] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, hash=False
    )

    @property
    def fingerprint(self) -> str:
        """A short hash of the item's content, stable across reads.

        The event cursor stores these instead of items, so no card number is
        ever stored with it.
        """
        canonical = json.dumps(
            [self.timestamp, self.category, self.key, dict(self.info)],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:FINGERPRINT_LENGTH]

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
        label = name.get("english")
        if not isinstance(label, str):
            label = name.get("localized")
        return cls(
            timestamp=timestamp,
            category=category,
            key=key,
            name=label if isinstance(label, str) else None,
            info=MappingProxyType(_model(body.get("info"))),
        )


def _model(info: Any) -> dict[str, InfoValue]:
    """The scalar fields of ``info.model``; nested values are left out."""
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


@dataclass(frozen=True, slots=True, kw_only=True)
class LogPage:
    """One page of the log, newest first; ``skipped`` counts unusable items."""

    total_items: int | None
    total_pages: int | None
    items: tuple[LogItem, ...]
    skipped: int = 0

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse the body of ``GET /api/v1/log/items``.

        A wrong envelope is an error; a bad item is skipped and counted, so
        one odd event never hides the others.
        """
        body = read_object(data, "log_page")
        raw_items = body.get("list_items")
        if not isinstance(raw_items, list):
            raise invalid("list_items", "must be a list")
        items: list[LogItem] = []
        skipped = 0
        for raw in raw_items:
            try:
                items.append(LogItem.from_dict(raw))
            except BasIpResponseError:
                skipped += 1
        pagination = _pagination(body)
        return cls(
            total_items=_count(pagination.get("total_items")),
            total_pages=_count(pagination.get("total_pages")),
            items=tuple(items),
            skipped=skipped,
        )


def _pagination(body: dict[str, Any]) -> Mapping[str, Any]:
    option = body.get("list_option")
    pagination = option.get("pagination") if isinstance(option, dict) else None
    return pagination if isinstance(pagination, dict) else {}


def _count(value: Any) -> int | None:
    """A non-negative count, or ``None`` when the device gave none (or nonsense)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
