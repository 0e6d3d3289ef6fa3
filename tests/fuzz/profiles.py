"""Hypothesis profiles for the fuzz tests and the per-parser example counter.

``quick`` runs in the default suite: few examples, derandomized so the suite is
stable. ``long`` (``HYPOTHESIS_PROFILE=long``, used by ``scripts/fuzz``) runs
``BAS_IP_FUZZ_EXAMPLES`` examples per test (``scripts/fuzz`` passes 10 000, so
every parser sees at least 10 000) with a fresh random seed each run.

The profiles are applied to the fuzz tests only (``FUZZ_SETTINGS``), not loaded
globally, so other tests that use hypothesis keep their own settings.
"""

from __future__ import annotations

from collections import Counter
import os
from typing import Final

from hypothesis import HealthCheck, settings

_HEALTH_CHECKS: Final = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "quick",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_HEALTH_CHECKS,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("BAS_IP_FUZZ_EXAMPLES", "10000")),
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=_HEALTH_CHECKS,
)


def _profile_name() -> str:
    # HYPOTHESIS_PROFILE may name a profile of another suite: fall back to quick.
    name = os.environ.get("HYPOTHESIS_PROFILE", "quick")
    return name if name in ("quick", "long") else "quick"


PROFILE_NAME: Final = _profile_name()
FUZZ_SETTINGS: Final = settings(settings.get_profile(PROFILE_NAME))

# (parser, outcome) -> number of examples run; outcome is "parsed" or "rejected".
EXAMPLES: Counter[tuple[str, str]] = Counter()
# Parsers a test module promises to fuzz: scripts/fuzz fails if one records nothing.
EXPECTED: set[str] = set()


def expect(*parsers: str) -> None:
    """Declare parsers that must show up in the example counts (call at import)."""
    EXPECTED.update(parsers)


def record(parser: str, *, parsed: bool) -> None:
    """Count one example run through ``parser``."""
    EXAMPLES[(parser, "parsed" if parsed else "rejected")] += 1
