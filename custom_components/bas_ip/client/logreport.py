"""A field report of one device's log: which keys and fields it logs, never a value.

It tells from a user's diagnostics which firmware behaviour a device shows
(item shape, log keys), without card numbers, owners, codes or timestamps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from .models import LogItem

# Bounds: a device logging garbage keys cannot grow the report without end.
KEYS_MAX: Final = 100
FIELDS_MAX: Final = 100


@dataclass(slots=True)
class LogReport:
    """Log keys seen with their counts, and the field names items carried."""

    keys_seen: Counter[str] = field(default_factory=Counter)
    fields_seen: set[str] = field(default_factory=set)

    def observe(self, items: Iterable[LogItem]) -> None:
        """Count the keys and note the field names of ``items``."""
        for item in items:
            if item.key in self.keys_seen or len(self.keys_seen) < KEYS_MAX:
                self.keys_seen[item.key] += 1
            if len(self.fields_seen) < FIELDS_MAX:
                self.fields_seen |= item.shape
