"""The request budget's one policy: when the door contact is read.

At default options a device gets exactly its budget of requests a minute
(README, "How data is updated"). A token renewal costs a few more requests
(the refused call, the identity check, the sign-in); each of them is given
back by leaving one door-contact read out of a SIP refresh, only while a
good reading exists to carry over, and never more than
:data:`MAX_DOOR_READS_OWED` in a row. Set-up's sign-ins are not counted.
"""

from __future__ import annotations

from typing import Final

# The identity check, the login and each call refused with 401 (all four
# reads of a refresh and an event poll at once, at worst): at most 3 min
# without a read, once per token lifetime, while the log's door events keep
# the door sensor current.
MAX_DOOR_READS_OWED: Final = 6


class DoorReadBudget:
    """Decides, refresh by refresh, whether the door contact is read or carried over."""

    __slots__ = ("_owed", "_seen")

    def __init__(self) -> None:
        """Nothing owed; the first refresh only notes the client's count."""
        self._seen: int | None = None
        self._owed = 0

    @property
    def owed(self) -> int:
        """Door reads still to leave out."""
        return self._owed

    def skip_read(self, auth_requests: int, *, have_reading: bool) -> bool:
        """Whether this refresh leaves the door read out.

        ``auth_requests`` is the client's running count of authentication
        requests; ``have_reading`` whether a good door reading can be carried
        over.
        """
        seen, self._seen = self._seen, auth_requests
        if seen is None:
            return False
        self._owed = min(MAX_DOOR_READS_OWED, self._owed + max(auth_requests - seen, 0))
        if self._owed == 0 or not have_reading:
            return False
        self._owed -= 1
        return True
