"""Simulated BAS-IP intercoms for tests, demos and benchmarks.

``python -m simulator --help`` runs one from the command line.
"""

from .log import LOG_DIALECT_CASES, LOG_VARIANTS, LogBehaviour
from .profiles import Profile
from .server import DeviceSimulator, Fault
from .tls import self_signed_context

__all__ = [
    "LOG_DIALECT_CASES",
    "LOG_VARIANTS",
    "DeviceSimulator",
    "Fault",
    "LogBehaviour",
    "Profile",
    "self_signed_context",
]
