"""Which order a log request asks for, in the dialects a device honours.

Sorting is by insertion order (the device's own item id), in both directions
(inferred: a device sorting by timestamp would differ only when its clock
jumps). A sort parameter of a dialect the device does not honour is ignored,
or refused when the device ``refuses_unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import re
from typing import Final

from .behaviour import SORT_PARAMS, LogBehaviour, Order

ORDERS: Final = ("asc", "desc")
SORT_TYPE_REASON: Final = "must be asc or desc"
ORDER_BY_REASON: Final = "must be '<field>[, <field>] asc|desc'"
NOT_SUPPORTED_REASON: Final = "is not supported"
# Android's documented text for a bad sort type ("Base errors" of its list calls).
WRONG_SORT_TYPE: Final = "Wrong sort type"
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")


@dataclass(frozen=True, slots=True)
class SortRefused:
    """A 400 answer to the sort parameters: each refused parameter with its reason."""

    errors: dict[str, str]
    flat_message: str | None = field(default=None)
    """The flat error text a family documents for it (Android), if any."""


def _order_by(value: str) -> Order | None:
    fields, _, direction = value.strip().rpartition(" ")
    if direction not in ORDERS:
        return None
    names = [name.strip() for name in fields.split(",")]
    if not all(_FIELD.match(name) for name in names):
        return None
    return "asc" if direction == "asc" else "desc"


def requested_order(behaviour: LogBehaviour, query: Mapping[str, str]) -> Order | SortRefused:
    """Find the order ``query`` asks ``behaviour``'s device for, or why it is refused.

    ``order_by`` wins over ``sort_type`` where a device honours both; no
    honoured parameter gives the default order.
    """
    honoured = behaviour.params
    given = [param for param in SORT_PARAMS if param in query]
    unknown = [param for param in given if param not in honoured]
    if unknown and behaviour.refuses_unknown:
        return SortRefused(dict.fromkeys(unknown, NOT_SUPPORTED_REASON))
    if "order_by" in given and "order_by" in honoured:
        order = _order_by(query["order_by"])
        return SortRefused({"order_by": ORDER_BY_REASON}) if order is None else order
    if "sort_type" in given and "sort_type" in honoured:
        value = query["sort_type"]
        if value not in ORDERS:
            return SortRefused({"sort_type": SORT_TYPE_REASON}, WRONG_SORT_TYPE)
        return "asc" if value == "asc" else "desc"
    return behaviour.default_order
