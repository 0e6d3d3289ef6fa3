"""The frozen-time measurements: set-up, CPU and memory, logins, idle requests."""

from __future__ import annotations

from datetime import timedelta
import statistics
import time
import tracemalloc
from typing import Any, Final

from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.bas_ip.const import DEFAULT_SCAN_INTERVAL
from custom_components.bas_ip.push_health import RECONCILE_INTERVAL, PushState
from devtools.clocks import ha_clock
from devtools.served_http import served_internal_url
from devtools.waits import REAL_TIMEOUT, wait_until
from simulator import LOG_DIALECT_CASES, DeviceSimulator, Profile

from .base import DAY_SECONDS, BenchmarkBase, traced_snapshot
from .report import OTHER_INTEGRATION_REQUESTS_PER_MINUTE, percentile

PATH_SETTINGS: Final = "/api/v1/device/sip/settings"
PATH_STATUS: Final = "/api/v1/sip/status"
PATH_DOOR: Final = "/api/v1/access/door/status"
# Token lifetime of the idle-requests device: renewals inside the window.
IDLE_TOKEN_LIFETIME: Final = 240.0


class FrozenMeasures(BenchmarkBase):
    """The measurements of :meth:`Benchmark.run`, on frozen time."""

    async def _measure_setup(self) -> None:
        """Config-entry set-up time, repeated on the same device."""
        device = self.remote.devices[0]
        times: list[float] = []
        for repeat in range(self.config.setup_repeats):
            entry, elapsed_ms = await self.add_entry(device, f"Setup {repeat}")
            times.append(elapsed_ms)
            await self.remove_entry(entry)
        figures = self.result.figures
        figures["setup_ms_median"] = round(statistics.median(times), 2)
        figures["setup_ms_p95"] = round(percentile(times, 0.95), 2)
        figures["setup_ms_first"] = round(times[0], 2)
        figures["setup_repeats"] = len(times)

    async def _measure_cpu_and_memory(self) -> None:
        """Loop-thread CPU per device refresh at each fleet size; memory per entry."""
        cpu: dict[str, float] = {}
        requests: dict[str, float] = {}
        event_cpu: dict[str, float] = {}
        event_requests: dict[str, float] = {}
        memory_kib_per_device: float | None = None
        for count in sorted(self.config.device_counts):
            new = range(len(self.entries), count)
            trace = count == max(self.config.device_counts) and len(new) > 0
            if trace:
                tracemalloc.start()
                before = traced_snapshot()
            for index in new:
                entry, _ = await self.add_entry(self.remote.devices[index], f"Device {index}")
                self.entries.append(entry)
            await self.poll()
            if trace:
                after = traced_snapshot()
                tracemalloc.stop()
                growth = after.compare_to(before, "filename")
                memory_kib_per_device = sum(stat.size_diff for stat in growth) / 1024 / len(new)
                self.result.figures["memory_top_kib_per_device"] = {
                    stat.traceback[0].filename.rsplit("site-packages/", 1)[-1]: round(
                        stat.size_diff / 1024 / len(new), 1
                    )
                    for stat in growth[:8]
                }
                del before, after, growth
            # The SIP refresh alone: the event channel paused in place (a 30 s
            # tick would also run each entry's event poll).
            self._set_events(enabled=False)
            for _ in range(self.config.cpu_warmup_polls):
                await self.poll()
            samples = []
            session = async_get_clientsession(self.hass)
            requests_before = await self.remote.requests(session, count)
            for _ in range(self.config.cpu_polls):
                started = time.thread_time()
                await self.poll()
                samples.append((time.thread_time() - started) / count)
            done = await self.remote.requests(session, count) - requests_before
            cpu[str(count)] = round(statistics.median(samples) * 1000, 3)
            requests[str(count)] = done / (count * self.config.cpu_polls)
            # The event poll alone: every entry's event coordinator refreshed
            # at once, as their timers do; nothing new in the logs (idle).
            self._set_events(enabled=True)
            await self.hass.async_block_till_done(wait_background_tasks=True)
            for _ in range(self.config.cpu_warmup_polls):
                await self.event_poll()
            samples = []
            requests_before = await self.remote.requests(session, count)
            for _ in range(self.config.cpu_polls):
                started = time.thread_time()
                await self.event_poll()
                samples.append((time.thread_time() - started) / count)
            done = await self.remote.requests(session, count) - requests_before
            event_cpu[str(count)] = round(statistics.median(samples) * 1000, 3)
            event_requests[str(count)] = done / (count * self.config.cpu_polls)
        figures = self.result.figures
        figures["event_poll_cpu_ms"] = event_cpu
        figures["requests_per_event_poll_by_count"] = event_requests
        figures["loop_cpu_ms_per_refresh"] = cpu
        largest = str(max(self.config.device_counts))
        # Share of one core: CPU per refresh x devices / polling interval.
        figures["core_share_100_devices"] = round(
            cpu[largest] / 1000 * 100 / DEFAULT_SCAN_INTERVAL, 6
        )
        figures["core_share_basis_devices"] = int(largest)
        figures["requests_per_refresh"] = requests[largest]
        figures["requests_per_refresh_by_count"] = requests
        figures["memory_kib_per_device"] = (
            round(memory_kib_per_device, 1) if memory_kib_per_device is not None else None
        )

    async def _measure_idle_requests(self) -> None:
        """Every request one idle device gets at default options, per minute.

        Polled: the headline figure is a Camdroid panel's (no webhooks; it has
        the door sensor, so its SIP refresh reads three endpoints: the worst
        case). The same is measured, polled (push off where the device has
        webhooks), for every documented log dialect and firmware variant
        (``LOG_DIALECT_CASES``): a device read from its last page needs two
        log reads a poll and polls every 4 s by default. Then an Android
        panel at default options, push on and healthy.
        """
        figures = self.result.figures
        idle = await self._idle_requests(
            Profile.CAMDROID_PANEL, None, "be4c3333-0000-4000-8000-000000000003"
        )
        per_minute = idle["per_minute"]
        figures["requests_per_minute_idle"] = per_minute
        figures["requests_per_minute_idle_by_path"] = idle["by_path"]
        figures["idle_simulated_minutes"] = self.config.idle_minutes
        figures["idle_token_renewals"] = idle["logins"]
        figures["idle_token_lifetime_s"] = IDLE_TOKEN_LIFETIME
        figures["idle_fewer_than_other_integration"] = (
            round(OTHER_INTEGRATION_REQUESTS_PER_MINUTE / per_minute, 2) if per_minute else None
        )
        by_profile: dict[str, float] = {}
        for index, (profile, variant) in enumerate(LOG_DIALECT_CASES):
            serial = f"be4c4444-0000-4000-8000-{index:012d}"
            name = profile.value if variant is None else f"{profile.value}/{variant}"
            by_profile[name] = (await self._idle_requests(profile, variant, serial))["per_minute"]
        figures["requests_per_minute_idle_by_profile"] = by_profile
        await self._measure_idle_push()

    async def _measure_idle_push(self) -> None:
        """Every request one idle Android panel gets at default options, push on and healthy.

        Home Assistant's HTTP app is served on 127.0.0.1 as its internal URL,
        so the device's webhook reaches it; the log poll then only reconciles.
        """
        async with served_internal_url(self.hass):
            idle = await self._idle_requests(
                Profile.ANDROID_PANEL, None, "be4c5555-0000-4000-8000-000000000005", push=True
            )
        per_minute = idle["per_minute"]
        figures = self.result.figures
        figures["requests_per_minute_idle_push"] = per_minute
        figures["requests_per_minute_idle_push_by_path"] = idle["by_path"]
        figures["idle_push_token_renewals"] = idle["logins"]
        figures["idle_push_fewer_than_other_integration"] = (
            round(OTHER_INTEGRATION_REQUESTS_PER_MINUTE / per_minute, 2) if per_minute else None
        )

    async def _idle_requests(
        self, profile: Profile, variant: str | None, serial: str, *, push: bool = False
    ) -> dict[str, Any]:
        """Measure one idle device's requests per minute, on frozen time moved a second at a time.

        Counted by the device itself, token renewals included: its tokens
        live ``IDLE_TOKEN_LIFETIME`` (a real device's: two hours), so that a
        10-minute window holds three renewals (401, identity check, login),
        each given back by door reads left out. Polled, unless ``push``: then
        the window starts once push is healthy, and push must still be
        healthy (the poll only reconciling) at its end.
        """
        # Start on a whole second of frozen time. async_fire_time_changed adds
        # 0.5 s to every tick, and a coordinator schedules its next refresh at
        # a whole second plus up to 0.5 s: with the frozen clock past .55 of a
        # second, a 2 s timer would fire at every 1 s tick (twice the real rate).
        if fraction := dt_util.utcnow().timestamp() % 1:
            await self.tick(1 - fraction)
        device = await self._start_in_loop(profile, serial, ha_clock, variant)
        try:
            entry, _ = await self.add_entry(device, "Idle", push=push)
            self.entries.append(entry)
            if push:
                await self.wait_push_healthy(entry)
            for _ in range(3):
                await self.tick(1)
            # From now on tokens live IDLE_TOKEN_LIFETIME: the current one
            # expires at once, its renewal and two more fall in the window.
            device.token_lifetime = IDLE_TOKEN_LIFETIME
            device.expire_tokens()
            device.reset_counters()
            seconds = self.config.idle_minutes * 60
            for _ in range(seconds):
                await self.tick(1)
            minutes = seconds / 60
            # Taken before the entry is removed (removing it takes our webhook off the device).
            requests, logins = dict(device.requests), device.logins
            if push:
                self._check_push_reconciling(entry)
            await self.remove_entry(entry)
            self.entries.remove(entry)
            return {
                "per_minute": round(sum(requests.values()) / minutes, 2),
                "by_path": {
                    path: round(count / minutes, 2) for path, count in sorted(requests.items())
                },
                "logins": logins,
            }
        finally:
            self.result.issued_tokens.extend(device.issued_tokens)
            if self._start_device is None:
                await device.stop()

    @staticmethod
    def _check_push_reconciling(entry: MockConfigEntry) -> None:
        """Fail the measurement unless push is healthy and the log poll only reconciles."""
        push = entry.runtime_data.push
        assert push is not None, "push is off"
        assert push.health.state is PushState.HEALTHY, f"push {push.health.state}"
        interval = entry.runtime_data.events.update_interval
        assert interval == RECONCILE_INTERVAL, f"the log is polled every {interval}"

    async def _measure_logins_and_concurrency(self) -> None:
        """Logins over a simulated day; whether a refresh's two requests overlap."""
        device = await self._start_loop_device()
        own_device = self._start_device is None
        try:
            entry, _ = await self.add_entry(device, "Day")
            self.entries.append(entry)
            logins = device.logins
            polls = self.config.day_seconds // DEFAULT_SCAN_INTERVAL
            for _ in range(polls):
                await self.poll()
            figures = self.result.figures
            figures["logins_per_day"] = round(
                (device.logins - logins) * DAY_SECONDS / self.config.day_seconds, 2
            )
            figures["simulated_seconds_for_logins"] = self.config.day_seconds
            figures["requests_concurrent"] = await self._refresh_is_concurrent(device)
            await self.remove_entry(entry)
            self.entries.remove(entry)
        finally:
            self.result.issued_tokens.extend(device.issued_tokens)
            if own_device:
                await device.stop()

    async def _refresh_is_concurrent(self, device: DeviceSimulator) -> bool:
        """Hold the device's answers; both requests of a refresh must still arrive."""
        settings, status = device.requests[PATH_SETTINGS], device.requests[PATH_STATUS]
        device.delay = 5.0  # frozen time: nothing is answered until the clock moves
        self.freezer.tick(timedelta(seconds=DEFAULT_SCAN_INTERVAL))
        async_fire_time_changed(self.hass)
        try:
            # Bounded in real time (the loop's clock is frozen), not in loop turns.
            await wait_until(
                lambda: (
                    device.requests[PATH_SETTINGS] > settings
                    and device.requests[PATH_STATUS] > status
                ),
                "both requests of a refresh reaching the held device",
                timeout=REAL_TIMEOUT,
            )
            overlapped = True
        except AssertionError:
            overlapped = False
        device.delay = 0.0
        # Release the held answers (and a second request, if the client was sequential).
        for _ in range(3):
            self.freezer.tick(timedelta(seconds=5))
            async_fire_time_changed(self.hass)
            await self.hass.async_block_till_done(wait_background_tasks=True)
        return overlapped
