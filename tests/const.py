"""Values shared by the tests.

Every fixed secret of the suite is listed in ``SECRETS`` so that the
session-wide log guard in ``conftest.py`` can prove none of them leaks; secrets
a test makes up itself are registered with ``tests.conftest.register_secret``
and the simulator's own ones are learned from each device. The first five
entries keep their order (the fuzz strategies slice them).
"""

from __future__ import annotations

import hashlib

USERNAME = "admin"
PASSWORD = "Gr3en-Door#Pass"
NEW_PASSWORD = "An0ther-Door#Pass"
WRONG_PASSWORD = "n0t-The-Pa55word"
FACTORY_USERNAME = "admin"
FACTORY_PASSWORD = "123456"

# SIP passwords the simulator profiles hold (see simulator/profiles.py).
SIP_PASSWORDS = ("sip-M0nitor-Secret", "sip-Pan3l-Secret")
# RTSP passwords the simulator profiles hold (camdroid_panel; android_panel stores
# its own but answers "******").
RTSP_PASSWORDS = ("rtsp-Pan3l-Secret", "rtsp-Andr0id-Secret")


def md5_hex(value: str) -> str:
    """The digest the device login expects; a secret in its own right."""
    return hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()


# Plain secrets that must never be logged. The factory password "123456" is
# left out of the plain list (six digits occur in timestamps), but its digest
# is checked like every other.
SECRETS: tuple[str, ...] = (
    PASSWORD,
    NEW_PASSWORD,
    WRONG_PASSWORD,
    *SIP_PASSWORDS,
    *RTSP_PASSWORDS,
    *(md5_hex(p) for p in (PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, FACTORY_PASSWORD)),
    *(md5_hex(p).upper() for p in (PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, FACTORY_PASSWORD)),
)
