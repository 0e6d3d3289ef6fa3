"""Whether push works, and what the log poll does about it.

- *Waiting*: our webhook is on the device and its test call was made; the
  poll runs at its normal interval until a verified delivery arrives.
- *Healthy*: verified deliveries arrive. The poll slows to the
  reconciliation interval and only catches what push missed.
- *Stopped*: the test call failed, its delivery did not arrive in time, or a
  reconciling poll found items of pushed keys whose delivery is overdue. The
  poll is back at its normal interval and a repair issue says "push events
  stopped arriving; polling instead". The device is tested again every few
  minutes; the first verified delivery makes push healthy again and
  withdraws the issue.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum
import time
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later, async_track_time_interval

from .client import BasIpClient, BasIpError, RejectReason
from .const import DEFAULT_RECONCILE_INTERVAL, ISSUE_PUSH_STOPPED, LOGGER
from .event_coordinator import BasIpEventCoordinator
from .event_stream import BasIpEventStream
from .issues import async_create_push_issue, async_delete_push_issue
from .runtime import BasIpConfigEntry

RECONCILE_INTERVAL: Final = timedelta(seconds=DEFAULT_RECONCILE_INTERVAL)
# A delivery may follow the poll that read its item by this much (the device
# retries after a slow receiver) before push counts as stopped.
DELIVERY_GRACE_SECONDS: Final = 30.0
# The test call's delivery must arrive within this.
TEST_WAIT_SECONDS: Final = 30.0
# While push is stopped, the device is tested again this often.
RETEST_INTERVAL: Final = timedelta(minutes=5)
# Refused deliveries are logged at most once in this many seconds.
REJECT_LOG_SECONDS: Final = 60.0


class PushState(StrEnum):
    """Where push stands."""

    WAITING = "waiting"
    HEALTHY = "healthy"
    STOPPED = "stopped"


class PushHealth:
    """Tracks deliveries and switches the log poll between reconciling and polling."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BasIpConfigEntry,
        client: BasIpClient,
        *,
        events: BasIpEventCoordinator,
        stream: BasIpEventStream,
    ) -> None:
        """Start waiting for the first delivery."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._events = events
        self._stream = stream
        self.state = PushState.WAITING
        self.uid: int | None = None
        self.rejected_by_reason: Counter[str] = Counter()
        self.delivered = 0
        self._last_delivery: float | None = None
        self._test_started: float | None = None
        self._last_reject_log = -REJECT_LOG_SECONDS
        self._unlogged_rejects = 0
        self._cancel_test_wait: CALLBACK_TYPE | None = None
        self._cancel_overdue: CALLBACK_TYPE | None = None
        self._cancel_retest: CALLBACK_TYPE | None = None
        self._cancel_listener: CALLBACK_TYPE | None = events.async_add_listener(
            self._async_after_poll
        )

    def as_dict(self) -> dict[str, Any]:
        """Describe push for diagnostics (no secret, no URL, no identifier)."""
        age = None if self._last_delivery is None else time.monotonic() - self._last_delivery
        return {
            "state": self.state.value,
            "delivered": self.delivered,
            "seconds_since_last_delivery": None if age is None else round(age, 1),
            "rejected": dict(self.rejected_by_reason),
            "pushed_keys": len(self._stream.pushed_keys),
        }

    @callback
    def async_test(self) -> None:
        """Ask the device for a test delivery; push stops if it does not come."""
        if self.uid is None:
            return
        self._test_started = time.monotonic()
        self._entry.async_create_background_task(
            self._hass, self._async_run_test(self.uid), name=f"{self._entry.title} webhook test"
        )
        self._cancel(self._cancel_test_wait)
        self._cancel_test_wait = async_call_later(
            self._hass, TEST_WAIT_SECONDS, self._async_test_timeout
        )

    async def _async_run_test(self, uid: int) -> None:
        try:
            await self._client.webhooks.test(uid)
        except BasIpError as err:
            LOGGER.debug("%s: the webhook test call failed: %s", self._entry.title, err)
            self.async_failed()

    @callback
    def _async_test_timeout(self, _: datetime) -> None:
        self._cancel_test_wait = None
        started = self._test_started
        if started is not None and (self._last_delivery is None or self._last_delivery < started):
            self.async_failed()

    @callback
    def async_delivered(self) -> None:
        """Note a verified delivery: push works."""
        self.delivered += 1
        self._last_delivery = time.monotonic()
        if self.state is PushState.HEALTHY:
            return
        if self.state is PushState.STOPPED:
            LOGGER.info("%s: push events arrive again", self._entry.title)
        self.state = PushState.HEALTHY
        self._stream.merger.forgive()
        self._cancel(self._cancel_retest)
        self._cancel_retest = None
        async_delete_push_issue(self._hass, self._entry, ISSUE_PUSH_STOPPED)
        self._events.async_set_reconcile(RECONCILE_INTERVAL)

    @callback
    def async_failed(self) -> None:
        """Push does not work (now): poll at the normal interval, say so, test again later."""
        if self.state is PushState.STOPPED:
            return
        self.state = PushState.STOPPED
        LOGGER.warning("%s: push events stopped arriving; polling instead", self._entry.title)
        self._stream.merger.forgive()
        self._events.async_set_reconcile(None)
        async_create_push_issue(self._hass, self._entry, ISSUE_PUSH_STOPPED)
        if self._cancel_retest is None and self.uid is not None:
            self._cancel_retest = async_track_time_interval(
                self._hass, self._async_retest, RETEST_INTERVAL
            )

    @callback
    def _async_retest(self, _: datetime) -> None:
        self.async_test()

    @callback
    def _async_after_poll(self) -> None:
        """After a reconciling poll: push stopped if a delivery is overdue; check again later."""
        if self.state is not PushState.HEALTHY:
            return
        if self._stream.merger.overdue(DELIVERY_GRACE_SECONDS):
            self.async_failed()
        elif self._stream.merger.overdue(0) and self._cancel_overdue is None:
            self._cancel_overdue = async_call_later(
                self._hass, DELIVERY_GRACE_SECONDS + 1, self._async_overdue_check
            )

    @callback
    def _async_overdue_check(self, _: datetime) -> None:
        self._cancel_overdue = None
        self._async_after_poll()

    def rejected(self, reason: RejectReason) -> None:
        """Count a refused delivery; log at most one line a minute, never its content."""
        self.rejected_by_reason[reason.value] += 1
        now = time.monotonic()
        if now - self._last_reject_log < REJECT_LOG_SECONDS:
            self._unlogged_rejects += 1
            return
        LOGGER.warning(
            "%s: refused a webhook delivery (%s); %d more refused since the last such message",
            self._entry.title,
            reason.value,
            self._unlogged_rejects,
        )
        self._last_reject_log = now
        self._unlogged_rejects = 0

    @callback
    def async_stop(self) -> None:
        """Cancel every timer and the poll listener."""
        for cancel in (
            self._cancel_test_wait,
            self._cancel_overdue,
            self._cancel_retest,
            self._cancel_listener,
        ):
            self._cancel(cancel)
        self._cancel_test_wait = self._cancel_overdue = self._cancel_retest = None
        self._cancel_listener = None

    @staticmethod
    def _cancel(cancel: CALLBACK_TYPE | None) -> None:
        if cancel is not None:
            cancel()
