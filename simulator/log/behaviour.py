"""How a device's event log answers: the sort dialects, default order and quirks.

The vendor documents three ways to ask for an order (docs/device-api.md,
"Event log"), one per firmware line:

- ``sort_type``: ``sort_type=asc|desc`` (Android panels, API 2.x);
- ``sort_field``: ``sort_field=<field>&sort_type=asc|desc`` (Camdroid API
  1.0.0; a ``sort_type`` without ``sort_field`` is honoured too);
- ``order_by``: ``order_by=<field>[, <field>] <asc|desc>`` (Camdroid 1.0.7+).

Every documented default is ascending (oldest first). What a device does with
another dialect's parameter is unknown: it ignores it, or (``strict``)
refuses it. A :class:`LogBehaviour` is one such device; each profile has one
by default, and the named variants of :data:`LOG_VARIANTS` apply to any
profile.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

from simulator.profiles import Profile

Order = Literal["asc", "desc"]
ItemShape = Literal["real", "legacy"]

SORT_TYPE: Final = "sort_type"
SORT_FIELD: Final = "sort_field"
ORDER_BY: Final = "order_by"
DIALECTS: Final = (SORT_TYPE, SORT_FIELD, ORDER_BY)
# The query parameters each dialect reads.
DIALECT_PARAMS: Final[dict[str, frozenset[str]]] = {
    SORT_TYPE: frozenset({"sort_type"}),
    SORT_FIELD: frozenset({"sort_field", "sort_type"}),
    ORDER_BY: frozenset({"order_by"}),
}
SORT_PARAMS: Final = ("order_by", "sort_field", "sort_type")
# Inferred: the vendor pages give no size; real logs hold thousands of items.
DEFAULT_CAPACITY: Final = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class LogBehaviour:
    """One firmware's way of answering ``GET /api/v1/log/items``."""

    honours: frozenset[str]
    """The dialects (:data:`DIALECTS`) whose parameters set the order."""
    default_order: Order = "asc"
    """The order when no honoured parameter is given."""
    refuses_unknown: bool = False
    """A sort parameter of a dialect not honoured answers 400 instead of being ignored."""
    logs_logins: bool = True
    """``False``: logins leave no item in the log (Android 1.8.0, "currently not logged")."""
    scrambled: bool = False
    """Items come in no readable order, whatever is asked (for "order not found" tests)."""
    item_shape: ItemShape = "real"
    """``real``: ``name.text``/``info.text``; ``legacy``: ``name.english``/``localized``."""
    capacity: int = DEFAULT_CAPACITY
    """The log's size cap: when full, each new item drops the oldest one."""

    def __post_init__(self) -> None:
        """Refuse dialects, orders and sizes no device has."""
        unknown = self.honours - set(DIALECTS)
        if unknown:
            raise ValueError(f"unknown log dialects: {', '.join(sorted(unknown))}")
        if self.default_order not in ("asc", "desc"):
            raise ValueError("default_order must be 'asc' or 'desc'")
        if self.item_shape not in ("real", "legacy"):
            raise ValueError("item_shape must be 'real' or 'legacy'")
        if self.capacity < 1:
            raise ValueError("capacity must be at least 1")

    @property
    def params(self) -> frozenset[str]:
        """The query parameters the honoured dialects read."""
        found: frozenset[str] = frozenset()
        for dialect in self.honours:
            found |= DIALECT_PARAMS[dialect]
        return found

    def describe(self) -> dict[str, object]:
        """Describe this behaviour as JSON-able data (for the control API's state)."""
        return {
            "honours": sorted(self.honours),
            "default_order": self.default_order,
            "refuses_unknown": self.refuses_unknown,
            "logs_logins": self.logs_logins,
            "scrambled": self.scrambled,
            "item_shape": self.item_shape,
            "capacity": self.capacity,
        }


ANDROID_LOG: Final = LogBehaviour(honours=frozenset({SORT_TYPE}))
"""Android panels (API 2.x): ``sort_type`` only, ascending by default."""
CAMDROID_LOG: Final = LogBehaviour(honours=frozenset({ORDER_BY}))
"""Camdroid panels and monitors (API 1.0.7+): ``order_by``, ascending by default."""
PROFILE_LOGS: Final[dict[Profile, LogBehaviour]] = {
    Profile.ANDROID_PANEL: ANDROID_LOG,
    Profile.CAMDROID_PANEL: CAMDROID_LOG,
    Profile.CAMDROID_MONITOR: CAMDROID_LOG,
    # Old firmware has no /api/v1 log; the value only keeps the table whole.
    Profile.OLD_FIRMWARE: CAMDROID_LOG,
}
"""Each profile's log when no variant is chosen."""


def _android_1_8(base: LogBehaviour) -> LogBehaviour:
    return replace(base, logs_logins=False)


def _camdroid_1_0(base: LogBehaviour) -> LogBehaviour:
    return replace(base, honours=frozenset({SORT_FIELD}), default_order="asc")


def _unsorted(base: LogBehaviour) -> LogBehaviour:
    return replace(base, honours=frozenset(), default_order="asc")


def _newest_first(base: LogBehaviour) -> LogBehaviour:
    return replace(base, honours=frozenset({ORDER_BY}), default_order="desc")


def _strict(base: LogBehaviour) -> LogBehaviour:
    return replace(base, refuses_unknown=True)


def _scrambled(base: LogBehaviour) -> LogBehaviour:
    return replace(base, scrambled=True)


def _legacy_shape(base: LogBehaviour) -> LogBehaviour:
    return replace(base, item_shape="legacy")


_VARIANTS: Final = {
    "android_1_8": _android_1_8,
    "camdroid_1_0": _camdroid_1_0,
    "unsorted": _unsorted,
    "newest_first": _newest_first,
    "strict": _strict,
    "scrambled": _scrambled,
    "legacy_shape": _legacy_shape,
}
LOG_VARIANTS: Final = tuple(_VARIANTS)
"""Names of the variants; each applies to any profile.

- ``android_1_8``: logins leave no marker (otherwise the profile's log);
- ``camdroid_1_0``: ``sort_field``/``sort_type`` (Camdroid API 1.0.0), ascending;
- ``unsorted``: ignores every sort parameter, always ascending;
- ``newest_first``: ``order_by``, newest first by default (what another
  integration saw on a real AV-03BD);
- ``strict``: the profile's dialect, other dialects' parameters refused (400);
- ``scrambled``: no readable order;
- ``legacy_shape``: items in the older ``english``/``localized`` shape.
"""


def log_behaviour(profile: Profile, variant: str | None = None) -> LogBehaviour:
    """Change the log of ``profile`` as ``variant`` says; ``None``: the profile's own."""
    base = PROFILE_LOGS[profile]
    if variant is None:
        return base
    try:
        change = _VARIANTS[variant]
    except KeyError:
        raise ValueError(
            f"unknown log variant {variant!r}; known: {', '.join(LOG_VARIANTS)}"
        ) from None
    return change(base)


LOG_DIALECT_CASES: Final[tuple[tuple[Profile, str | None], ...]] = (
    (Profile.ANDROID_PANEL, None),
    (Profile.ANDROID_PANEL, "android_1_8"),
    (Profile.CAMDROID_PANEL, None),
    (Profile.CAMDROID_PANEL, "camdroid_1_0"),
    (Profile.CAMDROID_PANEL, "unsorted"),
    (Profile.CAMDROID_PANEL, "newest_first"),
)
"""``(profile, log variant)`` pairs an event reader must handle, for parametrised tests."""
