"""Request counts, the answer delay and injected faults."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
import copy
from typing import Any, Final

from simulator.faults import Fault

API_V1_PREFIX: Final = "/api/v1/"
PATH_LOGIN: Final = "/api/v1/login"


def strip_query(path: str) -> str:
    """``path`` without its query string."""
    return path.partition("?")[0]


class Traffic:
    """What happens to device requests before an endpoint answers them."""

    __slots__ = ("_global_fault", "_path_faults", "delay", "requests")

    def __init__(self) -> None:
        """No requests yet, no delay, no faults."""
        self.requests: Counter[str] = Counter()
        """Device requests per path (control calls are not counted)."""
        self.delay = 0.0
        """Seconds every device request waits before it is answered."""
        self._path_faults: dict[str, tuple[Fault, Any]] = {}
        self._global_fault: tuple[Fault, Any] | None = None

    def set_fault(
        self, fault: Fault | str | None, *, paths: Iterable[str] | None = None, body: Any = None
    ) -> None:
        """Inject ``fault`` on ``paths`` (``None``: every ``/api/v1`` call but the login).

        ``fault=None`` clears the faults of ``paths`` (or all of them).
        """
        if fault is None:
            if paths is None:
                self.clear_faults()
            for path in paths or ():
                self._path_faults.pop(strip_query(path), None)
            return
        entry = (Fault(fault), copy.deepcopy(body))
        if paths is None:
            self._global_fault = entry
        for path in paths or ():
            self._path_faults[strip_query(path)] = entry

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._path_faults.clear()
        self._global_fault = None

    def fault_for(self, path: str) -> tuple[Fault, Any] | None:
        """Find the fault ``path`` meets, if any: its own, else the global one."""
        entry = self._path_faults.get(path)
        if entry is not None:
            return entry
        if self._global_fault is not None and path.startswith(API_V1_PREFIX) and path != PATH_LOGIN:
            return self._global_fault
        return None

    def describe_faults(self) -> dict[str, Any]:
        """Describe the faults as the control API's state shows them (``"*"``: the global one)."""
        faults: dict[str, Any] = {
            path: {"fault": fault.value, "body": body}
            for path, (fault, body) in self._path_faults.items()
        }
        if self._global_fault is not None:
            fault, body = self._global_fault
            faults["*"] = {"fault": fault.value, "body": body}
        return faults
