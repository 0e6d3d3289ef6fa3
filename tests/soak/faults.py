"""The soak's device faults: what each kind does, the seeded injector, the outcomes.

One fault at a time per device, drawn at random each step (``fault_rate``)
from :data:`FAULT_KINDS`, healed at random (``heal_rate``). The webhook
faults of the devices that push are in :mod:`.push`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
import random
from typing import Any, Final

from custom_components.bas_ip.coordinator import BasIpDeviceCoordinator, BasIpDeviceData
from simulator import DeviceSimulator, Fault

from .fleet import Fleet

PATH_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_STATUS: Final = "/api/v1/sip/status"
# Bodies a confused device might answer with (each breaks the schema somehow).
WRONG_BODIES: Final[tuple[Any, ...]] = (
    {},
    [],
    None,
    "OK",
    {"user": 5, "realm": "r", "transport": "udp", "registration_interval": 60},
    {"user": "u", "realm": "r", "transport": "sctp", "registration_interval": 60},
    {"sip_status": "MAYBE"},
    {"sip_status": "OK", "register_last_attempt": "soon"},
)
FAULT_KINDS: Final = (
    "html_500",
    "invalid_json",
    "empty_body",
    "drop_connection",
    "permission_denied",
    "wrong_shape",
    "status_missing",
    "expire_tokens",
    "slow",
    "timeout",
    "refused",
    "swap",
    "registration_flip",
    "settings_change",
)
# Faults after which one extra login per device is legitimate.
TOKEN_EVENTS: Final = frozenset({"expire_tokens", "swap"})
# Faults under which a refresh must fail (the others must leave it working).
FAILING_FAULTS: Final = frozenset(
    {
        "html_500",
        "invalid_json",
        "empty_body",
        "drop_connection",
        "permission_denied",
        "wrong_shape",
        "timeout",
        "refused",
        "swap",
    }
)
PATH_LOG: Final = "/api/v1/log/items"
PATH_DOOR: Final = "/api/v1/access/door/status"
# Faults under which the device's log still answers: a ring logged before
# the next poll is read by it (seconds old). Under the other faults the log
# fails too; a ring logged then could be read only after the outage, older
# than 60 s by the device clock, and be dropped by design, so rings (and
# bursts) are logged only on devices whose log answers.
LOG_HEALTHY_FAULTS: Final = frozenset(
    {
        "none",
        "wrong_shape",
        "status_missing",
        "expire_tokens",
        "slow",
        "registration_flip",
        "settings_change",
    }
)
# Faults under which a device holds its answers. A slow device's log does
# answer, in 2 s, but the poll's one 30 s jump of the frozen clock can fire
# the request's 10 s timeout before the answer: a failure real time would
# not have. A ring logged then would be read a poll later, older than 60 s.
# So no ring is logged while a device holds, or in the step after (a held
# request may still be in flight); real-time tests cover slow devices.
HOLDING_FAULTS: Final = frozenset({"slow", "timeout"})
# Faults under which a device sends no webhook delivery (it is stopped).
SILENT_FAULTS: Final = frozenset({"refused"})


@dataclass
class RefreshCounter:
    """Counts coordinator refreshes and their outcomes (by exception type)."""

    per_entry: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    # Optional: the fault active on an entry's device -> outcomes under it.
    fault_of: Callable[[str], str] | None = None
    by_fault: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Refreshes run so far."""
        return sum(self.per_entry.values())

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Wrap the coordinator's update method for the duration of the block."""
        original = BasIpDeviceCoordinator._async_update_data
        counter = self

        async def counted(coordinator: BasIpDeviceCoordinator) -> BasIpDeviceData:
            entry_id = coordinator.config_entry.entry_id
            counter.per_entry[entry_id] += 1
            fault = counter.fault_of(entry_id) if counter.fault_of else "none"
            outcomes = counter.by_fault.setdefault(fault, Counter())
            try:
                data = await original(coordinator)
            except Exception as err:
                counter.outcomes[type(err).__name__] += 1
                outcomes["failed"] += 1
                raise
            counter.outcomes["ok"] += 1
            outcomes["ok"] += 1
            return data

        BasIpDeviceCoordinator._async_update_data = counted  # type: ignore[assignment]
        try:
            yield
        finally:
            BasIpDeviceCoordinator._async_update_data = original  # type: ignore[method-assign]


class FaultInjector:
    """Seeded random faults on the devices of a fleet."""

    def __init__(self, fleet: Fleet, rng: random.Random) -> None:
        """Every device starts healthy."""
        self.fleet = fleet
        self.rng = rng
        self.injected: Counter[str] = Counter()
        self.token_events: Counter[int] = Counter()
        # device index -> the fault it has now (one at a time)
        self.active: dict[int, str] = {}
        self._stopped: set[int] = set()

    async def step(self, fault_rate: float, heal_rate: float) -> None:
        """For each device: maybe a new fault, maybe healing, else as it was."""
        for index, device in enumerate(self.fleet.devices):
            draw = self.rng.random()
            if draw < fault_rate:
                await self.heal(index)
                await self.inject(index, device, self.rng.choice(FAULT_KINDS))
            elif draw < fault_rate + heal_rate:
                await self.heal(index)

    async def inject(self, index: int, device: DeviceSimulator, kind: str) -> None:
        """Apply one fault of ``kind`` to ``device``."""
        self.injected[kind] += 1
        self.active[index] = kind
        if kind in TOKEN_EVENTS:
            self.token_events[index] += 1
        match kind:
            case "html_500" | "invalid_json" | "empty_body" | "drop_connection":
                device.set_fault(Fault(kind))
            case "permission_denied":
                device.set_fault(Fault.PERMISSION_DENIED)
            case "wrong_shape":
                path = self.rng.choice([PATH_SETTINGS, PATH_STATUS])
                device.set_fault(
                    Fault.WRONG_SHAPE, paths=[path], body=self.rng.choice(WRONG_BODIES)
                )
            case "status_missing":
                device.status_endpoint_missing = True
            case "expire_tokens":
                device.expire_tokens()
            case "slow":
                device.delay = 2.0
            case "timeout":
                device.delay = 3600.0
            case "refused":
                await device.stop()
                self._stopped.add(index)
            case "swap":
                device.set_serial(f"ffffffff-0000-4000-8000-{index:012d}")
            case "registration_flip":
                device.set_registration_ok(not device.registration_ok)
            case "settings_change":
                device.update_sip_settings(registration_interval=self.rng.randint(30, 900))
            case _:
                raise AssertionError(f"unknown fault {kind}")

    async def heal(self, index: int) -> None:
        """Back to a healthy device (its settings may have changed)."""
        device = self.fleet.devices[index]
        self.active.pop(index, None)
        device.clear_faults()
        device.delay = 0.0
        device.status_endpoint_missing = False
        if device.serial != self.fleet.serials[index]:
            device.set_serial(self.fleet.serials[index])
            # Coming back also invalidates the token the other device never knew.
            self.token_events[index] += 1
        if index in self._stopped:
            await device.start()
            self._stopped.discard(index)

    async def heal_all(self) -> None:
        """Heal every device."""
        for index in range(len(self.fleet.devices)):
            await self.heal(index)
