"""The identifier controls: present one at the door, see what is held, refuse the calls.

- ``POST present`` ``{"type": "code"|"qr"|"card", "number": "...", "lock"?: n}``:
  someone presents an identifier at the panel; answers the logged item
  (``access_granted_by_valid_identifier`` or the matching denial);
- ``GET identifiers``: the held identifiers **without** their numbers (uid,
  owner, type, lock, window, passes left) and whether calls are forbidden;
- ``POST identifiers/forbid`` ``{"forbidden": bool}``: every identifier call
  answers 403 (the account is no admin) or not;
- ``POST identifiers/add``: a create body, as the device API takes it (a
  resident's own card, say); answers ``{"uid": n}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from simulator.components.identifiers import PRESENTED

from .fields import MISSING, Field, Kind
from .table import Args, Control, ControlError

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

# Lock 0 is both locks; 1..8 with the SH-42 module.
MAX_LOCK: Final = 8


def _nothing(device: DeviceSimulator, args: Args) -> None:
    """Do nothing: the control only answers."""


def _result(_: DeviceSimulator, result: Any) -> Any:
    return result


def _held(device: DeviceSimulator, _: Any) -> Any:
    book = device.identifier_book
    return {"identifiers": book.held(), "forbidden": book.forbidden}


def _present(device: DeviceSimulator, args: Args) -> Any:
    try:
        return device.identifier_book.present(args["type"], args["number"], args.get("lock"))
    except ValueError as err:
        raise ControlError(str(err)) from None


def _forbid(device: DeviceSimulator, args: Args) -> None:
    device.identifier_book.forbidden = args["forbidden"]


def _add(device: DeviceSimulator, args: Args) -> Any:
    if not device.identifier_book.spellings:
        raise ControlError("this family holds no identifiers")
    return {"uid": device.identifier_book.create(args["body"])}


IDENTIFIER_CONTROLS: Final[tuple[Control, ...]] = (
    Control(
        "POST",
        "present",
        _present,
        (
            Field(name="type", kind=Kind.CHOICE, required=True, choices=tuple(PRESENTED)),
            Field(name="number", kind=Kind.NONEMPTY, required=True),
            Field(name="lock", kind=Kind.INT, default=MISSING, low=0, high=MAX_LOCK),
        ),
        answer=_result,
    ),
    Control("GET", "identifiers", _nothing, answer=_held),
    Control(
        "POST",
        "identifiers/forbid",
        _forbid,
        (Field(name="forbidden", kind=Kind.BOOL, required=True),),
        answer=_held,
    ),
    Control("POST", "identifiers/add", _add, whole_body=True, answer=_result),
)
"""The identifier rows of :data:`simulator.control.CONTROLS`."""
