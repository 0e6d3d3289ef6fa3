"""The device's event log: ``GET /api/v1/log/items`` and what it holds.

- ``behaviour``: the sort dialects, default order and quirks of each firmware
  (:class:`LogBehaviour`, the named variants, :data:`LOG_DIALECT_CASES`);
- ``items``: the item shapes and the ``info.model`` of access events;
- ``book``: the log component (items, device clock, capacity, pages);
- ``query``: the order a request asks for; ``history``: the log at start-up.
"""

from .behaviour import (
    LOG_DIALECT_CASES,
    LOG_VARIANTS,
    PROFILE_LOGS,
    LogBehaviour,
    log_behaviour,
)
from .book import PAGE_LIMITS, DeviceLog
from .items import access_model, make_item
from .names import english_name

__all__ = [
    "LOG_DIALECT_CASES",
    "LOG_VARIANTS",
    "PAGE_LIMITS",
    "PROFILE_LOGS",
    "DeviceLog",
    "LogBehaviour",
    "access_model",
    "english_name",
    "log_behaviour",
    "make_item",
]
