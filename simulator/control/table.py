"""Every ``/_simulator/`` control, one row each: method, name, fields, the call, the answer.

A new control is one :class:`Control` row in :data:`CONTROLS` (the webhook
rows are in :mod:`.webhooks`; :data:`simulator.control.CONTROLS` holds both).
The body is checked against the row's fields before the call runs, so a
refused call changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from simulator.components.camera import SNAPSHOT_FORMATS
from simulator.faults import Fault

from .fields import MISSING, Field, Kind

if TYPE_CHECKING:
    from simulator.server import DeviceSimulator

Args = dict[str, Any]
Call = Callable[["DeviceSimulator", Args], Any]
Answer = Callable[["DeviceSimulator", Any], Any]

BURST_MAX: Final = 10_000
LOG_CAPACITY_MAX: Final = 100_000
ACCESS_KINDS: Final = (
    "card_granted",
    "card_denied",
    "code_granted",
    "code_denied",
    "qr_granted",
    "qr_denied",
    "face_granted",
    "exit_button",
)
GRANTED_BURST_KEY: Final = "access_granted_by_valid_identifier"


class ControlError(ValueError):
    """A control call refused for a reason its fields alone cannot say."""


def _state(device: DeviceSimulator, _: Any) -> Any:
    return device.state()


def _counters(device: DeviceSimulator, _: Any) -> Any:
    return device.counters()


def _result(_: DeviceSimulator, result: Any) -> Any:
    return result


def _log(device: DeviceSimulator, _: Any) -> Any:
    return {
        "items": device.log_items,
        "device_now_ms": device.device_now_ms(),
        "clock_offset": device.clock_offset,
        "log": device.log.describe(),
    }


def _clock_answer(device: DeviceSimulator, _: Any) -> Any:
    return {"clock_offset": device.clock_offset, "device_now_ms": device.device_now_ms()}


@dataclass(frozen=True, slots=True)
class Control:
    """One control: ``method /_simulator/<name>``."""

    method: str
    name: str
    call: Call
    fields: tuple[Field, ...] = ()
    """The body's fields; none: the body is not read."""
    answer: Answer = _state
    """What the control answers, from the device and the call's result."""
    one_of: tuple[str, ...] = ()
    """At least one of these fields must be given (non-null)."""
    whole_body: bool = False
    """The call takes the whole body as ``args["body"]``; errors in the device's shape."""


def _nothing(device: DeviceSimulator, args: Args) -> None:
    """Do nothing: a control that only answers."""


def assign(attributes: Mapping[str, str]) -> Call:
    """Build a call setting each device attribute from its field, where the field is not null."""

    def call(device: DeviceSimulator, args: Args) -> None:
        for field, attribute in attributes.items():
            if args.get(field) is not None:
                setattr(device, attribute, args[field])

    return call


def _access(device: DeviceSimulator, args: Args) -> Any:
    kind = args.pop("kind")
    if kind == "exit_button":
        return device.exit_button(lock=args.get("lock", 1))
    field = kind.partition("_")[0]
    identifier = args.pop(field, None)
    if not identifier:
        raise ControlError(f"{field} must be a non-empty string")
    people = {key: args[key] for key in ("owner", "apartment", "lock") if key in args}
    if kind.endswith("granted"):
        people.setdefault("lock", 1)
    return getattr(device, kind)(identifier, **people)


def _clock(device: DeviceSimulator, args: Args) -> None:
    if args["skew"] is not None:
        device.skew_clock(args["skew"])
    if args["jump"] is not None:
        device.jump_clock(args["jump"])


def _bool(name: str) -> Field:
    return Field(name=name, kind=Kind.BOOL, required=True)


def _maybe(name: str, kind: Kind, **limits: Any) -> Field:
    return Field(name=name, kind=kind, nullable=True, **limits)


def _optional(name: str, kind: Kind = Kind.NONEMPTY) -> Field:
    return Field(name=name, kind=kind, default=MISSING)


_NUMBER = Kind.NUMBER
_PEOPLE = tuple(
    Field(name=name, kind=Kind.TEXT, nullable=True, default=MISSING)
    for name in ("owner", "apartment")
)

CONTROLS: Final[tuple[Control, ...]] = (
    Control("GET", "state", _nothing),
    Control("GET", "counters", _nothing, answer=_counters),
    Control("POST", "sip/settings", lambda d, a: d.apply_sip_settings(a["body"]), whole_body=True),
    Control("POST", "registration", lambda d, a: d.set_registration_ok(a["ok"]), (_bool("ok"),)),
    Control("POST", "sip/enable", assign({"enabled": "sip_enabled"}), (_bool("enabled"),)),
    Control(
        "POST",
        "fault",
        lambda d, a: d.set_fault(a["fault"], paths=a["paths"], body=a["body"]),
        (
            _maybe("fault", Kind.CHOICE, choices=tuple(Fault)),
            _maybe("paths", Kind.TEXTS),
            Field(name="body", kind=Kind.ANY, nullable=True),
        ),
    ),
    Control(
        "POST",
        "delay",
        assign({"seconds": "delay"}),
        (Field(name="seconds", kind=_NUMBER, required=True, low=0),),
    ),
    Control("POST", "expire_tokens", lambda d, a: d.expire_tokens()),
    Control(
        "POST",
        "password",
        lambda d, a: d.set_password(a["password"]),
        (Field(name="password", kind=Kind.TEXT, required=True),),
    ),
    Control(
        "POST",
        "serial",
        lambda d, a: d.set_serial(a["serial"]),
        (Field(name="serial", kind=Kind.NONEMPTY, required=True),),
    ),
    Control(
        "POST",
        "status_endpoint",
        assign({"missing": "status_endpoint_missing"}),
        (_bool("missing"),),
    ),
    Control("POST", "reset_counters", lambda d, a: d.reset_counters(), answer=_counters),
    Control("GET", "log", _nothing, answer=_log),
    Control(
        "POST",
        "log",
        lambda d, a: d.log_event(a.pop("key"), **a),
        (
            Field(name="key", kind=Kind.NONEMPTY, required=True),
            _maybe("info", Kind.OBJECT),
            Field(name="category", kind=Kind.TEXT, default="info"),
            _maybe("timestamp_ms", Kind.INT),
        ),
        answer=_result,
    ),
    Control(
        "POST",
        "ring",
        lambda d, a: d.missed_call(a["number"]) if a["missed"] else d.ring(a["number"]),
        (
            Field(name="number", kind=Kind.TEXT, default="101"),
            Field(name="missed", kind=Kind.BOOL, default=False),
        ),
        answer=_result,
    ),
    Control(
        "POST",
        "access",
        _access,
        (
            Field(name="kind", kind=Kind.CHOICE, required=True, choices=ACCESS_KINDS),
            _optional("lock", Kind.INT),
            *(_optional(name) for name in ("card", "code", "qr", "face")),
            *_PEOPLE,
        ),
        answer=_result,
    ),
    Control(
        "POST",
        "burst",
        lambda d, a: {"items": d.log_burst(a["n"], key=a["key"])},
        (
            Field(name="n", kind=Kind.INT, required=True, low=1, high=BURST_MAX),
            Field(name="key", kind=Kind.NONEMPTY, default=GRANTED_BURST_KEY),
        ),
        answer=_result,
    ),
    Control("POST", "clear_log", lambda d, a: d.clear_log(), answer=_log),
    Control(
        "POST",
        "log/capacity",
        lambda d, a: d.set_log_capacity(a["capacity"]),
        (Field(name="capacity", kind=Kind.INT, required=True, low=1, high=LOG_CAPACITY_MAX),),
        answer=_log,
    ),
    Control(
        "POST",
        "clock",
        _clock,
        (_maybe("skew", _NUMBER), _maybe("jump", _NUMBER)),
        answer=_clock_answer,
        one_of=("skew", "jump"),
    ),
    Control(
        "POST",
        "door",
        lambda d, a: d.set_door(a["open"], open_too_long=a["open_too_long"]),
        (_bool("open"), Field(name="open_too_long", kind=Kind.BOOL, default=False)),
    ),
    Control("POST", "door_sensor", assign({"enabled": "door_sensor"}), (_bool("enabled"),)),
    Control(
        "POST",
        "snapshot",
        assign({"delay": "snapshot_delay", "format": "snapshot_format"}),
        (_maybe("delay", _NUMBER, low=0), _maybe("format", Kind.CHOICE, choices=SNAPSHOT_FORMATS)),
        one_of=("delay", "format"),
    ),
    Control(
        "POST",
        "rtsp",
        assign({"username": "rtsp_username", "password": "rtsp_password", "masked": "rtsp_masked"}),
        (_maybe("username", Kind.TEXT), _maybe("password", Kind.TEXT), _maybe("masked", Kind.BOOL)),
        one_of=("username", "password", "masked"),
    ),
    Control(
        "POST",
        "reboot",
        lambda d, a: d.start_reboot(a["seconds"]),
        (_maybe("seconds", _NUMBER, low=0),),
    ),
)
"""The controls; ``GET`` ones answer, ``POST`` ones change the device and answer."""
