"""The clock simulated devices run on in the tests and the benchmark.

A :class:`simulator.DeviceSimulator` given ``clock=ha_clock`` sees Home
Assistant's time, so that freezing and moving it (``freezer.tick``) also moves
the device's token expiry. For real time under a frozen clock, see
``waits.wall_clock``.
"""

from __future__ import annotations

from homeassistant.util import dt as dt_util


def ha_clock() -> float:
    """Return Home Assistant's (freezable) time, so frozen time also drives token expiry."""
    return dt_util.utcnow().timestamp()
