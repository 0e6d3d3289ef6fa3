"""A soak run's size and randomness, and what it found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
import os
from typing import Any


@dataclass(frozen=True)
class SoakConfig:
    """Size and randomness of a run."""

    devices: int
    polls: int
    seed: int = 20261126
    fault_rate: float = 0.15
    heal_rate: float = 0.35
    warmup_polls: int = 5
    memory_detail: bool = False
    ring_rate: float = 0.05
    card_rate: float = 0.08
    burst_rate: float = 0.01
    burst_sizes: tuple[int, int] = (10, 40)
    push_fault_rate: float = 0.1
    """Per step and push device: a webhook fault (drop, duplicate, reorder, bad signature)."""
    push_heal_rate: float = 0.35

    @classmethod
    def from_env(cls, devices: int, polls: int) -> SoakConfig:
        """Defaults, overridden by ``SOAK_DEVICES``, ``SOAK_POLLS``, ``SOAK_SEED``."""
        return cls(
            devices=int(os.environ.get("SOAK_DEVICES", devices)),
            polls=int(os.environ.get("SOAK_POLLS", polls)),
            seed=int(os.environ.get("SOAK_SEED", cls.seed)),
            memory_detail=bool(os.environ.get("SOAK_MEMORY_DETAIL")),
        )


@dataclass
class SoakReport:
    """What a run found."""

    devices: int
    polls: int
    seed: int
    refreshes: int = 0
    scheduled_refreshes: int = 0
    refresh_outcomes: dict[str, int] = field(default_factory=dict)
    refreshes_by_fault: dict[str, dict[str, int]] = field(default_factory=dict)
    faults_injected: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    requests_by_path: dict[str, int] = field(default_factory=dict)
    logins: int = 0
    login_failures: int = 0
    max_logins_over_bound: int = 0
    unhandled_exceptions: int = 0
    unhandled_examples: list[str] = field(default_factory=list)
    foreign_client_sessions: int = 0
    acquired_connections_at_end: int = 0
    open_device_connections_peak: int = 0
    open_device_connections_at_end: int = 0
    resource_warnings: int = 0
    objects_alive_after_unload: dict[str, int] = field(default_factory=dict)
    memory_after_warmup_kib: float = 0.0
    memory_at_end_kib: float = 0.0
    memory_mid_kib: float = 0.0
    memory_growth_kib: float = 0.0
    memory_growth_second_half_kib: float = 0.0
    memory_top_growth: list[str] = field(default_factory=list)
    simulated_hours: float = 0.0
    wall_seconds: float = 0.0
    entities_unavailable_after_heal: int = 0
    unavailable_examples: list[str] = field(default_factory=list)
    events_injected: int = 0
    events_fired: int = 0
    events_injected_by_type: dict[str, int] = field(default_factory=dict)
    events_fired_by_type: dict[str, int] = field(default_factory=dict)
    bursts_injected: int = 0
    event_mismatch_devices: int = 0
    event_mismatch_examples: list[str] = field(default_factory=list)
    event_polls: int = 0
    event_poll_outcomes: dict[str, int] = field(default_factory=dict)
    stale_rings: int = 0
    event_overflows: int = 0
    event_polls_second_half: int = 0
    reader_logins: int = 0
    reader_logins_over_recoveries: int = 0
    push_devices: int = 0
    push_faults_injected: dict[str, int] = field(default_factory=dict)
    push_deliveries: int = 0
    push_dropped: int = 0
    events_under_push_faults: dict[str, int] = field(default_factory=dict)
    push_rejected: dict[str, int] = field(default_factory=dict)
    push_stops: int = 0
    push_states_at_end: dict[str, int] = field(default_factory=dict)
    events_fired_by_push: int = 0
    stale_rings_pushed: int = 0
    late_rings: dict[str, int] = field(default_factory=dict)
    webhook_requests: int = 0
    webhook_tests: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return asdict(self)

    def lines(self) -> list[str]:
        """Human-readable summary."""
        return [
            f"devices x polls        {self.devices} x {self.polls} (seed {self.seed})",
            f"refreshes              {self.refreshes} ({self.simulated_hours:.1f} h simulated, "
            f"{self.wall_seconds:.1f} s wall)",
            f"scheduled refreshes    {self.scheduled_refreshes}",
            f"refresh outcomes       {self.refresh_outcomes}",
            f"outcomes by fault      {self.refreshes_by_fault}",
            f"faults injected        {sum(self.faults_injected.values())} {self.faults_injected}",
            f"device requests        {self.requests}",
            f"logins / failures      {self.logins} / {self.login_failures}",
            f"logins over bound      {self.max_logins_over_bound}",
            f"unhandled exceptions   {self.unhandled_exceptions}",
            f"foreign sessions       {self.foreign_client_sessions}",
            f"acquired conns at end  {self.acquired_connections_at_end}",
            f"device conns peak/end  {self.open_device_connections_peak} / "
            f"{self.open_device_connections_at_end}",
            f"ResourceWarnings       {self.resource_warnings}",
            f"alive after unload     {self.objects_alive_after_unload}",
            f"memory warm-up/mid/end {self.memory_after_warmup_kib:.0f} / "
            f"{self.memory_mid_kib:.0f} / {self.memory_at_end_kib:.0f} KiB (growth "
            f"{self.memory_growth_kib:+.0f} KiB, "
            f"second half {self.memory_growth_second_half_kib:+.0f})",
            "memory top growth      " + "\n                         ".join(self.memory_top_growth),
            f"unavailable after heal {self.entities_unavailable_after_heal}",
            f"events injected/fired  {self.events_injected} / {self.events_fired} "
            f"({self.bursts_injected} bursts; mismatched devices {self.event_mismatch_devices})",
            f"events by type         injected {self.events_injected_by_type} "
            f"fired {self.events_fired_by_type}",
            f"event polls            {self.event_polls} {self.event_poll_outcomes} "
            f"(stale rings {self.stale_rings}, overflows {self.event_overflows})",
            f"reader logins          {self.reader_logins} (devices with more than "
            f"recoveries: {self.reader_logins_over_recoveries})",
            f"push                   {self.push_devices} devices, {self.events_fired_by_push} "
            f"events fired by push, {self.push_deliveries} verified deliveries, "
            f"rejected {self.push_rejected}",
            f"push faults            {sum(self.push_faults_injected.values())} "
            f"{self.push_faults_injected}; events logged under them "
            f"{self.events_under_push_faults}; {self.push_dropped} deliveries dropped",
            f"push health            stopped {self.push_stops} times; at the end "
            f"{self.push_states_at_end}",
            f"push rings             {self.stale_rings_pushed} pushed rings found stale by the "
            f"poll later; rings fired over 60 s late {self.late_rings}",
            f"webhook requests       {self.webhook_requests} ({self.webhook_tests} test calls)",
        ]
