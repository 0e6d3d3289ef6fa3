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
    "requests_per_minute_idle_push",
    "event_poll_cpu_ms",
    "python",
    "homeassistant",
)
# Keys of the real-time run (:meth:`Benchmark.run_realtime`).
REALTIME_KEYS: Final = (
    "ring_latency_ms",
    "ring_latency_ms_push",
    "snapshot_ms",
    "snapshot_requests_for_10_concurrent_views",
    "visitor_history_ms_per_ring",
)
REQUIRED_KEYS: Final = FROZEN_KEYS + REALTIME_KEYS
# Targets (printed with a pass/fail column, never asserted by the suite).
RING_LATENCY_TARGET_INTERVAL: Final = DEFAULT_EVENT_INTERVAL
RING_LATENCY_TARGET_P95_MS: Final = 2500.0
IDLE_REQUESTS_TARGET: Final = 36.0
# With push healthy (a panel with webhooks): rings at once, the log read once a minute.
RING_LATENCY_PUSH_TARGET_P95_MS: Final = 300.0
IDLE_PUSH_REQUESTS_TARGET: Final = 8.0
# What the other integration puts on a device (one request a second and more).
OTHER_INTEGRATION_REQUESTS_PER_MINUTE: Final = 300.0
EVENT_POLL_CPU_TARGET_MS: Final = 1.0
SNAPSHOT_REQUESTS_TARGET: Final = 1
# Loop time per ring the visitor history may add (benchmarks/visitors.py).
VISITOR_MS_PER_RING_TARGET: Final = 2.0


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


Row = tuple[str, str, str]


def _budget(value: float, target: float) -> str:
    return f"<= {target:g}  {_verdict(value <= target)}"


def _p95_target(values: dict[str, Any], target: float) -> str:
    return f"p95 <= {target:g}  {_verdict(values['p95'] <= target)}"


def _latency(values: dict[str, Any]) -> str:
    return f"p50 {values['p50']:.0f} / p95 {values['p95']:.0f} ({values['rings']} rings)"


def _refresh_rows(figures: dict[str, Any]) -> list[Row]:
    if "requests_per_refresh" not in figures:
        return []
    return [
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


def _with_fewer(value: float, fewer: float | None) -> str:
    """``value``, and how many times fewer than the other integration's 300/min it is."""
    other = f"{OTHER_INTEGRATION_REQUESTS_PER_MINUTE:g}/min"
    return f"{value:g} ({fewer:g}x fewer than {other})" if fewer else f"{value:g}"


def _idle_rows(figures: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    if "requests_per_minute_idle" in figures:
        idle = figures["requests_per_minute_idle"]
        rows.append(
            (
                "requests/min idle, polled (camdroid_panel)",
                _with_fewer(idle, figures.get("idle_fewer_than_other_integration")),
                _budget(idle, IDLE_REQUESTS_TARGET),
            )
        )
    rows += [
        (f"requests/min idle, polled ({name})", f"{value:g}", _budget(value, IDLE_REQUESTS_TARGET))
        for name, value in figures.get("requests_per_minute_idle_by_profile", {}).items()
    ]
    if "requests_per_minute_idle_push" in figures:
        push = figures["requests_per_minute_idle_push"]
        rows.append(
            (
                "requests/min idle, push (android_panel)",
                _with_fewer(push, figures.get("idle_push_fewer_than_other_integration")),
                _budget(push, IDLE_PUSH_REQUESTS_TARGET),
            )
        )
    rows += [
        (
            f"loop CPU ms/event poll @{count}",
            f"{value:.3f}",
            _budget(value, EVENT_POLL_CPU_TARGET_MS),
        )
        for count, value in figures.get("event_poll_cpu_ms", {}).items()
    ]
    return rows


def _realtime_rows(figures: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for interval, values in figures.get("ring_latency_ms", {}).items():
        target = ""
        if int(interval) == RING_LATENCY_TARGET_INTERVAL:
            target = _p95_target(values, RING_LATENCY_TARGET_P95_MS)
        rows.append((f"ring latency ms, polled @{interval} s", _latency(values), target))
    if (push := figures.get("ring_latency_ms_push")) is not None:
        rows.append(
            (
                "ring latency ms, push",
                _latency(push),
                _p95_target(push, RING_LATENCY_PUSH_TARGET_P95_MS),
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
    return rows


def _visitor_rows(figures: dict[str, Any]) -> list[Row]:
    if (per_ring := figures.get("visitor_history_ms_per_ring")) is None:
        return []
    burst = figures["visitor_history_burst"]
    return [
        (
            f"visitor history, loop ms/ring ({burst['rings']} at once)",
            f"+{per_ring:.2f} (on {burst['loop_cpu_ms_per_ring']:.2f}, "
            f"off {burst['loop_cpu_ms_per_ring_history_off']:.2f}); "
            f"lag p95 {burst['loop_lag_ms_p95']:.1f} / max {burst['loop_lag_ms_max']:.1f}",
            _budget(per_ring, VISITOR_MS_PER_RING_TARGET),
        )
    ]


def table(figures: dict[str, Any]) -> str:
    """Format the figures as an aligned text table (the keys present), with targets and verdicts."""
    rows = [
        *_refresh_rows(figures),
        *_idle_rows(figures),
        *_realtime_rows(figures),
        *_visitor_rows(figures),
    ]
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
