"""Simulated BAS-IP intercoms for tests, demos and benchmarks.

``python -m simulator --help`` runs one from the command line.
"""

from .profiles import Profile
from .server import DeviceSimulator, Fault
from .tls import self_signed_context

__all__ = ["DeviceSimulator", "Fault", "Profile", "self_signed_context"]
