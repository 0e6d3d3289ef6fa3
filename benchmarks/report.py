"""The benchmark's published keys, its targets, and the table printed at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from custom_components.bas_ip.const import DEFAULT_EVENT_INTERVAL

# Keys of the frozen-time run (:meth:`Benchmark.run`).
FROZEN_KEYS: Final = (
    "requests_per_refresh",
    "requests_concurrent",
    "logins_per_day",
    "setup_ms_median",
    "setup_ms_p95",
    "loop_cpu_ms_per_refresh",
    "core_share_100_devices",
    "memory_kib_per_device",
    "requests_per_minute_idle",
    "requests_per_minute_idle_by_profile",
    "event_poll_cpu_ms",
    "python",
    "homeassistant",
)
# Keys of the real-time run (:meth:`Benchmark.run_realtime`).
REALTIME_KEYS: Final = (
    "ring_latency_ms",
    "snapshot_ms",
    "snapshot_requests_for_10_concurrent_views",
)
REQUIRED_KEYS: Final = FROZEN_KEYS + REALTIME_KEYS
# Targets (printed with a pass/fail column, never asserted by the suite).
RING_LATENCY_TARGET_INTERVAL: Final = DEFAULT_EVENT_INTERVAL
RING_LATENCY_TARGET_P95_MS: Final = 2500.0
IDLE_REQUESTS_TARGET: Final = 36.0
# What the other integration puts on a device (one request a second and more).
OTHER_INTEGRATION_REQUESTS_PER_MINUTE: Final = 300.0
EVENT_POLL_CPU_TARGET_MS: Final = 1.0
SNAPSHOT_REQUESTS_TARGET: Final = 1


@dataclass
class BenchResult:
    """Figures of a run; :meth:`as_json` gives the published keys."""

    figures: dict[str, Any] = field(default_factory=dict)
    issued_tokens: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Return the figures, JSON-friendly."""
        return dict(self.figures)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def _verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def table(figures: dict[str, Any]) -> str:
    """Format the figures as an aligned text table (the keys present), with targets and verdicts."""
    rows: list[tuple[str, str, str]] = []
    if "requests_per_refresh" in figures:
        rows += [
            (
                "requests per refresh",
                f"{figures['requests_per_refresh']:.2f}",
                "2 (3 with a door sensor)",
            ),
            ("requests concurrent", str(figures["requests_concurrent"]), "True"),
            ("logins per day", f"{figures['logins_per_day']:g}", "12"),
            (
                "setup ms median / p95",
                f"{figures['setup_ms_median']:.1f} / {figures['setup_ms_p95']:.1f} "
                f"(first {figures['setup_ms_first']:.1f})",
                "median <= 100",
            ),
            *(
                (f"loop CPU ms/refresh @{count}", f"{value:.3f}", "")
                for count, value in figures["loop_cpu_ms_per_refresh"].items()
            ),
            (
                f"core share, {figures['core_share_basis_devices']} devices",
                f"{figures['core_share_100_devices'] * 100:.3f} % of one core at 30 s polling",
                "",
            ),
            ("memory KiB per device", str(figures["memory_kib_per_device"]), ""),
        ]
    if "requests_per_minute_idle" in figures:
        idle = figures["requests_per_minute_idle"]
        fewer = figures.get("idle_fewer_than_other_integration")
        rows.append(
            (
                "requests/min idle (1 panel)",
                f"{idle:g} ({fewer:g}x fewer than 300/min)" if fewer else f"{idle:g}",
                f"<= {IDLE_REQUESTS_TARGET:g}  {_verdict(idle <= IDLE_REQUESTS_TARGET)}",
            )
        )
    for name, value in figures.get("requests_per_minute_idle_by_profile", {}).items():
        rows.append(
            (
                f"requests/min idle ({name})",
                f"{value:g}",
                f"<= {IDLE_REQUESTS_TARGET:g}  {_verdict(value <= IDLE_REQUESTS_TARGET)}",
            )
        )
    for count, value in figures.get("event_poll_cpu_ms", {}).items():
        rows.append(
            (
                f"loop CPU ms/event poll @{count}",
                f"{value:.3f}",
                f"<= {EVENT_POLL_CPU_TARGET_MS:g}  {_verdict(value <= EVENT_POLL_CPU_TARGET_MS)}",
            )
        )
    for interval, values in figures.get("ring_latency_ms", {}).items():
        target = ""
        if int(interval) == RING_LATENCY_TARGET_INTERVAL:
            ok = values["p95"] <= RING_LATENCY_TARGET_P95_MS
            target = f"p95 <= {RING_LATENCY_TARGET_P95_MS:g}  {_verdict(ok)}"
        rows.append(
            (
                f"ring latency ms @{interval} s",
                f"p50 {values['p50']:.0f} / p95 {values['p95']:.0f} ({values['rings']} rings)",
                target,
            )
        )
    if "snapshot_ms" in figures:
        snapshot = figures["snapshot_ms"]
        rows.append(
            (
                f"snapshot ms (device {figures['snapshot_delay_s']:g} s)",
                f"p50 {snapshot['p50']:.0f} / p95 {snapshot['p95']:.0f} "
                f"({figures['snapshot_samples']} via {figures['snapshot_via']})",
                "",
            )
        )
        views = figures["snapshot_requests_for_10_concurrent_views"]
        rows.append(
            (
                "snapshot requests, 10 views",
                str(views),
                f"{SNAPSHOT_REQUESTS_TARGET}  {_verdict(views <= SNAPSHOT_REQUESTS_TARGET)}",
            )
        )
    if "python" in figures:
        rows.append(
            ("python / homeassistant", f"{figures['python']} / {figures['homeassistant']}", "")
        )
    name_width = max(len(name) for name, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    header = f"{'figure':<{name_width}}  {'measured':<{value_width}}  target"
    lines = [header, "-" * len(header)]
    lines += [
        f"{name:<{name_width}}  {value:<{value_width}}  {target}".rstrip()
        for name, value, target in rows
    ]
    return "\n".join(lines)
