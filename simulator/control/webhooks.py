"""The webhook controls: what was registered and delivered, and delivery faults.

- ``GET webhooks``: the entries (``has_secret`` instead of the secret, header
  names only) with their delivery stats, the fault settings and the last
  100 attempts;
- ``POST webhook_faults``: change some fault settings (absent or null:
  unchanged), answer them all;
- ``POST webhooks/clear_faults``: back to the device's own behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from simulator.components.webhook_delivery import MAX_RETRIES_LIMIT
from simulator.components.webhook_wire import SIGNING_SCHEMES

from .fields import Field, Kind
from .table import Args, Control

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator


def _nothing(device: DeviceSimulator, args: Args) -> None:
    """Do nothing: the control only answers."""


def _webhooks(device: DeviceSimulator, _: Any) -> Any:
    hooks = device.webhooks
    return {"webhooks": hooks.describe(), "faults": hooks.faults, "deliveries": hooks.records()}


def _result(_: DeviceSimulator, result: Any) -> Any:
    return result


def _maybe(name: str, kind: Kind, **limits: Any) -> Field:
    return Field(name=name, kind=kind, nullable=True, **limits)


FAULT_FIELDS: Final = (
    _maybe("drop", Kind.INT, low=0),
    _maybe("delay", Kind.NUMBER, low=0),
    _maybe("duplicate", Kind.BOOL),
    _maybe("reorder", Kind.BOOL),
    _maybe("corrupt_signature", Kind.BOOL),
    _maybe("signing", Kind.CHOICE, choices=SIGNING_SCHEMES),
    _maybe("max_retries", Kind.INT, low=0, high=MAX_RETRIES_LIMIT),
    _maybe("retry_delay", Kind.NUMBER, low=0),
)

WEBHOOK_CONTROLS: Final[tuple[Control, ...]] = (
    Control("GET", "webhooks", _nothing, answer=_webhooks),
    Control(
        "POST",
        "webhook_faults",
        lambda d, a: d.webhooks.set_faults(**a),
        FAULT_FIELDS,
        answer=_result,
    ),
    Control(
        "POST", "webhooks/clear_faults", lambda d, a: d.webhooks.clear_faults(), answer=_result
    ),
)
"""The webhook rows of :data:`simulator.control.CONTROLS`."""
